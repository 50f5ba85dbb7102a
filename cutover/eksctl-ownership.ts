/**
 * AL2 node groups that eksctl created: eksctl tags them `alpha.eksctl.io/*` and creates them (and, unless given one,
 * their node role) through a CloudFormation stack named `eksctl-<cluster>-nodegroup-<node group>`
 * (https://eksctl.io/usage/managing-nodegroups/). CloudFormation tags what it creates with
 * `aws:cloudformation:stack-name` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html).
 * Pulumi adopting such a node group does not take it away from CloudFormation: both now own it.
 */

/** The tag key prefix eksctl puts on what it creates. */
export const EKSCTL_TAG_PREFIX = "alpha.eksctl.io/";

/** The tag CloudFormation puts on what a stack creates. */
export const CLOUDFORMATION_STACK_TAG = "aws:cloudformation:stack-name";

/** Who else owns an adopted AL2 node group, read from its tags. */
export interface EksctlOwnership {
    /** The CloudFormation stack that created the node group. */
    readonly stackName: string;
    /** Whether the stack name came from the CloudFormation tag (else eksctl's naming convention). */
    readonly fromTag: boolean;
}

/**
 * The eksctl CloudFormation stack that owns a node group, or undefined when its tags show no eksctl. The stack name
 * is the `aws:cloudformation:stack-name` tag, else eksctl's `eksctl-<cluster>-nodegroup-<node group>`.
 */
export function eksctlOwnership(args: {
    readonly clusterName: string;
    readonly nodeGroupName: string;
    readonly tags: Readonly<Record<string, string>> | undefined;
}): EksctlOwnership | undefined {
    const tags = args.tags ?? {};
    if (!Object.keys(tags).some((key) => key.startsWith(EKSCTL_TAG_PREFIX))) return undefined;
    const tagged = tags[CLOUDFORMATION_STACK_TAG];
    return tagged !== undefined
        ? { stackName: tagged, fromTag: true }
        : { stackName: `eksctl-${args.clusterName}-nodegroup-${args.nodeGroupName}`, fromTag: false };
}

/** The warning the cutover gives when it adopts (or moves) an eksctl-created AL2 node group. */
export function eksctlOwnershipWarning(args: {
    /** The config key naming the AL2 node group (`pools[0].legacyNodeGroup`). */
    readonly key: string;
    /** The config key of the pool's own node role (`pools[0].nodeRoleArn`). */
    readonly nodeRoleKey: string;
    readonly nodeGroupName: string;
    readonly ownership: EksctlOwnership;
}): string {
    const stack = args.ownership.stackName;
    return (
        `${args.key}: AL2 node group "${args.nodeGroupName}" was created by eksctl: CloudFormation stack "${stack}"` +
        `${args.ownership.fromTag ? "" : " (eksctl's name for it; check with `aws cloudformation describe-stacks`)"}` +
        " also owns the node group and, if eksctl created it, its node role, which the AL2023 node group reuses" +
        ` unless ${args.nodeRoleKey} is set. This stack adopts the node group anyway. Deleting that CloudFormation` +
        " stack (`eksctl delete nodegroup` or `aws cloudformation delete-stack`) would delete the AL2 node group under" +
        " this stack, with no drain, and that node role with it, which AL2023 nodes need to join. Keep the" +
        " CloudFormation stack until after decommission, and delete it then only if no AL2023 node group uses its role."
    );
}
