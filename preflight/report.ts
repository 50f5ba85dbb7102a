import { SEVERITIES, workloadKey, type Finding, type Severity } from "./finding";

/** The `--json` document of `npm run preflight`. */
export interface PreflightDocument {
    readonly version: 1;
    readonly stack: string;
    /** The folder the dump and facts were read from. */
    readonly facts: string;
    /** No blocker, or only acknowledged ones. */
    readonly ok: boolean;
    readonly counts: Readonly<Record<Severity, number>>;
    readonly findings: readonly Finding[];
}

/** The report's document: counts per severity and the findings in order. */
export function preflightDocument(stack: string, facts: string, findings: readonly Finding[]): PreflightDocument {
    const counts = { blocker: 0, warning: 0, info: 0 };
    for (const finding of findings) counts[finding.severity]++;
    const ok = findings.every((f) => f.severity !== "blocker" || f.acknowledged === true);
    return { version: 1, stack, facts, ok, counts, findings };
}

function summary(document: PreflightDocument): string {
    const { blocker, warning, info } = document.counts;
    return `${blocker} blocker(s), ${warning} warning(s), ${info} info`;
}

function subject(finding: Finding): string {
    return `${workloadKey(finding.workload)}${finding.pool !== undefined ? ` (pool ${finding.pool})` : ""}`;
}

/** The report as plain text, one block per finding, blockers first. */
export function renderPreflightText(document: PreflightDocument): string {
    const lines = [`Pre-flight report for stack ${document.stack} (dump: ${document.facts}): ${summary(document)}`];
    if (document.findings.length === 0) lines.push("", "No findings: every workload can move to AL2023.");
    for (const finding of document.findings) {
        lines.push(
            "",
            `[${finding.severity}${finding.acknowledged ? ", acknowledged" : ""}] ${finding.id}  ${subject(finding)}`,
            `  what: ${finding.what}`,
            ...(finding.pods !== undefined ? [`  pods: ${finding.pods.join(", ")}`] : []),
            `  why:  ${finding.why}`,
            `  fix:  ${finding.fix}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The report as Markdown (a PR comment): a summary line and one table per severity that has findings. */
export function renderPreflightMarkdown(document: PreflightDocument): string {
    const lines = [`## Pre-flight report: stack \`${document.stack}\``, "", `${summary(document)}.`];
    for (const severity of SEVERITIES) {
        const findings = document.findings.filter((f) => f.severity === severity);
        if (findings.length === 0) continue;
        lines.push("", `### ${severity}`, "", "| rule | workload | what | why | fix |", "|---|---|---|---|---|");
        for (const f of findings) {
            const id = `\`${f.id}\`${f.acknowledged ? " (acknowledged)" : ""}`;
            lines.push(`| ${id} | ${cell(subject(f))} | ${cell(f.what)} | ${cell(f.why)} | ${cell(f.fix)} |`);
        }
    }
    return `${lines.join("\n")}\n`;
}
