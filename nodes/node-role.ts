import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../common/cluster-facts";
import { TYPE_TOKENS } from "../common/project";

/** The AWS managed policies every EKS worker node role needs, plus SSM for shell access without SSH. */
export const NODE_ROLE_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/** The DNS suffix of service principals per partition (as Terraform's `aws_partition.dns_suffix`). */
const PARTITION_DNS_SUFFIX: Readonly<Record<string, string>> = {
    aws: "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
};

/** The trust policy that lets EC2 instances assume the node role. */
export function nodeTrustPolicy(partition: string): string {
    const suffix = PARTITION_DNS_SUFFIX[partition];
    if (suffix === undefined) throw new Error(`unknown AWS partition ${JSON.stringify(partition)}`);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: `ec2.${suffix}` }, Action: "sts:AssumeRole" }],
    });
}

/** Arguments of a NodeRole. */
export interface NodeRoleArgs {
    /**
     * The cluster; its partition goes into the policy ARNs and the service principal, its name into the role name
     * (`<cluster>-node-...`, the pattern the deploy role may pass to EKS: deploy/permissions.ts).
     */
    readonly cluster: Pick<ClusterFacts, "partition" | "name">;
    /** Tags on the role. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The IAM role of AL2023 nodes when a pool has neither `nodeRoleArn` nor a legacy node group to take the role from:
 * trusted by EC2, with the EKS worker node, CNI, ECR read-only and SSM core managed policies.
 */
export class NodeRole extends pulumi.ComponentResource {
    /** The role ARN, for the node group's `nodeRoleArn`. */
    public readonly arn: pulumi.Output<string>;
    /** The role name. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: NodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.NodeRole, name, {}, opts);
        const { partition, name: clusterName } = args.cluster;

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                // IAM role names are at most 64 characters; the provider appends a 26-character unique suffix.
                namePrefix: `${clusterName.slice(0, 32)}-node-`,
                description: `EKS AL2023 worker nodes (${name})`,
                assumeRolePolicy: nodeTrustPolicy(partition),
                tags: { ...(args.tags ?? {}) },
            },
            { parent: this },
        );
        const attachments = NODE_ROLE_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy}`,
                    { role: role.name, policyArn: `arn:${partition}:iam::aws:policy/${policy}` },
                    { parent: this },
                ),
        );

        // The ARN resolves only once the policies are attached: a node group created earlier has nodes that
        // cannot join (no worker node or CNI permissions).
        this.arn = pulumi.all([role.arn, ...attachments.map((attachment) => attachment.id)]).apply(([arn]) => arn);
        this.name = role.name;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
