import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import program from "../index";
import { PROJECT } from "../common/project";
import { parsePlanArgs, planFormat, PLAN_USAGE, UsageError, type PlanArgs } from "./cli-args";
import { evaluateOffline, type Evaluation } from "./evaluate";
import { cloudFactsFromDocuments, FactsError, readJsonDocuments } from "./facts-files";
import { clusterDumpIn, gateRefusals } from "./preflight-gates";
import { DumpError } from "../preflight/dump";
import { buildPlanDocument } from "./report";
import type { PlanDocument } from "./plan-document";
import { renderMarkdown } from "./markdown";
import { renderPlan } from "./render";
import { simulatePrevious } from "./simulate";

/** A stack file that cannot be read as YAML: names the file, the line and column. Exit code 2. */
export class StackFileError extends Error {
    constructor(file: string, problem: string) {
        super(`${file}: ${problem}`);
        this.name = "StackFileError";
    }
}

/** The project root: stack files and bundled facts are found from here. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/**
 * The config of `Pulumi.<stack>.yaml`: project keys without the `eks-al2023-migration:` prefix, other keys (such as
 * `aws:region`) as written; `--phase` replaces `cutoverPhase`. A missing stack file is a usage error naming the stacks.
 */
export function readStackConfig(root: string, stack: string, phase?: string): Record<string, unknown> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = fs
            .readdirSync(root)
            .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
            .filter((name): name is string => name !== undefined);
        throw new UsageError(`--stack: no ${path.basename(file)}; stacks: ${stacks.sort().join(", ")}`);
    }
    let doc: { config?: Record<string, unknown> } | null;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8")) as typeof doc;
    } catch (error) {
        if (!(error instanceof YAMLParseError)) throw error;
        throw new StackFileError(file, `not valid YAML: ${error.message}`);
    }
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        config[key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key] = value;
    }
    if (phase !== undefined) config.cutoverPhase = phase;
    return config;
}

/** One offline plan: the document and the evaluation it was built from. */
export interface PlanRun {
    readonly document: PlanDocument;
    readonly evaluation: Evaluation;
}

/** Where the stack files are, and what a relative `--facts` path is relative to. */
export interface PlanLocation {
    /** The project root. @default PROJECT_ROOT */
    readonly root?: string;
    /** @default the directory `npm run` was started in (INIT_CWD), else the current directory */
    readonly cwd?: string;
}

/** The directory the user ran `npm run` in (npm itself runs scripts in the project root). */
function userDirectory(): string {
    return process.env.INIT_CWD ?? process.cwd();
}

/** Loads the stack config and facts, simulates the previous deployment, evaluates `index.ts` and builds the plan. */
export async function planStack(args: PlanArgs, location: PlanLocation = {}): Promise<PlanRun> {
    const root = location.root ?? PROJECT_ROOT;
    const config = readStackConfig(root, args.stack, args.phase);
    const factsSource = args.facts ?? path.join("facts", args.stack);
    const folder =
        args.facts === undefined
            ? path.join(root, factsSource)
            : path.resolve(location.cwd ?? userDirectory(), args.facts);
    const documents = readJsonDocuments(folder);
    const facts = cloudFactsFromDocuments(folder, documents);
    const dump = clusterDumpIn(documents);
    const simulation = simulatePrevious({ stack: args.stack, config, facts, from: args.from });
    const evaluation = await evaluateOffline({
        stack: args.stack,
        config,
        facts: simulation.facts,
        previousOutputs: simulation.previousOutputs,
        otherStacks: simulation.otherStacks,
        program,
    });
    const cutoverPhase = typeof config.cutoverPhase === "string" ? config.cutoverPhase : "prepare";
    const document = buildPlanDocument({
        stack: args.stack,
        factsSource,
        cutoverPhase,
        facts: simulation.facts,
        simulation,
        evaluation,
        ...(dump !== undefined && { dump }),
    });
    return { document, evaluation };
}

/** Output streams and terminal detection, so tests can run the command in-process. */
export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    readonly color: boolean;
}

/** Exit code for a usage, facts or cluster dump error (2), printed without a stack trace; rethrows anything else. */
export function usageExitCode(error: unknown, io: Io): number {
    if (
        error instanceof UsageError ||
        error instanceof FactsError ||
        error instanceof StackFileError ||
        error instanceof DumpError
    ) {
        io.err(`${error.name}: ${error.message}\n`);
        return 2;
    }
    throw error;
}

/** `npm run plan`: prints the plan (text, `--json` or `--markdown`) or `--help`; 0 ok, 1 validation, guard or pre-flight gate refusal, 2 usage, facts or dump error. */
export async function main(argv: readonly string[], io: Io, location: PlanLocation = {}): Promise<number> {
    try {
        const args = parsePlanArgs(argv);
        if (args.help) {
            io.out(PLAN_USAGE);
            return 0;
        }
        if (args.pool !== undefined)
            throw new UsageError("--pool is for `npm run userdata`; the plan shows every pool");
        const { document } = await planStack(args, location);
        const format = planFormat(args);
        io.out(
            format === "json"
                ? `${JSON.stringify(document, null, 2)}\n`
                : format === "markdown"
                  ? renderMarkdown(document)
                  : renderPlan(document, { color: io.color }),
        );
        if (!document.ok) io.err(`${[document.error?.message ?? "", ...gateRefusals(document)].join("\n").trim()}\n`);
        return document.ok ? 0 : 1;
    } catch (error) {
        return usageExitCode(error, io);
    }
}

/**
 * Whether to colour the output: only on a terminal, and not when `NO_COLOR` is set to a non-empty value
 * (https://no-color.org).
 */
export function colorAllowed(terminal: { readonly isTTY: boolean; readonly env: NodeJS.ProcessEnv }): boolean {
    const noColor = terminal.env.NO_COLOR;
    return terminal.isTTY && (noColor === undefined || noColor === "");
}

/**
 * Runs a CLI `main` on this process's arguments and streams and sets the exit code; an unexpected error is printed
 * with its stack and exits 1. `color` only when stdout is a terminal and the command wants it.
 */
export function runCli(
    command: (argv: readonly string[], io: Io) => Promise<number>,
    options: {
        /** The command colours its output (when `colorAllowed`). */
        readonly wantsColor: boolean;
    },
): void {
    const { wantsColor } = options;
    const io: Io = {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        color: wantsColor && colorAllowed({ isTTY: process.stdout.isTTY === true, env: process.env }),
    };
    command(process.argv.slice(2), io).then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            io.err(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}

if (require.main === module) runCli(main, { wantsColor: true });
