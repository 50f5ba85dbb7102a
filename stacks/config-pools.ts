import type { CutoverPhase } from "./config";
import { ConfigObject, Problems } from "./validate";

/** The AL2023 AMI types a managed node group accepts (EKS API `AMITypes`). */
export const AL2023_AMI_TYPES = [
    "AL2023_x86_64_STANDARD",
    "AL2023_ARM_64_STANDARD",
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
    "AL2023_x86_64_NEURON",
] as const;
export type Al2023AmiType = (typeof AL2023_AMI_TYPES)[number];

/** A Kubernetes taint as the EKS node group API spells it. */
export interface NodeTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

/** Node group sizes. */
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
    /** KMS key ARN or alias; the account's default EBS key when absent. */
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
    /** Identifies the pool; resource names derive from it. */
    readonly name: string;
    /** The AL2 managed node group this pool replaces; absent for a greenfield pool (no cutover). */
    readonly legacyNodeGroup?: string;
    /** This pool's cutover phase, overriding the stack's `cutoverPhase`. */
    readonly phase?: CutoverPhase;
    /** Nodes in the `canary` phase. @default 1 */
    readonly canarySize: number;
    /** The cluster autoscaler owns the desired size within a phase. @default false */
    readonly autoscaled: boolean;
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
    /** Exactly one of the two; @default { maxUnavailable: 1 } */
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

/** Top-level config keys this module reads. */
export const POOL_KEYS = ["pools"] as const;

/** Validates `pools`, recording every problem; returns the pools that could be read. */
export function parsePools(root: ConfigObject, problems: Problems): PoolConfig[] {
    void problems;
    const items = root.objectList("pools");
    if (items === undefined) {
        root.problems.addMessage("pools", "is required: a list with at least one pool");
        return [];
    }
    throw new Error("parsePools: being written (issue 2)");
}
