import { POOL_TAG } from "../nodes/pool-tags";
import { parseConfig, type StackConfig } from "../config/read-config";
import { CUTOVER_PHASES, phaseIndex, type CutoverPhase } from "../cutover/phases";
import { PROJECT } from "../common/project";
import type { PoolConfig, ScalingConfig } from "../nodes/pools";
import {
    CUTOVER_OUTPUT,
    CUTOVER_RECORD_VERSION,
    type CutoverRecord,
    type PoolCutoverRecord,
} from "../cutover/cutover-record";
import { effectivePhase, planPhase } from "../cutover/phase-plan";
import { nodeGroupInvokeResult } from "./invoke-answers";
import { type CloudFacts, type DescribeNodegroupOutput } from "./cloud-facts";
import { launchTemplateVersionData } from "../cutover/launch-template-version";
import { al2NodeGroupFacts } from "../program/pool-inheritance";
import type { LegacyNodeGroupState } from "../cutover/live-node-groups";
import type { InheritedNodeSettings } from "../cutover/cutover-record";
import { withRehearsalNodeGroups } from "./rehearsal-facts";

/** The Pulumi organization `evaluateOffline` runs the program in (stack references are `acme/<project>/<stack>`). */
export const OFFLINE_ORGANIZATION = "acme";

/** Names and ids the cloud generates are mock values in the plan. */
export const MOCK_NAMES_ASSUMPTION =
    "generated names and ids (AL2023 node group name suffixes, launch template ids, role unique ids) are mock values";

/** A pool's assumed last deployment: a phase, or `none` for a first deployment (no cutover record entry). */
export type PreviousPhase = CutoverPhase | "none";

/** What the offline plan assumes about deployments it cannot see, since there is no real state. */
export interface Simulation {
    /** The stack's own outputs from its assumed last deployment (`cutover`, and `pools` with that phase's sizes). */
    readonly previousOutputs: Record<string, unknown>;
    /** Outputs of other stacks the program reads (the promotion gate's required stack), by full stack name. */
    readonly otherStacks: Record<string, Record<string, unknown>>;
    /** Per pool: the phase assumed deployed last. */
    readonly previousPhases: Readonly<Record<string, PreviousPhase>>;
    /** Every assumption in words, for the plan document. */
    readonly assumptions: readonly string[];
    /** The facts to evaluate with: the input's, plus what a rehearsal's last deployment created (rehearsal-facts.ts). */
    readonly facts: CloudFacts;
}

/** What the simulation reads. */
export interface SimulationInput {
    readonly stack: string;
    /** The stack config (keys without the project prefix; `cutoverPhase` already set to the planned phase). */
    readonly config: Readonly<Record<string, unknown>>;
    readonly facts: CloudFacts;
    /** The phase the stack was last deployed in, for pools without their own `phase`. @default the phase before */
    readonly from?: PreviousPhase;
}

/** The phase before `phase` in the cutover order; `none` before `prepare` (a first deployment). */
export function phaseBefore(phase: CutoverPhase): PreviousPhase {
    const index = phaseIndex(phase);
    return index === 0 ? "none" : CUTOVER_PHASES[index - 1];
}

/** The full name of a stack of this project, as a StackReference names it. */
export function stackName(stack: string): string {
    return `${OFFLINE_ORGANIZATION}/${PROJECT}/${stack}`;
}

/** The facts' AL2023 node group of a pool: tagged `eks-al2023-migration/pool: <pool>`, with an AL2023 AMI type. */
export function al2023NodeGroupOf(facts: CloudFacts, pool: string): DescribeNodegroupOutput["nodegroup"] | undefined {
    return Object.values(facts.nodegroups)
        .map((output) => output.nodegroup)
        .filter((ng) => ng.clusterName === facts.cluster.cluster.name)
        .filter((ng) => ng.tags?.[POOL_TAG] === pool && ng.amiType.startsWith("AL2023_"))
        .sort((a, b) => a.nodegroupName.localeCompare(b.nodegroupName))[0];
}

/** A live node group's sizes from the facts. */
export function liveScaling(ng: DescribeNodegroupOutput["nodegroup"]): ScalingConfig {
    const { minSize, desiredSize, maxSize } = ng.scalingConfig;
    return { min: minSize, desired: desiredSize, max: maxSize };
}

