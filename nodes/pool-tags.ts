import type { PoolConfig } from "./pools";

/** Tag keys the program sets on every pool resource, so they can be found by pool and cluster. */
export const POOL_TAG = "eks-al2023-migration/pool";
export const CLUSTER_TAG = "eks-al2023-migration/cluster";

/**
 * The tags of one pool's resources: the stack's tags, then the pool's, then the pool and cluster identity tags
 * (which users cannot override), with keys sorted so the inputs do not depend on config order.
 */
export function poolTags(
    pool: Pick<PoolConfig, "name" | "tags">,
    clusterName: string,
    tags: Readonly<Record<string, string>> = {},
): Record<string, string> {
    const merged: Record<string, string> = {
        ...tags,
        ...pool.tags,
        [POOL_TAG]: pool.name,
        [CLUSTER_TAG]: clusterName,
    };
    return Object.fromEntries(
        Object.keys(merged)
            .sort()
            .map((key) => [key, merged[key]]),
    );
}
