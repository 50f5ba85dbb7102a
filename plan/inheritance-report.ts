/** The plan's view of a pool's inheritance: per setting inherited, set or default, and what the AL2023 pool drops. */

type Json = Record<string, unknown>;

/** What a pool took from its AL2 node group, as the plan shows it (`pools.<name>.inheritance` stack output). */
export interface InheritancePlan {
    /** `record` (the cutover record), `legacy` (the live AL2 node group: first declaration) or `none`. */
    readonly from: string;
    readonly reason?: string;
    /** Per pool config key: `inherited`, `set` or `default`. */
    readonly settings: Readonly<Record<string, string>>;
    /** What the AL2023 pool drops or changes relative to the AL2 node group. */
    readonly changes: readonly string[];
    readonly notes: readonly string[];
}

const isObject = (value: unknown): value is Json =>
    typeof value === "object" && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** The pool's `inheritance` output as a plan field; absent for a pool without one (greenfield). */
export function inheritanceField(outputs: Json): { inheritance?: InheritancePlan } {
    const value = outputs.inheritance;
    if (!isObject(value)) return {};
    const settings = isObject(value.settings)
        ? Object.fromEntries(Object.entries(value.settings).map(([key, from]) => [key, String(from)]))
        : {};
    return {
        inheritance: {
            from: String(value.from),
            ...(typeof value.reason === "string" && { reason: value.reason }),
            settings,
            changes: strings(value.changes),
            notes: strings(value.notes),
        },
    };
}

/** In words, where the pool's inherited settings came from. */
function sourceText(plan: InheritancePlan): string {
    switch (plan.from) {
        case "record":
            return "the cutover record (the AL2 node group when the AL2023 pool was first declared)";
        case "legacy":
            return "the live AL2 node group (first declaration; recorded for later runs)";
        default:
            return plan.reason === "deployed before inheritance"
                ? "nothing: its AL2023 node group predates inherited settings in the record (inputs kept)"
                : `nothing (${plan.reason ?? "no AL2 node group"})`;
    }
}

/** The plan text lines of a pool's inheritance (empty without one). */
export function inheritanceLines(plan: InheritancePlan | undefined): string[] {
    if (plan === undefined) return [];
    const keys = Object.keys(plan.settings);
    return [
        "",
        `Inherited from ${sourceText(plan)}`,
        ...keys.map((key) => `  ${`${key}:`.padEnd(20)} ${plan.settings[key]}`),
        ...(plan.changes.length === 0
            ? ["  AL2023 pool drops or changes nothing of the AL2 node group"]
            : ["  AL2023 pool drops or changes:", ...plan.changes.map((change) => `    - ${change}`)]),
        ...plan.notes.map((note) => `  note: ${note}`),
    ];
}

/** The Markdown lines of a pool's inheritance (empty without one): one item per setting, then the differences. */
export function inheritanceMarkdown(plan: InheritancePlan | undefined): string[] {
    if (plan === undefined) return [];
    return [
        "",
        `**Inherited from** ${sourceText(plan)}:`,
        "",
        ...Object.entries(plan.settings).map(([key, from]) => `- \`${key}\`: ${from}`),
        ...(plan.changes.length === 0
            ? ["", "The AL2023 pool drops or changes nothing of the AL2 node group."]
            : ["", "The AL2023 pool drops or changes:", "", ...plan.changes.map((change) => `- ${change}`)]),
        ...plan.notes.flatMap((note) => ["", `> ${note}`]),
    ];
}