function sizeText(size: ScalingConfig): string {
    return `min ${size.min}, desired ${size.desired}, max ${size.max}`;
}

/** Only the project's own keys (`aws:region` and other namespaced keys are not the program's config). */
function projectConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(config).filter(([key]) => !key.includes(":")));
}

/** The config, or undefined when it is invalid (the program itself then reports every problem). */
function tryParseConfig(config: Readonly<Record<string, unknown>>): StackConfig | undefined {
    try {
        return parseConfig(projectConfig(config));
    } catch {
        return undefined;
    }
}

interface PoolSimulation {
    readonly previousPhase: PreviousPhase;
    readonly record?: PoolCutoverRecord;
    readonly outputs?: Record<string, unknown>;
    readonly assumption: string;
}

/**
 * What an earlier deployment of this program recorded as inherited from the AL2 node group in the facts: its node
 * role, subnets and settings, with the root volume and security groups of the launch template version it runs when
 * the facts hold that version (as the program reads it).
 */
function simulatedInheritance(live: DescribeNodegroupOutput, facts: CloudFacts): InheritedNodeSettings {
    const state = nodeGroupInvokeResult(live) as unknown as LegacyNodeGroupState;
    const template = live.nodegroup.launchTemplate;
    const runs =
        template?.id === undefined || template.version === undefined
            ? undefined
            : launchTemplateVersionData(facts.launchTemplateVersions?.[template.id] ?? [], {
                  launchTemplateId: template.id,
                  version: template.version,
              });
    return {
        nodeRoleArn: live.nodegroup.nodeRole,
        subnetIds: [...live.nodegroup.subnets],
        ...(live.nodegroup.amiType.startsWith("AL2_") && {
            al2: al2NodeGroupFacts(
                state,
                runs,
                typeof live.nodegroup.nodeRepairConfig?.enabled === "boolean"
                    ? { enabled: live.nodegroup.nodeRepairConfig.enabled }
                    : undefined,
            ),
        }),
    };
}

/** One pool's assumed last deployment: its cutover record entry and the sizes that phase planned. */
function simulatePool(simulated: {
    readonly pool: PoolConfig;
    /** The phase this run plans. */
    readonly phase: CutoverPhase;
    /** The phase assumed deployed last, or "none" for a first deployment. */
    readonly previousPhase: PreviousPhase;
    readonly facts: CloudFacts;
}): PoolSimulation {
    const { pool, phase, previousPhase, facts } = simulated;
    const subject = `pool "${pool.name}" (planned phase ${phase})`;
    if (previousPhase === "none") {
        const legacy = pool.legacyNodeGroup === undefined ? "" : `; AL2 node group ${pool.legacyNodeGroup} not adopted`;
        return { previousPhase, assumption: `${subject}: first deployment, no cutover record${legacy}` };
    }
    const liveOutput = pool.legacyNodeGroup === undefined ? undefined : facts.nodegroups[pool.legacyNodeGroup];
    const live = liveOutput?.nodegroup;
    const atAdoption = live === undefined ? undefined : liveScaling(live);
    const al2023 = al2023NodeGroupOf(facts, pool.name);
    const record: PoolCutoverRecord = {
        phase: previousPhase,
        adopted: atAdoption !== undefined && previousPhase !== "decommission",
        ...(pool.legacyNodeGroup !== undefined && { legacyNodeGroupName: pool.legacyNodeGroup }),
        ...(atAdoption !== undefined && { legacySizeAtAdoption: atAdoption }),
        ...(al2023 !== undefined && { al2023NodeGroupName: al2023.nodegroupName }),
        // A rehearsal's AL2 node group is not created yet: its subnets are unknown, the program reads it live.
        ...(liveOutput !== undefined &&
            liveOutput.nodegroup.subnets.length > 0 && { inherited: simulatedInheritance(liveOutput, facts) }),
    };
    const parts = [`last deployed in ${previousPhase}`];
    if (pool.legacyNodeGroup !== undefined) {
        parts.push(
            atAdoption === undefined
                ? `AL2 node group ${pool.legacyNodeGroup} not in the facts`
                : `AL2 node group ${pool.legacyNodeGroup} ${record.adopted ? "adopted" : "recorded"} at its live size (${sizeText(atAdoption)})`,
        );
    }
    parts.push(
        al2023 === undefined
            ? `no AL2023 node group tagged ${POOL_TAG}=${pool.name} in the facts`
            : `AL2023 node group ${al2023.nodegroupName} (from the facts, tagged ${POOL_TAG}=${pool.name})`,
    );
    const plannable = pool.legacyNodeGroup === undefined || atAdoption !== undefined;
    const plan = plannable ? planPhase({ phase: previousPhase, pool, legacyAtAdoption: atAdoption }) : undefined;
    const outputs = plan && {
        phase: previousPhase,
        al2023: { scaling: plan.al2023.scaling },
        ...(plan.legacy !== undefined && {
            legacy: { present: plan.legacy.present, ...(plan.legacy.present && { scaling: plan.legacy.scaling }) },
        }),
    };
    return { previousPhase, record, outputs, assumption: `${subject}: ${parts.join("; ")}` };
}

