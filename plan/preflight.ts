import * as path from "node:path";
import { isAcknowledged } from "../preflight/acknowledge";
import { clusterDumpFromDocuments, DumpError } from "../preflight/dump";
import {
    preflightDocument,
    renderPreflightMarkdown,
    renderPreflightText,
    type PreflightDocument,
} from "../preflight/report";
import { runPreflight } from "../preflight/run";
import { stackTargets } from "./preflight-targets";
import { parseConfig } from "../config/read-config";
import { ConfigError } from "../common/config-error";
import { parsePlanArgs, UsageError } from "./cli-args";
import { cloudFactsFromDocuments, readJsonDocuments } from "./facts-files";
import { PROJECT_ROOT, readStackConfig, runCli, usageExitCode, type Io, type PlanLocation } from "./plan";

/** What `npm run preflight` accepts: `--stack`, `--facts`, and one of `--json` / `--markdown`. */
export interface PreflightArgs {
    readonly stack: string;
    /** The folder (or file) with the cluster dump and the `aws eks` facts; default `facts/<stack>/`. */
    readonly facts?: string;
    readonly format: "text" | "json" | "markdown";
}

/** Parses `--stack prod [--facts DIR] [--json | --markdown]` (the plan's parser, without its plan-only flags). */
export function parsePreflightArgs(argv: readonly string[]): PreflightArgs {
    const markdown = argv.includes("--markdown");
    const args = parsePlanArgs(argv.filter((arg) => arg !== "--markdown"));
    if (args.phase !== undefined || args.from !== undefined || args.pool !== undefined)
        throw new UsageError("--phase, --from and --pool are for `npm run plan`; the pre-flight checks every pool");
    if (markdown && args.json) throw new UsageError("give one of --json and --markdown");
    return { stack: args.stack, facts: args.facts, format: args.json ? "json" : markdown ? "markdown" : "text" };
}

/** Reads the stack config, the dump and the facts, and runs every pre-flight rule. */
export function preflightStack(args: PreflightArgs, location: PlanLocation = {}): PreflightDocument {
    const root = location.root ?? PROJECT_ROOT;
    const raw = readStackConfig(root, args.stack);
    const config = parseConfig(Object.fromEntries(Object.entries(raw).filter(([key]) => !key.includes(":"))));
    const source = args.facts ?? path.join("facts", args.stack);
    const folder =
        args.facts === undefined
            ? path.join(root, source)
            : path.resolve(location.cwd ?? process.env.INIT_CWD ?? process.cwd(), args.facts);
    const documents = readJsonDocuments(folder);
    const facts = cloudFactsFromDocuments(folder, documents);
    const dump = clusterDumpFromDocuments(documents);
    const findings = runPreflight({
        dump,
        targets: stackTargets(config, facts, dump.subnetZones),
        serviceAccounts: config.identity.serviceAccounts,
        evictUnmanagedPods: config.drainEvictUnmanagedPods,
    });
    const marked = findings.map((f) =>
        f.severity === "blocker" && isAcknowledged(f, config.preflightAcknowledge) ? { ...f, acknowledged: true } : f,
    );
    return preflightDocument(args.stack, source, marked);
}

/**
 * `npm run preflight`: prints every finding (text, `--markdown` or `--json`); 0 no blocker (or only blockers
 * acknowledged in `preflightAcknowledge`), 1 blockers, 2 usage
 * error, invalid stack config, or missing/unreadable dump or facts.
 */
export async function main(argv: readonly string[], io: Io, location: PlanLocation = {}): Promise<number> {
    try {
        const args = parsePreflightArgs(argv);
        const document = preflightStack(args, location);
        const render = {
            json: (d: PreflightDocument) => `${JSON.stringify(d, null, 2)}\n`,
            markdown: renderPreflightMarkdown,
            text: renderPreflightText,
        };
        io.out(render[args.format](document));
        return document.ok ? 0 : 1;
    } catch (error) {
        if (error instanceof DumpError || error instanceof ConfigError) {
            io.err(`${error.name}: ${error.message}\n`);
            return 2;
        }
        return usageExitCode(error, io);
    }
}

if (require.main === module) runCli(main, { wantsColor: false });
