import type * as aws from "@pulumi/aws";
import { didYouMean } from "../common/suggest";
import { eksctlOwnership, eksctlOwnershipWarning } from "./eksctl-ownership";
import { kubernetesMinor, type ClusterFacts } from "../common/cluster-facts";
import { CUTOVER_PHASES, type CutoverPhase } from "./phases";
import type { PoolConfig, ScalingConfig } from "../nodes/pools";
import type { CutoverRecord, PoolCutoverRecord } from "./cutover-record";
import { phaseKey } from "./phase-plan";
import { phaseIndex } from "./phases";
import { describeValue } from "../common/config-error";
import type { NodegroupHealthIssue } from "./nodegroup-health";
import { customAl2AmiFindings, type CustomAmiFacts } from "./custom-al2-ami";

/** The AMI types of AL2 EKS-optimized AMIs: the only node groups this program replaces. */
export const AL2_AMI_TYPES = ["AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64"] as const;

/** The first Kubernetes minor without AL2 AMIs [https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html]. */
export const FIRST_MINOR_WITHOUT_AL2 = 33;

/** A managed node group as `aws.eks.getNodeGroup` returns it (the fields the guards read). */
export type LiveNodeGroup = Pick<
    aws.eks.GetNodeGroupResult,
    "nodeGroupName" | "amiType" | "status" | "scalingConfigs"
> &
    Partial<Pick<aws.eks.GetNodeGroupResult, "tags">> & {
        /** Health issues from DescribeNodegroup (`cutover/nodegroup-health.ts`); undefined when they were not read. */
        readonly healthIssues?: readonly NodegroupHealthIssue[];
    };

/** One pool as the guards see it. */
export interface PoolGuardContext {
    readonly pool: PoolConfig;
    /** Its position in `pools`, for key names in messages. */
    readonly poolIndex: number;
    /** Its effective phase (`effectivePhase`). */
    readonly phase: CutoverPhase;
    /** What the last deployment recorded for it; undefined on its first deployment. */
    readonly previous?: PoolCutoverRecord;
    /** The cluster's managed node groups, read when the AL2 node group is missing (for a did-you-mean). */
    readonly clusterNodeGroups?: readonly string[];
    /** What was read about the AL2 node group's custom AMI, when its amiType is CUSTOM. */
    readonly legacyCustomAmi?: CustomAmiFacts;
}

function problem(key: string, value: unknown, allowed: string): string {
    return `${key}: ${describeValue(value)} is not allowed; ${allowed}`;
}

