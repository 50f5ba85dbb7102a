import { describeNodegroupWith, type EksClientSettings } from "./nodegroup-health";

/**
 * The node auto repair setting of a managed node group, which `aws.eks.getNodeGroup` does not return: read from the
 * EKS API (DescribeNodegroup, `nodegroup.nodeRepairConfig`:
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_NodeRepairConfig.html).
 */
export interface NodeRepairSetting {
    readonly enabled: boolean;
}

/** Reads the node repair setting of one node group; undefined when EKS reports none. */
export type NodeRepairReader = (args: {
    readonly clusterName: string;
    readonly nodeGroupName: string;
    readonly region: string;
}) => Promise<NodeRepairSetting | undefined>;

/** The error of a failed DescribeNodegroup, naming the node group, the cause and what to check. */
function repairFailure(
    error: unknown,
    args: { readonly clusterName: string; readonly nodeGroupName: string; readonly region: string },
): Error {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return new Error(
        `DescribeNodegroup of AL2 node group "${args.nodeGroupName}" in cluster "${args.clusterName}" (${args.region}) ` +
            `failed${status === undefined ? "" : ` with HTTP ${status}`} (${name}: ${message}); the pool inherits its ` +
            "node repair setting from it: retry, and check the credentials allow eks:DescribeNodegroup",
    );
}

/** DescribeNodegroup's `nodeRepairConfig` through `@aws-sdk/client-eks` (`describeNodegroupWith`). */
export function describeNodeRepairWith(settings: EksClientSettings = {}): NodeRepairReader {
    return async (args) => {
        try {
            const enabled = (await describeNodegroupWith(settings, args))?.nodeRepairConfig?.enabled;
            return typeof enabled === "boolean" ? { enabled } : undefined;
        } catch (error) {
            throw repairFailure(error, args);
        }
    };
}

let override: NodeRepairReader | undefined;

/**
 * Replaces the reader, for an offline evaluation under Pulumi's mocks (plan/offline-cloud.ts answers from the
 * `describe-nodegroup` facts); `undefined` restores DescribeNodegroup.
 */
export function useNodeRepairReader(reader: NodeRepairReader | undefined): void {
    override = reader;
}

/** The reader in use: the offline one when set, else DescribeNodegroup with the SDK's defaults. */
export function nodeRepairReader(): NodeRepairReader {
    return override ?? describeNodeRepairWith();
}
