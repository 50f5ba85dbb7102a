import { stringify } from "yaml";
import type { GateResult } from "../cutover/readiness-gate";
import type { PlanDocument, PoolPlan, ServiceAccountPlan } from "./plan-document";
import { mapText, size, taintList, yesNo } from "./render";
import { workloadKey } from "../preflight/finding";
import { NOT_CHECKED_REASON, type PreflightGatePlan } from "./preflight-gates";
import { inheritanceMarkdown } from "./inheritance-report";

/** The longest line the Markdown plan prints: it stays readable in a pull-request comment and a diff. */
export const MARKDOWN_LINE_WIDTH = 120;

/** How many characters of the cluster CA the Markdown plan keeps (the whole is ~1,500 characters of base64). */
const CA_SHOWN = 16;

/** A long base64 value shortened to its start and length: `LS0tLS1CRUdJTi…(1476 characters)`. */
export function shortenCertificate(data: string): string {
    return data.length <= CA_SHOWN ? data : `${data.slice(0, CA_SHOWN)}…(${data.length} characters)`;
}

/** Escapes a table cell: a `|` would end the cell, a newline the row. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * A Markdown table; when a row would be wider than MARKDOWN_LINE_WIDTH its longest cell is cut short with `…`
 * (the JSON plan has every value in full).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
    const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
    const fitted = rows.map((row) => {
        const cells = row.map(cell);
        while (line(cells).length > MARKDOWN_LINE_WIDTH) {
            const longest = cells.reduce((best, c, i) => (c.length > cells[best].length ? i : best), 0);
            const excess = line(cells).length - MARKDOWN_LINE_WIDTH;
            cells[longest] = `${cells[longest].slice(0, Math.max(1, cells[longest].length - excess - 1))}…`;
        }
        return line(cells);
    });
    return [line(header.map(cell)), line(header.map(() => "---")), ...fitted];
}

/** Wraps text at word boundaries to MARKDOWN_LINE_WIDTH: `first` starts the first line, `rest` the others. */
export function wrap(text: string, first = "", rest = " ".repeat(first.length)): string[] {
    const lines: string[] = [];
    let current = first;
    let empty = true;
    for (const word of text.split(/\s+/).filter((w) => w !== "")) {
        if (!empty && current.length + 1 + word.length > MARKDOWN_LINE_WIDTH) {
            lines.push(current);
            current = rest + word;
        } else {
            current = empty ? current + word : `${current} ${word}`;
        }
        empty = false;
    }
    lines.push(current);
    return lines;
}

/**
 * A shell command in lines of at most MARKDOWN_LINE_WIDTH: broken at spaces outside quotes with a trailing ` \\`
 * (bash joins such lines back into one, https://www.gnu.org/software/bash/manual/bash.html#Escape-Character).
 */
export function shellLines(command: string): string[] {
    const words: string[] = [];
    let word = "";
    let quote: string | undefined;
    for (const char of command) {
        if (quote === undefined && char === " ") {
            if (word !== "") words.push(word);
            word = "";
            continue;
        }
        if (char === "'" || char === '"') quote = quote === char ? undefined : (quote ?? char);
        word += char;
    }
    if (word !== "") words.push(word);
    const lines: string[] = [];
    let current = "";
    for (const next of words) {
        const prefix = lines.length === 0 ? "" : "    ";
        if (current !== "" && (prefix + current + " " + next + " \\").length > MARKDOWN_LINE_WIDTH) {
            lines.push(`${prefix}${current} \\`);
            current = next;
        } else {
            current = current === "" ? next : `${current} ${next}`;
        }
    }
    lines.push(`${lines.length === 0 ? "" : "    "}${current}`);
    return lines;
}

/** The NodeConfig as YAML with the cluster CA shortened. */
function nodeConfigYaml(nodeConfig: unknown): string {
    const copy = structuredClone(nodeConfig ?? null) as { spec?: { cluster?: { certificateAuthority?: unknown } } };
    const cluster = copy?.spec?.cluster;
    if (cluster !== undefined && typeof cluster.certificateAuthority === "string") {
        cluster.certificateAuthority = shortenCertificate(cluster.certificateAuthority);
    }
    return stringify(copy, { lineWidth: MARKDOWN_LINE_WIDTH - 10 }).trimEnd();
}

