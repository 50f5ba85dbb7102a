import * as pulumi from "@pulumi/pulumi";
import * as v from "valibot";
import { ConfigError, notAllowedText } from "../common/config-error";
import { problemLines } from "../common/config-issues";
import { rules } from "../common/name-rules";
import * as kit from "../common/schema-kit";
import { parseConfigValue } from "../config/read-config";

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

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** PassRole is granted in this account only: a role ARN of another account or partition would never match. */
const nodeRolesInAccount: kit.CrossCheck = (env, addIssue) => {
    if (!kit.isPlainObject(env)) return;
    const { accountId, region, nodeRoleArns } = env;
    if (typeof accountId !== "string" || !accountIdRule.pattern.test(accountId)) return;
    if (typeof region !== "string" || !regionRule.pattern.test(region) || !Array.isArray(nodeRoleArns)) return;
    const inAccount = `arn:${partitionOf(region)}:iam::${accountId}:role/`;
    nodeRoleArns.forEach((arn: unknown, i) => {
        if (typeof arn !== "string" || !rules.iamRoleArn.pattern.test(arn) || arn.startsWith(inAccount)) return;
        addIssue({
            input: arn,
            message: notAllowedText(arn, `expected a role of this environment's account: ${inAccount}<name>`),
            path: [kit.pathItem(env, "nodeRoleArns", nodeRoleArns), kit.pathItem(nodeRoleArns, i, arn)],
        });
    });
};

const environmentSchema = kit.checked(
    kit.strictObject({
        // A number would lose leading zeros: an account id is written in quotes.
        accountId: v.pipe(
            v.string(kit.notAllowed(accountIdRule.patternText)),
            v.check((id) => accountIdRule.pattern.test(id), kit.notAllowed(`expected ${accountIdRule.patternText}`)),
        ),
        region: kit.str(regionRule),
        clusterName: kit.str(rules.eksClusterName),
        roleNamePrefix: v.nullish(kit.str(rolePrefixRule)),
        createClusterOidcProvider: v.nullish(kit.bool(), false),
        kubernetesAccessEntry: v.nullish(kit.bool(), true),
        bootstrapRoleArn: v.nullish(kit.str(rules.iamRoleArn)),
        nodeRoleArns: v.nullish(kit.stringList(rules.iamRoleArn), []),
    }),
    nodeRolesInAccount,
);

const deploySchema = kit.strictObject(
    {
        organization: kit.str(organizationRule),
        repository: kit.str(repositoryRule),
        branch: v.nullish(kit.str(branchRule), "main"),
        environments: kit.strictObject({ dev: environmentSchema, prod: environmentSchema }),
    },
    { required: { environments: `is required: an object with the keys ${ENVIRONMENTS.join(", ")}` } },
);

/**
 * Validates the deploy program's raw config (keys without the project prefix, objects already parsed). Every problem
 * is collected and thrown once as a ConfigError naming the key, the bad value and what is allowed.
 */
export function parseDeployConfig(raw: Readonly<Record<string, unknown>>): DeployConfig {
    const result = v.safeParse(deploySchema, raw);
    if (!result.success) throw new ConfigError(problemLines(result.issues));
    const { environments, ...config } = result.output;
    const environment = (name: EnvironmentName): EnvironmentConfig => {
        const { roleNamePrefix, ...env } = environments[name];
        return {
            name,
            ...env,
            partition: partitionOf(env.region),
            roleNamePrefix: roleNamePrefix ?? `${env.clusterName}-`,
        };
    };
    return { ...config, environments: { dev: environment("dev"), prod: environment("prod") } };
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
