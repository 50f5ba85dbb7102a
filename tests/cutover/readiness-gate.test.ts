import { describe, expect, it } from "vitest";
import { checkCapacity, gateProblems, readinessGate } from "../../cutover/readiness-gate";
import { liveNodeGroup, poolConfig, AT_ADOPTION, guardContext } from "./cutover-fixtures";

describe("readinessGate", () => {
    const ready = liveNodeGroup("prod-general-al2", {
        nodeGroupName: "general-al2023",
        amiType: "AL2023_x86_64_STANDARD",
    });

    it("passes for an ACTIVE node group at full size, and says what it cannot see", () => {
        const gate = readinessGate(guardContext("drain"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: ready,
        });
        expect(gate).toStrictEqual({
            required: true,
            passed: true,
            nodeGroupName: "general-al2023",
            checks: [
                { name: "exists", ok: true, detail: 'AL2023 node group "general-al2023" exists' },
                { name: "status", ok: true, detail: "status ACTIVE (needs ACTIVE)" },
                { name: "desiredSize", ok: true, detail: "desired size 6 (needs the pool's full size 6)" },
            ],
            notChecked: [
                "health issues: not read; check `aws eks describe-nodegroup " +
                    "--cluster-name shop-prod --nodegroup-name general-al2023 --query nodegroup.health.issues` is empty",
                "node readiness: not an EKS API field; the drain checks the AL2023 nodes are Ready before evicting",
            ],
        });
        expect(gateProblems(guardContext("drain"), gate)).toStrictEqual([]);
    });

    it("checks the health issues read from DescribeNodegroup: none passes", () => {
        const gate = readinessGate(guardContext("drain"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: { ...ready, healthIssues: [] },
        });
        expect(gate.passed).toBe(true);
        expect(gate.checks[3]).toStrictEqual({
            name: "health",
            ok: true,
            detail: "no health issues (DescribeNodegroup)",
        });
        expect(gate.notChecked).toEqual([
            "node readiness: not an EKS API field; the drain checks the AL2023 nodes are Ready before evicting",
        ]);
    });

    it("refuses drain and decommission on any health issue, listing each with its resources", () => {
        const sick = {
            ...ready,
            healthIssues: [
                {
                    code: "AsgInstanceLaunchFailures",
                    message: "Could not launch On-Demand Instances. InsufficientInstanceCapacity",
                    resourceIds: ["eks-general-al2023-1a2b"],
                },
                {
                    code: "NodeCreationFailure",
                    message: "Instances failed to join the kubernetes cluster",
                    resourceIds: [],
                },
            ],
        };
        for (const phase of ["drain", "decommission"] as const) {
            const gate = readinessGate(guardContext(phase), {
                clusterName: "shop-prod",
                nodeGroupName: "general-al2023",
                live: sick,
            });
            expect(gate.passed).toBe(false);
            expect(gateProblems(guardContext(phase), gate)).toEqual([
                `cutoverPhase: "${phase}" is not allowed; pool "general" is not ready: AL2023 node group "general-al2023" ` +
                    "fails the readiness gate (health: 2 health issue(s): AsgInstanceLaunchFailures: Could not launch " +
                    "On-Demand Instances. InsufficientInstanceCapacity (eks-general-al2023-1a2b); NodeCreationFailure: " +
                    "Instances failed to join the kubernetes cluster (fix them, see `aws eks describe-nodegroup " +
                    "--cluster-name shop-prod --nodegroup-name general-al2023 --query nodegroup.health.issues`)); " +
                    `stay in ${phase === "drain" ? "shift" : "drain"} until it passes`,
            ]);
        }
    });

    it("fails a missing node group, naming it", () => {
        const gate = readinessGate(guardContext("decommission"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: undefined,
        });
        expect(gate.passed).toBe(false);
        expect(gateProblems(guardContext("decommission"), gate)).toStrictEqual([
            'cutoverPhase: "decommission" is not allowed; pool "general" is not ready: AL2023 node group ' +
                '"general-al2023" fails the readiness gate (exists: AL2023 node group "general-al2023" not found in ' +
                'cluster "shop-prod"); stay in drain until it passes',
        ]);
    });

    it("fails when no AL2023 node group was ever recorded", () => {
        const gate = readinessGate(guardContext("drain"), {
            clusterName: "shop-prod",
            nodeGroupName: undefined,
            live: undefined,
        });
        expect(gate.checks).toStrictEqual([
            {
                name: "exists",
                ok: false,
                detail: "no AL2023 node group recorded by an earlier deployment of this stack; deploy shift first",
            },
        ]);
    });

    it("fails a node group that is not ACTIVE or too small, listing each failure", () => {
        const small = { ...ready, status: "DEGRADED", scalingConfigs: [{ minSize: 0, desiredSize: 2, maxSize: 12 }] };
        const gate = readinessGate(guardContext("drain"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: small,
        });
        expect(gate.passed).toBe(false);
        expect(gateProblems(guardContext("drain"), gate)).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" is not ready: AL2023 node group "general-al2023" ' +
                "fails the readiness gate (status: status DEGRADED (needs ACTIVE); desiredSize: desired size 2 " +
                "(needs the pool's full size 6)); stay in shift until it passes",
        ]);
    });

    it("for an autoscaled pool needs at least scaling.min and 1", () => {
        const pool = poolConfig({ autoscaled: true, scaling: { min: 0, desired: 6, max: 12 } });
        const one = { ...ready, scalingConfigs: [{ minSize: 0, desiredSize: 1, maxSize: 12 }] };
        const none = { ...ready, scalingConfigs: [{ minSize: 0, desiredSize: 0, maxSize: 12 }] };
        expect(
            readinessGate(guardContext("drain", undefined, pool), {
                clusterName: "shop-prod",
                nodeGroupName: "general-al2023",
                live: one,
            }).passed,
        ).toBe(true);
        const gate = readinessGate(guardContext("drain", undefined, pool), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: none,
        });
        expect(gate.checks[2]).toStrictEqual({
            name: "desiredSize",
            ok: false,
            detail: "desired size 0 (needs at least scaling.min and 1 (autoscaled): 1)",
        });
    });

    it("is not required before drain, nor for a greenfield pool", () => {
        const gate = readinessGate(guardContext("shift"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: undefined,
        });
        expect(gate.required).toBe(false);
        expect(gateProblems(guardContext("shift"), gate)).toStrictEqual([]);
        const greenfield = guardContext("drain", undefined, poolConfig({ legacyNodeGroup: undefined }));
        expect(
            readinessGate(greenfield, { clusterName: "shop-prod", nodeGroupName: "general-al2023", live: undefined })
                .required,
        ).toBe(false);
    });
});

