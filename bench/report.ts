import type { DrainBenchResult } from "./drain-bench";
import type { Summary } from "./measure";
import type { LoaderMode } from "./modes";
import type { ScaleSize } from "./scale-config";

/** A program evaluation measured against its floor (same resource count and types, constant inputs). */
export interface AgainstFloor {
    readonly evaluation: Summary;
    readonly floor: Summary;
    readonly byType: Readonly<Record<string, number>>;
}

/** One target of issue 8 and whether this run met it. */
export interface Target {
    readonly name: string;
    /** Of wall times (or peak RSS where the name says so), medians. */
    readonly ratio: number | null;
    /** The same ratio of CPU times (user + system), less disturbed by other load on the machine. */
    readonly cpuRatio?: number | null;
    readonly limit: number;
    readonly pass: boolean;
    readonly note?: string;
}

/** Everything one `npm run bench` measured; written to bench/results.json. */
export interface BenchResults {
    readonly machine: { readonly cpus: number; readonly node: string; readonly rssFrom: string };
    readonly runs: number;
    readonly sdkModules: readonly string[];
    readonly configuredMode: LoaderMode["id"];
    floor?: Summary;
    prod?: AgainstFloor;
    scale: (AgainstFloor & { readonly size: ScaleSize })[];
    /** The SDK floor, measured again alongside the loaders. */
    modesFloor?: Summary;
    /** Start-up of the bare program (SDK imports only) through Pulumi's language host, precompiled JavaScript. */
    hostFloor?: Summary;
    /** The prod stack run to the end through the language host in the configured mode (a `pulumi preview`). */
    configuredRun?: Summary;
    modes: (Summary & { readonly id: LoaderMode["id"]; readonly settings: string })[];
    /** Loaders that could not run the program (a type error stops type-checking ts-node), with the error. */
    modeErrors: { readonly id: LoaderMode["id"]; readonly error: string }[];
    /** The drain benchmark (bench/drain-bench.ts): its wall time against the lower bound the budgets impose. */
    drain?: DrainBenchResult;
    targets?: Target[];
    seconds?: number;
}

/** The name of the drain's target (issue 13: at most 1.5× the lower bound). */
export const DRAIN_TARGET = "drain wall / lower bound of its budgets";

function ratio(a: number, b: number): number {
    return Math.round((a / b) * 100) / 100;
}

function cpuRatio(a: Summary, b: Summary): number | null {
    return a.cpuMs !== undefined && b.cpuMs !== undefined ? ratio(a.cpuMs, b.cpuMs) : null;
}

/** A target from its measured ratio: it passes when the ratio is known and at most the limit. */
function target(measured: Omit<Target, "pass">): Target {
    const { name, ratio: value, limit, ...extra } = measured;
    return { name, ratio: value, limit, pass: value !== null && value <= limit, ...extra };
}

/**
 * The issue's targets: prod ≤ 1.25× the SDK floor's wall time; 50 pools + 1,000 service accounts ≤ 1.25× its scale
 * floor's wall time and peak RSS; the time over the scale floor at 1,000 service accounts ≤ 12× that at 100 (50
 * pools both); start-up (until the entry point is loaded) in the mode Pulumi.yaml configures ≤ 1.2× the start-up of
 * the bare program (SDK imports only) run the way Pulumi runs precompiled JavaScript, measured alongside it.
 */
export function evaluateTargets(results: BenchResults): Target[] {
    const targets: Target[] = [];
    if (results.prod && results.floor) {
        targets.push(
            target({
                name: "prod wall / SDK floor",
                ratio: ratio(results.prod.evaluation.wallMs, results.floor.wallMs),
                limit: 1.25,
                cpuRatio: cpuRatio(results.prod.evaluation, results.floor),
            }),
        );
    }
    const at = (pools: number, serviceAccounts: number) =>
        results.scale.find((s) => s.size.pools === pools && s.size.serviceAccounts === serviceAccounts);
    const big = at(50, 1000);
    const hundred = at(50, 100);
    if (big) {
        targets.push(
            target({
                name: "50 pools + 1000 SAs wall / its floor",
                ratio: ratio(big.evaluation.wallMs, big.floor.wallMs),
                limit: 1.25,
                cpuRatio: cpuRatio(big.evaluation, big.floor),
            }),
        );
        targets.push(
            target({
                name: "50 pools + 1000 SAs RSS / its floor",
                ratio: ratio(big.evaluation.maxRssMb, big.floor.maxRssMb),
                limit: 1.25,
            }),
        );
    }
    if (big && hundred) {
        const over = (s: AgainstFloor, key: "wallMs" | "cpuMs") =>
            s.evaluation[key] !== undefined && s.floor[key] !== undefined ? s.evaluation[key] - s.floor[key] : null;
        const growth = (key: "wallMs" | "cpuMs") => {
            const [at1000, at100] = [over(big, key), over(hundred, key)];
            return at1000 !== null && at100 !== null && at100 > 0 ? ratio(at1000, at100) : null;
        };
        const note = `wall over floor: ${over(hundred, "wallMs")} ms at 100, ${over(big, "wallMs")} ms at 1000`;
        targets.push(
            target({
                name: "time over floor, 1000 SAs / 100 SAs",
                ratio: growth("wallMs"),
                limit: 12,
                cpuRatio: growth("cpuMs"),
                ...(growth("wallMs") === null && { note: `${note}: within noise` }),
            }),
        );
    }
    const failed = results.modeErrors.find((m) => m.id === results.configuredMode);
    if (failed) {
        targets.push(
            target({
                name: `start-up (${failed.id}, as Pulumi.yaml sets)`,
                ratio: null,
                limit: 1.2,
                note: failed.error,
            }),
        );
    }
    const mode = results.modes.find((m) => m.id === results.configuredMode);
    if (mode && results.hostFloor && results.modesFloor) {
        const name = `start-up (${mode.id}, as Pulumi.yaml sets) / bare program's`;
        targets.push(
            target({
                name,
                ratio: ratio(mode.wallMs, results.hostFloor.wallMs),
                limit: 1.2,
                cpuRatio: cpuRatio(mode, results.hostFloor),
                note: `${ratio(mode.wallMs, results.modesFloor.wallMs)}× the SDK floor in plain node`,
            }),
        );
    }
    if (results.drain) {
        const { seconds, lowerBoundSeconds, evicted } = results.drain;
        targets.push(
            target({
                name: DRAIN_TARGET,
                ratio: ratio(seconds, lowerBoundSeconds),
                limit: 1.5,
                note: `${evicted} pods in ${seconds.toFixed(1)} s, bound ${lowerBoundSeconds.toFixed(1)} s`,
            }),
        );
    }
    return targets;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
    const cells = [header, ...rows].map((row) => row.map(String));
    const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    const line = (row: readonly string[]) =>
        `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
    const rule = `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
    return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n") + "\n";
}

