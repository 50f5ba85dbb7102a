import { describe, expect, it } from "vitest";
import type { CutoverPhase } from "../../cutover/phases";
import type { PoolCutoverRecord } from "../../cutover/cutover-record";
import type { PoolGuardContext } from "../../cutover/guard-context";
import { guardCutover } from "../../cutover/guards";
import { checkLegacyNodeGroup } from "../../cutover/legacy-node-group-check";
import { checkPhaseOrder, checkRemovedPools } from "../../cutover/phase-order";
import { checkCapacity, gateProblems, readinessGate } from "../../cutover/readiness-gate";
import { nextStep } from "../../cutover/runbook";
import { liveNodeGroup, poolConfig } from "./cutover-fixtures";

const AT_ADOPTION = { min: 3, desired: 6, max: 12 };

/** What the last deployment recorded for the general pool in `phase`. */
function record(phase: CutoverPhase, overrides: Partial<PoolCutoverRecord> = {}): PoolCutoverRecord {
    return {
        phase,
        legacyNodeGroupName: "prod-general-al2",
        legacySizeAtAdoption: AT_ADOPTION,
        adopted: phase !== "decommission",
        al2023NodeGroupName: "general-al2023",
        ...overrides,
    };
}

function context(phase: CutoverPhase, previous?: PoolCutoverRecord, pool = poolConfig()): PoolGuardContext {
    return { pool, poolIndex: 1, phase, previous };
}

