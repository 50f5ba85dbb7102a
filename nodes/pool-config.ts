import { KUBELET_CONFIGURATION_KEYS } from "./nodeadm-user-data";
import { CUTOVER_PHASES, type CutoverPhase } from "../cutover/phases";
import { checkString, ConfigObject, Problems, rules, type StringRule } from "../common/validate";

/** The AL2023 AMI types a managed node group accepts (EKS API `AMITypes`). */
export const AL2023_AMI_TYPES = [
    "AL2023_x86_64_STANDARD",
    "AL2023_ARM_64_STANDARD",
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
    "AL2023_x86_64_NEURON",
] as const;
export type Al2023AmiType = (typeof AL2023_AMI_TYPES)[number];

/** Taint effects as the EKS node group API spells them. */
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

/** A Kubernetes taint as the EKS node group API spells it. */
export interface NodeTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: (typeof TAINT_EFFECTS)[number];
}

/** Node group sizes (EKS `NodegroupScalingConfig`: min ≥ 0, desired ≥ 0, max ≥ 1, min ≤ desired ≤ max). */
export interface ScalingConfig {
    readonly min: number;
    readonly desired: number;
    readonly max: number;
}

/** The root EBS volume, always gp3 and encrypted. */
export interface RootVolumeConfig {
    /** @default 20 (GiB) */
    readonly sizeGiB: number;
    /** @default "gp3" */
    readonly type: "gp3";
    /** @default 3000 (gp3 baseline) */
    readonly iops: number;
    /** @default 125 (MiB/s, gp3 baseline) */
    readonly throughput: number;
    /** KMS key ARN, alias ARN or `alias/<name>`; the account's default EBS key when absent. */
    readonly kmsKeyId?: string;
}

/** kubelet settings that nodeadm understands (NodeConfig `spec.kubelet`). */
export interface KubeletConfig {
    /** `spec.kubelet.config.maxPods`. */
    readonly maxPods?: number;
    /** `spec.kubelet.flags`, one flag per item, e.g. `--image-gc-high-threshold=80`. @default [] */
    readonly flags: readonly string[];
    /** Extra KubeletConfiguration fields merged into `spec.kubelet.config`. @default {} */
    readonly config: Readonly<Record<string, unknown>>;
}

/** One AL2023 node pool, optionally replacing one AL2 managed node group. */
export interface PoolConfig {
    /** Identifies the pool; resource names derive from it (lowercase DNS-1123 label, at most 36 characters). */
    readonly name: string;
    /** The AL2 managed node group this pool replaces; absent for a greenfield pool (no cutover). */
    readonly legacyNodeGroup?: string;
    /** This pool's cutover phase, overriding the stack's `cutoverPhase`. */
    readonly phase?: CutoverPhase;
    /** Nodes in the `canary` phase (1 to `scaling.max`). @default 1 */
    readonly canarySize: number;
    /** The cluster autoscaler owns the desired size within a phase. @default false */
    readonly autoscaled: boolean;
    /**
     * Allow `drain` and `decommission` although the AL2023 pool's full size is below the AL2 node group's size at
     * adoption (for example fewer, larger instances). @default false
     */
    readonly acceptReducedCapacity: boolean;
    /** @default "AL2023_x86_64_STANDARD" (ignored for the node group when `customAmi` is set) */
    readonly amiType: Al2023AmiType;
    /** A pinned AL2023 AMI id; the launch template then carries it and a complete NodeConfig. */
    readonly customAmi?: string;
    /** @default ["m6i.large"] */
    readonly instanceTypes: readonly string[];
    /** @default "ON_DEMAND" */
    readonly capacityType: "ON_DEMAND" | "SPOT";
    /** The pool's full size. */
    readonly scaling: ScalingConfig;
    /** Exactly one of the two (config keys `maxUnavailable`, `maxUnavailablePercentage`); @default { maxUnavailable: 1 } */
    readonly update: { readonly maxUnavailable?: number; readonly maxUnavailablePercentage?: number };
    /** Subnets for the nodes; default: the legacy node group's subnets. Required for greenfield pools. */
    readonly subnetIds?: readonly string[];
    /** Kubernetes labels on the nodes. @default {} */
    readonly labels: Readonly<Record<string, string>>;
    /** Kubernetes taints on the nodes. @default [] */
    readonly taints: readonly NodeTaint[];
    readonly rootVolume: RootVolumeConfig;
    /** IMDS hop limit: 2 lets pods reach the node role through IMDS, 1 blocks them. @default { hopLimit: 2 } */
    readonly imds: { readonly hopLimit: number };
    /** Extra security groups; the cluster security group is always added with them. @default [] */
    readonly securityGroupIds: readonly string[];
    /** The node IAM role; default: the legacy node group's role, else one the stack creates. */
    readonly nodeRoleArn?: string;
    readonly kubelet: KubeletConfig;
    /** Shell scripts run by cloud-init before nodeadm starts kubelet (`text/x-shellscript` parts). @default [] */
    readonly preBootstrapScripts: readonly string[];
    /** Tags on the node group and, through the launch template, on instances, volumes and ENIs. @default {} */
    readonly tags: Readonly<Record<string, string>>;
}

