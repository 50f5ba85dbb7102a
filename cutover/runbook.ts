import { CUTOVER_PHASES, phaseIndex } from "./phases";
import { phaseKey } from "./phase-plan";
import type { PoolGuardContext } from "./guard-context";

/** Operator guidance for a pool after this deployment. */
export interface NextStep {
    /** In words: "next: set cutoverPhase=drain after checking ...". */
    readonly summary: string;
    /** Commands that show what the summary asks to check. */
    readonly verify: readonly string[];
    /** How to go back one phase, when possible. */
    readonly rollback?: string;
}

/** The node names of a node group, for shell loops. */
function nodesOf(nodeGroup: string): string {
    return `kubectl get nodes -l eks.amazonaws.com/nodegroup=${nodeGroup} -o jsonpath='{.items[*].metadata.name}'`;
}

/** Lists the pods running on a node group's nodes. */
function podsOn(nodeGroup: string): string {
    return `for node in $(${nodesOf(nodeGroup)}); do kubectl get pods -A -o wide --field-selector spec.nodeName=$node; done`;
}

/** Lists a node group's nodes. */
function nodes(nodeGroup: string): string {
    return `kubectl get nodes -l eks.amazonaws.com/nodegroup=${nodeGroup} -o wide`;
}

/**
 * What the operator should check and do next for a pool, after deploying `context.phase`: the config to set, what to
 * verify first, the `kubectl` commands that show it, and the rollback.
 */
export function nextStep(
    context: PoolGuardContext,
    names: { readonly clusterName: string; readonly al2023NodeGroupName: string },
): NextStep {
    const { pool, poolIndex, phase } = context;
    const key = phaseKey(pool, poolIndex);
    const al2023 = names.al2023NodeGroupName;
    const legacy = pool.legacyNodeGroup;
    const health = `aws eks describe-nodegroup --cluster-name ${names.clusterName} --nodegroup-name ${al2023} --query nodegroup.health.issues`;
    if (legacy === undefined) {
        return {
            summary: `no cutover: pool "${pool.name}" has no legacyNodeGroup; AL2023 node group ${al2023} is at full size`,
            verify: [nodes(al2023)],
        };
    }
    const rollback = phase === "prepare" ? undefined : `set ${key}=${CUTOVER_PHASES[phaseIndex(phase) - 1]}`;
    switch (phase) {
        case "prepare":
            return {
                summary:
                    `next: set ${key}=canary after checking the pre-flight list (workloads that used the node role ` +
                    `have IRSA or Pod Identity, PodDisruptionBudgets exist, node agents work with cgroup v2 and ` +
                    `IMDSv2) and that AL2023 node group ${al2023} exists with no nodes`,
                verify: [nodes(al2023), "kubectl get pdb -A", health],
            };
        case "canary":
            return {
                summary:
                    `next: set ${key}=shift after checking the ${pool.canarySize} canary node(s) of ${al2023} are ` +
                    `Ready and the pods scheduled on them run correctly`,
                verify: [nodes(al2023), podsOn(al2023), health],
                rollback: `${rollback!} (scales ${al2023} back to 0)`,
            };
        case "shift":
            return {
                summary:
                    `next: set ${key}=drain after checking ${al2023} is at its full size with Ready nodes and the ` +
                    `nodes of ${legacy} are cordoned (SchedulingDisabled)`,
                verify: [nodes(al2023), nodes(legacy), podsOn(legacy), health],
                rollback: `${rollback!} (removes the taint from ${legacy} and uncordons its nodes)`,
            };
        case "drain":
            return {
                summary:
                    `next: set ${key}=decommission after checking no pods but DaemonSet pods are left on ${legacy} ` +
                    `and ${legacy} has no nodes`,
                verify: [podsOn(legacy), nodes(legacy), nodes(al2023)],
                rollback: `${rollback!} (scales ${legacy} back to its size at adoption, nodes stay cordoned)`,
            };
        case "decommission":
            return {
                summary: `done: AL2 node group ${legacy} is deleted; pool "${pool.name}" runs on ${al2023}`,
                verify: [nodes(legacy), nodes(al2023)],
                rollback: "none: nothing returns from decommission",
            };
    }
}
