import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { matchingPdbs, podKey } from "./node-drain";

/** The budgets of each namespace as the drain listed them, or why they could not be listed. */
export type BudgetCache = Map<string, V1PodDisruptionBudget[] | { readonly error: string }>;

/** The budgets covering a pod, in words: `PodDisruptionBudget shop/api`, `no PodDisruptionBudget`, or why unknown. */
export function budgetsOf(pod: V1Pod, budgets: BudgetCache): string {
    const listed = budgets.get(pod.metadata?.namespace ?? "");
    if (listed === undefined) return "PodDisruptionBudgets not listed";
    if (!Array.isArray(listed)) return `PodDisruptionBudgets could not be listed (${listed.error})`;
    const names = matchingPdbs(pod, listed);
    return names.length > 0 ? `PodDisruptionBudget ${names.join(", ")}` : "no PodDisruptionBudget";
}

/** One pod the drain must move, as the messages need it. */
export interface StuckPod {
    readonly pod: V1Pod;
    readonly node: string;
    readonly refusals: number;
    readonly lastRefusal: string;
    readonly evicted: boolean;
}

/** What was evicted before a refusal stopped the drain. */
function evictedBefore(accepted: number): string {
    return accepted === 0 ? "Nothing was evicted" : `${accepted} pod(s) had been evicted before`;
}

/** The refusal of pods without a controller, each as `namespace/name on node N`. */
export function unmanagedMessage(nodeGroupName: string, pods: readonly string[], accepted: number): string {
    return (
        `drain of node group "${nodeGroupName}" refused: ${pods.length} pod(s) have no controller, so ` +
        `nothing would recreate them after eviction:\n${pods.map((p) => `  - ${p}`).join("\n")}\n` +
        `${evictedBefore(accepted)}; the nodes stay cordoned. Move or delete these pods, or set the stack config ` +
        `eks-al2023-migration:drainEvictUnmanagedPods: true to evict them anyway (like kubectl drain --force), then ` +
        `run pulumi up again.`
    );
}

/** The refusal of a pod more than one PodDisruptionBudget selects, naming the budgets. */
export function overlappingBudgetsMessage(args: {
    readonly nodeGroupName: string;
    readonly item: StuckPod;
    readonly refusal: string;
    readonly budgets: BudgetCache;
    readonly accepted: number;
}): string {
    const listed = args.budgets.get(args.item.pod.metadata?.namespace ?? "");
    const names = Array.isArray(listed) ? matchingPdbs(args.item.pod, listed) : [];
    const budgets = names.length > 0 ? names.join(", ") : "they could not be listed";
    return (
        `drain of node group "${args.nodeGroupName}" stopped: pod ${podKey(args.item.pod)} on node ${args.item.node} ` +
        `is selected by more than one PodDisruptionBudget (${budgets}), and the Eviction API never evicts such a pod ` +
        `(${args.refusal}). ${evictedBefore(args.accepted)}; no further eviction was attempted and the nodes stay ` +
        `cordoned. Fix the overlapping budgets so that at most one selects each pod, then run pulumi up again.`
    );
}

/** The refusal of a pod that keeps being recreated on the AL2 nodes under the same name. */
export function recreatedMessage(nodeGroupName: string, pods: readonly string[]): string {
    return (
        `drain of node group "${nodeGroupName}" stopped: ${pods.length} pod(s) were recreated on its cordoned ` +
        `nodes after eviction:\n${pods.map((p) => `  - ${p}: recreated on AL2: tolerates the unschedulable taint`).join("\n")}\n` +
        `A pod that tolerates node.kubernetes.io/unschedulable (or every taint) is scheduled onto cordoned nodes. ` +
        `Narrow its tolerations or give it a node affinity for the new node group, then run pulumi up again.`
    );
}

/** The timeout error: every pod still on the node group, why, and the PDBs that cover it. */
export function timeoutMessage(args: {
    readonly nodeGroupName: string;
    readonly timeoutMs: number;
    readonly stuck: readonly StuckPod[];
    readonly budgets: BudgetCache;
}): string {
    const lines = [...args.stuck]
        .sort((a, b) => podKey(a.pod).localeCompare(podKey(b.pod)))
        .map((item) => {
            const why = item.evicted
                ? "eviction accepted, pod still terminating"
                : item.refusals === 0
                  ? "not evicted yet"
                  : `eviction refused ${item.refusals} time(s)${item.lastRefusal ? ` (${item.lastRefusal})` : ""}`;
            return `  - ${podKey(item.pod)} on node ${item.node}: ${why}; ${budgetsOf(item.pod, args.budgets)}`;
        });
    return (
        `drain of node group "${args.nodeGroupName}" timed out after ${Math.round(args.timeoutMs / 1000)}s; ` +
        `${args.stuck.length} pod(s) could not move:\n${lines.join("\n")}\n` +
        `The node group was left at its size with its nodes cordoned; no pod or node was deleted. Let the budgets ` +
        `allow a disruption (more replicas on the new nodes, or a looser PodDisruptionBudget), or raise ` +
        `drainTimeoutMinutes, then run pulumi up again.`
    );
}

/** The readiness refusal: the new node group has too few Ready, schedulable nodes. */
export function notReadyMessage(args: {
    readonly nodeGroupName: string;
    readonly readyNodeGroupName: string;
    readonly ready: number;
    readonly total: number;
    readonly minReadyNodes: number;
}): string {
    return (
        `drain of node group "${args.nodeGroupName}" refused: node group "${args.readyNodeGroupName}" has ` +
        `${args.ready} Ready schedulable node(s) of ${args.total}, at least ${args.minReadyNodes} needed so ` +
        `evicted pods have somewhere to go. Nothing was cordoned or evicted.`
    );
}
