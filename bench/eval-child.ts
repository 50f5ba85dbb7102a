/**
 * One measured evaluation: loads a program (the real one, or a floor program) and evaluates it under the offline
 * cloud exactly as the offline plan does, then reports what was declared. Run as `node eval-child.js <job.json>`.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { evaluateOffline } from "../plan/evaluate";
import { loadCloudFacts } from "../plan/facts-files";
import { floorProgram, type FloorSpec } from "./floor-program";
import { countByType, firstInputsByType, report } from "./protocol";

/** What the parent asks one evaluation child to do. */
export interface EvalJob {
    readonly stack: string;
    readonly config: Record<string, unknown>;
    /** A facts file or folder for `loadCloudFacts`. */
    readonly facts: string;
    readonly previousOutputs: Record<string, unknown>;
    /** Other stacks' outputs by full name, for StackReferences to them (the promotion gate's). */
    readonly otherStacks: Record<string, Record<string, unknown>>;
    /** A compiled program module (its export is the program function), or a floor spec. */
    readonly program: { readonly module: string } | { readonly floor: FloorSpec };
    /** Report the first inputs of each resource type (to build the floor from). */
    readonly samples: boolean;
}

async function main(jobFile: string): Promise<void> {
    const job = JSON.parse(fs.readFileSync(jobFile, "utf8")) as EvalJob;
    const program =
        "module" in job.program
            ? (createRequire(__filename)(job.program.module) as () => Promise<unknown>)
            : floorProgram(job.program.floor);
    const evaluation = await evaluateOffline({
        stack: job.stack,
        config: job.config,
        facts: loadCloudFacts(job.facts),
        previousOutputs: job.previousOutputs,
        otherStacks: job.otherStacks,
        program,
    });
    if (evaluation.error !== undefined) throw evaluation.error;
    // Registrations can still be in flight when the evaluation resolves; the process ends when the last one has
    // been answered, so read the record then (the wall time around the process includes them either way).
    process.once("beforeExit", () => {
        const byType = countByType(evaluation.resources);
        report({
            resources: Object.values(byType).reduce((sum, n) => sum + n, 0),
            byType,
            ...(job.samples && { samples: firstInputsByType(evaluation.resources) }),
        });
    });
}

main(process.argv[2]).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
