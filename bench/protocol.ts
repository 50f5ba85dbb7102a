/** The line prefix a measured child prints its result after (one JSON object on the same line). */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** What a measured child reports about itself. */
export interface ChildResult {
    /** Peak resident set size in KiB, as the child sees it (`process.resourceUsage().maxRSS`). */
    readonly maxRssKb: number;
    /** Resources the program declared (the root stack excluded); absent for the SDK floor. */
    readonly resources?: number;
    /** Declared resources by type token. */
    readonly byType?: Readonly<Record<string, number>>;
    /** The inputs of the first declared resource of each type, when the job asked for them. */
    readonly samples?: Readonly<Record<string, Record<string, unknown>>>;
}

/** Prints the child's result for the parent to read. */
export function report(result: Omit<ChildResult, "maxRssKb">): void {
    const full: ChildResult = { maxRssKb: process.resourceUsage().maxRSS, ...result };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(full)}\n`);
}

/** Counts recorded resources by type, without the root stack. */
export function countByType(resources: readonly { readonly type: string }[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { type } of resources) if (type !== "pulumi:pulumi:Stack") counts[type] = (counts[type] ?? 0) + 1;
    return counts;
}

/** The inputs of the first resource of each type. */
export function firstInputsByType(
    resources: readonly { readonly type: string; readonly inputs: Record<string, unknown> }[],
): Record<string, Record<string, unknown>> {
    const samples: Record<string, Record<string, unknown>> = {};
    for (const { type, inputs } of resources) samples[type] ??= inputs;
    return samples;
}
