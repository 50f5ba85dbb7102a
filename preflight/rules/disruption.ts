import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { selectorMatches } from "../../cutover/drain/node-drain";
import type { ClusterDump } from "../cluster-dump";
import { workloadKey, type Finding } from "../finding";
import { isLivePod, podWorkload } from "../workloads";
import { isDaemonSetPod, podFinding, workloadFinding, type PoolRuleContext } from "./context";

// Disruption: the drain evicts through the Eviction API, which honours PodDisruptionBudgets
// (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/, https://kubernetes.io/docs/tasks/run-application/configure-pdb/).

const PDB_DOCS = "https://kubernetes.io/docs/tasks/run-application/configure-pdb/";

function pdbName(pdb: V1PodDisruptionBudget): string {
    return `${pdb.metadata?.namespace ?? ""}/${pdb.metadata?.name ?? ""}`;
}

/** The budgets of the pod's namespace that select it (a budget without selector selects nothing). */
export function budgetsOf(dump: Pick<ClusterDump, "podDisruptionBudgets">, pod: V1Pod): V1PodDisruptionBudget[] {
    const labels = pod.metadata?.labels ?? {};
    return dump.podDisruptionBudgets.filter(
        (pdb) =>
            pdb.metadata?.namespace === pod.metadata?.namespace &&
            pdb.spec?.selector !== undefined &&
            selectorMatches(pdb.spec.selector, labels),
    );
}

/** The running pods a budget selects, anywhere in the cluster. */
export function selectedPods(dump: Pick<ClusterDump, "pods">, pdb: V1PodDisruptionBudget): V1Pod[] {
    const selector = pdb.spec?.selector;
    if (selector === undefined) return [];
    return dump.pods.filter(
        (pod) =>
            pod.metadata?.namespace === pdb.metadata?.namespace &&
            isLivePod(pod) &&
            selectorMatches(selector, pod.metadata?.labels ?? {}),
    );
}

/**
 * Why a budget can never allow a disruption with `pods` pods, or undefined: `maxUnavailable` 0 (or 0%), or
 * `minAvailable` at least the pod count (or 100%).
 */
export function neverDisrupts(pdb: V1PodDisruptionBudget, pods: number): string | undefined {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    if (maxUnavailable === 0 || maxUnavailable === "0%") return `maxUnavailable: ${JSON.stringify(maxUnavailable)}`;
    if (minAvailable === "100%") return "minAvailable: 100%";
    if (typeof minAvailable === "number" && minAvailable >= pods)
        return `minAvailable: ${minAvailable} with ${pods} pod(s)`;
    if (typeof minAvailable === "string" && /^\d+%$/.test(minAvailable)) {
        const needed = Math.ceil((Number(minAvailable.slice(0, -1)) / 100) * pods);
        if (needed >= pods) return `minAvailable: ${minAvailable} of ${pods} pod(s) is ${needed}`;
    }
    return undefined;
}

function budgetFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const budgets = budgetsOf(context.dump, pod);
    if (budgets.length > 1) {
        return [
            podFinding(context, pod, {
                id: "disruption-pdb-overlap",
                severity: "blocker",
                what: `selected by ${budgets.length} PodDisruptionBudgets (${budgets.map(pdbName).join(", ")})`,
                why: `the Eviction API refuses to evict a pod more than one budget selects (${PDB_DOCS}), so the drain stops`,
                fix: "make the budgets' selectors disjoint, or delete all but one",
            }),
        ];
    }
    return budgets.flatMap((pdb) => {
        const reason = neverDisrupts(pdb, selectedPods(context.dump, pdb).length);
        if (reason === undefined) return [];
        return [
            podFinding(context, pod, {
                id: "disruption-pdb-blocks-eviction",
                severity: "blocker",
                what: `PodDisruptionBudget ${pdbName(pdb)} (${reason}) never allows an eviction`,
                why: `every eviction is refused while the budget allows no disruption (${PDB_DOCS}), so the drain times out`,
                fix: `scale the workload above the budget's minAvailable, or allow maxUnavailable of at least 1, in ${pdbName(pdb)}`,
            }),
        ];
    });
}

/**
 * Disruption risks of the pods on the pool's AL2 nodes: budgets that never allow an eviction or overlap (the drain
 * stops), pods no controller recreates (the drain refuses them unless `drainEvictUnmanagedPods`), and single-replica
 * workloads without a budget (downtime while their one pod moves).
 */
export function disruptionFindings(
    context: PoolRuleContext,
    options: { readonly evictUnmanagedPods: boolean },
): Finding[] {
    const findings: Finding[] = [];
    const podsOf = new Map<string, V1Pod[]>();
    for (const pod of context.pods) {
        if (isDaemonSetPod(pod)) continue;
        const workload = podWorkload(context.dump, pod);
        if (workload.kind === "Pod") {
            findings.push(
                podFinding(context, pod, {
                    id: "disruption-unmanaged-pod",
                    severity: options.evictUnmanagedPods ? "warning" : "blocker",
                    what: `no controller: once evicted, nothing recreates it`,
                    why: options.evictUnmanagedPods
                        ? "drainEvictUnmanagedPods is true, so the drain evicts it and it is gone"
                        : "the drain refuses to evict pods no controller recreates (like kubectl drain without --force)",
                    fix: "run it under a Deployment or StatefulSet, delete it, or set drainEvictUnmanagedPods: true",
                }),
            );
            continue;
        }
        findings.push(...budgetFindings(context, pod));
        const key = workloadKey(workload);
        podsOf.set(key, [...(podsOf.get(key) ?? []), pod]);
    }
    for (const pods of podsOf.values()) {
        const pod = pods[0];
        const workload = podWorkload(context.dump, pod);
        if (workload.kind === "Job" || workload.kind === "CronJob") continue;
        const all = context.dump.pods.filter(
            (p) => isLivePod(p) && workloadKey(podWorkload(context.dump, p)) === workloadKey(workload),
        );
        if (all.length !== 1 || budgetsOf(context.dump, pod).length > 0) continue;
        findings.push(
            podFinding(context, pod, {
                id: "disruption-single-replica",
                severity: "warning",
                what: `${workload.kind} ${workload.namespace}/${workload.name} runs one pod and has no PodDisruptionBudget`,
                why: "the drain evicts its only pod: the workload is down until the new pod is Ready on AL2023",
                fix: "run at least 2 replicas with a PodDisruptionBudget (minAvailable: 1), or accept the downtime",
            }),
        );
    }
    return findings;
}

/** Budgets that select no running pod: they protect nothing (a typo in the selector, or a removed workload). */
export function emptyBudgetFindings(dump: ClusterDump): Finding[] {
    return dump.podDisruptionBudgets
        .filter((pdb) => selectedPods(dump, pdb).length === 0)
        .map((pdb) =>
            workloadFinding(
                {
                    namespace: pdb.metadata?.namespace ?? "",
                    kind: "PodDisruptionBudget",
                    name: pdb.metadata?.name ?? "",
                },
                {
                    id: "disruption-pdb-selects-nothing",
                    severity: "info",
                    what: `PodDisruptionBudget ${pdbName(pdb)} selects no running pod`,
                    why: "a budget whose selector matches nothing protects nothing during the drain",
                    fix: "fix its selector to match the workload's pod labels, or delete it",
                },
            ),
        );
}