/** Keys a pool may hold. */
const POOL_FIELDS = [
    "name",
    "legacyNodeGroup",
    "phase",
    "canarySize",
    "autoscaled",
    "acceptReducedCapacity",
    "amiType",
    "customAmi",
    "instanceTypes",
    "capacityType",
    "scaling",
    "maxUnavailable",
    "maxUnavailablePercentage",
    "subnetIds",
    "labels",
    "taints",
    "rootVolume",
    "imds",
    "securityGroupIds",
    "nodeRoleArn",
    "kubelet",
    "preBootstrapScripts",
    "tags",
] as const;

/**
 * Longest pool name. The node group is auto-named `<name>-<26-character unique suffix>` (the provider's
 * `nodeGroupNamePrefix`, Terraform's `PrefixedUniqueId`), and EKS allows 63 characters: 63 - 26 - 1 = 36.
 * The launch template (`<name>-<suffix>`, 128 allowed) and IAM role names then fit as well.
 */
export const MAX_POOL_NAME_LENGTH = 36;

/**
 * The root snapshot size of the AL2023 EKS-optimized AMIs (20 GiB, the managed node group `diskSize` default; the
 * AMI build's root volume size). EC2 rejects a root volume smaller than the AMI's snapshot. For a `customAmi` the
 * same minimum is assumed (its snapshot size cannot be read before deployment).
 */
export const AL2023_ROOT_SNAPSHOT_GIB = 20;

/** Tag keys the program sets itself on every resource; users may not set them. */
export const RESERVED_TAG_PREFIX = "eks-al2023-migration/";

const poolName: StringRule = {
    pattern: new RegExp(`^(?=.{1,${MAX_POOL_NAME_LENGTH}}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$`),
    patternText: `lowercase letters, digits and '-', starting and ending alphanumeric, at most ${MAX_POOL_NAME_LENGTH} characters (the node group name <name>-<26-character suffix> must fit EKS's 63)`,
};

/** EC2 instance type names: family (with optional generation options) "." size, e.g. m6i.large, u-6tb1.metal. */
const instanceType: StringRule = {
    pattern: /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/,
    patternText: "an EC2 instance type such as m6i.large or m7g.2xlarge",
};

/** KMS key ARN, alias ARN, or alias name (LaunchTemplateEbsBlockDeviceRequest `KmsKeyId`). */
const kmsKey: StringRule = {
    pattern:
        /^(arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)|alias\/[A-Za-z0-9/_-]+)$/,
    patternText: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>",
};

/** The name part of a Kubernetes qualified name (label and taint keys), and a label value when not empty. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = rules.dns1123Subdomain.pattern;

/** Whether `key` is a Kubernetes label key: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63 characters. */
export function isLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    if (slash === -1) return QUALIFIED_NAME.test(key);
    return DNS_SUBDOMAIN.test(key.slice(0, slash)) && QUALIFIED_NAME.test(key.slice(slash + 1));
}

