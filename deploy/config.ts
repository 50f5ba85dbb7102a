import * as pulumi from "@pulumi/pulumi";
import { parseConfigValue } from "../config/config";
import { ConfigObject, Problems, rules } from "../common/validate";

/** The deploy program's project name; its config keys are `eks-al2023-migration-deploy:<key>`. */
export const DEPLOY_PROJECT = "eks-al2023-migration-deploy";

/** The migration program's stacks this program wires up, in promotion order. */
export const ENVIRONMENTS = ["dev", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** One AWS account + cluster the migration program deploys to. */
export interface EnvironmentConfig {
    /** The migration program's stack name (`dev`, `prod`). */
    readonly name: EnvironmentName;
    /** 12-digit AWS account id, as a string. */
    readonly accountId: string;
    /** AWS region of the cluster, e.g. `eu-west-1`. */
    readonly region: string;
    /** ARN partition derived from the region (`aws`, `aws-cn`, `aws-us-gov`). */
    readonly partition: string;
    /** The EKS cluster the stack migrates. */
    readonly clusterName: string;
    /**
     * IAM roles and customer policies the stack creates are named with this prefix; the deploy role may manage only
     * those, and pass `<prefix>*node*` roles (plus `nodeRoleArns`) to EKS. @default "<clusterName>-"
     */
    readonly roleNamePrefix: string;
    /** The stack creates the cluster's IAM OIDC provider for IRSA (`oidcProvider.create`). @default false */
    readonly createClusterOidcProvider: boolean;
    /**
     * Grant the deploy role Kubernetes access with an EKS access entry + AmazonEKSClusterAdminPolicy (cordon, drain,
     * service accounts). Needs authentication mode API or API_AND_CONFIG_MAP; set false to map the role in `aws-auth`
     * yourself. @default true
     */
    readonly kubernetesAccessEntry: boolean;
    /** A role the platform team's credentials assume in this account to run the bootstrap; ambient when absent. */
    readonly bootstrapRoleArn?: string;
    /**
     * Node roles (IAM role ARNs in this account) the deploy role may pass to EKS besides `<roleNamePrefix>*node*`:
     * the AL2023 node groups reuse the legacy AL2 node group's role by default, and existing roles are often named
     * otherwise (eksctl: `eksctl-<cluster>-nodegroup-...-NodeInstanceRole-...`). @default []
     */
    readonly nodeRoleArns: readonly string[];
}

/** The whole validated config of the deploy program. */
export interface DeployConfig {
    /** Pulumi Cloud organization that owns the stacks (OIDC audience; case-sensitive). */
    readonly organization: string;
    /** GitHub repository `owner/name` holding the migration program. */
    readonly repository: string;
    /** Branch whose merges deploy. @default "main" */
    readonly branch: string;
    readonly environments: Readonly<Record<EnvironmentName, EnvironmentConfig>>;
}

/** Pulumi organization names: letters, digits, '-', '_' and '.', starting alphanumeric, at most 40. */
const organizationRule = {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
    patternText: "a Pulumi organization name such as acme (letters, digits, '-', '_', '.'; at most 40)",
};
const repositoryRule = {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
    patternText: "a GitHub repository as owner/name, such as acme/eks-al2023-migration",
};
const branchRule = { pattern: /^[A-Za-z0-9._/-]{1,200}$/, patternText: "a git branch name such as main" };
const accountIdRule = {
    pattern: /^\d{12}$/,
    patternText: 'a 12-digit AWS account id in quotes, such as "111122223333"',
};
const regionRule = {
    pattern: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/,
    patternText: "an AWS region such as eu-west-1",
};
const rolePrefixRule = { pattern: /^[\w+=,.@-]{1,40}$/, patternText: "an IAM role name prefix such as shop-dev-" };

const TOP_KEYS = ["organization", "repository", "branch", "environments"] as const;
const ENVIRONMENT_KEYS = [
    "accountId",
    "region",
    "clusterName",
    "roleNamePrefix",
    "createClusterOidcProvider",
    "kubernetesAccessEntry",
    "bootstrapRoleArn",
    "nodeRoleArns",
] as const;

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

function parseEnvironment(name: EnvironmentName, env: ConfigObject): EnvironmentConfig | undefined {
    env.onlyKeys(ENVIRONMENT_KEYS);
    const before = env.problems.count;
    const rawAccount = env.value.accountId;
    const accountId =
        typeof rawAccount === "number"
            ? (env.problems.add(env.key("accountId"), rawAccount, accountIdRule.patternText), undefined)
            : env.string("accountId", { ...accountIdRule, required: true });
    const region = env.string("region", { ...regionRule, required: true });
    const clusterName = env.string("clusterName", { ...rules.eksClusterName, required: true });
    const roleNamePrefix = env.string("roleNamePrefix", rolePrefixRule);
    const createClusterOidcProvider = env.boolean("createClusterOidcProvider") ?? false;
    const kubernetesAccessEntry = env.boolean("kubernetesAccessEntry") ?? true;
    const bootstrapRoleArn = env.string("bootstrapRoleArn", rules.iamRoleArn);
    const nodeRoleArns = env.stringList("nodeRoleArns", rules.iamRoleArn) ?? [];
    const rawNodeRoles = env.value.nodeRoleArns;
    if (accountId !== undefined && region !== undefined && Array.isArray(rawNodeRoles)) {
        // PassRole is granted in this account only: a role ARN of another account or partition would never match.
        const inAccount = `arn:${partitionOf(region)}:iam::${accountId}:role/`;
        rawNodeRoles.forEach((arn: unknown, i) => {
            if (typeof arn === "string" && rules.iamRoleArn.pattern.test(arn) && !arn.startsWith(inAccount)) {
                env.problems.add(
                    `${env.key("nodeRoleArns")}[${i}]`,
                    arn,
                    `expected a role of this environment's account: ${inAccount}<name>`,
                );
            }
        });
    }
    if (env.problems.count > before) return undefined;
    return {
        name,
        accountId: accountId!,
        region: region!,
        partition: partitionOf(region!),
        clusterName: clusterName!,
        roleNamePrefix: roleNamePrefix ?? `${clusterName}-`,
        createClusterOidcProvider,
        kubernetesAccessEntry,
        ...(bootstrapRoleArn === undefined ? {} : { bootstrapRoleArn }),
        nodeRoleArns,
    };
}

/**
 * Validates the deploy program's raw config (keys without the project prefix, objects already parsed). Every problem
 * is collected and thrown once as a ConfigError naming the key, the bad value and what is allowed.
 */
export function parseDeployConfig(raw: Readonly<Record<string, unknown>>): DeployConfig {
    const problems = new Problems();
    const root = ConfigObject.from("", raw, problems);
    if (root === undefined) {
        problems.throwIfAny();
        throw new Error("unreachable: a non-object config was reported above");
    }
    root.onlyKeys(TOP_KEYS);
    const organization = root.string("organization", { ...organizationRule, required: true });
    const repository = root.string("repository", { ...repositoryRule, required: true });
    const branch = root.string("branch", branchRule) ?? "main";
    const environments: Partial<Record<EnvironmentName, EnvironmentConfig>> = {};
    const envs = root.object("environments");
    if (envs === undefined && !root.has("environments")) {
        problems.addMessage("environments", `is required: an object with the keys ${ENVIRONMENTS.join(", ")}`);
    }
    if (envs !== undefined) {
        envs.onlyKeys(ENVIRONMENTS);
        for (const name of ENVIRONMENTS) {
            const env = envs.object(name);
            if (env === undefined) {
                if (!envs.has(name)) problems.addMessage(envs.key(name), "is required");
                continue;
            }
            const parsed = parseEnvironment(name, env);
            if (parsed !== undefined) environments[name] = parsed;
        }
    }
    problems.throwIfAny();
    return {
        organization: organization!,
        repository: repository!,
        branch,
        environments: environments as Record<EnvironmentName, EnvironmentConfig>,
    };
}

/** Reads every `eks-al2023-migration-deploy:*` key of the current stack (unknown ones too, so typos are reported). */
export function readDeployConfig(): DeployConfig {
    const prefix = `${DEPLOY_PROJECT}:`;
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        raw[key] = key === "environments" ? parseConfigValue(text) : text;
    }
    return parseDeployConfig(raw);
}
