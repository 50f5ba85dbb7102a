/** Where a node group's instance types are: its launch template's `instanceType`, or its own `instanceTypes`. */
export type InstanceTypesIn = "launchTemplate" | "nodeGroup";

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
 * Where the pool's AL2023 node group has (or, first declared, gets) its instance types. A node group's `instanceTypes`
 * cannot change in place (a change replaces the node group), while a new launch template version is a rolling update
 * that honours PodDisruptionBudgets (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html).
 * The live node group cannot tell: "If the node group was deployed with a launch template, then this is null"
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html, `instanceTypes`). So the cutover record
 * keeps the placement from the node group's first declaration, and it wins. Without one, a node group that exists (the
 * record names it, or it is live) was created before the rule, with its types on the node group. A first declaration
 * puts one type in the launch template and several on the node group (a template holds one).
 */
export function instanceTypesIn(args: {
    readonly instanceTypes: readonly string[];
    /** The last completed run's record of it (`instanceTypesIn`); undefined when not recorded. */
    readonly recorded: InstanceTypesIn | undefined;
    /** The pool's AL2023 node group exists: the record names it, or the live read found it. */
    readonly al2023Exists: boolean;
}): InstanceTypesIn {
    if (args.recorded !== undefined) return args.recorded;
    if (args.al2023Exists) return "nodeGroup";
    return args.instanceTypes.length === 1 ? "launchTemplate" : "nodeGroup";
}

/**
 * The pool's instance types where {@link instanceTypesIn} decided. Several types cannot go in a launch template: they go
 * on the node group, which the replacement guard refuses for a node group with its type in its launch template.
 */
export function instanceTypePlacement(args: {
    readonly instanceTypes: readonly string[];
    readonly in: InstanceTypesIn;
}): InstanceTypePlacement {
    const { instanceTypes } = args;
    if (args.in === "launchTemplate" && instanceTypes.length === 1) {
        return { in: "launchTemplate", instanceType: instanceTypes[0] };
    }
    return { in: "nodeGroup", instanceTypes: [...instanceTypes] };
}