/** Whether `value` is a Kubernetes label value: empty, or ≤ 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
    return value === "" || QUALIFIED_NAME.test(value);
}

const LABEL_KEY_TEXT =
    "a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric";
const LABEL_VALUE_TEXT =
    "a Kubernetes label value: empty or at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric";

/**
 * Checks AWS tags: at most 50, keys 1-128 characters, values at most 256, no `aws:` prefix (reserved by AWS), no
 * `eks-al2023-migration/` prefix (set by the program). Records problems under `key`.
 */
export function checkTags(key: string, tags: Readonly<Record<string, string>>, problems: Problems): void {
    const entries = Object.entries(tags);
    if (entries.length > 50) problems.add(key, `${entries.length} tags`, "at most 50 tags per resource");
    for (const [tagKey, value] of entries) {
        if (tagKey.length < 1 || tagKey.length > 128) {
            problems.add(`${key}.${tagKey}`, tagKey, "tag keys have 1 to 128 characters");
        } else if (tagKey.toLowerCase().startsWith("aws:")) {
            problems.add(`${key}.${tagKey}`, tagKey, 'tag keys starting with "aws:" are reserved by AWS');
        } else if (tagKey.startsWith(RESERVED_TAG_PREFIX)) {
            problems.add(
                `${key}.${tagKey}`,
                tagKey,
                `tag keys starting with "${RESERVED_TAG_PREFIX}" are set by this program`,
            );
        }
        if (value.length > 256) problems.add(`${key}.${tagKey}`, value, "tag values have at most 256 characters");
    }
}

/**
 * Warnings about valid but risky pool settings, for the program to print with `pulumi.log.warn`.
 * Hop limit above 2: every extra hop lets more network namespaces (nested containers) reach the node role.
 */
export function poolWarnings(pools: readonly PoolConfig[]): string[] {
    return pools
        .map((pool, i) => ({ pool, key: `pools[${i}].imds.hopLimit` }))
        .filter(({ pool }) => pool.imds.hopLimit > 2)
        .map(
            ({ pool, key }) =>
                `${key}: ${pool.imds.hopLimit} lets containers behind more than one network hop reach the node role's credentials through IMDS; 2 is enough for pods, 1 blocks them`,
        );
}

/** Validates `pools`, recording every problem; returns the pools that could be read. */
export function parsePools(root: ConfigObject, problems: Problems): PoolConfig[] {
    const items = root.objectList("pools");
    if (items === undefined) {
        if (!root.has("pools")) problems.addMessage("pools", "is required: a list with at least one pool");
        return [];
    }
    if (items.length === 0 && root.list("pools")?.length === 0) problems.add("pools", [], "needs at least one pool");
    const pools = items.map((item) => parsePool(item, problems)).filter((pool): pool is PoolConfig => !!pool);

    const seenNames = new Map<string, string>();
    const seenLegacy = new Map<string, string>();
    items.forEach((item) => {
        for (const [field, seen] of [
            ["name", seenNames],
            ["legacyNodeGroup", seenLegacy],
        ] as const) {
            const value = item.value[field];
            if (typeof value !== "string") continue;
            const first = seen.get(value);
            if (first !== undefined) {
                problems.add(item.key(field), value, `each pool needs its own ${field} (${first} has it already)`);
            } else {
                seen.set(value, item.key(field));
            }
        }
    });
    return pools;
}

