/**
 * The names the program gives its resources, built from the owning component's name and the item's identity, never
 * from a position in a list (removing one pool or service account renames nothing else). One source for the
 * components that declare them and the offline plan that finds them again. A name is part of a resource's URN:
 * changing one replaces the resource in a deployed stack (tests/program/urns.test.ts).
 */
export const CHILD_NAMES = {
    /** The WorkloadIdentities component of the stack. */
    workloadIdentities: "workloads",
    /** A pool's launch template, under its NodeLaunchTemplate component (named after the pool). */
    launchTemplate: (pool: string) => `${pool}-lt`,
    /** A pool's AL2023 managed node group, under its Al2023NodeGroup component. */
    al2023NodeGroup: (pool: string) => `${pool}-ng`,
    /** The dynamic resource that drains a pool's AL2023 node group before a replacement deletes it, under its Al2023NodeGroup component. */
    al2023Retirement: (pool: string) => `${pool}-ng-retirement`,
    /** The adopted AL2 managed node group, under its LegacyNodeGroup component. */
    legacyNodeGroup: (pool: string) => `${pool}-legacy`,
    /** The dynamic resource that cordons a pool's AL2 nodes. */
    legacyCordon: (pool: string) => `${pool}-legacy-cordon`,
    /** The dynamic resource that drains a pool's AL2 nodes. */
    legacyDrain: (pool: string) => `${pool}-legacy-drain`,
    /** The ServiceAccountBinding of one service account, under the WorkloadIdentities component. */
    serviceAccountBinding: (identities: string, namespace: string, serviceAccount: string) =>
        `${identities}-${namespace}-${serviceAccount}`,
    /** The ServiceAccount (created or patched) of a binding. */
    serviceAccount: (binding: string) => `${binding}-sa`,
    /** The Pod Identity association of a binding. */
    podIdentityAssociation: (binding: string) => `${binding}-association`,
    /** The wait after a binding's Pod Identity association is created or changed, before its restarts. */
    associationSettle: (binding: string) => `${binding}-association-settle`,
    /** What every restart patch of a binding's name starts with. */
    restartPrefix: (binding: string) => `${binding}-restart-`,
} as const;
