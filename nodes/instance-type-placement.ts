import type { LiveNodeGroupIdentity } from "./replacement-guard";

/**
 * Where a pool's instance types are declared: in its launch template (one type) or on its node group (`instanceTypes`),
 * never both: "If you specify launchTemplate, then you can specify zero or one instance type in your launch template
 * or you can specify 0-20 instance types for instanceTypes. If however, you specify an instance type in your launch
 * template and specify any instanceTypes, the node group deployment will fail."
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html, `instanceTypes`).
 */
export type InstanceTypePlacement =
    | { readonly in: "launchTemplate"; readonly instanceType: string }
    | { readonly in: "nodeGroup"; readonly instanceTypes: readonly string[] };

/**
 * Where the pool's instance types go. A node group's `instanceTypes` cannot change in place (a change replaces the node
 * group), while a new launch template version is a rolling update that honours PodDisruptionBudgets
 * (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html). So a pool with one instance
 * type puts it in the launch template when its AL2023 node group is first declared (no live one) or when the live one
 * names no `instanceTypes` (created that way). A live node group that names `instanceTypes` (created before this rule)
 * keeps them there: moving them would fail its update. Several types can only go on the node group.
 */
export function instanceTypePlacement(args: {
    readonly instanceTypes: readonly string[];
    readonly live: Pick<LiveNodeGroupIdentity, "instanceTypes"> | undefined;
}): InstanceTypePlacement {
    const { instanceTypes, live } = args;
    const liveNamesTypes = live !== undefined && live.instanceTypes.length > 0;
    if (instanceTypes.length === 1 && !liveNamesTypes) return { in: "launchTemplate", instanceType: instanceTypes[0] };
    return { in: "nodeGroup", instanceTypes: [...instanceTypes] };
}
