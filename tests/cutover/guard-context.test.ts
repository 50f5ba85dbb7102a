import { describe, expect, it } from "vitest";
import { managesLegacy, problem } from "../../cutover/guard-context";
import { poolRecord } from "./cutover-fixtures";

describe("problem", () => {
    it("names the key, the bad value as JSON and what is allowed", () => {
        expect(problem("pools[1].phase", "drain", 'allowed: "shift" (one phase at a time)')).toBe(
            'pools[1].phase: "drain" is not allowed; allowed: "shift" (one phase at a time)',
        );
        expect(problem("pools[0].legacyNodeGroup", undefined, "set it back to prod-general-al2")).toBe(
            "pools[0].legacyNodeGroup: nothing is not allowed; set it back to prod-general-al2",
        );
    });
});

describe("managesLegacy", () => {
    it("is true only when the last record says the AL2 node group was adopted", () => {
        expect(managesLegacy(poolRecord("shift"))).toBe(true);
        expect(managesLegacy(poolRecord("decommission"))).toBe(false);
        expect(managesLegacy(poolRecord("prepare", { adopted: false }))).toBe(false);
        expect(managesLegacy(undefined)).toBe(false);
    });
});
