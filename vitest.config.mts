import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // The TypeScript build the entry-point test needs runs once here, before any timed hook.
        globalSetup: ["tests/global-setup.ts"],
        // Sized for a loaded 2-core CI machine, not for speed: a test evaluates whole stacks under Pulumi's mocks
        // (about a second idle), and a machine busy with other work can take ten times that. No test depends on
        // these limits being tight: timeouts inside the code under test run on clocks the tests control.
        testTimeout: 120_000,
        // vitest's default is one worker fewer than the cores: one worker on the 2-core CI machine. The work is in the
        // workers (evaluating stacks, fake APIs on 127.0.0.1), not in the main process, so use one per core there.
        maxWorkers: Math.max(2, availableParallelism() - 1),
        // A worker keeps its loaded modules from one test file to the next: loading the Pulumi SDKs again for each of
        // ~70 files was most of the suite's time (import 98 s of a 158 s run idle; 14 s of 68 s without). Each file
        // sets up the state it uses (its own mocks, readers and fake servers) in its own hooks, and the suite passes
        // with the files in shuffled order (`npx vitest run --sequence.shuffle.files`).
        isolate: false,
        hookTimeout: 120_000,
        // A spy or stub never outlives its test.
        restoreMocks: true,
        // The lifecycle test fails resources on purpose (tests/fakes/lifecycle-engine.ts): the Pulumi SDK rejects
        // every output of such a resource, also those nothing awaits. Only those copies are ignored.
        onUnhandledError: (error: { message?: unknown }) => !String(error?.message).includes("simulated failure of"),
    },
});
