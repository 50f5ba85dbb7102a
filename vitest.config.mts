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
        hookTimeout: 120_000,
        // A spy or stub never outlives its test.
        restoreMocks: true,
        // The lifecycle test fails resources on purpose (tests/fakes/lifecycle-engine.ts): the Pulumi SDK rejects
        // every output of such a resource, also those nothing awaits. Only those copies are ignored.
        onUnhandledError: (error: { message?: unknown }) => !String(error?.message).includes("simulated failure of"),
    },
});