/** Reads one pool; returns undefined when a required part could not be read (the problem is recorded). */
function parsePool(pool: ConfigObject, problems: Problems): PoolConfig | undefined {
    pool.onlyKeys(POOL_FIELDS);
    const before = problems.count;

    const name = pool.string("name", { ...poolName, required: true });
    const legacyNodeGroup = pool.string("legacyNodeGroup", rules.eksNodeGroupName);
    const phase = pool.oneOf("phase", CUTOVER_PHASES);
    const autoscaled = pool.boolean("autoscaled") ?? false;
    const acceptReducedCapacity = pool.boolean("acceptReducedCapacity") ?? false;

    const customAmi = pool.string("customAmi", rules.amiId);
    const amiType = parseAmiType(pool, customAmi);

    const instanceTypes = pool.stringList("instanceTypes", { ...instanceType, minItems: 1, maxItems: 20 });
    const capacityType = pool.oneOf("capacityType", ["ON_DEMAND", "SPOT"] as const) ?? "ON_DEMAND";
    const scaling = parseScaling(pool);
    const canarySize = parseCanarySize(pool, scaling);
    const update = parseUpdate(pool);

    const subnetIds = pool.stringList("subnetIds", { ...rules.subnetId, minItems: 1, maxItems: 16 });
    if (!pool.has("subnetIds") && !pool.has("legacyNodeGroup")) {
        problems.add(
            pool.key("subnetIds"),
            undefined,
            "required for a pool without legacyNodeGroup (there is no legacy node group to take the subnets from)",
        );
    }
    const securityGroupIds = pool.stringList("securityGroupIds", rules.securityGroupId) ?? [];
    const nodeRoleArn = pool.string("nodeRoleArn", rules.iamRoleArn);

    const labels = parseLabels(pool);
    const taints = parseTaints(pool);
    const rootVolume = parseRootVolume(pool);
    const imds = parseImds(pool);
    const kubelet = parseKubelet(pool);
    const preBootstrapScripts = parseScripts(pool);
    const tags = pool.stringMap("tags") ?? {};
    checkTags(pool.key("tags"), tags, problems);

    if (problems.count > before || name === undefined || scaling === undefined) return undefined;
    return {
        name,
        ...(legacyNodeGroup !== undefined && { legacyNodeGroup }),
        ...(phase !== undefined && { phase }),
        canarySize: canarySize ?? 1,
        autoscaled,
        acceptReducedCapacity,
        amiType: amiType ?? "AL2023_x86_64_STANDARD",
        ...(customAmi !== undefined && { customAmi }),
        instanceTypes: instanceTypes ?? ["m6i.large"],
        capacityType,
        scaling,
        update,
        ...(subnetIds !== undefined && { subnetIds }),
        labels,
        taints,
        rootVolume: rootVolume!,
        imds,
        securityGroupIds,
        ...(nodeRoleArn !== undefined && { nodeRoleArn }),
        kubelet: kubelet!,
        preBootstrapScripts,
        tags,
    };
}

function parseAmiType(pool: ConfigObject, customAmi: string | undefined): Al2023AmiType | undefined {
    const raw = pool.value.amiType;
    if (customAmi !== undefined && pool.has("amiType")) {
        pool.problems.add(
            pool.key("amiType"),
            raw,
            "not allowed together with customAmi (with an image id in the launch template the node group sets no amiType); remove one",
        );
        return undefined;
    }
    if (typeof raw === "string" && raw.startsWith("AL2_")) {
        pool.problems.add(
            pool.key("amiType"),
            raw,
            `AL2 AMI types are not allowed (this program moves nodes to AL2023); allowed: ${AL2023_AMI_TYPES.join(", ")}`,
        );
        return undefined;
    }
    return pool.oneOf("amiType", AL2023_AMI_TYPES);
}

/** Upper bound for node counts: a sanity limit on typos (EKS's per-node-group quota is lower), not an API rule. */
const MAX_NODES = 10_000;

function parseScaling(pool: ConfigObject): ScalingConfig | undefined {
    const scaling = pool.object("scaling");
    if (scaling === undefined) {
        if (!pool.has("scaling")) pool.problems.addMessage(pool.key("scaling"), "is required: { min, desired, max }");
        return undefined;
    }
    scaling.onlyKeys(["min", "desired", "max"]);
    const [min, desired, max] = (["min", "desired", "max"] as const).map((field) => {
        if (!scaling.has(field)) scaling.problems.addMessage(scaling.key(field), "is required");
        return scaling.integer(field, field === "max" ? 1 : 0, MAX_NODES, "nodes");
    });
    if (min === undefined || desired === undefined || max === undefined) return undefined;
    if (min > desired) {
        pool.problems.add(scaling.key("min"), min, `must not exceed scaling.desired (${desired})`);
        return undefined;
    }
    if (desired > max) {
        pool.problems.add(scaling.key("desired"), desired, `must not exceed scaling.max (${max})`);
        return undefined;
    }
    return { min, desired, max };
}

function parseCanarySize(pool: ConfigObject, scaling: ScalingConfig | undefined): number | undefined {
    return pool.integer("canarySize", 1, scaling?.max ?? MAX_NODES, scaling ? "nodes (at most scaling.max)" : "nodes");
}

