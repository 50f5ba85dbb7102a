import { describe, expect, it } from "vitest";
import { drainLowerBoundMs } from "../../bench/drain-bench";
import { evaluateTargets, formatTable, type BenchResults } from "../../bench/report";

describe("drain benchmark", () => {
    it("bounds the drain by its slowest budget: minAvailable 24 of 25 moves one pod per 1 s start-up", () => {
        // 25 waves of one pod: 24 start-ups of 1 s, then the last pod's 0.5 s termination.
        expect(drainLowerBoundMs()).toBe(24 * 1000 + 500);
    });
});

describe("drain benchmark target", () => {
    const base: BenchResults = {
        machine: { cpus: 2, node: "v22.12.0", rssFrom: "/usr/bin/time" },
        runs: 5,
        sdkModules: [],
        configuredMode: "precompiled",
        scale: [],
        modes: [],
        modeErrors: [],
    };

    it("is met at 1.5x the lower bound and missed just past it, with the figures in the note", () => {
        const at = evaluateTargets({
            ...base,
            drain: { seconds: 36.75, lowerBoundSeconds: 24.5, ratio: 1.5, evicted: 200 },
        });
        expect(at).toStrictEqual([
            {
                name: "drain wall / lower bound of its budgets",
                ratio: 1.5,
                limit: 1.5,
                pass: true,
                note: "200 pods in 36.8 s, bound 24.5 s",
            },
        ]);
        const past = evaluateTargets({
            ...base,
            drain: { seconds: 37, lowerBoundSeconds: 24.5, ratio: 1.51, evicted: 200 },
        });
        expect(past.map((t) => [t.ratio, t.pass])).toStrictEqual([[1.51, false]]);
    });

    it("prints the drain's line and target when only the drain ran", () => {
        const drain = { seconds: 29.52, lowerBoundSeconds: 24.5, ratio: 1.2049, evicted: 200 };
        const results = { ...base, drain };
        const out = formatTable({ ...results, targets: evaluateTargets(results) });
        expect(out.split("\n").slice(0, 3)).toStrictEqual(["", "Drain: 200 pods in 29.5 s, lower bound 24.5 s", ""]);
        expect(out).not.toContain("Medians of");
        expect(out).toContain("| drain wall / lower bound of its budgets |   1.2 |");
    });
});
