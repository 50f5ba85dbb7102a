/** How much a finding matters: a `blocker` stops the live gates and makes `npm run preflight` exit 1. */
export type Severity = "blocker" | "warning" | "info";

/** The severities, most serious first (the report's order). */
export const SEVERITIES: readonly Severity[] = ["blocker", "warning", "info"];

/**
 * The workload a finding is about: the top controller of its pods (a Deployment rather than its ReplicaSet), a bare
 * Pod, or a cluster-level object (`NodeGroup`, `Addon`) with an empty namespace.
 */
export interface WorkloadRef {
    readonly namespace: string;
    readonly kind: string;
    readonly name: string;
}

/** One pre-flight finding: a stable rule id, its severity, the workload, and what, why and how to fix it. */
export interface Finding {
    /** The rule's stable id (`sched-node-selector`); acknowledgements name it. */
    readonly id: string;
    readonly severity: Severity;
    readonly workload: WorkloadRef;
    /** The pool whose AL2 → AL2023 move the finding is about, when it is about one. */
    readonly pool?: string;
    readonly what: string;
    readonly why: string;
    readonly fix: string;
    /** The pods (`namespace/name`) the finding was seen on, when it is about pods. */
    readonly pods?: readonly string[];
    /** A blocker accepted in config `preflightAcknowledge`: it no longer fails the report or the live gates. */
    readonly acknowledged?: boolean;
}

/** `namespace/Kind/name` (or `Kind/name` without a namespace), as findings are listed. */
export function workloadKey(workload: WorkloadRef): string {
    return [workload.namespace, workload.kind, workload.name].filter((part) => part !== "").join("/");
}

/**
 * Findings without repeats (one per rule, workload, pool and text: the pods of one Deployment give one finding that
 * lists them all), sorted by severity, then workload, then rule id, so the report is the same on every run.
 */
export function normalizeFindings(findings: readonly Finding[]): Finding[] {
    const seen = new Map<string, Finding>();
    for (const finding of findings) {
        const key = JSON.stringify([finding.id, workloadKey(finding.workload), finding.pool ?? "", finding.what]);
        const before = seen.get(key);
        const pods = [...new Set([...(before?.pods ?? []), ...(finding.pods ?? [])])].sort();
        seen.set(key, { ...(before ?? finding), ...(pods.length > 0 && { pods }) });
    }
    const rank = (finding: Finding) => SEVERITIES.indexOf(finding.severity);
    return [...seen.values()].sort(
        (a, b) =>
            rank(a) - rank(b) ||
            workloadKey(a.workload).localeCompare(workloadKey(b.workload)) ||
            a.id.localeCompare(b.id) ||
            (a.pool ?? "").localeCompare(b.pool ?? "") ||
            a.what.localeCompare(b.what),
    );
}
