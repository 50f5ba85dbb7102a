import type { PoolConfig } from "../nodes/pools";

/** A Kubernetes taint effect, spelled the Kubernetes way (the pool config spells it the EKS way). */
export type KubernetesTaintEffect = "NoSchedule" | "NoExecute" | "PreferNoSchedule";

/** A taint the AL2023 pool's nodes carry. */
export interface TargetTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: KubernetesTaintEffect;
}

/** Node CPU architecture as the `kubernetes.io/arch` label spells it. */
export type Architecture = "amd64" | "arm64";

/**
 * What the AL2023 node group of one pool offers the pods of the AL2 node group it replaces: the facts the scheduling,
 * identity and add-on rules compare each pod against.
 */
export interface PoolTarget {
    readonly pool: string;
    /** The AL2 managed node group whose pods move. */
    readonly legacyNodeGroup: string;
    /** The AL2 node group's architecture (from its AMI type, or a CUSTOM node group's AMI), when known. */
    readonly legacyArchitecture?: Architecture;
    /** The AL2023 node group's name when it exists; else it is `<pool>-<26 digits>` (the provider's name prefix). */
    readonly nodeGroupName?: string;
    /** The pool's own node labels (`pools[i].labels`). */
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly TargetTaint[];
    readonly architecture: Architecture;
    /** Accelerators the AMI type supports. */
    readonly accelerator?: "nvidia" | "neuron";
    /** Zones of the pool's subnets; undefined when the dump does not map every subnet to its zone. */
    readonly zones?: readonly string[];
    readonly instanceTypes: readonly string[];
    readonly capacityType: "ON_DEMAND" | "SPOT";
    /** The IMDS hop limit of the pool's launch template. */
    readonly hopLimit: number;
}

const EFFECTS: Readonly<Record<string, KubernetesTaintEffect>> = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/** The architecture of an EKS AMI type (`AL2_ARM_64`, `AL2023_ARM_64_STANDARD` → arm64; others amd64). */
export function amiArchitecture(amiType: string): Architecture {
    return amiType.includes("ARM_64") ? "arm64" : "amd64";
}

/**
 * The architecture of an EC2 image as `describe-images` (`aws.ec2.getAmi`) spells it: `x86_64` → amd64, `arm64` →
 * arm64 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html); undefined for anything else or
 * nothing (an image EC2 did not describe).
 */
export function imageArchitecture(ec2Architecture: string | undefined): Architecture | undefined {
    if (ec2Architecture === "x86_64") return "amd64";
    if (ec2Architecture === "arm64") return "arm64";
    return undefined;
}

/**
 * The AL2 node group's architecture: its AMI type's, but for `CUSTOM` (the AMI in its launch template, which the AMI
 * type says nothing about) the AMI's own, or unknown.
 */
function legacyArchitecture(legacy: NonNullable<PoolTargetSource["legacy"]>): Architecture | undefined {
    return legacy.amiType === "CUSTOM" ? imageArchitecture(legacy.imageArchitecture) : amiArchitecture(legacy.amiType);
}

/** What the builder of a PoolTarget reads. */
export interface PoolTargetSource {
    readonly pool: Pick<
        PoolConfig,
        "name" | "legacyNodeGroup" | "labels" | "taints" | "amiType" | "instanceTypes" | "capacityType" | "subnetIds"
    > & { readonly imds: { readonly hopLimit: number } };
    /**
     * The AL2 node group (`describe-nodegroup`): its AMI type, when the pool sets none its subnets, and for a CUSTOM
     * node group its AMI's architecture as EC2 spells it (`x86_64`, `arm64`; absent when EC2 did not describe it).
     */
    readonly legacy?: {
        readonly amiType: string;
        readonly subnets: readonly string[];
        readonly imageArchitecture?: string;
    };
    /** The AL2023 node group's name, when it exists. */
    readonly nodeGroupName?: string;
    readonly subnetZones: Readonly<Record<string, string>>;
}