function parseUpdate(pool: ConfigObject): PoolConfig["update"] {
    const maxUnavailable = pool.integer("maxUnavailable", 1, 100, "nodes");
    const maxUnavailablePercentage = pool.integer("maxUnavailablePercentage", 1, 100, "percent");
    if (pool.has("maxUnavailable") && pool.has("maxUnavailablePercentage")) {
        pool.problems.add(
            pool.key("maxUnavailablePercentage"),
            pool.value.maxUnavailablePercentage,
            "set either maxUnavailable or maxUnavailablePercentage, not both (EKS NodegroupUpdateConfig)",
        );
    }
    if (maxUnavailablePercentage !== undefined) return { maxUnavailablePercentage };
    return { maxUnavailable: maxUnavailable ?? 1 };
}

function parseLabels(pool: ConfigObject): Record<string, string> {
    const labels = pool.stringMap("labels") ?? {};
    for (const [key, value] of Object.entries(labels)) {
        if (!isLabelKey(key)) pool.problems.add(pool.key(`labels.${key}`), key, `expected ${LABEL_KEY_TEXT}`);
        if (!isLabelValue(value)) pool.problems.add(pool.key(`labels.${key}`), value, `expected ${LABEL_VALUE_TEXT}`);
    }
    return labels;
}

function parseTaints(pool: ConfigObject): NodeTaint[] {
    const items = pool.objectList("taints") ?? [];
    if (items.length > 50) pool.problems.add(pool.key("taints"), `${items.length} taints`, "at most 50 taints");
    const taints: NodeTaint[] = [];
    const seen = new Set<string>();
    for (const item of items) {
        item.onlyKeys(["key", "value", "effect"]);
        const key = item.string("key", { required: true });
        if (key !== undefined && !isLabelKey(key))
            item.problems.add(item.key("key"), key, `expected ${LABEL_KEY_TEXT}`);
        const value = item.string("value");
        if (value !== undefined && !isLabelValue(value)) {
            item.problems.add(item.key("value"), value, `expected ${LABEL_VALUE_TEXT}`);
        }
        if (!item.has("effect"))
            item.problems.addMessage(item.key("effect"), `is required: ${TAINT_EFFECTS.join(", ")}`);
        const effect = item.oneOf("effect", TAINT_EFFECTS);
        if (key === undefined || effect === undefined) continue;
        if (seen.has(`${key}:${effect}`)) {
            item.problems.add(
                item.key("key"),
                key,
                `each taint key and effect pair may appear once (${effect} repeats)`,
            );
        }
        seen.add(`${key}:${effect}`);
        taints.push({ key, ...(value !== undefined && value !== "" && { value }), effect });
    }
    return taints;
}

/**
 * gp3 limits from the EC2 API reference, LaunchTemplateEbsBlockDeviceRequest
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html):
 * IOPS 3,000-80,000, throughput 125-2,000 MiB/s, size 1-65,536 GiB; and the EBS user guide's gp3 ratios
 * (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html): at most 500 IOPS per GiB and
 * 0.25 MiB/s of throughput per provisioned IOPS.
 */
export const GP3_LIMITS = {
    sizeGiB: { min: 1, max: 65_536 },
    iops: { min: 3_000, max: 80_000, perGiB: 500 },
    throughput: { min: 125, max: 2_000, perIops: 0.25 },
} as const;

