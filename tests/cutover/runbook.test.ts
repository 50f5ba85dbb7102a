import { describe, expect, it } from "vitest";
import type { CutoverPhase } from "../../cutover/phases";
import { nextStep } from "../../cutover/runbook";
import { poolConfig, guardContext } from "./cutover-fixtures";

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
        expect(nextStep(guardContext(phase), names)).toStrictEqual(expected);
    });

    it("names the pool's own phase key and its canary size", () => {
        const pool = poolConfig({ phase: "canary", canarySize: 3 });
        expect(nextStep(guardContext("canary", undefined, pool), names)).toStrictEqual({
            summary:
                "next: set pools[1].phase=shift after checking the 3 canary node(s) of general-al2023 are Ready and " +
                "the pods scheduled on them run correctly",
            verify: [al2023Nodes, al2023Pods, health],
            rollback: "set pools[1].phase=prepare (scales general-al2023 back to 0)",
        });
    });

    it("greenfield: no cutover", () => {
        expect(
            nextStep(guardContext("shift", undefined, poolConfig({ legacyNodeGroup: undefined })), names),
        ).toStrictEqual({
            summary:
                'no cutover: pool "general" has no legacyNodeGroup; AL2023 node group general-al2023 is at full size',
            verify: ["kubectl get nodes -l eks.amazonaws.com/nodegroup=general-al2023 -o wide"],
        });
    });
});
