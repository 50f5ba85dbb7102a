import type * as aws from "@pulumi/aws";
import { nodeGroupInvokeResult } from "../../plan/invoke-answers";
import type { PoolCutoverRecord } from "../../cutover/cutover-record";
import type { PoolGuardContext } from "../../cutover/guard-context";
import type { CutoverPhase } from "../../cutover/phases";
import type { PoolConfig } from "../../nodes/pools";
import { exampleFacts } from "../fakes/mocks";

/** A complete pool as the pool parser produces it, replacing prod-general-al2 (6 nodes at adoption). */
export function poolConfig(overrides: Partial<PoolConfig> = {}): PoolConfig {
    const base: PoolConfig = {
        name: "general",
        legacyNodeGroup: "prod-general-al2",
        canarySize: 1,
        autoscaled: false,
        acceptReducedCapacity: false,
        allowReplacement: false,
        amiType: "AL2023_x86_64_STANDARD",
        instanceTypes: ["m6i.xlarge"],
        capacityType: "ON_DEMAND",
        scaling: { min: 3, desired: 6, max: 12 },
        update: { maxUnavailable: 1 },
        labels: {},
        taints: [],
        rootVolume: { sizeGiB: 20, type: "gp3", iops: 3000, throughput: 125 },
        imds: { hopLimit: 2 },
        securityGroupIds: [],
        kubelet: { flags: [], config: {} },
        preBootstrapScripts: [],
        tags: {},
    };
    return { ...base, ...overrides };
}

/** A prod node group exactly as `aws.eks.getNodeGroup` returns it, with optional changes. */
export function liveNodeGroup(
    name: "prod-general-al2" | "prod-batch-al2",
    overrides: Partial<aws.eks.GetNodeGroupResult> = {},
): aws.eks.GetNodeGroupResult {
    const live = nodeGroupInvokeResult(exampleFacts("prod").nodegroups[name]) as unknown as aws.eks.GetNodeGroupResult;
    return { ...live, ...overrides };
}

/** The size of prod-general-al2 when the stack adopted it. */
export const AT_ADOPTION = { min: 3, desired: 6, max: 12 };

/** What the last deployment recorded for the general pool in `phase`. */
export function poolRecord(phase: CutoverPhase, overrides: Partial<PoolCutoverRecord> = {}): PoolCutoverRecord {
    return {
        phase,
        legacyNodeGroupName: "prod-general-al2",
        legacySizeAtAdoption: AT_ADOPTION,
        adopted: phase !== "decommission",
        al2023NodeGroupName: "general-al2023",
        ...overrides,
    };
}

/** The guards' view of a pool (the general pool, at index 1, unless given) in `phase`. */
export function guardContext(phase: CutoverPhase, previous?: PoolCutoverRecord, pool = poolConfig()): PoolGuardContext {
    return { pool, poolIndex: 1, phase, previous };
}