function parseRootVolume(pool: ConfigObject): RootVolumeConfig | undefined {
    const volume = pool.object("rootVolume");
    if (volume === undefined && pool.has("rootVolume")) return undefined;
    volume?.onlyKeys(["sizeGiB", "type", "iops", "throughput", "kmsKeyId"]);
    volume?.oneOf("type", ["gp3"] as const);
    const sizeGiB = volume?.integer("sizeGiB", GP3_LIMITS.sizeGiB.min, GP3_LIMITS.sizeGiB.max, "GiB");
    if (volume && sizeGiB !== undefined && sizeGiB < AL2023_ROOT_SNAPSHOT_GIB) {
        pool.problems.add(
            volume.key("sizeGiB"),
            sizeGiB,
            `at least ${AL2023_ROOT_SNAPSHOT_GIB} GiB (the AL2023 EKS AMI's root snapshot; EC2 rejects a smaller root volume)`,
        );
    }
    const iops = volume?.integer("iops", GP3_LIMITS.iops.min, GP3_LIMITS.iops.max, "IOPS");
    const throughput = volume?.integer("throughput", GP3_LIMITS.throughput.min, GP3_LIMITS.throughput.max, "MiB/s");
    const kmsKeyId = volume?.string("kmsKeyId", kmsKey);
    const result: RootVolumeConfig = {
        sizeGiB: sizeGiB ?? AL2023_ROOT_SNAPSHOT_GIB,
        type: "gp3",
        iops: iops ?? GP3_LIMITS.iops.min,
        throughput: throughput ?? GP3_LIMITS.throughput.min,
        ...(kmsKeyId !== undefined && { kmsKeyId }),
    };
    if (volume && result.iops > GP3_LIMITS.iops.perGiB * result.sizeGiB) {
        pool.problems.add(
            volume.key("iops"),
            result.iops,
            `gp3 allows at most ${GP3_LIMITS.iops.perGiB} IOPS per GiB: ${GP3_LIMITS.iops.perGiB * result.sizeGiB} for ${result.sizeGiB} GiB`,
        );
    }
    if (volume && result.throughput > GP3_LIMITS.throughput.perIops * result.iops) {
        pool.problems.add(
            volume.key("throughput"),
            result.throughput,
            `gp3 allows at most ${GP3_LIMITS.throughput.perIops} MiB/s per IOPS: ${GP3_LIMITS.throughput.perIops * result.iops} MiB/s for ${result.iops} IOPS`,
        );
    }
    return result;
}

function parseImds(pool: ConfigObject): { hopLimit: number } {
    const imds = pool.object("imds");
    imds?.onlyKeys(["hopLimit"]);
    return { hopLimit: imds?.integer("hopLimit", 1, 64, "hops") ?? 2 };
}

function parseKubelet(pool: ConfigObject): KubeletConfig | undefined {
    const kubelet = pool.object("kubelet");
    if (kubelet === undefined) return pool.has("kubelet") ? undefined : { flags: [], config: {} };
    kubelet.onlyKeys(["maxPods", "flags", "config"]);
    const maxPods = kubelet.integer("maxPods", 1, 1_000, "pods");
    const flags =
        kubelet.stringList("flags", {
            pattern: /^--[a-z0-9][a-z0-9-]*(=.*)?$/,
            patternText: "a kubelet flag starting with --, e.g. --image-gc-high-threshold=80",
        }) ?? [];
    const config = kubelet.object("config");
    config?.onlyKeys(KUBELET_CONFIGURATION_KEYS);
    if (config?.has("maxPods")) {
        config.problems.addMessage(config.key("maxPods"), "set kubelet.maxPods instead (one place for the pod limit)");
    }
    for (const key of nullKeys(config?.value, config?.path ?? "")) {
        pool.problems.add(
            key,
            null,
            "expected a value (YAML ~ or null sets nothing; remove the key to keep kubelet's default)",
        );
    }
    return { ...(maxPods !== undefined && { maxPods }), flags, config: config?.value ?? {} };
}

/**
 * The key paths of `null` values (YAML `~`) at any depth of an open map: nodeadm would copy them into kubelet's
 * configuration, where a null field means nothing at all, so the setting the user wrote would silently not exist.
 */
function nullKeys(value: unknown, path: string): string[] {
    if (value === null) return [path];
    if (Array.isArray(value)) return value.flatMap((item, i) => nullKeys(item, `${path}[${i}]`));
    if (typeof value !== "object" || value === undefined) return [];
    return Object.entries(value).flatMap(([key, item]) => nullKeys(item, `${path}.${key}`));
}

function parseScripts(pool: ConfigObject): string[] {
    const scripts = pool.list("preBootstrapScripts") ?? [];
    return scripts
        .map(({ key, value }) =>
            checkString(
                key,
                value,
                { pattern: /^#!/, patternText: "a script starting with #! (e.g. #!/bin/bash)" },
                pool.problems,
            ),
        )
        .filter((script): script is string => script !== undefined);
}
