import { phaseIndex, type CutoverPhase } from "./phases";
import type { NodeTaint, PoolConfig, ScalingConfig } from "../nodes/pools";

/**
 * The taint `shift` adds to the AL2 node group so that no new pod lands on a node it still launches. It is added to
 * the node group's own taints, never replacing them, and removed again on a rollback to `canary`. Running nodes do not
 * reliably receive a node group taint change, so `shift` also cordons them (the drain module).
 */
export const LEGACY_TAINT: NodeTaint = { key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" };

/** The desired state of the AL2023 node group in one phase. */
export interface Al2023Plan {
    readonly scaling: ScalingConfig;
}

/** The desired state of the AL2 node group while it still exists (every phase before `decommission`). */
export interface LegacyPresentPlan {
    readonly present: true;
    /** The size at adoption until `drain`; from `drain` on min 0, desired 0, max unchanged (EKS needs max ≥ 1). */
    readonly scaling: ScalingConfig;
    /** Add LEGACY_TAINT (NoSchedule) to the node group's taints (`shift`, `drain`). */
    readonly taintNoSchedule: boolean;
    /** Cordon its running nodes (`shift`, `drain`). */
    readonly cordon: boolean;
    /** Evict its pods through the Eviction API before the size is lowered (`drain`). */
    readonly drain: boolean;
    /**
     * Pulumi `protect`: on while the node group runs workloads (`prepare`, `canary`, `shift`), off from `drain` on.
     * Pulumi refuses to delete a resource the last deployment left protected, so `drain` must unprotect it for
     * `decommission` to delete it in one `pulumi up`.
     */
    readonly protect: boolean;
}

/** The AL2 node group after `decommission`: deleted. */
export interface LegacyAbsentPlan {
    readonly present: false;
}

/** The desired state of both node groups of one pool in one phase. */
export interface PhasePlan {
    readonly phase: CutoverPhase;
    readonly al2023: Al2023Plan;
    /** Absent for a greenfield pool (no `legacyNodeGroup`). */
    readonly legacy?: LegacyPresentPlan | LegacyAbsentPlan;
}

/** The phase a pool is in: its own `pools[i].phase` wins over the stack's `cutoverPhase`. */
export function effectivePhase(pool: Pick<PoolConfig, "phase">, stackPhase: CutoverPhase): CutoverPhase {
    return pool.phase ?? stackPhase;
}

/** The config key that sets a pool's phase, for messages: `pools[1].phase` when the pool overrides, else `cutoverPhase`. */
export function phaseKey(pool: Pick<PoolConfig, "phase">, poolIndex: number): string {
    return pool.phase === undefined ? "cutoverPhase" : `pools[${poolIndex}].phase`;
}

/**
 * AL2023 sizes per phase: prepare 0/0 with max `canarySize` (EKS needs max ≥ 1; a low max keeps an autoscaler from
 * growing the empty pool), canary `canarySize` (the full size when `held`, see `holdsAl2023AtFullSize`), then the
 * pool's full size.
 */
function al2023Scaling(at: {
    readonly phase: CutoverPhase;
    readonly pool: PoolConfig;
    /** Canary at full size (`holdsAl2023AtFullSize`). @default false */
    readonly held?: boolean;
}): ScalingConfig {
    const { phase, pool, held = false } = at;
    const max = Math.max(1, pool.scaling.max);
    switch (phase) {
        case "prepare":
            return { min: 0, desired: 0, max: Math.max(1, pool.canarySize) };
        case "canary":
            if (held) return { ...pool.scaling };
            return { min: pool.canarySize, desired: pool.canarySize, max: Math.max(max, pool.canarySize) };
        case "shift":
        case "drain":
        case "decommission":
            return { ...pool.scaling };
    }
}

/** AL2 state per phase, from its size at adoption. */
function legacyPlan(phase: CutoverPhase, atAdoption: ScalingConfig): LegacyPresentPlan | LegacyAbsentPlan {
    const fenced = phase === "shift" || phase === "drain";
    switch (phase) {
        case "prepare":
        case "canary":
        case "shift":
            return {
                present: true,
                scaling: { ...atAdoption },
                taintNoSchedule: fenced,
                cordon: fenced,
                drain: false,
                protect: true,
            };
        case "drain":
            return {
                present: true,
                scaling: { min: 0, desired: 0, max: atAdoption.max },
                taintNoSchedule: true,
                cordon: true,
                drain: true,
                protect: false,
            };
        case "decommission":
            return { present: false };
    }
}

/**
 * The desired state of a pool's two node groups in a phase (the README's phase table):
 *
 * | phase        | AL2023 node group  | AL2 node group                                                 |
 * |--------------|--------------------|----------------------------------------------------------------|
 * | prepare      | min 0, desired 0, max `canarySize` | size at adoption, protected                    |
 * | canary       | `canarySize` nodes (full size after a rollback from shift) | size at adoption, protected |
 * | shift        | full size          | size at adoption, NoSchedule taint, nodes cordoned, protected  |
 * | drain        | full size          | pods evicted (PDBs honoured), then min 0 desired 0, unprotected |
 * | decommission | full size          | deleted                                                        |
 *
 * A greenfield pool (no `legacyNodeGroup`) has no cutover: its AL2023 node group is at full size in every phase.
 * `legacyAtAdoption` is the AL2 node group's size when the stack adopted it; required for a pool with a legacy node
 * group in every phase but `decommission`.
 */
export function planPhase(at: {
    readonly phase: CutoverPhase;
    readonly pool: PoolConfig;
    /** The AL2 node group's size at adoption. */
    readonly legacyAtAdoption?: ScalingConfig | undefined;
    /** Keep AL2023 at full size in `canary` (`holdsAl2023AtFullSize`). @default false */
    readonly holdAl2023AtFullSize?: boolean;
}): PhasePlan {
    const { phase, pool, legacyAtAdoption, holdAl2023AtFullSize = false } = at;
    if (pool.legacyNodeGroup === undefined) return { phase, al2023: { scaling: { ...pool.scaling } } };
    if (legacyAtAdoption === undefined && phase !== "decommission") {
        throw new Error(`planPhase: pool "${pool.name}" needs the size of ${pool.legacyNodeGroup} at adoption`);
    }
    return {
        phase,
        al2023: { scaling: al2023Scaling({ phase, pool, held: holdAl2023AtFullSize }) },
        legacy: legacyPlan(phase, legacyAtAdoption ?? { min: 0, desired: 0, max: 1 }),
    };
}

/**
 * Whether `canary` keeps the AL2023 node group at full size: when it is a rollback from `shift` or later, and on every
 * later run in `canary` after such a rollback (the record keeps `al2023HeldAtFullSize`, so a re-run changes nothing).
 * Shrinking AL2023 in the rollback itself would lower a managed node group's desired size, which terminates nodes
 * without honouring PodDisruptionBudgets [https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html], while the AL2 nodes are still cordoned and tainted (their uncordon is
 * the deletion of the cordon, which Pulumi runs after the updates): the pods would have nowhere to go. Held at full
 * size, nothing is lost; rolling back further to `prepare` scales AL2023 to zero once AL2 takes pods again.
 */
export function holdsAl2023AtFullSize(
    phase: CutoverPhase,
    previous: { readonly phase: CutoverPhase; readonly al2023HeldAtFullSize?: boolean } | undefined,
): boolean {
    if (phase !== "canary" || previous === undefined) return false;
    return phaseIndex(previous.phase) > phaseIndex("canary") || previous.al2023HeldAtFullSize === true;
}

/** Total desired nodes of a plan: AL2023 plus AL2 while it exists. */
export function plannedDesiredNodes(plan: PhasePlan): number {
    return plan.al2023.scaling.desired + (plan.legacy?.present ? plan.legacy.scaling.desired : 0);
}

/** Which node group of a pool a decision is about. */
export type NodeGroupRole = "al2023" | "legacy";

/**
 * Whether a node group must keep the desired size it has now (`ignoreChanges: ["scalingConfig.desiredSize"]`)
 * instead of being set to the plan's: true for an autoscaled pool when this phase plans the same desired size for
 * that node group as the phase last deployed. So a re-run in the same phase never resets what the cluster autoscaler
 * chose; a phase change that plans a different size (prepare → canary → shift, drain ↔ shift for AL2) still moves the
 * node group to it. Phases that plan the same size (AL2023 in shift → drain → decommission, AL2 in prepare → canary →
 * shift) keep the autoscaler's size too, because lowering a managed node group's desired size terminates nodes
 * without honouring PodDisruptionBudgets [https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html]. min and max are always applied. False on a first deployment.
 */
export function ignoreDesiredSizeChanges(at: {
    readonly role: NodeGroupRole;
    readonly pool: PoolConfig;
    readonly phase: CutoverPhase;
    /** The phase last deployed; undefined on a first deployment. */
    readonly previousPhase: CutoverPhase | undefined;
    /** The AL2 node group's size at adoption. */
    readonly legacyAtAdoption?: ScalingConfig | undefined;
    /** AL2023 held at full size in canary, last run and now. @default neither */
    readonly held?: { readonly previous: boolean; readonly now: boolean };
}): boolean {
    const { role, pool, phase, previousPhase, legacyAtAdoption, held = { previous: false, now: false } } = at;
    if (!pool.autoscaled || previousPhase === undefined) return false;
    if (previousPhase === phase && held.previous === held.now) return true;
    if (role === "al2023") {
        const full = pool.legacyNodeGroup === undefined;
        const desired = (at: { readonly phase: CutoverPhase; readonly held: boolean }): number =>
            full ? pool.scaling.desired : al2023Scaling({ ...at, pool }).desired;
        return desired({ phase: previousPhase, held: held.previous }) === desired({ phase, held: held.now });
    }
    if (pool.legacyNodeGroup === undefined || legacyAtAdoption === undefined) return false;
    const before = legacyPlan(previousPhase, legacyAtAdoption);
    const now = legacyPlan(phase, legacyAtAdoption);
    return before.present && now.present && before.scaling.desired === now.scaling.desired;
}

/** The resource options of the adopted AL2 `aws.eks.NodeGroup` in one phase. */
export interface LegacyResourceOptions {
    readonly protect: boolean;
    /** `<cluster>:<nodegroup>` on the first adoption only. */
    readonly import?: string;
    readonly ignoreChanges: string[];
    readonly retainOnDelete: false;
}

/**
 * The AL2 node group's resource options, pure so tests can check them (mocks do not enforce `protect`).
 * `import` is set only while the stack has not adopted the node group yet (from the previous cutover record): the
 * import must see inputs equal to the live node group. Should it be set again for a resource already in the state
 * with the same id, Pulumi ignores it (pulumi/pulumi#2893), so a lost record cannot cause a second adoption.
 * `retainOnDelete` is false: `decommission` really deletes the node group.
 */
export function legacyResourceOptions(
    plan: LegacyPresentPlan,
    adoption: { readonly adopt: boolean; readonly importId: string; readonly ignoreDesiredSizeChanges: boolean },
): LegacyResourceOptions {
    return {
        protect: plan.protect,
        ...(adoption.adopt ? { import: adoption.importId } : {}),
        ignoreChanges: adoption.ignoreDesiredSizeChanges ? ["scalingConfig.desiredSize"] : [],
        retainOnDelete: false,
    };
}
