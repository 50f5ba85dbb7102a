import { CEILING_DESIRED_TAG, CEILING_MAX_TAG, LEGACY_ROLE, ROLE_TAG, isLegacyNodeGroup } from "./markers";
import { show } from "./values";

/** Pulumi type token of `aws.eks.NodeGroup`. */
export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** The `aws.eks.NodeGroup` inputs the node group rules read (camelCase, as the engine passes them). */
export interface NodeGroupInputs {
    readonly amiType?: unknown;
    readonly launchTemplate?: unknown;
    readonly remoteAccess?: unknown;
    readonly scalingConfig?: { readonly desiredSize?: unknown; readonly maxSize?: unknown; readonly minSize?: unknown };
    readonly tags?: unknown;
}

/** The legacy marker as it must appear in a node group's tags, for messages. */
const LEGACY_MARKER = `tag ${ROLE_TAG}=${LEGACY_ROLE}`;

/** EKS AMI types of Amazon Linux 2 (F-27); EKS publishes no AL2 AMIs after Kubernetes 1.32 (F-35). */
function isAl2AmiType(amiType: unknown): boolean {
    return typeof amiType === "string" && amiType.startsWith("AL2_");
}

/**
 * A new node group runs AL2023: `amiType` AL2023_* or CUSTOM, or no `amiType` with a launch template (a custom AMI in
 * the launch template forbids `amiType`, F-21). An AL2 type is allowed only on the adopted legacy node group (tag
 * `eks-al2023-migration/role=legacy`). Limit: without `amiType` the policy cannot see which AMI the launch template
 * carries.
 */
export function al2023AmiType(nodeGroup: NodeGroupInputs): string[] {
    const amiType = nodeGroup.amiType;
    if (typeof amiType === "string" && (amiType.startsWith("AL2023_") || amiType === "CUSTOM")) return [];
    if (isAl2AmiType(amiType) && isLegacyNodeGroup(nodeGroup.tags)) return [];
    if ((amiType === undefined || amiType === null) && nodeGroup.launchTemplate) return [];
    const why = isAl2AmiType(amiType)
        ? `Amazon Linux 2 is allowed only on the adopted legacy node group (${LEGACY_MARKER})`
        : "a new node group runs Amazon Linux 2023";
    return [
        `amiType: ${show(amiType)} is not allowed; ${why}: use AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, ` +
            "AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON, or CUSTOM with an AL2023 launch template",
    ];
}

/**
 * No `remoteAccess` (SSH through an EC2 key pair, open to the world unless source security groups are given).
 * The adopted legacy node group is exempt: `remoteAccess` cannot change without replacing the group, and replacing the
 * group that is being drained is worse than leaving its SSH access until it is deleted.
 */
export function noRemoteAccess(nodeGroup: NodeGroupInputs): string[] {
    const remoteAccess = nodeGroup.remoteAccess;
    if (remoteAccess === undefined || remoteAccess === null || isLegacyNodeGroup(nodeGroup.tags)) return [];
    return [
        `remoteAccess: ${show(remoteAccess)} is not allowed; nodes get no SSH access ` + "(use SSM Session Manager)",
    ];
}

/** A size ceiling tag's value as a whole number, or undefined when the tag is missing or not a whole number. */
function ceiling(tags: unknown, key: string): number | undefined {
    const text = (tags as Record<string, unknown>)[key];
    return typeof text === "string" && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The adopted legacy node group only shrinks or disappears: its planned `scalingConfig.desiredSize` and `maxSize` stay
 * at or below the ceilings the program records in its tags (`eks-al2023-migration/ceiling-desired-size`,
 * `…/ceiling-max-size`: its size at adoption). A resource policy cannot see the group's previous state, so the
 * ceilings are what it compares against. Limits: a group already shrunk may grow back up to its adopted size (a
 * rollback out of `drain`); and the ceilings are written by the program this rule checks, so the rule catches a config
 * or plan mistake, not a deliberately changed program.
 */
export function legacyNeverGrows(nodeGroup: NodeGroupInputs): string[] {
    if (!isLegacyNodeGroup(nodeGroup.tags)) return [];
    const tags = nodeGroup.tags;
    const scaling = nodeGroup.scalingConfig ?? {};
    const checks = [
        { field: "desiredSize", planned: scaling.desiredSize, tag: CEILING_DESIRED_TAG },
        { field: "maxSize", planned: scaling.maxSize, tag: CEILING_MAX_TAG },
    ];
    return checks.flatMap(({ field, planned, tag }) => {
        const limit = ceiling(tags, tag);
        if (limit === undefined) {
            return [
                `tags.${tag}: ${show((tags as Record<string, unknown>)[tag])} is not allowed on the legacy node group; ` +
                    "record its size at adoption as a whole number so it can only shrink",
            ];
        }
        if (typeof planned !== "number" || planned > limit) {
            return [
                `scalingConfig.${field}: ${show(planned)} is not allowed; the legacy AL2 node group may only shrink ` +
                    `or disappear once adopted, at most ${limit} (${tag})`,
            ];
        }
        return [];
    });
}