function gateLines(gate: GateResult): string[] {
    const lines = [`**Readiness gate: ${gate.passed ? "passed" : "FAILED"}**`, ""];
    for (const check of gate.checks)
        lines.push(...wrap(`${check.name}: ${check.detail}`, `- ${check.ok ? "✅" : "❌"} `));
    for (const note of gate.notChecked) lines.push(...wrap(note, "- ➖ not checked: ", "  "));
    return lines;
}

function poolLines(pool: PoolPlan): string[] {
    const { al2023, launchTemplate: lt, legacy } = pool;
    const volume = lt.rootVolume;
    const rows: string[][] = [
        [
            "node group",
            `\`${al2023.nodeGroupNamePrefix}*\``,
            legacy === undefined ? "—" : `\`${legacy.nodeGroupName}\``,
        ],
        ["AMI", al2023.customAmi ?? al2023.amiType ?? "", legacy?.amiType ?? "—"],
        [
            "instance types",
            `${al2023.instanceTypes.join(", ")} (${al2023.capacityType})`,
            legacy === undefined ? "—" : legacy.instanceTypes.join(", ") || "from its launch template",
        ],
        ["size before", size(al2023.sizes.before), legacy === undefined ? "—" : `${size(legacy.sizes.before)} (live)`],
        ["size after", size(al2023.sizes.after), legacy === undefined ? "—" : size(legacy.sizes.after)],
        ["taints after", taintList(al2023.taints), legacy === undefined ? "—" : taintList(legacy.taints.after)],
        ["protect", yesNo(al2023.protect), legacy === undefined ? "—" : yesNo(legacy.protect)],
        [
            "keep desired size",
            yesNo(al2023.ignoreDesiredSize),
            legacy === undefined ? "—" : yesNo(legacy.ignoreDesiredSize),
        ],
    ];
    if (legacy !== undefined) {
        rows.push(
            ["cordon / drain", "—", `${yesNo(legacy.cordon)} / ${yesNo(legacy.drain)}`],
            [
                "adopt",
                "—",
                legacy.import === undefined ? "no (already in the stack)" : `yes (import \`${legacy.import}\`)`,
            ],
            ["deleted", "no", legacy.deleted ? "**yes (decommission)**" : "no"],
        );
    }
    const lines = [
        `### Pool \`${pool.name}\`: phase ${pool.phase} (assumed last deployed: ${pool.assumedPreviousPhase})`,
        "",
        ...table(["", "AL2023", "AL2"], rows),
        "",
        ...table(
            ["launch template", `\`${lt.namePrefix}*\``],
            [
                ["labels", mapText(al2023.labels)],
                ["IMDS", `httpTokens ${lt.imds.httpTokens}, hop limit ${lt.imds.hopLimit}`],
                [
                    "root volume",
                    [
                        `${volume.type} ${volume.sizeGiB} GiB`,
                        ...(volume.iops !== undefined ? [`${volume.iops} IOPS`] : []),
                        ...(volume.throughput !== undefined ? [`${volume.throughput} MiB/s`] : []),
                        volume.encrypted
                            ? `encrypted (${volume.kmsKeyId ?? "account default EBS key"})`
                            : "NOT encrypted",
                    ].join(", "),
                ],
                ["security groups", lt.securityGroupIds.join(", ") || "EKS default (cluster security group)"],
                ["user data parts", lt.userData.partContentTypes.join(", ")],
            ],
        ),
        "",
        "<details><summary>NodeConfig</summary>",
        "",
        "```yaml",
        nodeConfigYaml(lt.userData.nodeConfig),
        "```",
        "",
        "</details>",
        ...inheritanceMarkdown(pool.inheritance),
    ];
    if (pool.gate !== undefined) lines.push("", ...gateLines(pool.gate));
    if (pool.next !== undefined) {
        lines.push("", ...wrap(pool.next.summary.replace(/^next: /, "**Next:** ")), "", "```sh");
        lines.push(...pool.next.verify.flatMap(shellLines), "```");
        if (pool.next.rollback !== undefined) lines.push("", ...wrap(pool.next.rollback, "Rollback: "));
    }
    return lines;
}

