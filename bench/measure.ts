import { spawn, spawnSync } from "node:child_process";
import { RESULT_PREFIX, type ChildResult } from "./protocol";

/** One child process run: wall time around the whole process, peak RSS, and what the child reported. */
export interface Run {
    readonly wallMs: number;
    /** From GNU time (`/usr/bin/time -f %M`) when present, else the child's own `maxRSS`. */
    readonly maxRssKb: number;
    /** User + system CPU time of the child (GNU time), less disturbed by other load than wall time; else absent. */
    readonly cpuMs?: number;
    readonly result: ChildResult;
}

/** A command to measure. */
export interface Command {
    readonly args: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly cwd: string;
    readonly timeoutMs: number;
}

const GNU_TIME = "/usr/bin/time";
const TIME_MARK = "BENCH_TIME=";
const TIME_FORMAT = `${TIME_MARK}%M %U %S`;

/** Whether GNU time is installed (it reports the peak RSS of the whole child process). */
export const hasGnuTime: boolean =
    spawnSync(GNU_TIME, ["-f", TIME_FORMAT, "true"], { encoding: "utf8" }).stderr?.includes(TIME_MARK) ?? false;

/** Runs `node <args>` once as a cold process and measures it; rejects on a non-zero exit or timeout. */
export function measure(command: Command): Promise<Run> {
    const node = [process.execPath, ...command.args];
    const [file, ...args] = hasGnuTime ? [GNU_TIME, "-f", TIME_FORMAT, ...node] : node;
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(file, args, {
            cwd: command.cwd,
            env: { ...process.env, ...command.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), command.timeoutMs);
        child.on("error", reject);
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
            if (code !== 0 || line === undefined) {
                const why = signal === "SIGKILL" ? `timed out after ${command.timeoutMs} ms` : `exit ${code ?? signal}`;
                reject(
                    new Error(`node ${command.args.join(" ")}: ${why}\n${stderr.slice(-4000)}${stdout.slice(-2000)}`),
                );
                return;
            }
            const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
            const timed = stderr.match(new RegExp(`${TIME_MARK}(\\d+) ([\\d.]+) ([\\d.]+)`));
            resolve(
                timed
                    ? {
                          wallMs,
                          maxRssKb: Number(timed[1]),
                          cpuMs: (Number(timed[2]) + Number(timed[3])) * 1000,
                          result,
                      }
                    : { wallMs, maxRssKb: result.maxRssKb, result },
            );
        });
    });
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Medians of several runs of one thing. */
export interface Summary {
    readonly runs: number;
    readonly wallMs: number;
    readonly maxRssMb: number;
    /** Median user + system CPU time, when GNU time measured it. */
    readonly cpuMs?: number;
    readonly resources?: number;
    /** Each run's wall time, in run order (to judge noise). */
    readonly wallMsEach: readonly number[];
}

/** Summarises runs by their medians. */
export function summarise(runs: readonly Run[]): Summary {
    return {
        runs: runs.length,
        wallMs: Math.round(median(runs.map((r) => r.wallMs))),
        maxRssMb: Math.round(median(runs.map((r) => r.maxRssKb)) / 1024),
        ...(runs.every((r) => r.cpuMs !== undefined) && { cpuMs: Math.round(median(runs.map((r) => r.cpuMs!))) }),
        ...(runs[0]?.result.resources !== undefined && { resources: runs[0].result.resources }),
        wallMsEach: runs.map((r) => Math.round(r.wallMs)),
    };
}
