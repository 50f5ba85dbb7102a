import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PoolCutoverRecord } from "./cutover-record";
import { nodegroupHealthReader, type NodegroupHealthIssue } from "./nodegroup-health";

/**
 * Reads a managed node group; undefined when the cluster has none of that name. It lists the cluster's node groups
 * first (`aws.eks.getNodeGroups`) rather than reading the error of `aws.eks.getNodeGroup`, whose text is not an API.
 */
export async function lookupNodeGroup(
    clusterName: string,
    nodeGroupName: string,
): Promise<aws.eks.GetNodeGroupResult | undefined> {
    const { names } = await aws.eks.getNodeGroups({ clusterName });
    if (!names.includes(nodeGroupName)) return undefined;
    return aws.eks.getNodeGroup({ clusterName, nodeGroupName });
}

/**
 * An AL2 node group as the cutover reads it: `aws.eks.getNodeGroup`'s result on an existing cluster, or the definition
 * of one the stack creates (rehearsal: program/cluster-source.ts), whose role and subnets are Outputs of resources
 * created with it.
 */
export type LegacyNodeGroupState = Omit<aws.eks.GetNodeGroupResult, "nodeRoleArn" | "subnetIds"> & {
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetIds: readonly pulumi.Input<string>[];
};

/** Reads the AL2 node group of that name; undefined when there is none. */
export type LegacyNodeGroupReader = (
    clusterName: string,
    nodeGroupName: string,
) => Promise<LegacyNodeGroupState | undefined>;

/** The live node groups the guards and the adoption of one pool need. */
export interface PoolLiveNodeGroups {
    /** The AL2 node group named by `legacyNodeGroup`; undefined when the pool has none or it does not exist. */
    readonly legacy?: LegacyNodeGroupState;
    /**
     * The AL2023 node group as the last deployment left it (by its recorded name), with its health issues
     * (DescribeNodegroup), for the readiness gate.
     */
    readonly al2023?: aws.eks.GetNodeGroupResult & { readonly healthIssues: readonly NodegroupHealthIssue[] };
}

/**
 * Reads a pool's live node groups: the AL2 one whenever `legacyNodeGroup` is set (with `readLegacy`, which the
 * cluster source supplies), and the AL2023 one named in the last record, for the readiness gate (`drain`,
 * `decommission`) and the replacement guard (every phase).
 */
export async function readPoolNodeGroups(read: {
    readonly clusterName: string;
    readonly pool: { readonly legacyNodeGroup?: string };
    /** The pool's last cutover record; undefined on a first deployment. */
    readonly previous: PoolCutoverRecord | undefined;
    /** How the AL2 node group is read. @default lookupNodeGroup */
    readonly readLegacy?: LegacyNodeGroupReader;
}): Promise<PoolLiveNodeGroups> {
    const { clusterName, pool, previous, readLegacy = lookupNodeGroup } = read;
    const legacy = pool.legacyNodeGroup === undefined ? undefined : await readLegacy(clusterName, pool.legacyNodeGroup);
    const al2023Name = previous?.al2023NodeGroupName;
    const found = al2023Name !== undefined ? await lookupNodeGroup(clusterName, al2023Name) : undefined;
    // Health issues are not in getNodeGroup's result: the readiness gate reads them from DescribeNodegroup.
    const al2023 =
        found === undefined
            ? undefined
            : {
                  ...found,
                  healthIssues: await nodegroupHealthReader()({
                      clusterName,
                      nodeGroupName: found.nodeGroupName,
                      region: found.region,
                  }),
              };
    return { ...(legacy ? { legacy } : {}), ...(al2023 ? { al2023 } : {}) };
}
