import {
    LEGACY_NODE_GROUP_COMPONENT,
    autoscaledOf,
    isLegacyNodeGroupParent,
    isLegacyNodeGroupUrn,
    sizeAtAdoptionOf,
    type ParentView,
} from "./markers";
import { show } from "./values";

/** Pulumi type token of `aws.eks.NodeGroup`. */
export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** The `aws.eks.NodeGroup` inputs the node group rules read (camelCase, as the engine passes them). */
export interface NodeGroupInputs {
    readonly amiType?: unknown;
    readonly launchTemplate?: unknown;
    readonly remoteAccess?: unknown;
    readonly scalingConfig?: { readonly desiredSize?: unknown; readonly maxSize?: unknown; readonly minSize?: unknown };
}

/** What a resource policy knows of the resource besides its inputs: its URN (`ResourceValidationArgs.urn`). */
export interface ResourceIdentity {
    readonly urn: string;
}

/** EKS AMI types of Amazon Linux 2 (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html); EKS publishes no AL2 AMIs after Kubernetes 1.32 (https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html). */
function isAl2AmiType(amiType: unknown): boolean {
    return typeof amiType === "string" && amiType.startsWith("AL2_");
}

/**
 * A new node group runs AL2023: `amiType` AL2023_* or CUSTOM, or no `amiType` with a launch template (a custom AMI in
 * the launch template forbids `amiType`, https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html). An AL2 type is allowed only on the adopted legacy node group: a child
 * of the LegacyNodeGroup component, as its URN shows (adoption adds no tag). Limit: without `amiType` the policy
 * cannot see which AMI the launch template carries.
 */
export function al2023AmiType(nodeGroup: NodeGroupInputs, resource: ResourceIdentity): string[] {
    const amiType = nodeGroup.amiType;
    if (typeof amiType === "string" && (amiType.startsWith("AL2023_") || amiType === "CUSTOM")) return [];
    if (isAl2AmiType(amiType) && isLegacyNodeGroupUrn(resource.urn)) return [];
    if ((amiType === undefined || amiType === null) && nodeGroup.launchTemplate) return [];
    const why = isAl2AmiType(amiType)
        ? `Amazon Linux 2 is allowed only on the adopted legacy node group (a child of ${LEGACY_NODE_GROUP_COMPONENT})`
        : "a new node group runs Amazon Linux 2023";
    return [
        `amiType: ${show(amiType)} is not allowed; ${why}: use AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, ` +
            "AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON, or CUSTOM with an AL2023 launch template",
    ];
}

/**
 * No `remoteAccess` (SSH through an EC2 key pair, open to the world unless source security groups are given).
 * The adopted legacy node group (its URN under the LegacyNodeGroup component) is exempt: `remoteAccess` cannot change
 * without replacing the group, and replacing the group that is being drained is worse than leaving its SSH access
 * until it is deleted.
 */
export function noRemoteAccess(nodeGroup: NodeGroupInputs, resource: ResourceIdentity): string[] {
    const remoteAccess = nodeGroup.remoteAccess;
    if (remoteAccess === undefined || remoteAccess === null || isLegacyNodeGroupUrn(resource.urn)) return [];
    return [
        `remoteAccess: ${show(remoteAccess)} is not allowed; nodes get no SSH access ` + "(use SSM Session Manager)",
    ];
}

/** A node group as a stack policy sees it (`PolicyResource`: outputs as `props`, and its parent). */
export interface NodeGroupStackView {
    readonly type: string;
    readonly name: string;
    readonly props: NodeGroupInputs;
    readonly parent?: ParentView;
}

/**
 * The adopted legacy node group only shrinks or disappears: a node group whose parent is the LegacyNodeGroup component
 * keeps its `scalingConfig.maxSize` at or below the size at adoption that the component records as its props
 * (`sizeAtAdoption`, from the cutover record), and its `desiredSize` at or below the adopted desired size. A stack
 * policy, because only it sees the parent; it reads outputs, so a refresh brings in the live desired size. For an
 * autoscaled group (the component's `autoscaled` prop; the program ignores desired-size changes) that desired size is
 * the cluster autoscaler's and may exceed the adopted desired size: it is held to the adopted max instead.
 * Limits: a group already shrunk may grow back up to its adopted size (a rollback out of `drain`); an autoscaled group
 * may be scaled up to its adopted max by anyone, not only the autoscaler; and the size at adoption is recorded by the
 * program this rule checks, so the rule catches a config or plan mistake, not a deliberately changed program.
 */
export function legacyNeverGrows(resource: NodeGroupStackView): string[] {
    if (resource.type !== NODE_GROUP || !isLegacyNodeGroupParent(resource.parent)) return [];
    const size = sizeAtAdoptionOf(resource.parent);
    if (size === undefined) {
        return [
            `${LEGACY_NODE_GROUP_COMPONENT} props.sizeAtAdoption: ${show(resource.parent.props.sizeAtAdoption)} ` +
                `is not allowed (node group ${resource.name}); record the size at adoption as whole numbers ` +
                "{min, desired, max} so the group can only shrink",
        ];
    }
    const autoscaled = autoscaledOf(resource.parent);
    if (autoscaled === undefined) {
        return [
            `${LEGACY_NODE_GROUP_COMPONENT} props.autoscaled: ${show(resource.parent.props.autoscaled)} is not ` +
                `allowed (node group ${resource.name}); record true or false`,
        ];
    }
    const scaling = resource.props.scalingConfig ?? {};
    const checks = [
        autoscaled
            ? { field: "desiredSize", planned: scaling.desiredSize, limit: size.max, at: "max, autoscaled" }
            : { field: "desiredSize", planned: scaling.desiredSize, limit: size.desired, at: "desired" },
        { field: "maxSize", planned: scaling.maxSize, limit: size.max, at: "max" },
    ];
    return checks.flatMap(({ field, planned, limit, at }) =>
        typeof planned !== "number" || planned > limit
            ? [
                  `scalingConfig.${field}: ${show(planned)} is not allowed on node group ${resource.name}; the ` +
                      `legacy AL2 node group may only shrink or disappear once adopted, at most ${limit} ` +
                      `(sizeAtAdoption.${at})`,
              ]
            : [],
    );
}
