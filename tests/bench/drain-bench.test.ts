import { describe, expect, it } from "vitest";
import { drainLowerBoundMs } from "../../bench/drain-bench";

describe("drain benchmark", () => {
    it("bounds the drain by its slowest budget: minAvailable 24 of 25 moves one pod per 1 s start-up", () => {
        // 25 waves of one pod: 24 start-ups of 1 s, then the last pod's 0.5 s termination.
        expect(drainLowerBoundMs()).toBe(24 * 1000 + 500);
    });
});
