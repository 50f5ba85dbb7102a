/**
 * Tags the program writes on the AWS resources it manages and the guardrails read. A resource policy sees only the
 * planned inputs of one resource (not its previous state, not the stack's config or outputs, not whether it was
 * imported), so what it must know about a node group's role in the cutover travels as tags on the node group.
 */

/** Tag key naming a node group's role in the cutover. */
export const ROLE_TAG = "eks-al2023-migration/role";

/** ROLE_TAG value on the adopted (imported) AL2 managed node group that a pool replaces. */
export const LEGACY_ROLE = "legacy";

/**
 * Tag key on the legacy node group: the highest desired size it may be given, as a decimal string. The program writes
 * the group's desired size at adoption (the cutover state's `legacyAtAdoption.desired`) and never raises it.
 */
export const CEILING_DESIRED_TAG = "eks-al2023-migration/ceiling-desired-size";

/** Tag key on the legacy node group: the highest max size it may be given (`legacyAtAdoption.max`), like the above. */
export const CEILING_MAX_TAG = "eks-al2023-migration/ceiling-max-size";

/** True when a resource's `tags` input marks it as the adopted legacy node group. */
export function isLegacyNodeGroup(tags: unknown): boolean {
    return typeof tags === "object" && tags !== null && (tags as Record<string, unknown>)[ROLE_TAG] === LEGACY_ROLE;
}
