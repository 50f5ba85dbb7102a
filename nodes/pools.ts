/** The `pools` key: the list of AL2023 node pools, their inferred types, and the warnings about risky values. */
import * as v from "valibot";
import { IMDS_HOP_LIMIT } from "../common/aws-limits";
import { notAllowedText } from "../common/config-error";
import { checked, notAllowed, pathItem, required, type CrossCheck } from "../common/schema-kit";
import { poolSchema } from "./pool-schema";

/**
 * One AL2023 node pool, optionally replacing one AL2 managed node group. `setKeys`: the keys `pools[i]` sets itself
 * (`parseConfig` fills it), which the pool never inherits from its AL2 node group; absent, every key counts as set.
 */
export type PoolConfig = v.InferOutput<typeof poolSchema> & { readonly setKeys?: readonly string[] };
/** Node group sizes (EKS `NodegroupScalingConfig`). */
export type ScalingConfig = PoolConfig["scaling"];
export type { NodeTaint } from "./kubernetes-labels";
export type { RootVolumeConfig } from "./root-volume-schema";

/** Each pool needs its own name and its own legacy node group (values that are strings are compared, valid or not). */
const distinctPools: CrossCheck = (list, addIssue) => {
    if (!Array.isArray(list)) return;
    const pools = list as (Record<string, unknown> | undefined)[];
    for (const field of ["name", "legacyNodeGroup"] as const) {
        const seen = new Map<string, number>();
        pools.forEach((pool, i) => {
            const value = pool?.[field];
            if (typeof value !== "string") return;
            const first = seen.get(value);
            if (first === undefined) {
                seen.set(value, i);
                return;
            }
            addIssue({
                input: value,
                message: notAllowedText(
                    value,
                    `each pool needs its own ${field} (pools[${first}].${field} has it already)`,
                ),
                path: [pathItem(pools, i, pool), pathItem(pool, field, value)],
            });
        });
    }
};

/** `pools`: at least one pool, each with its own name and legacy node group. */
export const poolsSchema = required(
    checked(
        v.pipe(
            v.array(poolSchema, notAllowed("expected a list")),
            v.check((pools) => pools.length > 0, notAllowed("needs at least one pool")),
        ),
        distinctPools,
    ),
    { type: "list", description: "the AL2023 node pools (below)" },
);

/**
 * Warnings about valid but risky pool settings, for the program to print with `pulumi.log.warn`.
 * Hop limit above 2: every extra hop lets more network namespaces (nested containers) reach the node role.
 */
export function poolWarnings(pools: readonly PoolConfig[]): string[] {
    return pools
        .map((pool, i) => ({ pool, key: `pools[${i}].imds.hopLimit` }))
        .filter(({ pool }) => pool.imds.hopLimit > IMDS_HOP_LIMIT.safeMax)
        .map(
            ({ pool, key }) =>
                `${key}: ${pool.imds.hopLimit} lets containers behind more than one network hop reach the node role's credentials through IMDS; 2 is enough for pods, 1 blocks them`,
        );
}
