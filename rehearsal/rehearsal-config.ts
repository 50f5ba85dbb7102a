import type { PoolConfig, ScalingConfig } from "../nodes/pool-config";
import type { IdentityConfig } from "../identity/identity-config";
import { ConfigObject, Problems, rules, type StringRule } from "../common/validate";

/** The last Kubernetes minor with AL2 EKS-optimized AMIs [F-35]: a rehearsal cluster may be no newer. */
export const LAST_MINOR_WITH_AL2 = 32;

/** The oldest Kubernetes minor a rehearsal accepts (AL2023 EKS AMIs are needed for the new pool too). */
export const FIRST_REHEARSAL_MINOR = 29;

/** The service CIDR the rehearsal cluster is created with (set explicitly, so nodeadm's `cidr` is known in advance). */
export const REHEARSAL_SERVICE_CIDR = "172.20.0.0/16";

/** The CIDR of the VPC a rehearsal creates when it is given no subnets. */
export const REHEARSAL_VPC_CIDR = "10.64.0.0/16";

/** The AL2 node group a rehearsal creates: the one the cutover then replaces. */
export interface RehearsalLegacyNodeGroup {
    /** The node group name; a pool's `legacyNodeGroup` must name it. */
    readonly name: string;
    /** @default ["t3.medium"] */
    readonly instanceTypes: readonly string[];
    /** @default {min: 2, desired: 3, max: 4} */
    readonly scaling: ScalingConfig;
    /** The AL2 AMI release (`1.32.9-20251209`); the latest AL2 release for the version (from SSM) when absent. */
    readonly releaseVersion?: string;
}

/** The sample workload that gives the drain and the identity steps something real to move. */
export interface RehearsalSampleWorkload {
    /** @default "rehearsal" */
    readonly namespace: string;
    /** The Deployment's name (and its pods' `app` label). @default "sample-app" */
    readonly name: string;
    /** The service account the pods run as; a `serviceAccounts` entry must bind it. @default "sample-app" */
    readonly serviceAccount: string;
    /** @default 3 */
    readonly replicas: number;
    /** The PodDisruptionBudget's `minAvailable`, below `replicas` so a drain can evict one pod at a time. @default 2 */
    readonly minAvailable: number;
    /** The S3 bucket the stack creates and the pods list (globally unique name: the account id helps). */
    readonly bucketName: string;
    /** The container image; it needs the `aws` CLI and a shell. @default "public.ecr.aws/aws-cli/aws-cli:2.22.0" */
    readonly image: string;
}

/**
 * Rehearsal mode: the stack creates a disposable EKS cluster (`clusterName`) with an AL2 managed node group and a
 * sample workload, then runs the same cutover against it. Off when `rehearsal` is absent or `enabled: false`.
 */
export interface RehearsalConfig {
    /** Kubernetes `1.<minor>`, at most 1.32 (the last with AL2 AMIs). @default "1.32" */
    readonly kubernetesVersion: string;
    /** Existing subnets (at least 2, in 2 AZs, with a route to the internet) and their VPC; absent: a VPC is created. */
    readonly network?: { readonly vpcId: string; readonly subnetIds: readonly string[] };
    readonly legacyNodeGroup: RehearsalLegacyNodeGroup;
    readonly sampleWorkload: RehearsalSampleWorkload;
}

/** Top-level config keys this module reads. */
export const REHEARSAL_KEYS = ["rehearsal"] as const;

const KEYS = ["enabled", "kubernetesVersion", "vpcId", "subnetIds", "legacyNodeGroup", "sampleWorkload"] as const;
const LEGACY_KEYS = ["name", "instanceTypes", "scaling", "releaseVersion"] as const;
const WORKLOAD_KEYS = ["namespace", "name", "serviceAccount", "replicas", "minAvailable", "bucketName", "image"];

