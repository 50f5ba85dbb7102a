import * as pulumi from "@pulumi/pulumi";
import { CUTOVER_PHASES, isCutoverPhase, phaseIndex, type CutoverPhase } from "./phases";
import { PROJECT } from "../common/project";
import { CUTOVER_OUTPUT, parseCutoverRecord } from "./cutover-record";
import { ConfigError, describeValue } from "../common/config-error";
import type { PromotionConfig } from "./cutover-schema";

/** The part of a pool's cutover record the gate reads: its last completed phase (see cutover/cutover-record.ts). */
export interface RecordedCutover {
    readonly phase: string;
}

/** The pools of a stack's `cutover` output (`cutover.pools`), keyed by pool name. */
export type RecordedCutovers = Readonly<Record<string, RecordedCutover>>;

/** What the gate compares: this stack's requested phases and the required stack's recorded ones. */
export interface PromotionCheck {
    /** This stack's phase per pool. */
    readonly requested: readonly RequestedPhase[];
    /** The required stack's `cutover.pools`; undefined when it has no `cutover` output yet. */
    readonly recorded: RecordedCutovers | undefined;
    /** `promotion` (the required stack's name as configured, and `follow`). */
    readonly gate: PromotionConfig;
    /** The required stack's full name (`<org>/eks-al2023-migration/<stack>`), for the messages. */
    readonly requiredStackName: string;
}

/** One pool's requested phase in this stack, with the config key that set it (for the error message). */
export interface RequestedPhase {
    readonly pool: string;
    readonly phase: CutoverPhase;
    /** The key the phase came from: `pools[1].phase`, or `cutoverPhase` for the stack default. */
    readonly key: string;
}

/** The position of a phase in the cutover order, or -1 for a value that is not a phase. */
function rank(phase: string): number {
    return isCutoverPhase(phase) ? phaseIndex(phase) : -1;
}

/**
 * Every requested phase the required stack has not completed, as messages naming the key, the pool, both phases and
 * how to proceed. A pool passes when the required stack's recorded phase for it (or for the pool it `follow`s) is at
 * or past the requested one in the order prepare < canary < shift < drain < decommission. Recorded outputs only
 * change after a successful `pulumi up`, so "recorded" means "completed".
 */
export function promotionProblems(check: PromotionCheck): string[] {
    const { requested, recorded, gate, requiredStackName } = check;
    const problems: string[] = [];
    for (const { pool, phase, key } of requested) {
        const source = gate.follow[pool] ?? pool;
        const refusal = `may not move pool "${pool}" to "${phase}"`;
        if (recorded === undefined) {
            problems.push(
                `${key}: ${refusal}: ${requiredStackName} has no "cutover" output yet. ` +
                    `Deploy ${gate.requireStack} first, then run this stack again.`,
            );
            continue;
        }
        const done = recorded[source]?.phase;
        if (done === undefined) {
            problems.push(
                `${key}: ${refusal}: ${requiredStackName} has no pool "${source}" in its cutover. Run the pool in ` +
                    `${gate.requireStack} first, or set promotion.follow.${pool} to the ${gate.requireStack} pool it follows.`,
            );
        } else if (rank(done) < 0) {
            problems.push(
                `${key}: ${refusal}: ${requiredStackName} recorded ${describeValue(done)} for pool "${source}", ` +
                    `which is not a cutover phase (${CUTOVER_PHASES.join(", ")}). Redeploy ${gate.requireStack} first.`,
            );
        } else if (rank(done) < rank(phase)) {
            problems.push(
                `${key}: ${refusal}: ${gate.requireStack} (${requiredStackName}) has only completed "${done}" for pool ` +
                    `"${source}". Deploy "${phase}" to ${gate.requireStack} first and let it succeed, or keep this ` +
                    `stack at "${done}" or earlier.`,
            );
        }
    }
    return problems;
}

/** Throws a ConfigError listing every refused phase; returns quietly when the required stack ran them all. */
export function checkPromotion(check: PromotionCheck): void {
    const problems = promotionProblems(check);
    if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Reads the `cutover` output of `<org>/eks-al2023-migration/<stack>` with a StackReference and validates it with
 * `parseCutoverRecord`. `cutover` is undefined when that stack has no such output yet; a malformed record raises a
 * ConfigError whose keys name the stack (`acme/eks-al2023-migration/dev:cutover.pools.general.phase`).
 */
export async function readDevCutover(
    org: string = pulumi.getOrganization(),
    stack = "dev",
): Promise<{ stackName: string; cutover: RecordedCutovers | undefined }> {
    const stackName = `${org}/${PROJECT}/${stack}`;
    const reference = new pulumi.StackReference(`promotion-${stack}`, { name: stackName });
    const details = await reference.getOutputDetails(CUTOVER_OUTPUT);
    const value = details.value ?? details.secretValue;
    if (value === undefined || value === null) return { stackName, cutover: undefined };
    try {
        return { stackName, cutover: parseCutoverRecord(value).pools };
    } catch (error) {
        if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${stackName}:${p}`));
        throw error;
    }
}
