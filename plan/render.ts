import { stringify } from "yaml";
import type { ScalingConfig } from "../nodes/pools";
import type { GateResult } from "../cutover/readiness-gate";
import type { PlanDocument, PlanTaint, PoolPlan, ServiceAccountPlan } from "./plan-document";
import { inheritanceLines } from "./inheritance-report";
import { workloadKey } from "../preflight/finding";
import { NOT_CHECKED_REASON, type PreflightGatePlan } from "./preflight-gates";

/** How to render: ANSI colours only for a terminal. */
export interface RenderOptions {
    /** Colour the text (pass `process.stdout.isTTY`). @default false */
    readonly color?: boolean;
}

type Paint = (text: string) => string;

/** A paint with the ANSI SGR `code` (`"1"` bold, `"31"` red, ...), or none when `color` is off. */
function painter(code: string, options: { readonly color: boolean }): Paint {
    const { color } = options;
    return (text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
}

/** A node group size as `min 1 / desired 2 / max 4`, or "absent" / "deleted". */
export function size(s: ScalingConfig | "absent" | "deleted"): string {
    return typeof s === "string" ? s : `min ${s.min} / desired ${s.desired} / max ${s.max}`;
}

/** Taints as `key=value:EFFECT, ...`, "none" or "deleted". */
export function taintList(list: readonly PlanTaint[] | "deleted"): string {
    if (typeof list === "string") return list;
    if (list.length === 0) return "none";
    return list.map((t) => `${t.key}${t.value === undefined ? "" : `=${t.value}`}:${t.effect}`).join(", ");
}

/** "yes" or "no". */
export function yesNo(value: boolean): string {
    return value ? "yes" : "no";
}

function row(label: string, value: string): string {
    return `  ${`${label}:`.padEnd(20)} ${value}`;
}

/** A string map as `k=v, ...`, or "none". */
export function mapText(map: Readonly<Record<string, string>>): string {
    const entries = Object.entries(map);
    return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

function gateLines(gate: GateResult, ok: Paint, bad: Paint): string[] {
    const lines = [`Readiness gate: ${gate.passed ? ok("passed") : bad("FAILED")}`];
    for (const check of gate.checks)
        lines.push(`  - [${check.ok ? ok("ok") : bad("FAIL")}] ${check.name}: ${check.detail}`);
    for (const note of gate.notChecked) lines.push(`  - [not checked] ${note}`);
    return lines;
}

function poolLines(pool: PoolPlan, paint: { bold: Paint; ok: Paint; bad: Paint }): string[] {
    const { al2023, launchTemplate: lt, legacy } = pool;
    const lines = [
        paint.bold(`## Pool ${pool.name}: phase ${pool.phase} (assumed last deployed: ${pool.assumedPreviousPhase})`),
        "",
        `AL2023 node group ${al2023.nodeGroupNamePrefix}* (${al2023.customAmi ?? al2023.amiType})`,
        row("instance types", `${al2023.instanceTypes.join(", ")} (${al2023.capacityType})`),
        row("size before", size(al2023.sizes.before)),
        row("size after", size(al2023.sizes.after)),
        row("labels", mapText(al2023.labels)),
        row("taints", taintList(al2023.taints)),
        row("protect", yesNo(al2023.protect)),
        row("keep desired size", `${yesNo(al2023.ignoreDesiredSize)} (ignoreChanges scalingConfig.desiredSize)`),
        "",
        `Launch template ${lt.namePrefix}*`,
        row("IMDS", `httpTokens ${lt.imds.httpTokens}, hop limit ${lt.imds.hopLimit}, endpoint ${lt.imds.endpoint}`),
        row(
            "root volume",
            [
                `${lt.rootVolume.deviceName} ${lt.rootVolume.type} ${lt.rootVolume.sizeGiB} GiB`,
                ...(lt.rootVolume.iops !== undefined ? [`${lt.rootVolume.iops} IOPS`] : []),
                ...(lt.rootVolume.throughput !== undefined ? [`${lt.rootVolume.throughput} MiB/s`] : []),
                lt.rootVolume.encrypted
                    ? `encrypted (${lt.rootVolume.kmsKeyId ?? "account default EBS key"})`
                    : "NOT encrypted",
            ].join(", "),
        ),
        row(
            "security groups",
            lt.securityGroupIds.length === 0 ? "EKS default (cluster security group)" : lt.securityGroupIds.join(", "),
        ),
        row("image", lt.imageId ?? "EKS-optimized AMI of the node group's AMI type"),
        row("user data parts", lt.userData.partContentTypes.join(", ")),
        "  NodeConfig:",
        "```yaml",
        stringify(lt.userData.nodeConfig ?? null, { lineWidth: 0 }).trimEnd(),
        "```",
    ];
    if (legacy !== undefined) {
        const adoption = legacy.import === undefined ? "no (already in the stack)" : `yes (import ${legacy.import})`;
        lines.push(
            "",
            `AL2 node group ${legacy.nodeGroupName} (${legacy.amiType}, ${legacy.instanceTypes.join(", ") || "instance types from its launch template"})`,
            row("size before (live)", size(legacy.sizes.before)),
            row("size after", size(legacy.sizes.after)),
            row("taints before", taintList(legacy.taints.before)),
            row("taints after", taintList(legacy.taints.after)),
            row("cordon / drain", `${yesNo(legacy.cordon)} / ${yesNo(legacy.drain)}`),
            row("protect", yesNo(legacy.protect)),
            row("adopt", adoption),
            row("deleted", legacy.deleted ? paint.bad("yes (decommission)") : "no"),
        );
    }
    lines.push(...inheritanceLines(pool.inheritance));
    if (pool.gate !== undefined) lines.push("", ...gateLines(pool.gate, paint.ok, paint.bad));
    if (pool.next !== undefined) {
        lines.push("", pool.next.summary.replace(/^next: /, "Next: "));
        for (const command of pool.next.verify) lines.push(`  $ ${command}`);
        if (pool.next.rollback !== undefined) lines.push(`  rollback: ${pool.next.rollback}`);
    }
    return lines;
}

function preflightGateLines(gates: readonly PreflightGatePlan[], ok: Paint, bad: Paint): string[] {
    const lines: string[] = [];
    for (const gate of gates) {
        const subject = `- pool ${gate.pool}, before ${gate.step} (pods on AL2 node group ${gate.legacyNodeGroup}):`;
        const accepted = gate.acknowledged.map((f) => `${workloadKey(f.workload)} [${f.id}]`);
        const note = accepted.length > 0 ? ` (acknowledged in preflightAcknowledge: ${accepted.join(", ")})` : "";
        if (gate.result === "not-checked") lines.push(`${subject} not checked: ${NOT_CHECKED_REASON}`);
        else if (gate.result === "passed") lines.push(`${subject} ${ok("passed")}${note}`);
        else lines.push(`${subject} ${bad("REFUSED")}${note}`, ...(gate.refusal ?? "").split("\n"));
    }
    return lines;
}

function serviceAccountLines(account: ServiceAccountPlan): string[] {
    const trust = [
        ...account.trust.subjects.map((s) => `sub ${s}`),
        ...account.trust.services.map((s) => `service ${s}`),
    ];
    return [
        `- ${account.namespace}/${account.name}: ${account.binding}, role ${account.roleName}`,
        row("trust", trust.join(", ") || "none"),
        row(
            "service account",
            `${account.serviceAccount}${account.podIdentityAssociation ? ", Pod Identity association" : ""}`,
        ),
        row("annotations", mapText(account.annotations)),
        row(
            "restarts",
            account.restarts.map((r) => `${r.kind}/${r.name} (identity-hash ${r.annotation})`).join(", ") || "none",
        ),
    ];
}

/**
 * The plan as text for a terminal or a pull-request comment (Markdown-friendly: `##` headings, the NodeConfig in a
 * fenced block). The first line says it is an offline evaluation, not `pulumi preview`.
 */
export function renderPlan(doc: PlanDocument, options: RenderOptions = {}): string {
    const color = options.color ?? false;
    const paint = {
        bold: painter("1", { color }),
        ok: painter("32", { color }),
        bad: painter("31", { color }),
        warn: painter("33", { color }),
    };
    const cluster =
        doc.cluster === undefined ? "" : `, cluster ${doc.cluster.name} (Kubernetes ${doc.cluster.kubernetesVersion})`;
    const lines = [
        paint.warn(doc.notice),
        "",
        paint.bold(`# Offline plan: stack ${doc.stack}, cutoverPhase ${doc.cutoverPhase}${cluster}`),
        `Facts: ${doc.facts}`,
        `Result: ${doc.ok ? paint.ok("OK") : paint.bad("FAILED")}`,
    ];
    if (doc.error !== undefined) {
        lines.push("", paint.bad("The program refused this plan:"), doc.error.message);
    }
    if (doc.preflightGates !== undefined) {
        lines.push("", paint.bold("## Pre-flight gates (the live gates before shift and drain, on the cluster dump)"));
        lines.push(...preflightGateLines(doc.preflightGates, paint.ok, paint.bad));
    }
    lines.push("", paint.bold("## Assumptions (simulated: there is no real state)"));
    lines.push(...(doc.assumptions.length === 0 ? ["- none"] : doc.assumptions.map((a) => `- ${a}`)));
    for (const pool of doc.pools) lines.push("", ...poolLines(pool, paint));
    if (doc.serviceAccounts.length > 0) {
        lines.push("", paint.bold("## Service accounts"));
        for (const account of doc.serviceAccounts) lines.push(...serviceAccountLines(account));
    }
    if (doc.warnings.length > 0) {
        lines.push("", paint.bold("## Warnings"), ...doc.warnings.map((w) => paint.warn(`- ${w}`)));
    }
    lines.push("", paint.bold("## Resources declared"));
    lines.push(...Object.entries(doc.resourceCounts).map(([type, count]) => `- ${type}: ${count}`));
    return `${lines.join("\n")}\n`;
}