function preflightGateLines(gates: readonly PreflightGatePlan[]): string[] {
    const lines: string[] = [];
    for (const gate of gates) {
        const subject = `Pool \`${gate.pool}\`, before ${gate.step} (pods on AL2 node group \`${gate.legacyNodeGroup}\`):`;
        const result = {
            passed: "✅ passed",
            refused: "❌ refused",
            "not-checked": `not checked: ${NOT_CHECKED_REASON}`,
        };
        lines.push(...wrap(`${subject} ${result[gate.result]}`, "- ", "  "));
        for (const f of gate.blockers)
            lines.push(...wrap(`\`${workloadKey(f.workload)}\` [${f.id}]: ${f.what}; fix: ${f.fix}`, "  - ", "    "));
        for (const f of gate.acknowledged)
            lines.push(
                ...wrap(
                    `\`${workloadKey(f.workload)}\` [${f.id}]: acknowledged in preflightAcknowledge`,
                    "  - ",
                    "    ",
                ),
            );
    }
    return lines;
}

function serviceAccountLines(account: ServiceAccountPlan): string[] {
    const trust = [...account.trust.subjects, ...account.trust.services].join(", ") || "none";
    const restarts = account.restarts.map((r) => `${r.kind}/${r.name}`).join(", ") || "none";
    const text =
        `\`${account.namespace}/${account.name}\`: ${account.binding}, role \`${account.roleName}\`, trust ${trust}; ` +
        `service account ${account.serviceAccount}${account.podIdentityAssociation ? " + Pod Identity association" : ""}; ` +
        `restarts ${restarts}`;
    return wrap(text, "- ", "  ");
}

/**
 * The plan as Markdown for a pull-request comment: tables, the NodeConfig folded away with the cluster CA shortened,
 * no line longer than MARKDOWN_LINE_WIDTH. It starts with the offline notice, like the text plan.
 */
export function renderMarkdown(doc: PlanDocument): string {
    const cluster =
        doc.cluster === undefined
            ? ""
            : `, cluster \`${doc.cluster.name}\` (Kubernetes ${doc.cluster.kubernetesVersion})`;
    const lines = [
        ...wrap(doc.notice, "> ", "> "),
        "",
        ...wrap(`## Offline plan: stack \`${doc.stack}\`, cutoverPhase ${doc.cutoverPhase}${cluster}`),
        "",
        ...wrap(`Facts: \`${doc.facts}\``),
        "",
        `Result: ${doc.ok ? "✅ OK" : "❌ FAILED"}`,
    ];
    if (doc.error !== undefined) {
        lines.push("", "**The program refused this plan:**", "");
        const problems = doc.error.problems.length > 0 ? doc.error.problems : [doc.error.message];
        for (const problem of problems) lines.push(...wrap(problem, "- ", "  "));
    }
    if (doc.preflightGates !== undefined) {
        lines.push("", "### Pre-flight gates (the live gates before shift and drain, on the cluster dump)", "");
        lines.push(...preflightGateLines(doc.preflightGates));
    }
    lines.push("", "### Assumptions (simulated: there is no real state)", "");
    if (doc.assumptions.length === 0) lines.push("- none");
    for (const assumption of doc.assumptions) lines.push(...wrap(assumption, "- ", "  "));
    for (const pool of doc.pools) lines.push("", ...poolLines(pool));
    if (doc.serviceAccounts.length > 0) {
        lines.push("", "### Service accounts", "");
        for (const account of doc.serviceAccounts) lines.push(...serviceAccountLines(account));
    }
    if (doc.warnings.length > 0) {
        lines.push("", "### Warnings", "");
        for (const warning of doc.warnings) lines.push(...wrap(warning, "- ⚠️ ", "  "));
    }
    lines.push("", "### Resources declared", "");
    lines.push(
        ...table(
            ["type", "count"],
            Object.entries(doc.resourceCounts).map(([type, n]) => [`\`${type}\``, `${n}`]),
        ),
    );
    return `${lines.join("\n")}\n`;
}