describe("checkCapacity", () => {
    it("passes when the AL2023 pool is at least as large as AL2 was", () => {
        expect(
            checkCapacity(guardContext("drain"), { atAdoption: AT_ADOPTION, acceptReducedCapacity: false }),
        ).toStrictEqual([]);
    });

    it("refuses a smaller AL2023 pool in drain and decommission unless accepted", () => {
        const small = poolConfig({ scaling: { min: 2, desired: 4, max: 8 } });
        const expected = [
            'pools[1].scaling.desired: 4 is not allowed; in drain pool "general" would have fewer nodes than the 6 ' +
                'AL2 node group "prod-general-al2" had at adoption; raise it to at least 6, or set ' +
                "pools[1].acceptReducedCapacity: true if fewer (larger) nodes are enough",
        ];
        expect(
            checkCapacity(guardContext("drain", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual(expected);
        expect(
            checkCapacity(guardContext("decommission", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toHaveLength(1);
        expect(
            checkCapacity(guardContext("drain", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: true,
            }),
        ).toStrictEqual([]);
        expect(
            checkCapacity(guardContext("shift", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual([]);
    });

    it("for an autoscaled pool compares scaling.max, what the autoscaler may reach", () => {
        const autoscaled = poolConfig({ autoscaled: true, scaling: { min: 1, desired: 2, max: 6 } });
        expect(
            checkCapacity(guardContext("drain", undefined, autoscaled), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual([]);
        const capped = poolConfig({ autoscaled: true, scaling: { min: 1, desired: 2, max: 5 } });
        expect(
            checkCapacity(guardContext("drain", undefined, capped), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual([
            'pools[1].scaling.max: 5 is not allowed; in drain pool "general" would have fewer nodes than the 6 ' +
                'AL2 node group "prod-general-al2" had at adoption; raise it to at least 6, or set ' +
                "pools[1].acceptReducedCapacity: true if fewer (larger) nodes are enough",
        ]);
    });
});
