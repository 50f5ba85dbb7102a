/** Pure builders of the narrow arguments the pool components take, from a validated pool. */
import type { ClusterFacts } from "../common/cluster-facts";
import type { NodeConfigExtraSpec } from "./nodeadm-user-data";
import type { InstanceTypePlacement } from "./instance-type-placement";
import { poolTags } from "./pool-tags";
import type { NodeTaint, PoolConfig, RootVolumeConfig } from "./pools";

/** Kubernetes spellings of the EKS API taint effects. */
const KUBELET_TAINT_EFFECTS: Record<NodeTaint["effect"], string> = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/**
 * With a custom AMI, EKS applies the node group's taints asynchronously, after the node registers, so pods can land
 * before them; kubelet's `--register-with-taints` puts them on the node at registration (EKS user guide,
 * mng-ami-id-conditions: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html). With an EKS AMI (no `customAmi`) EKS registers them itself; no flag is added.
 */
export function registerWithTaintsFlags(pool: Pick<PoolConfig, "customAmi" | "taints">): string[] {
    if (pool.customAmi === undefined || pool.taints.length === 0) return [];
    const taints = pool.taints.map(
        (taint) => `${taint.key}${taint.value ? `=${taint.value}` : ""}:${KUBELET_TAINT_EFFECTS[taint.effect]}`,
    );
    return [`--register-with-taints=${taints.join(",")}`];
}

/** The cluster fields a launch template needs: the NodeConfig's connection values and the cluster security group. */
export type LaunchTemplateCluster = Pick<
    ClusterFacts,
    "name" | "endpoint" | "certificateAuthority" | "serviceCidr" | "clusterSecurityGroupId"
>;

/** What a pool's launch template is built from: nothing of the pool it does not use. */
export interface LaunchTemplatePoolArgs {
    /** The pool's name: the template's name prefix and description. */
    readonly poolName: string;
    /** The tags of the template and of what it launches (`poolTags`). */
    readonly tags: Readonly<Record<string, string>>;
    /** A pinned AL2023 AMI id; the template then carries the image id. @default none (the node group's AMI type) */
    readonly customAmi?: string;
    /** The pool's one instance type, when the template carries it (`instanceTypePlacement`). @default none */
    readonly instanceType?: string;
    /** IMDSv2 hop limit. */
    readonly imdsHopLimit: number;
    /** The root EBS volume (always encrypted). */
    readonly rootVolume: RootVolumeConfig;
    /** Extra security groups; the cluster security group is added first when there are any. */
    readonly securityGroupIds: readonly string[];
    /** What the NodeConfig holds besides the cluster: kubelet settings, scripts, translated fields. */
    readonly nodeConfig: {
        readonly maxPods?: number;
        readonly kubeletConfig: Readonly<Record<string, unknown>>;
        readonly kubeletFlags: readonly string[];
        readonly preBootstrapScripts: readonly string[];
        readonly extraSpec?: NodeConfigExtraSpec;
    };
}

/**
 * A launch template's arguments from a pool: its tags merged over the stack's, its instance type when placed in the
 * template, kubelet flags with `--register-with-taints` for a custom AMI, and the translated NodeConfig fields.
 */
export function launchTemplateArgs(input: {
    readonly pool: PoolConfig;
    readonly clusterName: string;
    /** Where the pool's instance types go (`instanceTypePlacement`). */
    readonly placement: InstanceTypePlacement;
    readonly stackTags?: Readonly<Record<string, string>>;
    readonly extraSpec?: NodeConfigExtraSpec;
}): LaunchTemplatePoolArgs {
    const { pool } = input;
    return {
        poolName: pool.name,
        tags: poolTags(pool, input.clusterName, input.stackTags),
        ...(pool.customAmi !== undefined && { customAmi: pool.customAmi }),
        ...(input.placement.in === "launchTemplate" && { instanceType: input.placement.instanceType }),
        imdsHopLimit: pool.imds.hopLimit,
        rootVolume: { ...pool.rootVolume },
        securityGroupIds: [...pool.securityGroupIds],
        nodeConfig: {
            ...(pool.kubelet.maxPods !== undefined && { maxPods: pool.kubelet.maxPods }),
            kubeletConfig: { ...pool.kubelet.config },
            kubeletFlags: [...pool.kubelet.flags, ...registerWithTaintsFlags(pool)],
            preBootstrapScripts: [...pool.preBootstrapScripts],
            ...(input.extraSpec !== undefined && { extraSpec: input.extraSpec }),
        },
    };
}

/** What a pool's AL2023 node group is built from, apart from its launch template, role, subnets and size. */
export interface NodeGroupPoolArgs {
    /** The pool's name: the node group's name prefix. */
    readonly poolName: string;
    /** AMI type and Kubernetes version; absent with a custom AMI (EKS rejects them with an image id). */
    readonly ami?: { readonly amiType: string; readonly version: string };
    /** The node group's `instanceTypes`; absent when the launch template carries the one instance type. */
    readonly instanceTypes?: readonly string[];
    readonly capacityType: PoolConfig["capacityType"];
    /** EKS `NodegroupUpdateConfig`: one of the two. */
    readonly update: PoolConfig["update"];
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly NodeTaint[];
    /** The node group's tags (`poolTags`). */
    readonly tags: Readonly<Record<string, string>>;
    /** EKS node auto repair; absent when neither the pool nor its AL2 node group sets it (no input declared). */
    readonly nodeRepair?: { readonly enabled: boolean };
}

/**
 * A node group's pool arguments: the AMI type and version unless the pool pins a custom AMI
 * (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html), `instanceTypes` unless the launch
 * template carries the instance type, and its tags merged over the stack's.
 */
export function nodeGroupArgs(input: {
    readonly pool: PoolConfig;
    readonly cluster: Pick<ClusterFacts, "name" | "kubernetesVersion">;
    /** Where the pool's instance types go (`instanceTypePlacement`). */
    readonly placement: InstanceTypePlacement;
    readonly stackTags?: Readonly<Record<string, string>>;
}): NodeGroupPoolArgs {
    const { pool, cluster } = input;
    return {
        poolName: pool.name,
        ...(pool.customAmi === undefined && { ami: { amiType: pool.amiType, version: cluster.kubernetesVersion } }),
        ...(input.placement.in === "nodeGroup" && { instanceTypes: [...input.placement.instanceTypes] }),
        capacityType: pool.capacityType,
        update: { ...pool.update },
        labels: { ...pool.labels },
        taints: pool.taints.map((taint) => ({ ...taint })),
        tags: poolTags(pool, cluster.name, input.stackTags),
        ...(pool.nodeRepair != null && { nodeRepair: { enabled: pool.nodeRepair.enabled } }),
    };
}
