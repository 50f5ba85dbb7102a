/**
 * Health issues of a managed node group, which `aws.eks.getNodeGroup` does not return: read from the EKS API
 * (DescribeNodegroup, `nodegroup.health.issues`: https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupHealth.html).
 */
export interface NodegroupHealthIssue {
    /** For example `AsgInstanceLaunchFailures`, `NodeCreationFailure`, `Ec2SubnetInvalidConfiguration`. */
    readonly code: string;
    readonly message: string;
    readonly resourceIds: readonly string[];
}

/** Reads the health issues of one node group. */
export type NodegroupHealthReader = (args: {
    readonly clusterName: string;
    readonly nodeGroupName: string;
    readonly region: string;
}) => Promise<readonly NodegroupHealthIssue[]>;

/**
 * DescribeNodegroup through the AWS SDK for JavaScript v3 (`@aws-sdk/client-eks`), with the SDK's default credential
 * chain (environment, `AWS_PROFILE`, web identity, instance role): the same credentials the `aws eks get-token` of
 * the Kubernetes access uses. The Pulumi AWS provider has no data source that returns health.
 */
export const describeNodegroupHealth: NodegroupHealthReader = async ({ clusterName, nodeGroupName, region }) => {
    // Loaded on first use: most runs (every phase but drain and decommission) never call it.
    const { EKSClient, DescribeNodegroupCommand } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@aws-sdk/client-eks") as typeof import("@aws-sdk/client-eks");
    const client = new EKSClient({ region });
    try {
        const { nodegroup } = await client.send(
            new DescribeNodegroupCommand({ clusterName, nodegroupName: nodeGroupName }),
        );
        return (nodegroup?.health?.issues ?? []).map((issue) => ({
            code: issue.code ?? "Unknown",
            message: issue.message ?? "",
            resourceIds: issue.resourceIds ?? [],
        }));
    } finally {
        client.destroy();
    }
};

let override: NodegroupHealthReader | undefined;

/**
 * Replaces the reader, for an offline evaluation under Pulumi's mocks (plan/offline-cloud.ts answers from the
 * `describe-nodegroup` facts); `undefined` restores DescribeNodegroup.
 */
export function useNodegroupHealthReader(reader: NodegroupHealthReader | undefined): void {
    override = reader;
}

/** The reader in use: the offline one when set, else DescribeNodegroup. */
export function nodegroupHealthReader(): NodegroupHealthReader {
    return override ?? describeNodegroupHealth;
}
