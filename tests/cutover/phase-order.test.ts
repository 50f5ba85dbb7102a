import { describe, expect, it } from "vitest";
import { checkPhaseOrder, checkRemovedPools } from "../../cutover/phase-order";
import { poolConfig, poolRecord, guardContext } from "./cutover-fixtures";

describe("checkPhaseOrder", () => {
    it("allows staying, one step forward and one step back", () => {
        expect(checkPhaseOrder(guardContext("canary", poolRecord("canary")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("shift", poolRecord("canary")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("decommission", poolRecord("drain")), { allowSkip: false })).toStrictEqual(
            [],
        );
        expect(checkPhaseOrder(guardContext("shift", poolRecord("drain")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("canary", poolRecord("shift")), { allowSkip: false })).toStrictEqual([]);
    });

    it("refuses skipping forward unless cutoverAllowSkip", () => {
        expect(checkPhaseOrder(guardContext("drain", poolRecord("canary")), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" was last deployed in canary; move forward one phase ' +
                "at a time: set cutoverPhase=shift first, or set cutoverAllowSkip: true",
        ]);
        expect(checkPhaseOrder(guardContext("drain", poolRecord("canary")), { allowSkip: true })).toStrictEqual([]);
    });

    it("names the pool's own phase key when the pool overrides the stack phase", () => {
        const pool = poolConfig({ phase: "drain" });
        expect(checkPhaseOrder(guardContext("drain", poolRecord("prepare"), pool), { allowSkip: false })).toStrictEqual(
            [
                'pools[1].phase: "drain" is not allowed; pool "general" was last deployed in prepare; move forward one ' +
                    "phase at a time: set pools[1].phase=canary first, or set cutoverAllowSkip: true",
            ],
        );
    });

    it("never skips drain into decommission, even with cutoverAllowSkip", () => {
        expect(checkPhaseOrder(guardContext("decommission", poolRecord("shift")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "decommission" is not allowed; pool "general" was last deployed in shift; decommission ' +
                'deletes AL2 node group "prod-general-al2", which only drain empties (honouring PodDisruptionBudgets) ' +
                "and unprotects: set cutoverPhase=drain first (cutoverAllowSkip does not skip drain)",
        ]);
    });

    it("refuses going back more than one phase, naming the phase to set", () => {
        expect(checkPhaseOrder(guardContext("canary", poolRecord("drain")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "canary" is not allowed; pool "general" was last deployed in drain; go back one phase at ' +
                "a time: set cutoverPhase=shift first",
        ]);
    });

    it("nothing returns from decommission", () => {
        expect(
            checkPhaseOrder(guardContext("decommission", poolRecord("decommission")), { allowSkip: false }),
        ).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("drain", poolRecord("decommission")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" was decommissioned: nothing returns from ' +
                "decommission (its AL2 node group is deleted); keep cutoverPhase=decommission, or add a new pool to " +
                "migrate another node group",
        ]);
    });

    it("a first deployment adopts the AL2 node group in prepare (canary only with cutoverAllowSkip)", () => {
        expect(checkPhaseOrder(guardContext("prepare"), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("canary"), { allowSkip: true })).toStrictEqual([]);
        expect(checkPhaseOrder(guardContext("canary"), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "canary" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first (or set ' +
                "cutoverAllowSkip: true to start at canary)",
        ]);
        // The advice to start at canary is given only for canary: cutoverAllowSkip never starts a cutover later.
        expect(checkPhaseOrder(guardContext("shift"), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "shift" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first',
        ]);
        expect(checkPhaseOrder(guardContext("shift"), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "shift" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first',
        ]);
    });

    it("a greenfield pool may be in any phase", () => {
        const greenfield = poolConfig({ legacyNodeGroup: undefined });
        expect(
            checkPhaseOrder(guardContext("decommission", undefined, greenfield), { allowSkip: false }),
        ).toStrictEqual([]);
    });

    it("refuses changing or removing legacyNodeGroup while the stack manages the old one", () => {
        const renamed = poolConfig({ legacyNodeGroup: "prod-other-al2" });
        expect(
            checkPhaseOrder(guardContext("shift", poolRecord("shift"), renamed), { allowSkip: false }),
        ).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-other-al2" is not allowed; the stack manages AL2 node group ' +
                '"prod-general-al2" for pool "general" (phase shift); finish its cutover (decommission) or roll it ' +
                "back before changing legacyNodeGroup",
        ]);
        const removed = poolConfig({ legacyNodeGroup: undefined });
        expect(
            checkPhaseOrder(guardContext("shift", poolRecord("shift"), removed), { allowSkip: false }),
        ).toStrictEqual([
            "pools[1].legacyNodeGroup: nothing is not allowed; the stack manages AL2 node group " +
                '"prod-general-al2" for pool "general" (phase shift); finish its cutover (decommission) or roll it ' +
                "back before changing legacyNodeGroup",
        ]);
    });
});

describe("checkRemovedPools", () => {
    it("refuses dropping a pool whose AL2 node group the stack still manages", () => {
        const previous = {
            version: 1 as const,
            pools: { general: poolRecord("canary"), batch: poolRecord("decommission"), web: poolRecord("shift") },
        };
        expect(checkRemovedPools([{ name: "web" }], previous)).toStrictEqual([
            'pools: pool "general" is missing, but the stack still manages its AL2 node group "prod-general-al2" ' +
                "(phase canary); put the pool back, and take it to decommission before removing it",
        ]);
        expect(checkRemovedPools([{ name: "web" }, { name: "general" }], previous)).toStrictEqual([]);
    });
});
