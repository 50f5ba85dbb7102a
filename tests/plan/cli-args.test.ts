import { describe, expect, it } from "vitest";
import { parsePlanArgs, planFormat, PLAN_USAGE, UsageError } from "../../plan/cli-args";
import { colorAllowed } from "../../plan/plan";

describe("plan command-line arguments", () => {
    it("accepts --flag=value as well as --flag value", () => {
        expect(parsePlanArgs(["--stack=prod", "--phase=drain", "--from=shift", "--facts=facts/prod"])).toStrictEqual({
            stack: "prod",
            phase: "drain",
            from: "shift",
            facts: "facts/prod",
            json: false,
            markdown: false,
            help: false,
        });
        expect(parsePlanArgs(["-s", "dev", "--pool", "general"])).toStrictEqual({
            stack: "dev",
            pool: "general",
            json: false,
            markdown: false,
            help: false,
        });
        // Only the first "=" splits: a facts path may hold one.
        expect(parsePlanArgs(["--stack", "dev", "--facts=/tmp/a=b"]).facts).toBe("/tmp/a=b");
    });

    it("--help needs no stack, and the usage names every option and phase", () => {
        expect(parsePlanArgs(["--help"]).help).toBe(true);
        expect(parsePlanArgs(["-h"]).help).toBe(true);
        for (const option of ["--stack", "--phase", "--from", "--facts", "--json", "--markdown", "--pool", "--help"])
            expect(PLAN_USAGE).toContain(option);
        expect(PLAN_USAGE).toContain("prepare, canary, shift, drain, decommission");
        expect(PLAN_USAGE).toContain("npm run --silent plan --");
    });

    it("chooses one output format", () => {
        expect(planFormat(parsePlanArgs(["--stack", "dev"]))).toBe("text");
        expect(planFormat(parsePlanArgs(["--stack", "dev", "--json"]))).toBe("json");
        expect(planFormat(parsePlanArgs(["--stack", "dev", "--markdown"]))).toBe("markdown");
        expect(() => parsePlanArgs(["--stack", "dev", "--json", "--markdown"])).toThrow(
            new UsageError("--json and --markdown: choose one output format"),
        );
    });

    it.each([
        [
            ["--stack", "dev", "--phase", "drian"],
            '--phase: "drian" is not a phase (did you mean "drain"?); allowed: prepare, canary, shift, drain, decommission',
        ],
        [
            ["--stack=dev", "--phase=decomission"],
            '--phase: "decomission" is not a phase (did you mean "decommission"?); allowed: prepare, canary, shift, drain, decommission',
        ],
        [
            ["--stack", "dev", "--from", "non"],
            '--from: "non" is not a phase (did you mean "none"?); allowed: none, prepare, canary, shift, drain, decommission',
        ],
        [
            ["--stack", "dev", "--phase", "rollback"],
            '--phase: "rollback" is not a phase; allowed: prepare, canary, shift, drain, decommission',
        ],
        [["--stack", "dev", "--jsn"], 'unknown argument "--jsn" (did you mean "--json"?); see --help'],
        [["--stack", "dev", "--markdwon"], 'unknown argument "--markdwon" (did you mean "--markdown"?); see --help'],
        [["--stak=dev"], 'unknown argument "--stak" (did you mean "--stack"?); see --help'],
        [["prod"], 'unknown argument "prod"; see --help'],
        [[], "--stack is required (for example --stack dev); see --help"],
        [["--stack"], "--stack needs a value"],
        [["--stack", "--json"], "--stack needs a value"],
        [["--stack=a/b"], '--stack: "a/b" is not a stack name'],
    ])("%j → %s", (argv, message) => {
        expect(() => parsePlanArgs(argv)).toThrow(new UsageError(message));
    });
});

describe("colours", () => {
    it.each([
        [true, {}, true],
        [false, {}, false],
        [true, { NO_COLOR: "1" }, false],
        [true, { NO_COLOR: "true" }, false],
        // https://no-color.org: set *and not empty*.
        [true, { NO_COLOR: "" }, true],
        [false, { NO_COLOR: "1" }, false],
    ])("terminal %s, env %j → %s", (isTTY, env, expected) => {
        expect(colorAllowed({ isTTY, env })).toBe(expected);
    });
});
