import type { ClusterFacts } from "../common/cluster-facts";
import type { ScalingConfig } from "../nodes/pools";
import type { CutoverRecord } from "./cutover-record";
import type { GuardFindings, LiveNodeGroup, PoolGuardContext } from "./guard-context";
import { checkPhaseOrder, checkRemovedPools } from "./phase-order";
import { checkCapacity, gateProblems, readinessGate, type GateResult } from "./readiness-gate";
import { checkLegacyNodeGroup } from "./legacy-node-group-check";

/** Everything the guards need about one pool. */
export interface PoolCutoverFacts extends PoolGuardContext {
    /** The live AL2 node group (`readPoolNodeGroups(...).legacy`). */
    readonly legacyLive?: LiveNodeGroup;
    /** The live AL2023 node group (`readPoolNodeGroups(...).al2023`). */
    readonly al2023Live?: LiveNodeGroup;
    /** `legacySizeAtAdoption(previous, legacyLive)`. */
    readonly legacyAtAdoption?: ScalingConfig;
    /** The pool accepts fewer AL2023 nodes than AL2 had (`pools[i].acceptReducedCapacity`). @default false */
    readonly acceptReducedCapacity?: boolean;
}

/** Every guard's findings for the stack, and each pool's gate result (by pool name) for the outputs. */
export interface CutoverFindings extends GuardFindings {
    readonly gates: Readonly<Record<string, GateResult>>;
}

/**
 * Runs every guard over every pool. The caller throws `new ConfigError(problems)` when there is any, before declaring
 * a resource, and logs the warnings.
 */
export function guardCutover(args: {
    readonly pools: readonly PoolCutoverFacts[];
    readonly previous: CutoverRecord;
    readonly allowSkip: boolean;
    readonly cluster: Pick<ClusterFacts, "name" | "kubernetesVersion">;
}): CutoverFindings {
    const problems: string[] = [];
    const warnings: string[] = [];
    const gates: Record<string, GateResult> = {};
    for (const facts of args.pools) {
        problems.push(...checkPhaseOrder(facts, { allowSkip: args.allowSkip }));
        const legacy = checkLegacyNodeGroup(facts, args.cluster, facts.legacyLive);
        problems.push(...legacy.problems);
        warnings.push(...legacy.warnings);
        const gate = readinessGate(facts, {
            clusterName: args.cluster.name,
            nodeGroupName: facts.previous?.al2023NodeGroupName,
            live: facts.al2023Live,
        });
        gates[facts.pool.name] = gate;
        problems.push(...gateProblems(facts, gate));
        problems.push(
            ...checkCapacity(facts, {
                atAdoption: facts.legacyAtAdoption,
                acceptReducedCapacity: facts.acceptReducedCapacity ?? false,
            }),
        );
    }
    problems.push(
        ...checkRemovedPools(
            args.pools.map((facts) => facts.pool),
            args.previous,
        ),
    );
    return { problems, warnings, gates };
}
