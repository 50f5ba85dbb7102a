/**
 * `npm run bench`: the program's evaluation cost against the SDK floor, how it grows with pools and service
 * accounts, and how fast each of Pulumi's TypeScript loaders starts it. Prints a table and writes
 * bench/results.json. Options: `--runs <n>` (default 5, at least 5 for a result to count), `--only floor,scale,modes,drain`
 * (`drain`: the drain's throughput against the lower bound its budgets impose, bench/drain-bench.ts),
 * `--cpu-prof` (CPU profiles of the program's evaluations in bin/bench-profiles/, to open in Chrome DevTools).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { configForRuntime } from "../plan/evaluate";
import { loadCloudFacts } from "../plan/facts-files";
import { PROJECT } from "../common/project";
import { buildForBench, BUILD_DIR } from "./build";
import { runDrainBench } from "./drain-bench";
import type { EvalJob } from "./eval-child";
import type { FloorSpec } from "./floor-program";
import type { HostJob } from "./offline-host";
import { programPackageImports } from "./imports";
import { interleaved, ran } from "./interleave";
import { hasGnuTime, measure, summarise, type Command } from "./measure";
import { configuredMode, LOADER_MODES, type LoaderMode } from "./modes";
import { generateScaleStack, SCALE_SIZES } from "./scale-config";
import { previousDeployment, ROOT, STACK, stackConfig, writeJob } from "./stack-inputs";
import { DRAIN_TARGET, evaluateTargets, formatTable, type BenchResults } from "./report";

const TIMEOUT_MS = 120_000;
const TYPECHECK_TIMEOUT_MS = 240_000;

interface Options {
    readonly runs: number;
    readonly only: readonly string[];
    readonly cpuProf: boolean;
}

function parseOptions(argv: readonly string[]): Options {
    const value = (flag: string) => {
        const i = argv.indexOf(flag);
        return i === -1 ? undefined : argv[i + 1];
    };
    const runs = Number(value("--runs") ?? 5);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: "${value("--runs")}" is not a positive integer`);
    return {
        runs,
        only: (value("--only") ?? "floor,scale,modes,drain").split(","),
        cpuProf: argv.includes("--cpu-prof"),
    };
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    const started = Date.now();
    const results: BenchResults = {
        machine: {
            cpus: os.cpus().length,
            node: process.version,
            rssFrom: hasGnuTime ? "/usr/bin/time" : "child maxRSS",
        },
        runs: options.runs,
        sdkModules: programPackageImports(ROOT),
        configuredMode: configuredMode(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")),
        scale: [],
        modes: [],
        modeErrors: [],
    };
    if (options.only.includes("drain")) {
        process.stderr.write("drain: 10 AL2 nodes, 200 pods, against the lower bound their budgets impose\n");
        results.drain = await runDrainBench();
    }
    if (options.only.some((o) => o !== "drain")) await measureEvaluations(options, results);
    results.targets = evaluateTargets(results);
    results.seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(path.join(ROOT, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(formatTable(results));
    if (results.targets.some((t) => t.name === DRAIN_TARGET && !t.pass)) process.exitCode = 1;
}

/** The evaluation and start-up measurements `--only` selects (floor, scale, modes), into `results`. */
async function measureEvaluations(options: Options, results: BenchResults): Promise<void> {
    const sdkModules = results.sdkModules;
    const build = buildForBench(ROOT);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-bench-"));
    process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
    const programModule = path.join(build, "index.js");
    const child = (script: string, ...args: string[]): Command => ({
        args: [path.join(build, "bench", script), ...args],
        cwd: ROOT,
        timeoutMs: TIMEOUT_MS,
    });
    const profileDir = path.join(ROOT, "bin", "bench-profiles");
    const evalCommand = (name: string, job: EvalJob): Command => {
        const command = child("eval-child.js", writeJob(work, name, job));
        const profile = options.cpuProf && "module" in job.program;
        return profile
            ? { ...command, args: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, ...command.args] }
            : command;
    };
    const sdkFloor = child("sdk-floor.js", ...sdkModules);

    /** Evaluates a stack once (reading the resource types and sample inputs), then measures it against its floor. */
    async function againstFloor(stack: {
        readonly name: string;
        readonly config: Record<string, unknown>;
        /** The cloud facts folder or file. */
        readonly facts: string;
        /** Commands measured in the same interleaved runs, before the stack's. @default [] */
        readonly extra?: Command[];
    }) {
        const { name, config, facts, extra = [] } = stack;
        const job: EvalJob = {
            stack: STACK,
            config,
            facts,
            ...previousDeployment(config, facts),
            program: { module: programModule },
            samples: true,
        };
        const first = await measure(evalCommand(`${name}-sample`, job));
        const spec: FloorSpec = {
            sdkModules,
            resources: Object.entries(first.result.byType ?? {}).map(([type, count]) => ({
                type,
                count,
                inputs: first.result.samples?.[type] ?? {},
            })),
        };
        const floorJob: EvalJob = { ...job, program: { floor: spec }, samples: false };
        const runs = await interleaved({
            commands: [...extra, evalCommand(name, { ...job, samples: false }), evalCommand(`${name}-floor`, floorJob)],
            runs: options.runs,
            label: name,
        });
        const [evaluation, floor] = runs.slice(extra.length).map((r) => summarise(ran(r)));
        return {
            evaluation,
            floor,
            byType: first.result.byType ?? {},
            extra: runs.slice(0, extra.length).map((r) => summarise(ran(r))),
        };
    }

    if (options.only.includes("floor")) {
        process.stderr.write(`SDK floor (${sdkModules.join(", ")}) and the ${STACK} stack\n`);
        const prodFacts = path.join(ROOT, "facts", STACK);
        const prod = await againstFloor({
            name: STACK,
            config: stackConfig(STACK),
            facts: prodFacts,
            extra: [sdkFloor],
        });
        results.floor = prod.extra[0];
        results.prod = { evaluation: prod.evaluation, floor: prod.floor, byType: prod.byType };
    }

    if (options.only.includes("scale")) {
        const template = loadCloudFacts(path.join(ROOT, "facts", STACK));
        for (const size of SCALE_SIZES) {
            const stack = generateScaleStack(size, template, stackConfig(STACK));
            const facts = writeJob(work, `facts-${size.pools}-${size.serviceAccounts}`, [
                stack.facts.cluster,
                ...Object.values(stack.facts.nodegroups),
            ]);
            process.stderr.write(`scale: ${size.pools} pools, ${size.serviceAccounts} service accounts\n`);
            const measured = await againstFloor({
                name: `scale-${size.pools}-${size.serviceAccounts}`,
                config: stack.config,
                facts,
            });
            results.scale.push({
                size,
                evaluation: measured.evaluation,
                floor: measured.floor,
                byType: measured.byType,
            });
        }
    }

    if (options.only.includes("modes")) {
        process.stderr.write("TypeScript loaders, through @pulumi/pulumi/cmd/run as the language host starts it\n");
        const prodFacts = path.join(ROOT, "facts", STACK);
        const steady = previousDeployment(stackConfig(STACK), prodFacts);
        const hostJob = ({ loadOnly }: { readonly loadOnly: boolean }): string =>
            writeJob(work, `host-${loadOnly}`, {
                stack: STACK,
                facts: prodFacts,
                ...steady,
                loadOnly,
            } satisfies HostJob);
        // TypeScript modes load the sources; "." would follow package.json's main (the compiled entry) instead.
        const entry = (mode: LoaderMode) => (mode.compiled ? `${BUILD_DIR}/` : path.join(ROOT, "index.ts"));
        // The whole run goes through the project's real entry point (package.json main, pulumi-main.js when
        // precompiled), as `pulumi preview` would, after the build `npm ci` runs.
        if (configuredMode(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) === "precompiled") {
            execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
        }
        /**
         * `node <nodeargs> @pulumi/pulumi/cmd/run <flags> <entry>` as the language host runs it, monitor offline;
         * `loadOnly`: stop once the entry point is loaded.
         */
        const host = ({
            mode,
            entryPoint,
            loadOnly,
        }: {
            readonly mode: LoaderMode;
            readonly entryPoint: string;
            readonly loadOnly: boolean;
        }): Command => ({
            args: [
                ...mode.nodeArgs,
                "--require",
                path.join(build, "bench", "offline-host.js"),
                require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] }),
                "--monitor=offline",
                `--project=${PROJECT}`,
                `--stack=${STACK}`,
                `--pwd=${ROOT}`,
                entryPoint,
            ],
            env: {
                ...mode.env,
                BENCH_HOST_JOB: hostJob({ loadOnly }),
                BENCH_SDK_MODULES: JSON.stringify(sdkModules),
                PULUMI_CONFIG: JSON.stringify(configForRuntime(stackConfig(STACK))),
            },
            cwd: ROOT,
            timeoutMs: mode.id === "ts-node" ? TYPECHECK_TIMEOUT_MS : TIMEOUT_MS,
        });
        const precompiled = LOADER_MODES.find((mode) => mode.compiled)!;
        const configured = LOADER_MODES.find((mode) => mode.id === results.configuredMode)!;
        const runs = await interleaved({
            commands: [
                sdkFloor,
                host({
                    mode: precompiled,
                    entryPoint: path.join(BUILD_DIR, "bench", "sdk-program.js"),
                    loadOnly: true,
                }),
                ...LOADER_MODES.map((mode) => host({ mode, entryPoint: entry(mode), loadOnly: true })),
                host({
                    mode: configured,
                    entryPoint: configured.compiled ? "." : entry(configured),
                    loadOnly: false,
                }),
            ],
            runs: options.runs,
            label: "loaders",
            tolerate: true,
        });
        results.modesFloor = summarise(ran(runs[0]));
        results.hostFloor = summarise(ran(runs[1]));
        LOADER_MODES.forEach((mode, i) => {
            const modeRuns = runs[i + 2];
            if (modeRuns instanceof Error) {
                const error = modeRuns.message.split("\n").slice(1, 4).join(" ").trim();
                results.modeErrors.push({ id: mode.id, error });
            } else {
                results.modes.push({ id: mode.id, settings: mode.settings, ...summarise(modeRuns) });
            }
        });
        const whole = runs[runs.length - 1];
        if (!(whole instanceof Error)) results.configuredRun = summarise(whole);
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
