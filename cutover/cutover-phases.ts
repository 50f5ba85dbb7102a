/** The cutover phases, in order. See `stacks/phases.ts` for what each one does to the node groups. */
export const CUTOVER_PHASES = ["prepare", "canary", "shift", "drain", "decommission"] as const;

/** One of the cutover phases. */
export type CutoverPhase = (typeof CUTOVER_PHASES)[number];
