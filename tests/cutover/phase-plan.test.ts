import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import type { ScalingConfig } from "../../nodes/pools";
import {
    LEGACY_TAINT,
    effectivePhase,
    holdsAl2023AtFullSize,
    ignoreDesiredSizeChanges,
    legacyResourceOptions,
    phaseKey,
    planPhase,
    plannedDesiredNodes,
    type LegacyPresentPlan,
} from "../../cutover/phase-plan";
import { phaseIndex } from "../../cutover/phases";
import { poolConfig } from "./cutover-fixtures";

const AT_ADOPTION: ScalingConfig = { min: 3, desired: 6, max: 12 };

/** The AL2 plan of a phase that keeps the node group. */
function present(phase: CutoverPhase, pool = poolConfig()): LegacyPresentPlan {
    const legacy = planPhase({ phase, pool, legacyAtAdoption: AT_ADOPTION }).legacy;
    if (!legacy?.present) throw new Error(`no AL2 node group in ${phase}`);
    return legacy;
}

describe("planPhase", () => {
    it("prepare: AL2023 at 0 with max canarySize, AL2 unchanged and protected", () => {
        expect(
            planPhase({ phase: "prepare", pool: poolConfig({ canarySize: 2 }), legacyAtAdoption: AT_ADOPTION }),
        ).toStrictEqual({
            phase: "prepare",
            al2023: { scaling: { min: 0, desired: 0, max: 2 } },
            legacy: {
                present: true,
                scaling: { min: 3, desired: 6, max: 12 },
                taintNoSchedule: false,
                cordon: false,
                drain: false,
                protect: true,
            },
        });
    });

    it("prepare keeps the AL2023 max at least 1, as EKS requires", () => {
        const pool = poolConfig({ scaling: { min: 0, desired: 0, max: 0 } });
        expect(planPhase({ phase: "prepare", pool, legacyAtAdoption: AT_ADOPTION }).al2023.scaling).toStrictEqual({
            min: 0,
            desired: 0,
            max: 1,
        });
    });

    it("canary: canarySize AL2023 nodes, AL2 unchanged", () => {
        expect(
            planPhase({ phase: "canary", pool: poolConfig({ canarySize: 2 }), legacyAtAdoption: AT_ADOPTION }),
        ).toStrictEqual({
            phase: "canary",
            al2023: { scaling: { min: 2, desired: 2, max: 12 } },
            legacy: {
                present: true,
                scaling: { min: 3, desired: 6, max: 12 },
                taintNoSchedule: false,
                cordon: false,
                drain: false,
                protect: true,
            },
        });
    });

    it("shift: AL2023 full size, AL2 same size, tainted and cordoned, still protected", () => {
        expect(
            planPhase({
                phase: "shift",
                pool: poolConfig({ scaling: { min: 4, desired: 8, max: 16 } }),
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toStrictEqual({
            phase: "shift",
            al2023: { scaling: { min: 4, desired: 8, max: 16 } },
            legacy: {
                present: true,
                scaling: { min: 3, desired: 6, max: 12 },
                taintNoSchedule: true,
                cordon: true,
                drain: false,
                protect: true,
            },
        });
    });

    it("drain: AL2 drained then min 0 desired 0, max unchanged, unprotected", () => {
        expect(planPhase({ phase: "drain", pool: poolConfig(), legacyAtAdoption: AT_ADOPTION })).toStrictEqual({
            phase: "drain",
            al2023: { scaling: { min: 3, desired: 6, max: 12 } },
            legacy: {
                present: true,
                scaling: { min: 0, desired: 0, max: 12 },
                taintNoSchedule: true,
                cordon: true,
                drain: true,
                protect: false,
            },
        });
    });

    it("decommission: AL2 gone, even when its size at adoption is no longer known", () => {
        const expected = {
            phase: "decommission",
            al2023: { scaling: { min: 3, desired: 6, max: 12 } },
            legacy: { present: false },
        };
        expect(planPhase({ phase: "decommission", pool: poolConfig(), legacyAtAdoption: AT_ADOPTION })).toStrictEqual(
            expected,
        );
        expect(planPhase({ phase: "decommission", pool: poolConfig() })).toStrictEqual(expected);
    });

    it("a greenfield pool is at full size in every phase and has no AL2 state", () => {
        const pool = poolConfig({ legacyNodeGroup: undefined });
        for (const phase of CUTOVER_PHASES) {
            expect(planPhase({ phase, pool })).toStrictEqual({
                phase,
                al2023: { scaling: { min: 3, desired: 6, max: 12 } },
            });
        }
    });

    it("refuses to plan an AL2 node group without its size at adoption", () => {
        expect(() => planPhase({ phase: "shift", pool: poolConfig() })).toThrow(
            /general.*prod-general-al2 at adoption/,
        );
    });

    it("never returns the pool's own scaling object (callers may not mutate the config through it)", () => {
        const pool = poolConfig();
        expect(planPhase({ phase: "shift", pool, legacyAtAdoption: AT_ADOPTION }).al2023.scaling).not.toBe(
            pool.scaling,
        );
    });

    it("uses a clear NoSchedule taint", () => {
        expect(LEGACY_TAINT).toStrictEqual({
            key: "eks-al2023-migration/legacy",
            value: "draining",
            effect: "NO_SCHEDULE",
        });
    });
});

describe("phase helpers", () => {
    it("orders the phases", () => {
        expect(CUTOVER_PHASES.map(phaseIndex)).toStrictEqual([0, 1, 2, 3, 4]);
    });

    it("a pool's own phase overrides the stack's", () => {
        expect(effectivePhase(poolConfig({ phase: "canary" }), "shift")).toBe("canary");
        expect(effectivePhase(poolConfig(), "shift")).toBe("shift");
        expect(phaseKey(poolConfig({ phase: "canary" }), 2)).toBe("pools[2].phase");
        expect(phaseKey(poolConfig(), 2)).toBe("cutoverPhase");
    });
});

describe("ignoreDesiredSizeChanges (cluster autoscaler)", () => {
    const autoscaled = poolConfig({ autoscaled: true });

    it("keeps the autoscaler's size on a re-run in the same phase, for both node groups", () => {
        for (const phase of ["prepare", "canary", "shift", "drain"] as const) {
            expect(
                ignoreDesiredSizeChanges({
                    role: "al2023",
                    pool: autoscaled,
                    phase,
                    previousPhase: phase,
                    legacyAtAdoption: AT_ADOPTION,
                }),
            ).toBe(true);
            expect(
                ignoreDesiredSizeChanges({
                    role: "legacy",
                    pool: autoscaled,
                    phase,
                    previousPhase: phase,
                    legacyAtAdoption: AT_ADOPTION,
                }),
            ).toBe(true);
        }
    });

    it("a phase change that plans a different size applies it", () => {
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "canary",
                previousPhase: "prepare",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "shift",
                previousPhase: "canary",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "canary",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: autoscaled,
                phase: "drain",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: autoscaled,
                phase: "shift",
                previousPhase: "drain",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
    });

    it("a phase change that plans the same size keeps the autoscaler's (lowering it ignores PDBs)", () => {
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "drain",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(true);
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "decommission",
                previousPhase: "drain",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(true);
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: autoscaled,
                phase: "shift",
                previousPhase: "canary",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(true);
    });

    it("never for a pool without the autoscaler, nor on a first deployment", () => {
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: poolConfig(),
                phase: "shift",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: poolConfig(),
                phase: "shift",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "prepare",
                previousPhase: undefined,
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: autoscaled,
                phase: "prepare",
                previousPhase: undefined,
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
    });

    it("not for a legacy node group that is gone or unknown", () => {
        expect(
            ignoreDesiredSizeChanges({
                role: "legacy",
                pool: autoscaled,
                phase: "decommission",
                previousPhase: "drain",
                legacyAtAdoption: AT_ADOPTION,
            }),
        ).toBe(false);
        const greenfield = poolConfig({ autoscaled: true, legacyNodeGroup: undefined });
        expect(
            ignoreDesiredSizeChanges({ role: "legacy", pool: greenfield, phase: "shift", previousPhase: "canary" }),
        ).toBe(false);
        expect(
            ignoreDesiredSizeChanges({ role: "al2023", pool: greenfield, phase: "shift", previousPhase: "canary" }),
        ).toBe(true);
    });
});

describe("legacyResourceOptions", () => {
    const importId = "shop-prod:prod-general-al2";
    const options = (phase: CutoverPhase, adopt: boolean, ignore = false) =>
        legacyResourceOptions(present(phase), { adopt, importId, ignoreDesiredSizeChanges: ignore });

    it("protects the node group in prepare, canary and shift, not from drain on", () => {
        expect(options("prepare", false)).toStrictEqual({ protect: true, ignoreChanges: [], retainOnDelete: false });
        expect(options("canary", false)).toStrictEqual({ protect: true, ignoreChanges: [], retainOnDelete: false });
        expect(options("shift", false)).toStrictEqual({ protect: true, ignoreChanges: [], retainOnDelete: false });
        expect(options("drain", false)).toStrictEqual({ protect: false, ignoreChanges: [], retainOnDelete: false });
    });

    it("imports only on the first adoption", () => {
        expect(options("prepare", true)).toStrictEqual({
            protect: true,
            import: importId,
            ignoreChanges: [],
            retainOnDelete: false,
        });
    });

    it("ignores the desired size for the autoscaler", () => {
        expect(options("shift", false, true)).toStrictEqual({
            protect: true,
            ignoreChanges: ["scalingConfig.desiredSize"],
            retainOnDelete: false,
        });
    });
});

/** A phase and the one it can move to in one `pulumi up`: one forward, or one back (rollback). */
const STEPS: readonly [CutoverPhase, CutoverPhase][] = CUTOVER_PHASES.slice(1).flatMap((to, i) => {
    const from = CUTOVER_PHASES[i];
    return to === "decommission"
        ? [[from, to] as [CutoverPhase, CutoverPhase]]
        : [
              [from, to],
              [to, from],
          ];
});

describe("capacity invariant", () => {
    it("covers every forward step and every rollback", () => {
        expect(STEPS).toStrictEqual([
            ["prepare", "canary"],
            ["canary", "prepare"],
            ["canary", "shift"],
            ["shift", "canary"],
            ["shift", "drain"],
            ["drain", "shift"],
            ["drain", "decommission"],
        ]);
    });

    it("total desired nodes never fall below the AL2 size at adoption until AL2023 is at full size", () => {
        const scaling = fc
            .tuple(fc.nat(20), fc.nat(20), fc.integer({ min: 1, max: 40 }))
            .map(([a, b, c]) => [a, b, c].sort((x, y) => x - y))
            .map(([min, desired, max]) => ({ min, desired, max: Math.max(1, max) }));
        fc.assert(
            fc.property(
                scaling,
                scaling,
                fc.integer({ min: 1, max: 5 }),
                fc.constantFrom(...STEPS),
                (full, adopted, canarySize, [from, to]) => {
                    const pool = poolConfig({ scaling: full, canarySize });
                    const before = planPhase({ phase: from, pool, legacyAtAdoption: adopted });
                    const after = planPhase({ phase: to, pool, legacyAtAdoption: adopted });
                    // While both node groups change, the worst moment has each at the smaller of its two sizes.
                    const al2023 = Math.min(before.al2023.scaling.desired, after.al2023.scaling.desired);
                    const legacy = (plan: typeof before) => (plan.legacy?.present ? plan.legacy.scaling.desired : 0);
                    const worst = al2023 + Math.min(legacy(before), legacy(after));
                    for (const total of [plannedDesiredNodes(before), plannedDesiredNodes(after), worst]) {
                        if (al2023 < full.desired) expect(total).toBeGreaterThanOrEqual(adopted.desired);
                    }
                    if (Math.min(legacy(before), legacy(after)) < adopted.desired) expect(al2023).toBe(full.desired);
                },
            ),
            { numRuns: 500 },
        );
    });
});

describe("rollback to canary holds the AL2023 node group at full size", () => {
    const pool = poolConfig({ canarySize: 2, scaling: { min: 3, desired: 6, max: 12 } });

    it("holds after a rollback from shift or drain, and on re-runs in canary after it", () => {
        expect(holdsAl2023AtFullSize("canary", { phase: "shift" })).toBe(true);
        expect(holdsAl2023AtFullSize("canary", { phase: "drain" })).toBe(true);
        expect(holdsAl2023AtFullSize("canary", { phase: "canary", al2023HeldAtFullSize: true })).toBe(true);
    });

    it("does not hold moving forward, on a plain canary re-run, or outside canary", () => {
        expect(holdsAl2023AtFullSize("canary", { phase: "prepare" })).toBe(false);
        expect(holdsAl2023AtFullSize("canary", { phase: "canary" })).toBe(false);
        expect(holdsAl2023AtFullSize("canary", undefined)).toBe(false);
        expect(holdsAl2023AtFullSize("prepare", { phase: "canary", al2023HeldAtFullSize: true })).toBe(false);
        expect(holdsAl2023AtFullSize("shift", { phase: "drain" })).toBe(false);
    });

    it("plans the full size in a held canary, canarySize otherwise", () => {
        expect(
            planPhase({ phase: "canary", pool, legacyAtAdoption: AT_ADOPTION, holdAl2023AtFullSize: true }).al2023
                .scaling,
        ).toStrictEqual({
            min: 3,
            desired: 6,
            max: 12,
        });
        expect(
            planPhase({ phase: "canary", pool, legacyAtAdoption: AT_ADOPTION, holdAl2023AtFullSize: false }).al2023
                .scaling,
        ).toStrictEqual({
            min: 2,
            desired: 2,
            max: 12,
        });
    });

    it("never lowers the AL2023 desired size in the rollback from shift", () => {
        const shift = planPhase({ phase: "shift", pool, legacyAtAdoption: AT_ADOPTION });
        const heldCanary = planPhase({
            phase: "canary",
            pool,
            legacyAtAdoption: AT_ADOPTION,
            holdAl2023AtFullSize: holdsAl2023AtFullSize("canary", { phase: "shift" }),
        });
        expect(heldCanary.al2023.scaling.desired).toBe(shift.al2023.scaling.desired);
    });

    it("keeps an autoscaler's size when a held canary re-runs, and applies the change when the hold starts", () => {
        const autoscaled = poolConfig({ autoscaled: true, canarySize: 2, scaling: { min: 3, desired: 6, max: 12 } });
        const rerun = { previous: true, now: true };
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "canary",
                previousPhase: "canary",
                legacyAtAdoption: AT_ADOPTION,
                held: rerun,
            }),
        ).toBe(true);
        // shift → held canary plans the same desired size (full): the autoscaler's choice stays.
        const start = { previous: false, now: true };
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "canary",
                previousPhase: "shift",
                legacyAtAdoption: AT_ADOPTION,
                held: start,
            }),
        ).toBe(true);
        // held canary → prepare plans 0: applied.
        const leave = { previous: true, now: false };
        expect(
            ignoreDesiredSizeChanges({
                role: "al2023",
                pool: autoscaled,
                phase: "prepare",
                previousPhase: "canary",
                legacyAtAdoption: AT_ADOPTION,
                held: leave,
            }),
        ).toBe(false);
    });
});