/** The results as Markdown tables (for the terminal and the README). */
export function formatTable(results: BenchResults): string {
    const rows: (string | number)[][] = [];
    const times = (s: Summary, floor?: Summary) => [
        s.wallMs,
        floor ? ratio(s.wallMs, floor.wallMs).toFixed(2) : "",
        s.cpuMs ?? "",
        floor && s.cpuMs !== undefined ? (cpuRatio(s, floor)?.toFixed(2) ?? "") : "",
        s.maxRssMb,
        floor ? ratio(s.maxRssMb, floor.maxRssMb).toFixed(2) : "",
    ];
    const row = (name: string, s: Summary, floor?: Summary) => rows.push([name, s.resources ?? "", ...times(s, floor)]);
    if (results.floor) row("SDK floor (load the program's packages)", results.floor);
    if (results.prod && results.floor) {
        row("prod stack vs SDK floor", results.prod.evaluation, results.floor);
        row("prod scale floor (same resources, constant inputs)", results.prod.floor);
    }
    for (const s of results.scale) {
        const label = `${s.size.pools} pools, ${s.size.serviceAccounts} SAs`;
        row(`${label} vs its floor`, s.evaluation, s.floor);
        row(`${label} floor`, s.floor);
    }
    let out = results.drain
        ? `\nDrain: ${results.drain.evicted} pods in ${results.drain.seconds.toFixed(1)} s, lower bound ${results.drain.lowerBoundSeconds.toFixed(1)} s\n`
        : "";
    if (rows.length || results.modes.length) {
        out += `\nMedians of ${results.runs} cold runs, ${results.machine.cpus} CPUs, Node ${results.machine.node}; ratios are against the floor named in the row${results.runs < 5 ? " (fewer than 5 runs: indicative only)" : ""}.\n\n`;
    }
    const heads = ["wall ms", "× floor", "CPU ms", "× floor", "peak RSS MB", "× floor"];
    if (rows.length) out += table(["", "resources", ...heads], rows);
    if (results.modes.length && results.modesFloor && results.hostFloor) {
        const bare = results.hostFloor;
        out += `\nStart-up (until the entry point is loaded) of the program through @pulumi/pulumi/cmd/run as Pulumi's language host starts it, per TypeScript loader, cold caches; × against the bare program's\n\n`;
        out += table(
            ["mode", ...heads, "× SDK floor", "settings"],
            [
                ["SDK floor (plain node)", ...times(results.modesFloor, bare), "1.00", ""],
                [
                    "bare program (SDK imports only), precompiled",
                    ...times(bare, bare),
                    ratio(bare.wallMs, results.modesFloor.wallMs).toFixed(2),
                    "",
                ],
                ...results.modes.map((m) => [
                    m.id + (m.id === results.configuredMode ? " (configured)" : ""),
                    ...times(m, bare),
                    ratio(m.wallMs, results.modesFloor!.wallMs).toFixed(2),
                    m.settings,
                ]),
                ...(results.configuredRun
                    ? [
                          [
                              `whole prod run, ${results.configuredMode} (a preview)`,
                              ...times(results.configuredRun, bare),
                              ratio(results.configuredRun.wallMs, results.modesFloor.wallMs).toFixed(2),
                              "offline monitor",
                          ],
                      ]
                    : []),
            ],
        );
    }
    for (const { id, error } of results.modeErrors) out += `\n${id} could not run the program: ${error}\n`;
    if (results.targets?.length) {
        out += "\nTargets\n\n";
        out += table(
            ["target", "ratio", "CPU ratio", "limit", "result"],
            results.targets.map((t) => [
                t.name,
                t.ratio ?? "n/a",
                t.cpuRatio ?? "",
                t.limit,
                (t.pass ? "PASS" : "MISS") + (t.note ? ` (${t.note})` : ""),
            ]),
        );
    }
    return out;
}