/**
 * The previous deployment the offline plan assumes. Each pool was last deployed in the phase before its planned one
 * (`from` instead, for pools that follow the stack's `cutoverPhase`; `none` = never deployed, no record entry); its
 * AL2 node group counts as adopted at its live size from the facts, its AL2023 node group is the one the facts tag
 * with the pool. With `promotion`, the required stack is assumed to have completed, per pool it `follow`s, the
 * furthest phase this stack plans for. An invalid config yields no assumptions: the program reports its problems.
 */
export function simulatePrevious(input: SimulationInput): Simulation {
    const config = tryParseConfig(input.config);
    if (config === undefined)
        return { previousOutputs: {}, otherStacks: {}, previousPhases: {}, assumptions: [], facts: input.facts };
    const previousOf = (pool: PoolConfig, phase: CutoverPhase): PreviousPhase =>
        pool.phase === undefined && input.from !== undefined ? input.from : phaseBefore(phase);
    const rehearsal = withRehearsalNodeGroups({
        config,
        facts: input.facts,
        previousPhase: (name, phase) =>
            previousOf(
                config.pools.find((p) => p.name === name)!,
                phase,
            ),
    });
    const facts = rehearsal.facts;
    const records: Record<string, PoolCutoverRecord> = {};
    const poolOutputs: Record<string, Record<string, unknown>> = {};
    const previousPhases: Record<string, PreviousPhase> = {};
    const assumptions: string[] = [];
    for (const pool of config.pools) {
        const phase = effectivePhase(pool, config.cutoverPhase);
        const previousPhase = previousOf(pool, phase);
        const simulated = simulatePool({ pool, phase, previousPhase, facts });
        previousPhases[pool.name] = previousPhase;
        if (simulated.record !== undefined) records[pool.name] = simulated.record;
        if (simulated.outputs !== undefined) poolOutputs[pool.name] = simulated.outputs;
        assumptions.push(simulated.assumption);
    }
    const cutover: CutoverRecord = { version: CUTOVER_RECORD_VERSION, pools: records };
    const previousOutputs = Object.keys(records).length === 0 ? {} : { [CUTOVER_OUTPUT]: cutover, pools: poolOutputs };
    const otherStacks: Record<string, Record<string, unknown>> = {};
    if (config.promotion !== undefined) {
        const { requireStack, follow } = config.promotion;
        const completed: Record<string, PoolCutoverRecord> = {};
        const followers: Record<string, string[]> = {};
        for (const pool of config.pools) {
            const source = follow[pool.name] ?? pool.name;
            const phase = effectivePhase(pool, config.cutoverPhase);
            const done = completed[source]?.phase;
            if (done === undefined || phaseIndex(done) < phaseIndex(phase)) {
                completed[source] = { phase, adopted: false };
            }
            followers[source] = [...(followers[source] ?? []), pool.name];
        }
        otherStacks[stackName(requireStack)] = {
            [CUTOVER_OUTPUT]: { version: CUTOVER_RECORD_VERSION, pools: completed },
        };
        for (const source of Object.keys(completed).sort()) {
            assumptions.push(
                `promotion: ${requireStack} (${stackName(requireStack)}) has completed ${completed[source].phase} for ` +
                    `pool "${source}" (followed by ${input.stack} pools ${followers[source].join(", ")})`,
            );
        }
    }
    assumptions.push(...rehearsal.assumptions, MOCK_NAMES_ASSUMPTION);
    return { previousOutputs, otherStacks, previousPhases, assumptions, facts };
}