const vpcId: StringRule = { pattern: /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, patternText: "a VPC id such as vpc-0123abcd" };
const instanceType: StringRule = {
    pattern: /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/,
    patternText: "an EC2 instance type such as t3.medium",
};
const releaseVersion: StringRule = {
    pattern: /^1\.\d+\.\d+-\d{8}$/,
    patternText: "an EKS AMI release version such as 1.32.9-20251209",
};
/** S3 general purpose bucket names: 3-63 lowercase letters, digits, '-' and '.', starting and ending alphanumeric. */
const bucketName: StringRule = {
    pattern: /^(?=.{3,63}$)[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
    patternText: "an S3 bucket name: 3-63 lowercase letters, digits, '-' or '.', starting and ending alphanumeric",
};
const image: StringRule = { pattern: /^\S+$/, patternText: "a container image reference without spaces" };

/** `rehearsal.kubernetesVersion`: "1.<minor>" within the versions that have both AL2 and AL2023 EKS AMIs. */
function parseVersion(rehearsal: ConfigObject): string {
    const version = rehearsal.string("kubernetesVersion") ?? `1.${LAST_MINOR_WITH_AL2}`;
    const minor = /^1\.(\d+)$/.exec(version);
    if (minor === null || Number(minor[1]) < FIRST_REHEARSAL_MINOR || Number(minor[1]) > LAST_MINOR_WITH_AL2) {
        rehearsal.problems.add(
            rehearsal.key("kubernetesVersion"),
            version,
            `allowed: "1.${FIRST_REHEARSAL_MINOR}" to "1.${LAST_MINOR_WITH_AL2}" (1.${LAST_MINOR_WITH_AL2} is the ` +
                "last Kubernetes version with AL2 AMIs)",
        );
    }
    return version;
}

function parseScaling(legacy: ConfigObject): ScalingConfig {
    const scaling = legacy.object("scaling");
    if (scaling === undefined) return { min: 2, desired: 3, max: 4 };
    scaling.onlyKeys(["min", "desired", "max"]);
    const read = (field: "min" | "desired" | "max", fallback: number) =>
        scaling.integer(field, field === "max" ? 1 : 0, 20, "nodes") ?? fallback;
    const sizes = { min: read("min", 2), desired: read("desired", 3), max: read("max", 4) };
    if (sizes.min > sizes.desired) scaling.problems.add(scaling.key("min"), sizes.min, "must not exceed desired");
    if (sizes.desired > sizes.max) scaling.problems.add(scaling.key("desired"), sizes.desired, "must not exceed max");
    return sizes;
}

function parseLegacy(rehearsal: ConfigObject): RehearsalLegacyNodeGroup | undefined {
    const legacy = rehearsal.object("legacyNodeGroup");
    if (legacy === undefined) {
        if (!rehearsal.has("legacyNodeGroup")) {
            rehearsal.problems.addMessage(rehearsal.key("legacyNodeGroup"), "is required: { name, instanceTypes? }");
        }
        return undefined;
    }
    legacy.onlyKeys(LEGACY_KEYS);
    const name = legacy.string("name", { ...rules.eksNodeGroupName, required: true });
    const instanceTypes = legacy.stringList("instanceTypes", { ...instanceType, minItems: 1, maxItems: 5 });
    const scaling = parseScaling(legacy);
    const release = legacy.string("releaseVersion", releaseVersion);
    if (name === undefined) return undefined;
    return {
        name,
        instanceTypes: instanceTypes ?? ["t3.medium"],
        scaling,
        ...(release !== undefined && { releaseVersion: release }),
    };
}

function parseWorkload(rehearsal: ConfigObject): RehearsalSampleWorkload | undefined {
    const workload = rehearsal.object("sampleWorkload");
    if (workload === undefined) {
        if (!rehearsal.has("sampleWorkload")) {
            rehearsal.problems.addMessage(rehearsal.key("sampleWorkload"), "is required: { bucketName, ... }");
        }
        return undefined;
    }
    workload.onlyKeys(WORKLOAD_KEYS);
    const replicas = workload.integer("replicas", 2, 20, "pods") ?? 3;
    const minAvailable = workload.integer("minAvailable", 1, 19, "pods") ?? 2;
    if (minAvailable >= replicas) {
        workload.problems.add(
            workload.key("minAvailable"),
            minAvailable,
            `must be below replicas (${replicas}), or the drain could never evict a pod`,
        );
    }
    const bucket = workload.string("bucketName", { ...bucketName, required: true });
    if (bucket === undefined) return undefined;
    return {
        namespace: workload.string("namespace", rules.dns1123Label) ?? "rehearsal",
        name: workload.string("name", rules.dns1123Label) ?? "sample-app",
        serviceAccount: workload.string("serviceAccount", rules.dns1123Subdomain) ?? "sample-app",
        replicas,
        minAvailable,
        bucketName: bucket,
        image: workload.string("image", image) ?? "public.ecr.aws/aws-cli/aws-cli:2.22.0",
    };
}

/**
 * Reads `rehearsal` (absent or `enabled: false`: undefined). Problems are recorded on `problems` with the full key,
 * the bad value and what is allowed. `vpcId` and `subnetIds` come together or not at all.
 */
export function parseRehearsalConfig(root: ConfigObject, problems: Problems): RehearsalConfig | undefined {
    const rehearsal = root.object("rehearsal");
    if (rehearsal === undefined) return undefined;
    rehearsal.onlyKeys(KEYS);
    if (!(rehearsal.boolean("enabled") ?? true)) return undefined;
    const before = problems.count;
    const kubernetesVersion = parseVersion(rehearsal);
    const beforeNetwork = problems.count;
    const vpc = rehearsal.string("vpcId", vpcId);
    const subnetIds = rehearsal.stringList("subnetIds", { ...rules.subnetId, minItems: 2, maxItems: 16 });
    // Only when both read cleanly: a malformed one is reported already.
    if ((vpc === undefined) !== (subnetIds === undefined) && problems.count === beforeNetwork) {
        const [missing, given] = vpc === undefined ? ["vpcId", "subnetIds"] : ["subnetIds", "vpcId"];
        problems.addMessage(rehearsal.key(missing), `is required with ${given} (or leave out both to create a VPC)`);
    }
    const legacyNodeGroup = parseLegacy(rehearsal);
    const sampleWorkload = parseWorkload(rehearsal);
    if (problems.count > before || legacyNodeGroup === undefined || sampleWorkload === undefined) return undefined;
    return {
        kubernetesVersion,
        ...(vpc !== undefined && subnetIds !== undefined && { network: { vpcId: vpc, subnetIds } }),
        legacyNodeGroup,
        sampleWorkload,
    };
}

/**
 * Checks that the rehearsal is wired to the cutover and identity features: a pool replaces its AL2 node group, a
 * `serviceAccounts` entry binds the sample service account (IRSA, existing account, restarting the sample
 * Deployment), and the IAM OIDC provider is not created a second time (the cluster creates it).
 */
export function checkRehearsalWiring(
    rehearsal: RehearsalConfig,
    pools: readonly Pick<PoolConfig, "legacyNodeGroup">[],
    identity: IdentityConfig,
    problems: Problems,
): void {
    const legacy = rehearsal.legacyNodeGroup.name;
    if (!pools.some((pool) => pool.legacyNodeGroup === legacy)) {
        problems.add("rehearsal.legacyNodeGroup.name", legacy, "a pool's legacyNodeGroup must name it");
    }
    const workload = rehearsal.sampleWorkload;
    const account = identity.serviceAccounts.find(
        (sa) => sa.namespace === workload.namespace && sa.name === workload.serviceAccount,
    );
    const wanted = `${workload.namespace}/${workload.serviceAccount}`;
    if (account === undefined) {
        problems.add(
            "rehearsal.sampleWorkload.serviceAccount",
            workload.serviceAccount,
            `bind ${wanted} in serviceAccounts`,
        );
    } else if (account.create || !account.restart.some((t) => t.kind === "Deployment" && t.name === workload.name)) {
        problems.addMessage(
            "serviceAccounts",
            `the entry for ${wanted} must have create: false (the rehearsal creates the service account) and ` +
                `restart the Deployment ${workload.name}`,
        );
    }
    if (identity.oidcProvider.create) {
        problems.add("oidcProvider.create", true, "in rehearsal mode the cluster creates its IAM OIDC provider");
    }
}
