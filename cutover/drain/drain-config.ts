import type { ConfigObject } from "../../common/validate";

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

/** `drainMaxConcurrentEvictions`: an integer 1–200, default 25. Problems go to the object's collector. */
export function parseDrainMaxConcurrentEvictions(root: ConfigObject): number {
    return (
        root.integer("drainMaxConcurrentEvictions", 1, MAX_CONCURRENT_EVICTIONS, "requests") ??
        DEFAULT_MAX_CONCURRENT_EVICTIONS
    );
}