/** A node group is in the stack's state (adopted or still being migrated) per the last record. */
function managesLegacy(previous: PoolCutoverRecord | undefined): previous is PoolCutoverRecord {
    return previous?.adopted === true;
}

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
export function checkPhaseOrder(context: PoolGuardContext, allowSkip: boolean): string[] {
    const { pool, poolIndex, phase, previous } = context;
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
    clusterName: string,
    nodeGroupName: string | undefined,
    live: LiveNodeGroup | undefined,
): GateResult {
    const { pool, phase } = context;
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

/** Errors that stop the deployment, and warnings the lead logs with `pulumi.log.warn`. */
export interface GuardFindings {
    readonly problems: string[];
    readonly warnings: string[];
}

/**
 * The AL2 node group named by `legacyNodeGroup`:
 * - it must exist, except in `decommission` (deleted by an earlier run, or about to be);
 * - its `amiType` must be an AL2 EKS AMI type (AL2_x86_64, AL2_x86_64_GPU, AL2_ARM_64), or CUSTOM with an AMI
 *   recognised as AL2 (`cutover/custom-al2-ami.ts`; the pool then chooses its AL2023 image itself); another custom
 *   AMI moves to AL2023 in place by changing the AMI in its launch template [https://docs.aws.amazon.com/eks/latest/userguide/al2023.html];
 * - on Kubernetes 1.33 or newer (no AL2 AMIs [https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html]) a present AL2 node group is a warning: it can no longer be
 *   updated (version, AMI release), only scaled and drained; the phases do only that, so the cutover may proceed;
 * - a node group `DEGRADED` or `UPDATING` when the stack adopts it is a warning (its nodes carry the pods until drain).
 */
export function checkLegacyNodeGroup(
    context: PoolGuardContext,
    cluster: Pick<ClusterFacts, "name" | "kubernetesVersion">,
    live: LiveNodeGroup | undefined,
): GuardFindings {
    const { pool, poolIndex, phase } = context;
    const name = pool.legacyNodeGroup;
    const key = `pools[${poolIndex}].legacyNodeGroup`;
    if (name === undefined) return { problems: [], warnings: [] };
    if (live === undefined) {
        if (phase === "decommission") return { problems: [], warnings: [] };
        const list = `aws eks list-nodegroups --cluster-name ${cluster.name}`;
        return {
            problems: [
                problem(
                    key,
                    name,
                    `no managed node group "${name}" in cluster "${cluster.name}"` +
                        `${didYouMean(name, context.clusterNodeGroups ?? [])} (see \`${list}\`)`,
                ),
            ],
            warnings: [],
        };
    }
    const problems: string[] = [];
    const warnings: string[] = [];
    if (live.amiType === "CUSTOM") {
        const custom = customAl2AmiFindings({ pool, poolIndex, nodeGroupName: name, facts: context.legacyCustomAmi });
        problems.push(...custom.problems);
        warnings.push(...custom.warnings);
    } else if (!(AL2_AMI_TYPES as readonly string[]).includes(live.amiType)) {
        problems.push(
            problem(
                key,
                name,
                `its amiType is ${live.amiType}; this program replaces AL2 node groups (amiType ${AL2_AMI_TYPES.join(", ")}, or CUSTOM with an AL2 AMI)`,
            ),
        );
    }
    const ownership = eksctlOwnership({ clusterName: cluster.name, nodeGroupName: name, tags: live.tags });
    if (ownership !== undefined) {
        warnings.push(
            eksctlOwnershipWarning({
                key,
                nodeRoleKey: `pools[${poolIndex}].nodeRoleArn`,
                nodeGroupName: name,
                ownership,
            }),
        );
    }
    if (!managesLegacy(context.previous) && (live.status === "DEGRADED" || live.status === "UPDATING")) {
        warnings.push(
            `${key}: AL2 node group "${name}" is ${live.status} at adoption: ` +
                (live.status === "DEGRADED"
                    ? `check \`aws eks describe-nodegroup --cluster-name ${cluster.name} --nodegroup-name ${name} --query nodegroup.health.issues\` and fix them first, since its nodes carry the pods until drain`
                    : "an update (version, AMI release, config) is running; let it finish before the cutover changes the node group"),
        );
    }
    if (kubernetesMinor(cluster) >= FIRST_MINOR_WITHOUT_AL2) {
        warnings.push(
            `${key}: AL2 node group "${name}" runs on Kubernetes ${cluster.kubernetesVersion}, which has no AL2 AMIs ` +
                `(1.32 is the last): it cannot be updated any more (version, AMI release), only scaled and drained; ` +
                `take pool "${pool.name}" through drain to decommission`,
        );
    }
    return { problems, warnings };
}

/**
 * Capacity before the AL2 node group shrinks: in `drain` and `decommission` the AL2023 pool's full size (autoscaled
 * pools: `scaling.max`, what the autoscaler may reach) must be at least the AL2 node group's desired size at adoption,
 * unless the pool accepts fewer nodes (`acceptReducedCapacity`, for example because its instance types are larger).
 */
export function checkCapacity(
    context: PoolGuardContext,
    legacyAtAdoption: ScalingConfig | undefined,
    acceptReducedCapacity: boolean,
): string[] {
    const { pool, poolIndex, phase } = context;
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
        problems.push(...checkPhaseOrder(facts, args.allowSkip));
        const legacy = checkLegacyNodeGroup(facts, args.cluster, facts.legacyLive);
        problems.push(...legacy.problems);
        warnings.push(...legacy.warnings);
        const gate = readinessGate(facts, args.cluster.name, facts.previous?.al2023NodeGroupName, facts.al2023Live);
        gates[facts.pool.name] = gate;
        problems.push(...gateProblems(facts, gate));
        problems.push(...checkCapacity(facts, facts.legacyAtAdoption, facts.acceptReducedCapacity ?? false));
    }
    problems.push(
        ...checkRemovedPools(
            args.pools.map((facts) => facts.pool),
            args.previous,
        ),
    );
    return { problems, warnings, gates };
}
