import { CUTOVER_PHASES, phaseIndex } from "./phases";
import type { PoolConfig } from "../nodes/pools";
import type { CutoverRecord } from "./cutover-record";
import { phaseKey } from "./phase-plan";
import { managesLegacy, problem, type PoolGuardContext } from "./guard-context";

/**
 * Phase order, per pool, against the phase last deployed:
 * - forward one phase, staying, or back one phase (a rollback) are allowed;
 * - forward more than one phase is refused unless `cutoverAllowSkip`; into `decommission` only from `drain`, always
 *   (only `drain` empties the AL2 node group honouring PDBs and unprotects it so that it can be deleted);
 * - back more than one phase is refused (the message names the phase to set); nothing returns from `decommission`;
 * - a pool whose AL2 node group is not adopted yet starts in `prepare` (`canary` with `cutoverAllowSkip`): the import
 *   must see inputs equal to the live node group, and only those two phases leave it unchanged;
 * - `legacyNodeGroup` cannot change or disappear while the stack manages the node group it named.
 */
export function checkPhaseOrder(
    context: PoolGuardContext,
    options: {
        /** `cutoverAllowSkip`: forward more than one phase (never past drain). */
        readonly allowSkip: boolean;
    },
): string[] {
    const { pool, poolIndex, phase, previous } = context;
    const { allowSkip } = options;
    const key = phaseKey(pool, poolIndex);
    const legacy = pool.legacyNodeGroup;
    const subject = `pool "${pool.name}"`;
    if (managesLegacy(previous) && previous.legacyNodeGroupName !== legacy) {
        return [
            problem(
                `pools[${poolIndex}].legacyNodeGroup`,
                legacy,
                `the stack manages AL2 node group "${previous.legacyNodeGroupName}" for ${subject} (phase ` +
                    `${previous.phase}); finish its cutover (decommission) or roll it back before changing legacyNodeGroup`,
            ),
        ];
    }
    if (legacy === undefined) return [];
    if (previous?.phase === "decommission") {
        if (phase === "decommission") return [];
        return [
            problem(
                key,
                phase,
                `${subject} was decommissioned: nothing returns from decommission (its AL2 node group is deleted); ` +
                    `keep ${key}=decommission, or add a new pool to migrate another node group`,
            ),
        ];
    }
    if (!managesLegacy(previous)) {
        if (phase === "prepare" || (phase === "canary" && allowSkip)) return [];
        const canary = phase === "canary" ? " (or set cutoverAllowSkip: true to start at canary)" : "";
        return [
            problem(
                key,
                phase,
                `the stack has not adopted AL2 node group "${legacy}" of ${subject} yet; it imports it unchanged in ` +
                    `prepare: set ${key}=prepare first${canary}`,
            ),
        ];
    }
    const step = phaseIndex(phase) - phaseIndex(previous.phase);
    const before = previous.phase;
    if (step === 0 || step === 1 || step === -1) return [];
    if (step < -1) {
        const back = CUTOVER_PHASES[phaseIndex(before) - 1];
        return [
            problem(
                key,
                phase,
                `${subject} was last deployed in ${before}; go back one phase at a time: set ${key}=${back} first`,
            ),
        ];
    }
    const next = CUTOVER_PHASES[phaseIndex(before) + 1];
    if (phase === "decommission") {
        return [
            problem(
                key,
                phase,
                `${subject} was last deployed in ${before}; decommission deletes AL2 node group "${legacy}", which ` +
                    `only drain empties (honouring PodDisruptionBudgets) and unprotects: set ${key}=${next} first ` +
                    `(cutoverAllowSkip does not skip drain)`,
            ),
        ];
    }
    if (allowSkip) return [];
    return [
        problem(
            key,
            phase,
            `${subject} was last deployed in ${before}; move forward one phase at a time: set ${key}=${next} ` +
                `first, or set cutoverAllowSkip: true`,
        ),
    ];
}

/** Pools the last deployment recorded with an adopted AL2 node group must stay in the config until decommissioned. */
export function checkRemovedPools(pools: readonly Pick<PoolConfig, "name">[], previous: CutoverRecord): string[] {
    const names = new Set(pools.map((pool) => pool.name));
    return Object.entries(previous.pools)
        .filter(([name, record]) => !names.has(name) && managesLegacy(record))
        .map(
            ([name, record]) =>
                `pools: pool "${name}" is missing, but the stack still manages its AL2 node group ` +
                `"${record.legacyNodeGroupName}" (phase ${record.phase}); put the pool back, and take it to ` +
                `decommission before removing it`,
        );
}