/** Builds the PoolTarget of a pool with a `legacyNodeGroup`. */
export function poolTarget(source: PoolTargetSource): PoolTarget {
    const { pool, legacy } = source;
    const subnets = pool.subnetIds ?? legacy?.subnets ?? [];
    const zones = subnets.map((subnet) => source.subnetZones[subnet]);
    const known = subnets.length > 0 && zones.every((zone) => zone !== undefined);
    const legacyArch = legacy === undefined ? undefined : legacyArchitecture(legacy);
    return {
        pool: pool.name,
        legacyNodeGroup: pool.legacyNodeGroup ?? "",
        ...(legacyArch !== undefined && { legacyArchitecture: legacyArch }),
        ...(source.nodeGroupName !== undefined && { nodeGroupName: source.nodeGroupName }),
        labels: pool.labels,
        taints: pool.taints.map((t) => ({
            key: t.key,
            ...(t.value !== undefined && { value: t.value }),
            effect: EFFECTS[t.effect],
        })),
        architecture: amiArchitecture(pool.amiType),
        ...(pool.amiType.includes("NVIDIA") && { accelerator: "nvidia" as const }),
        ...(pool.amiType.includes("NEURON") && { accelerator: "neuron" as const }),
        ...(known && { zones: [...new Set(zones as string[])].sort() }),
        instanceTypes: pool.instanceTypes,
        capacityType: pool.capacityType,
        hopLimit: pool.imds.hopLimit,
    };
}

/**
 * The values a node label can take on the pool's AL2023 nodes: `present: false` = no node has it; `values` = exactly
 * these (an empty list: present, but with values no existing node has, such as a new node's hostname); `pattern` = a
 * regular expression; neither = any value.
 */
export interface LabelDomain {
    readonly present: boolean;
    readonly values?: readonly string[];
    readonly pattern?: string;
}

const ANY: LabelDomain = { present: true };

/**
 * The labels of an AL2023 managed node group's nodes. EKS adds `eks.amazonaws.com/nodegroup`, `…/capacityType`,
 * `…/nodegroup-image` and the launch template ones
 * (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html); the kubelet and the cloud provider add
 * the well-known ones (https://kubernetes.io/docs/reference/labels-annotations-taints/); everything else comes from
 * the pool's `labels`, so a label only the AL2 node group had (`alpha.eksctl.io/nodegroup-name`) is absent.
 */
export function nodeLabelDomain(target: PoolTarget, key: string): LabelDomain {
    if (key in target.labels) return { present: true, values: [target.labels[key]] };
    const zones: LabelDomain = target.zones === undefined ? ANY : { present: true, values: target.zones };
    switch (key) {
        case "eks.amazonaws.com/nodegroup":
            return target.nodeGroupName !== undefined
                ? { present: true, values: [target.nodeGroupName] }
                : { present: true, pattern: `^${target.pool}-\\d{26}$` };
        case "eks.amazonaws.com/capacityType":
            return { present: true, values: [target.capacityType] };
        case "kubernetes.io/arch":
        case "beta.kubernetes.io/arch":
            return { present: true, values: [target.architecture] };
        case "kubernetes.io/os":
        case "beta.kubernetes.io/os":
            return { present: true, values: ["linux"] };
        case "node.kubernetes.io/instance-type":
        case "beta.kubernetes.io/instance-type":
            return { present: true, values: target.instanceTypes };
        case "topology.kubernetes.io/zone":
        case "failure-domain.beta.kubernetes.io/zone":
        case "topology.ebs.csi.aws.com/zone":
            return zones;
        case "kubernetes.io/hostname":
            return { present: true, values: [] };
        case "eks.amazonaws.com/nodegroup-image":
        case "eks.amazonaws.com/sourceLaunchTemplateId":
        case "eks.amazonaws.com/sourceLaunchTemplateVersion":
        case "topology.kubernetes.io/region":
        case "failure-domain.beta.kubernetes.io/region":
        case "topology.k8s.aws/zone-id":
        case "k8s.io/cloud-provider-aws":
            return ANY;
        default:
            return { present: false };
    }
}

/** Whether a label with this domain can have `value`. */
export function domainAllows(domain: LabelDomain, value: string): boolean {
    if (!domain.present) return false;
    if (domain.values !== undefined) return domain.values.includes(value);
    if (domain.pattern !== undefined) return new RegExp(domain.pattern).test(value);
    return true;
}

/** The domain in words, for a finding: `absent`, `one of a, b`, `any value`. */
export function describeDomain(domain: LabelDomain): string {
    if (!domain.present) return "absent";
    if (domain.values !== undefined)
        return domain.values.length === 0 ? "a new value on each new node" : `one of ${domain.values.join(", ")}`;
    if (domain.pattern !== undefined) return `matching /${domain.pattern}/`;
    return "any value";
}
