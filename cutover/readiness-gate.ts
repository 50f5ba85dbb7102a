import { CUTOVER_PHASES, phaseIndex, type CutoverPhase } from "./phases";
import type { PoolConfig, ScalingConfig } from "../nodes/pools";
import { phaseKey } from "./phase-plan";
import { problem, type LiveNodeGroup, type PoolGuardContext } from "./guard-context";

/** One check of the readiness gate. */
export interface GateCheck {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

/** The readiness gate's result, shown in the outputs and the offline plan. */
export interface GateResult {
    /** The gate applies in `drain` and `decommission` to pools with a legacy node group. */
    readonly required: boolean;
    readonly passed: boolean;
    /** The AL2023 node group read, when known. */
    readonly nodeGroupName?: string;
    readonly checks: readonly GateCheck[];
    /** What the gate cannot see, and how the operator checks it. */
    readonly notChecked: readonly string[];
}

/** Phases that lower or delete the AL2 node group, so need the AL2023 node group ready first. */
export function gateRequired(pool: Pick<PoolConfig, "legacyNodeGroup">, phase: CutoverPhase): boolean {
    return pool.legacyNodeGroup !== undefined && (phase === "drain" || phase === "decommission");
}

/**
 * The readiness gate before `drain` and `decommission`: the live AL2023 node group must exist, be ACTIVE and have a
 * desired size of at least the pool's full desired size (autoscaled pools: at least `scaling.min` and at least 1, as
 * the autoscaler owns the rest) and have no health issue (read from DescribeNodegroup, since `aws.eks.getNodeGroup`
 * does not return them: https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupHealth.html). Node
 * readiness is not an EKS API field: it is listed in `notChecked` (the drain checks it itself before evicting).
 */
export function readinessGate(
    context: Pick<PoolGuardContext, "pool" | "phase">,
    al2023: {
        readonly clusterName: string;
        /** The AL2023 node group an earlier deployment recorded; undefined before the first. */
        readonly nodeGroupName: string | undefined;
        /** That node group as read live; undefined when it was not found (or no name is recorded). */
        readonly live: LiveNodeGroup | undefined;
    },
): GateResult {
    const { pool, phase } = context;
    const { clusterName, nodeGroupName, live } = al2023;
    const describe = `aws eks describe-nodegroup --cluster-name ${clusterName} --nodegroup-name ${nodeGroupName ?? "<name>"}`;
    const notChecked = [
        ...(live?.healthIssues === undefined
            ? [`health issues: not read; check \`${describe} --query nodegroup.health.issues\` is empty`]
            : []),
        "node readiness: not an EKS API field; the drain checks the AL2023 nodes are Ready before evicting",
    ];
    const required = gateRequired(pool, phase);
    const checks: GateCheck[] = [];
    if (live === undefined) {
        const detail =
            nodeGroupName === undefined
                ? "no AL2023 node group recorded by an earlier deployment of this stack; deploy shift first"
                : `AL2023 node group "${nodeGroupName}" not found in cluster "${clusterName}"`;
        checks.push({ name: "exists", ok: false, detail });
    } else {
        checks.push({ name: "exists", ok: true, detail: `AL2023 node group "${live.nodeGroupName}" exists` });
        checks.push({ name: "status", ok: live.status === "ACTIVE", detail: `status ${live.status} (needs ACTIVE)` });
        const desired = live.scalingConfigs[0]?.desiredSize ?? 0;
        const needed = pool.autoscaled ? Math.max(1, pool.scaling.min) : pool.scaling.desired;
        const rule = pool.autoscaled
            ? `at least scaling.min and 1 (autoscaled): ${needed}`
            : `the pool's full size ${needed}`;
        checks.push({ name: "desiredSize", ok: desired >= needed, detail: `desired size ${desired} (needs ${rule})` });
        if (live.healthIssues !== undefined) {
            const issues = live.healthIssues.map(
                (issue) =>
                    `${issue.code}: ${issue.message}${issue.resourceIds.length > 0 ? ` (${issue.resourceIds.join(", ")})` : ""}`,
            );
            checks.push({
                name: "health",
                ok: issues.length === 0,
                detail:
                    issues.length === 0
                        ? "no health issues (DescribeNodegroup)"
                        : `${issues.length} health issue(s): ${issues.join("; ")} (fix them, see \`${describe} --query nodegroup.health.issues\`)`,
            });
        }
    }
    return {
        required,
        passed: checks.every((check) => check.ok),
        ...(nodeGroupName !== undefined ? { nodeGroupName } : {}),
        checks,
        notChecked,
    };
}

/** The gate's failures as problems, when the phase needs the gate. */
export function gateProblems(context: PoolGuardContext, gate: GateResult): string[] {
    if (!gate.required || gate.passed) return [];
    const failed = gate.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
    const key = phaseKey(context.pool, context.poolIndex);
    const before = CUTOVER_PHASES[phaseIndex(context.phase) - 1];
    return [
        problem(
            key,
            context.phase,
            `pool "${context.pool.name}" is not ready: AL2023 node group ${gate.nodeGroupName ? `"${gate.nodeGroupName}" ` : ""}` +
                `fails the readiness gate (${failed.join("; ")}); stay in ${before} until it passes`,
        ),
    ];
}

/**
 * Capacity before the AL2 node group shrinks: in `drain` and `decommission` the AL2023 pool's full size (autoscaled
 * pools: `scaling.max`, what the autoscaler may reach) must be at least the AL2 node group's desired size at adoption,
 * unless the pool accepts fewer nodes (`acceptReducedCapacity`, for example because its instance types are larger).
 */
export function checkCapacity(
    context: PoolGuardContext,
    legacy: {
        /** The AL2 node group's sizes at adoption; undefined when not known (no check). */
        readonly atAdoption: ScalingConfig | undefined;
        /** `pools[i].acceptReducedCapacity`. */
        readonly acceptReducedCapacity: boolean;
    },
): string[] {
    const { pool, poolIndex, phase } = context;
    const { atAdoption: legacyAtAdoption, acceptReducedCapacity } = legacy;
    if (!gateRequired(pool, phase) || legacyAtAdoption === undefined || acceptReducedCapacity) return [];
    const field = pool.autoscaled ? "max" : "desired";
    const size = pool.scaling[field];
    if (size >= legacyAtAdoption.desired) return [];
    return [
        problem(
            `pools[${poolIndex}].scaling.${field}`,
            size,
            `in ${phase} pool "${pool.name}" would have fewer nodes than the ${legacyAtAdoption.desired} AL2 node ` +
                `group "${pool.legacyNodeGroup}" had at adoption; raise it to at least ${legacyAtAdoption.desired}, or set ` +
                `pools[${poolIndex}].acceptReducedCapacity: true if fewer (larger) nodes are enough`,
        ),
    ];
}
