import { int, withDefault } from "../../common/schema-kit";

/**
 * Eviction requests the drain keeps in flight at once, across all nodes, by default. kubectl drain evicts every pod
 * of a node at once and eksctl drains at most 25 nodes in parallel
 * (https://eksctl.io/usage/nodegroup-managed/, `eksctl drain nodegroup --parallel`); 25 requests at once lets the
 * budgets, not the drain, set the pace on a large node group while keeping the burst well inside the API server's
 * default priority-and-fairness share for one client
 * (https://kubernetes.io/docs/concepts/cluster-administration/flow-control/).
 */
export const DEFAULT_MAX_CONCURRENT_EVICTIONS = 25;

/** The largest cap allowed. */
export const MAX_CONCURRENT_EVICTIONS = 200;

/** The `drainMaxConcurrentEvictions` stack key: an integer 1–200, default 25. */
export const drainMaxConcurrentEvictionsEntry = withDefault(
    int(1, MAX_CONCURRENT_EVICTIONS, "requests"),
    DEFAULT_MAX_CONCURRENT_EVICTIONS,
    {
        type: `int 1–${MAX_CONCURRENT_EVICTIONS}`,
        pulumiType: "integer",
        description:
            "Eviction requests the drain keeps in flight at once, across all AL2 nodes (kubectl evicts a whole node at once; eksctl drains at most 25 nodes in parallel); the budgets, not this cap, normally set the pace.",
    },
);
