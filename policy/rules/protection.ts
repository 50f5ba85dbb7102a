import { NODE_GROUP } from "./node-group";
import { isLegacyNodeGroupParent, type ParentView } from "./markers";

/** The stacks whose node groups must be protected, unless the policy config says otherwise. */
export const DEFAULT_PROTECTED_STACKS: readonly string[] = ["prod"];

/** What the stack rule reads of one resource of the stack (a `PolicyResource` has all of it). */
export interface StackResourceView {
    readonly type: string;
    readonly name: string;
    /** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`: the stack policy API gives no stack name otherwise. */
    readonly urn: string;
    /** The `protect` resource option as the engine has it (inherited from the parent component when not set). */
    readonly protect: boolean;
    /** The resource's outputs (stack policies see outputs, not inputs). */
    readonly props: Readonly<Record<string, unknown>>;
    /** The parent component (`PolicyResource.parent`), when the resource has one. */
    readonly parent?: ParentView;
}

/** The stack name in a resource URN. */
export function stackOfUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match ? match[1] : "";
}

/** A legacy node group already scaled to zero, about to be deleted: the one node group allowed to drop `protect`. */
function isEmptiedLegacyNodeGroup(resource: StackResourceView): boolean {
    const scaling = resource.props.scalingConfig as { desiredSize?: unknown; minSize?: unknown } | undefined;
    return isLegacyNodeGroupParent(resource.parent) && scaling?.desiredSize === 0 && scaling?.minSize === 0;
}

/**
 * In a protected stack (default: `prod`) every EKS node group carries the `protect` option, so no change can delete
 * one. The adopted legacy node group (its parent is the LegacyNodeGroup component) may drop `protect` once it is
 * scaled to zero (the run before decommission removes it), since a protected resource cannot be deleted by removing it
 * from the program.
 */
export function nodeGroupProtected(resource: StackResourceView, protectedStacks: readonly string[]): string[] {
    if (resource.type !== NODE_GROUP || resource.protect) return [];
    const stack = stackOfUrn(resource.urn);
    if (!protectedStacks.includes(stack)) return [];
    if (isEmptiedLegacyNodeGroup(resource)) return [];
    return [
        `node group ${resource.name} in stack ${stack} is not protected; set the protect resource option ` +
            "(config protectNodeGroups: true) so no update can delete it",
    ];
}
