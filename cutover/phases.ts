/**
 * The cutover phases, in order: the vocabulary every domain shares (imports nothing). What each phase does to the
 * node groups is `planPhase` in `cutover/phase-plan.ts`; the README's phase table says it for operators.
 */
export const CUTOVER_PHASES = ["prepare", "canary", "shift", "drain", "decommission"] as const;

/** One cutover phase. */
export type CutoverPhase = (typeof CUTOVER_PHASES)[number];

/** Whether a value is a cutover phase name. */
export function isCutoverPhase(value: unknown): value is CutoverPhase {
    return (CUTOVER_PHASES as readonly unknown[]).includes(value);
}

/** The position of a phase in CUTOVER_PHASES (prepare = 0 ... decommission = 4): the one way phases are ranked. */
export function phaseIndex(phase: CutoverPhase): number {
    return CUTOVER_PHASES.indexOf(phase);
}
