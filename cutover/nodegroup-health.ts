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
 * Where and as whom the EKS client calls. Unset, the SDK's defaults: the regional endpoint and the default credential
 * chain. Set only by the tests, which point the real client at a fake EKS endpoint on 127.0.0.1.
 */
export interface EksClientSettings {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The error of a failed DescribeNodegroup, naming the node group, the cause and what to check. */
function describeFailure(
    error: unknown,
    args: { readonly clusterName: string; readonly nodeGroupName: string; readonly region: string },
): Error {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const subject = `DescribeNodegroup of node group "${args.nodeGroupName}" in cluster "${args.clusterName}" (${args.region})`;
    if (name === "ResourceNotFoundException")
        return new Error(
            `${subject}: not found (${name}: ${message}); the readiness gate reads the health of the node group ` +
                "the last deployment recorded: check `aws eks list-nodegroups --cluster-name " +
                `${args.clusterName}\``,
        );
    return new Error(
        `${subject} failed${status === undefined ? "" : ` with HTTP ${status}`} (${name}: ${message}); the readiness ` +
            "gate cannot read its health issues: retry, and check the credentials allow eks:DescribeNodegroup",
    );
}

/**
 * DescribeNodegroup through the AWS SDK for JavaScript v3 (`@aws-sdk/client-eks`), by default with the SDK's default
 * credential chain (environment, `AWS_PROFILE`, web identity, instance role): the same credentials the
 * `aws eks get-token` of the Kubernetes access uses. Returns the node group as the API describes it; the SDK's error
 * when the call fails (each caller names the node group and the cause).
 */
export async function describeNodegroupWith(
    settings: EksClientSettings,
    args: { readonly clusterName: string; readonly nodeGroupName: string; readonly region: string },
): Promise<import("@aws-sdk/client-eks").Nodegroup | undefined> {
    // Loaded on first use: it is called once the last deployment recorded an AL2023 node group (live-node-groups.ts
    // reads its health) or when a pool first inherits from its AL2 node group, and never offline
    // (plan/offline-cloud.ts).
    const { EKSClient, DescribeNodegroupCommand } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@aws-sdk/client-eks") as typeof import("@aws-sdk/client-eks");
    const client = new EKSClient({
        region: args.region,
        ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
        ...(settings.credentials !== undefined && { credentials: { ...settings.credentials } }),
    });
    try {
        const { nodegroup } = await client.send(
            new DescribeNodegroupCommand({ clusterName: args.clusterName, nodegroupName: args.nodeGroupName }),
        );
        return nodegroup;
    } finally {
        client.destroy();
    }
}

/**
 * The health issues of a node group through DescribeNodegroup (`describeNodegroupWith`). The Pulumi AWS provider has
 * no data source that returns health. A failure names the node group and its cause.
 */
export function describeNodegroupHealthWith(settings: EksClientSettings = {}): NodegroupHealthReader {
    return async (args) => {
        try {
            const nodegroup = await describeNodegroupWith(settings, args);
            return (nodegroup?.health?.issues ?? []).map((issue) => ({
                code: issue.code ?? "Unknown",
                message: issue.message ?? "",
                resourceIds: issue.resourceIds ?? [],
            }));
        } catch (error) {
            throw describeFailure(error, args);
        }
    };
}

/** DescribeNodegroup as deployed: the SDK's endpoint and default credential chain. */
export const describeNodegroupHealth: NodegroupHealthReader = describeNodegroupHealthWith();

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
