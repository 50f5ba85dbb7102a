import { TYPE_TOKENS } from "../../common/project";
/**
 * How the guardrails recognise the adopted AL2 node group without any marker in AWS: adoption imports the live node
 * group exactly as it is (no tag added), so the rules read the program's structure instead. The node group is a
 * child of the `LegacyNodeGroup` component, whose type appears in the node group's URN (resource policies) and as its
 * `parent` (stack policies); the component records the group's size at adoption as its own props.
 */

/** Type token of the component that adopts an AL2 node group (cutover/legacy-node-group.ts). */
export const LEGACY_NODE_GROUP_COMPONENT = TYPE_TOKENS.LegacyNodeGroup;

/**
 * The type chain of a URN, `urn:pulumi:<stack>::<project>::<parentType>$<type>::<name>`: the parents' types from the
 * root down, then the resource's own type. Empty when `urn` is not a Pulumi URN.
 */
export function typeChainOfUrn(urn: string): string[] {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return [];
    return parts[2].split("$");
}

/** True when a resource's URN shows it declared by the LegacyNodeGroup component (resource policies). */
export function isLegacyNodeGroupUrn(urn: string): boolean {
    return typeChainOfUrn(urn).slice(0, -1).includes(LEGACY_NODE_GROUP_COMPONENT);
}

/** The parent of a resource as a stack policy sees it (`PolicyResource.parent`: its type and outputs). */
export interface ParentView {
    readonly type: string;
    readonly props: Readonly<Record<string, unknown>>;
}

/** True when a resource's parent is the LegacyNodeGroup component (stack policies). */
export function isLegacyNodeGroupParent(parent: ParentView | undefined): parent is ParentView {
    return parent?.type === LEGACY_NODE_GROUP_COMPONENT;
}

/** The node group's sizes when the stack adopted it, as the LegacyNodeGroup component records them. */
export interface SizeAtAdoption {
    readonly min: number;
    readonly desired: number;
    readonly max: number;
}

/** The `sizeAtAdoption` the component recorded, or undefined when it is missing or not whole numbers. */
export function sizeAtAdoptionOf(parent: ParentView): SizeAtAdoption | undefined {
    const size = parent.props.sizeAtAdoption as Record<string, unknown> | undefined;
    if (typeof size !== "object" || size === null) return undefined;
    const whole = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 0;
    return whole(size.min) && whole(size.desired) && whole(size.max)
        ? { min: size.min as number, desired: size.desired as number, max: size.max as number }
        : undefined;
}

/**
 * Whether the component recorded the node group as autoscaled (its desired size owned by the cluster autoscaler):
 * false when not recorded (components from before the flag), undefined when recorded as anything but a boolean.
 */
export function autoscaledOf(parent: ParentView): boolean | undefined {
    const autoscaled = parent.props.autoscaled;
    if (autoscaled === undefined) return false;
    return typeof autoscaled === "boolean" ? autoscaled : undefined;
}