describe("checkPhaseOrder", () => {
    it("allows staying, one step forward and one step back", () => {
        expect(checkPhaseOrder(context("canary", record("canary")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(context("shift", record("canary")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(context("decommission", record("drain")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(context("shift", record("drain")), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(context("canary", record("shift")), { allowSkip: false })).toStrictEqual([]);
    });

    it("refuses skipping forward unless cutoverAllowSkip", () => {
        expect(checkPhaseOrder(context("drain", record("canary")), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" was last deployed in canary; move forward one phase ' +
                "at a time: set cutoverPhase=shift first, or set cutoverAllowSkip: true",
        ]);
        expect(checkPhaseOrder(context("drain", record("canary")), { allowSkip: true })).toStrictEqual([]);
    });

    it("names the pool's own phase key when the pool overrides the stack phase", () => {
        const pool = poolConfig({ phase: "drain" });
        expect(checkPhaseOrder(context("drain", record("prepare"), pool), { allowSkip: false })).toStrictEqual([
            'pools[1].phase: "drain" is not allowed; pool "general" was last deployed in prepare; move forward one ' +
                "phase at a time: set pools[1].phase=canary first, or set cutoverAllowSkip: true",
        ]);
    });

    it("never skips drain into decommission, even with cutoverAllowSkip", () => {
        expect(checkPhaseOrder(context("decommission", record("shift")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "decommission" is not allowed; pool "general" was last deployed in shift; decommission ' +
                'deletes AL2 node group "prod-general-al2", which only drain empties (honouring PodDisruptionBudgets) ' +
                "and unprotects: set cutoverPhase=drain first (cutoverAllowSkip does not skip drain)",
        ]);
    });

    it("refuses going back more than one phase, naming the phase to set", () => {
        expect(checkPhaseOrder(context("canary", record("drain")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "canary" is not allowed; pool "general" was last deployed in drain; go back one phase at ' +
                "a time: set cutoverPhase=shift first",
        ]);
    });

    it("nothing returns from decommission", () => {
        expect(checkPhaseOrder(context("decommission", record("decommission")), { allowSkip: false })).toStrictEqual(
            [],
        );
        expect(checkPhaseOrder(context("drain", record("decommission")), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" was decommissioned: nothing returns from ' +
                "decommission (its AL2 node group is deleted); keep cutoverPhase=decommission, or add a new pool to " +
                "migrate another node group",
        ]);
    });

    it("a first deployment adopts the AL2 node group in prepare (canary only with cutoverAllowSkip)", () => {
        expect(checkPhaseOrder(context("prepare"), { allowSkip: false })).toStrictEqual([]);
        expect(checkPhaseOrder(context("canary"), { allowSkip: true })).toStrictEqual([]);
        expect(checkPhaseOrder(context("canary"), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "canary" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first (or set ' +
                "cutoverAllowSkip: true to start at canary)",
        ]);
        // The advice to start at canary is given only for canary: cutoverAllowSkip never starts a cutover later.
        expect(checkPhaseOrder(context("shift"), { allowSkip: true })).toStrictEqual([
            'cutoverPhase: "shift" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first',
        ]);
        expect(checkPhaseOrder(context("shift"), { allowSkip: false })).toStrictEqual([
            'cutoverPhase: "shift" is not allowed; the stack has not adopted AL2 node group "prod-general-al2" of ' +
                'pool "general" yet; it imports it unchanged in prepare: set cutoverPhase=prepare first',
        ]);
    });

    it("a greenfield pool may be in any phase", () => {
        const greenfield = poolConfig({ legacyNodeGroup: undefined });
        expect(checkPhaseOrder(context("decommission", undefined, greenfield), { allowSkip: false })).toStrictEqual([]);
    });

    it("refuses changing or removing legacyNodeGroup while the stack manages the old one", () => {
        const renamed = poolConfig({ legacyNodeGroup: "prod-other-al2" });
        expect(checkPhaseOrder(context("shift", record("shift"), renamed), { allowSkip: false })).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-other-al2" is not allowed; the stack manages AL2 node group ' +
                '"prod-general-al2" for pool "general" (phase shift); finish its cutover (decommission) or roll it ' +
                "back before changing legacyNodeGroup",
        ]);
        const removed = poolConfig({ legacyNodeGroup: undefined });
        expect(checkPhaseOrder(context("shift", record("shift"), removed), { allowSkip: false })).toStrictEqual([
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
            pools: { general: record("canary"), batch: record("decommission"), web: record("shift") },
        };
        expect(checkRemovedPools([{ name: "web" }], previous)).toStrictEqual([
            'pools: pool "general" is missing, but the stack still manages its AL2 node group "prod-general-al2" ' +
                "(phase canary); put the pool back, and take it to decommission before removing it",
        ]);
        expect(checkRemovedPools([{ name: "web" }, { name: "general" }], previous)).toStrictEqual([]);
    });
});

describe("readinessGate", () => {
    const ready = liveNodeGroup("prod-general-al2", {
        nodeGroupName: "general-al2023",
        amiType: "AL2023_x86_64_STANDARD",
    });

    it("passes for an ACTIVE node group at full size, and says what it cannot see", () => {
        const gate = readinessGate(context("drain"), {
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
        expect(gateProblems(context("drain"), gate)).toStrictEqual([]);
    });

    it("checks the health issues read from DescribeNodegroup: none passes", () => {
        const gate = readinessGate(context("drain"), {
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
            const gate = readinessGate(context(phase), {
                clusterName: "shop-prod",
                nodeGroupName: "general-al2023",
                live: sick,
            });
            expect(gate.passed).toBe(false);
            expect(gateProblems(context(phase), gate)).toEqual([
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
        const gate = readinessGate(context("decommission"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: undefined,
        });
        expect(gate.passed).toBe(false);
        expect(gateProblems(context("decommission"), gate)).toStrictEqual([
            'cutoverPhase: "decommission" is not allowed; pool "general" is not ready: AL2023 node group ' +
                '"general-al2023" fails the readiness gate (exists: AL2023 node group "general-al2023" not found in ' +
                'cluster "shop-prod"); stay in drain until it passes',
        ]);
    });

    it("fails when no AL2023 node group was ever recorded", () => {
        const gate = readinessGate(context("drain"), {
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
        const gate = readinessGate(context("drain"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: small,
        });
        expect(gate.passed).toBe(false);
        expect(gateProblems(context("drain"), gate)).toStrictEqual([
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
            readinessGate(context("drain", undefined, pool), {
                clusterName: "shop-prod",
                nodeGroupName: "general-al2023",
                live: one,
            }).passed,
        ).toBe(true);
        const gate = readinessGate(context("drain", undefined, pool), {
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
        const gate = readinessGate(context("shift"), {
            clusterName: "shop-prod",
            nodeGroupName: "general-al2023",
            live: undefined,
        });
        expect(gate.required).toBe(false);
        expect(gateProblems(context("shift"), gate)).toStrictEqual([]);
        const greenfield = context("drain", undefined, poolConfig({ legacyNodeGroup: undefined }));
        expect(
            readinessGate(greenfield, { clusterName: "shop-prod", nodeGroupName: "general-al2023", live: undefined })
                .required,
        ).toBe(false);
    });
});

describe("checkLegacyNodeGroup", () => {
    const cluster = { name: "shop-prod", kubernetesVersion: "1.32" };

    it("accepts a live AL2 node group", () => {
        expect(checkLegacyNodeGroup(context("prepare"), cluster, liveNodeGroup("prod-general-al2"))).toStrictEqual({
            problems: [],
            warnings: [],
        });
    });

    it("a named node group that does not exist is an error, except once decommissioned", () => {
        expect(checkLegacyNodeGroup(context("prepare"), cluster, undefined)).toStrictEqual({
            problems: [
                'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; no managed node group ' +
                    '"prod-general-al2" in cluster "shop-prod" (see `aws eks list-nodegroups --cluster-name shop-prod`)',
            ],
            warnings: [],
        });
        expect(checkLegacyNodeGroup(context("decommission"), cluster, undefined)).toStrictEqual({
            problems: [],
            warnings: [],
        });
    });

    it("refuses a node group that is not AL2", () => {
        const al2023 = liveNodeGroup("prod-general-al2", { amiType: "AL2023_x86_64_STANDARD" });
        expect(checkLegacyNodeGroup(context("prepare"), cluster, al2023).problems).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; its amiType is AL2023_x86_64_STANDARD; ' +
                "this program replaces AL2 node groups (amiType AL2_x86_64, AL2_x86_64_GPU, AL2_ARM_64, or CUSTOM " +
                "with an AL2 AMI)",
        ]);
        // A custom AMI nothing was read about (the program always reads it: tests/program/custom-al2-ami.test.ts).
        const custom = liveNodeGroup("prod-general-al2", { amiType: "CUSTOM" });
        expect(checkLegacyNodeGroup(context("prepare"), cluster, custom).problems).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; its amiType is CUSTOM and its launch ' +
                "template was not read; this program migrates a custom AMI only when it is AL2 (its name or " +
                "description says amazon-eks-node or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); " +
                "a node group with another custom AMI moves to AL2023 in place by changing the AMI in its launch " +
                "template",
        ]);
        const recognised = {
            ...context("prepare"),
            legacyCustomAmi: { imageId: "ami-0123456789abcdef0", callsBootstrap: true },
        };
        expect(checkLegacyNodeGroup(recognised, cluster, custom)).toStrictEqual({
            problems: [],
            warnings: [
                'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" runs custom AMI ami-0123456789abcdef0 ' +
                    "(EC2 does not describe it), recognised as AL2 (its launch template's user data calls " +
                    "/etc/eks/bootstrap.sh); its AL2023 nodes run pools[1].amiType AL2023_x86_64_STANDARD. Its user " +
                    "data is translated like any AL2 launch template's, but what the image itself adds (hardening, " +
                    "agents, files) does not move: build it into the AL2023 image, or add it to " +
                    "pools[1].preBootstrapScripts",
            ],
        });
        for (const amiType of ["AL2_x86_64_GPU", "AL2_ARM_64"]) {
            const al2 = liveNodeGroup("prod-general-al2", { amiType });
            expect(checkLegacyNodeGroup(context("prepare"), cluster, al2).problems).toStrictEqual([]);
        }
    });

    it.each([
        [
            "DEGRADED",
            'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" is DEGRADED at adoption: check `aws eks ' +
                "describe-nodegroup --cluster-name shop-prod --nodegroup-name prod-general-al2 --query " +
                "nodegroup.health.issues` and fix them first, since its nodes carry the pods until drain",
        ],
        [
            "UPDATING",
            'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" is UPDATING at adoption: an update (version, ' +
                "AMI release, config) is running; let it finish before the cutover changes the node group",
        ],
    ])("reports an AL2 node group %s at adoption, not once adopted", (status, warning) => {
        const live = liveNodeGroup("prod-general-al2", { status });
        expect(checkLegacyNodeGroup(context("prepare"), cluster, live)).toStrictEqual({
            problems: [],
            warnings: [warning],
        });
        expect(checkLegacyNodeGroup(context("canary", record("prepare")), cluster, live).warnings).toEqual([]);
    });

    it("warns that an AL2 node group on 1.33 or newer can only be scaled and drained", () => {
        const findings = checkLegacyNodeGroup(
            context("shift"),
            { name: "shop-prod", kubernetesVersion: "1.33" },
            liveNodeGroup("prod-general-al2"),
        );
        expect(findings).toStrictEqual({
            problems: [],
            warnings: [
                'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" runs on Kubernetes 1.33, which has no ' +
                    "AL2 AMIs (1.32 is the last): it cannot be updated any more (version, AMI release), only scaled " +
                    'and drained; take pool "general" through drain to decommission',
            ],
        });
    });
});

describe("checkCapacity", () => {
    it("passes when the AL2023 pool is at least as large as AL2 was", () => {
        expect(
            checkCapacity(context("drain"), { atAdoption: AT_ADOPTION, acceptReducedCapacity: false }),
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
            checkCapacity(context("drain", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual(expected);
        expect(
            checkCapacity(context("decommission", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toHaveLength(1);
        expect(
            checkCapacity(context("drain", undefined, small), { atAdoption: AT_ADOPTION, acceptReducedCapacity: true }),
        ).toStrictEqual([]);
        expect(
            checkCapacity(context("shift", undefined, small), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual([]);
    });

    it("for an autoscaled pool compares scaling.max, what the autoscaler may reach", () => {
        const autoscaled = poolConfig({ autoscaled: true, scaling: { min: 1, desired: 2, max: 6 } });
        expect(
            checkCapacity(context("drain", undefined, autoscaled), {
                atAdoption: AT_ADOPTION,
                acceptReducedCapacity: false,
            }),
        ).toStrictEqual([]);
        const capped = poolConfig({ autoscaled: true, scaling: { min: 1, desired: 2, max: 5 } });
        expect(
            checkCapacity(context("drain", undefined, capped), {
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

describe("nextStep", () => {
    const names = { clusterName: "shop-prod", al2023NodeGroupName: "general-al2023" };
    const al2Pods =
        "for node in $(kubectl get nodes -l eks.amazonaws.com/nodegroup=prod-general-al2 -o jsonpath=" +
        "'{.items[*].metadata.name}'); do kubectl get pods -A -o wide --field-selector spec.nodeName=$node; done";

    const al2023Pods =
        "for node in $(kubectl get nodes -l eks.amazonaws.com/nodegroup=general-al2023 -o jsonpath=" +
        "'{.items[*].metadata.name}'); do kubectl get pods -A -o wide --field-selector spec.nodeName=$node; done";
    const al2023Nodes = "kubectl get nodes -l eks.amazonaws.com/nodegroup=general-al2023 -o wide";
    const al2Nodes = "kubectl get nodes -l eks.amazonaws.com/nodegroup=prod-general-al2 -o wide";
    const health =
        "aws eks describe-nodegroup --cluster-name shop-prod --nodegroup-name general-al2023 --query " +
        "nodegroup.health.issues";

    it.each<[CutoverPhase, ReturnType<typeof nextStep>]>([
        [
            "prepare",
            {
                summary:
                    "next: set cutoverPhase=canary after checking the pre-flight list (workloads that used the node " +
                    "role have IRSA or Pod Identity, PodDisruptionBudgets exist, node agents work with cgroup v2 and " +
                    "IMDSv2) and that AL2023 node group general-al2023 exists with no nodes",
                verify: [al2023Nodes, "kubectl get pdb -A", health],
            },
        ],
        [
            "canary",
            {
                summary:
                    "next: set cutoverPhase=shift after checking the 1 canary node(s) of general-al2023 are Ready and " +
                    "the pods scheduled on them run correctly",
                verify: [al2023Nodes, al2023Pods, health],
                rollback: "set cutoverPhase=prepare (scales general-al2023 back to 0)",
            },
        ],
        [
            "shift",
            {
                summary:
                    "next: set cutoverPhase=drain after checking general-al2023 is at its full size with Ready nodes " +
                    "and the nodes of prod-general-al2 are cordoned (SchedulingDisabled)",
                verify: [al2023Nodes, al2Nodes, al2Pods, health],
                rollback: "set cutoverPhase=canary (removes the taint from prod-general-al2 and uncordons its nodes)",
            },
        ],
        [
            "drain",
            {
                summary:
                    "next: set cutoverPhase=decommission after checking no pods but DaemonSet pods are left on " +
                    "prod-general-al2 and prod-general-al2 has no nodes",
                verify: [al2Pods, al2Nodes, al2023Nodes],
                rollback:
                    "set cutoverPhase=shift (scales prod-general-al2 back to its size at adoption, nodes stay cordoned)",
            },
        ],
        [
            "decommission",
            {
                summary: 'done: AL2 node group prod-general-al2 is deleted; pool "general" runs on general-al2023',
                verify: [al2Nodes, al2023Nodes],
                rollback: "none: nothing returns from decommission",
            },
        ],
    ])("%s: the summary, every verify command and the rollback, in full", (phase, expected) => {
        expect(nextStep(context(phase), names)).toStrictEqual(expected);
    });

    it("names the pool's own phase key and its canary size", () => {
        const pool = poolConfig({ phase: "canary", canarySize: 3 });
        expect(nextStep(context("canary", undefined, pool), names)).toStrictEqual({
            summary:
                "next: set pools[1].phase=shift after checking the 3 canary node(s) of general-al2023 are Ready and " +
                "the pods scheduled on them run correctly",
            verify: [al2023Nodes, al2023Pods, health],
            rollback: "set pools[1].phase=prepare (scales general-al2023 back to 0)",
        });
    });

    it("greenfield: no cutover", () => {
        expect(nextStep(context("shift", undefined, poolConfig({ legacyNodeGroup: undefined })), names)).toStrictEqual({
            summary:
                'no cutover: pool "general" has no legacyNodeGroup; AL2023 node group general-al2023 is at full size',
            verify: ["kubectl get nodes -l eks.amazonaws.com/nodegroup=general-al2023 -o wide"],
        });
    });
});

describe("guardCutover", () => {
    const cluster = { name: "shop-prod", kubernetesVersion: "1.33" };
    const al2023 = liveNodeGroup("prod-general-al2", {
        nodeGroupName: "general-al2023",
        amiType: "AL2023_x86_64_STANDARD",
    });

    it("collects every pool's problems and warnings, and each pool's gate", () => {
        const general = { ...context("drain", record("shift")), legacyLive: liveNodeGroup("prod-general-al2") };
        const batch = {
            pool: poolConfig({
                name: "batch",
                legacyNodeGroup: "prod-batch-al2",
                scaling: { min: 1, desired: 2, max: 4 },
            }),
            poolIndex: 2,
            phase: "drain" as const,
            previous: record("shift", { legacyNodeGroupName: "prod-batch-al2", al2023NodeGroupName: "batch-al2023" }),
            legacyLive: liveNodeGroup("prod-batch-al2"),
            legacyAtAdoption: { min: 2, desired: 3, max: 8 },
        };
        const findings = guardCutover({
            pools: [{ ...general, al2023Live: al2023, legacyAtAdoption: AT_ADOPTION }, batch],
            previous: { version: 1, pools: { general: record("shift"), gone: record("canary") } },
            allowSkip: false,
            cluster,
        });
        expect(findings.problems).toStrictEqual([
            expect.stringMatching(
                /^cutoverPhase: "drain" is not allowed; pool "batch" is not ready: AL2023 node group "batch-al2023"/,
            ),
            expect.stringMatching(/^pools\[2\]\.scaling\.desired: 2 is not allowed; in drain pool "batch"/),
            expect.stringMatching(/^pools: pool "gone" is missing/),
        ]);
        expect(findings.warnings).toStrictEqual([
            expect.stringMatching(
                /^pools\[1\]\.legacyNodeGroup: AL2 node group "prod-general-al2" runs on Kubernetes 1\.33/,
            ),
            expect.stringMatching(
                /^pools\[2\]\.legacyNodeGroup: AL2 node group "prod-batch-al2" runs on Kubernetes 1\.33/,
            ),
        ]);
        expect(findings.gates.general.passed).toBe(true);
        expect(findings.gates.batch).toMatchObject({ required: true, passed: false, nodeGroupName: "batch-al2023" });
    });

    it("finds nothing for a healthy step", () => {
        const findings = guardCutover({
            pools: [
                { ...context("prepare"), legacyLive: liveNodeGroup("prod-general-al2"), legacyAtAdoption: AT_ADOPTION },
            ],
            previous: { version: 1, pools: {} },
            allowSkip: false,
            cluster: { ...cluster, kubernetesVersion: "1.32" },
        });
        expect(findings).toMatchObject({ problems: [], warnings: [] });
        expect(findings.gates.general.required).toBe(false);
    });
});
