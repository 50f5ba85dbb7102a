import { measure, type Command, type Run } from "./measure";

/**
 * Runs each command `runs` times, interleaved (A B C A B C ...) so drift on a busy machine hits all alike. A command
 * that fails stops the bench, unless `tolerate` is set: then its error is kept (first line) and it is not run again.
 */
export async function interleaved(batch: {
    readonly commands: readonly Command[];
    readonly runs: number;
    /** Names the batch in the progress lines. */
    readonly label: string;
    /** Keep a failing command's error instead of stopping. @default false */
    readonly tolerate?: boolean;
}): Promise<(Run[] | Error)[]> {
    const { commands, runs, label, tolerate = false } = batch;
    const results: (Run[] | Error)[] = commands.map(() => []);
    for (let i = 0; i < runs; i++) {
        for (const [j, command] of commands.entries()) {
            const sofar = results[j];
            if (sofar instanceof Error) continue;
            try {
                sofar.push(await measure(command));
            } catch (error) {
                if (!tolerate) throw error;
                results[j] = error as Error;
                process.stderr.write(`\n  ${label}: ${(error as Error).message.split("\n").slice(0, 3).join(" | ")}\n`);
            }
        }
        process.stderr.write(`  ${label}: run ${i + 1}/${runs}\r`);
    }
    process.stderr.write("\n");
    return results;
}

/** The runs of a command run without `tolerate`. */
export function ran(runs: Run[] | Error): Run[] {
    if (runs instanceof Error) throw runs;
    return runs;
}
