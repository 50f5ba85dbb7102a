import type { V1Pod } from "@kubernetes/client-node";
import type { ClusterDump } from "../cluster-dump";
import type { Finding, Severity, WorkloadRef } from "../finding";
import type { PoolTarget } from "../pool-target";
import { podWorkload } from "../workloads";

/** What a per-pool rule reads: the cluster, the pool's AL2023 target, and the pods on its AL2 nodes. */
export interface PoolRuleContext {
    readonly dump: ClusterDump;
    readonly target: PoolTarget;
    /** The running pods on the AL2 node group's nodes (`podsOnNodeGroup`). */
    readonly pods: readonly V1Pod[];
}

/** The text of a finding, without the fields the helper fills in. */
export interface FindingText {
    readonly id: string;
    readonly severity: Severity;
    readonly what: string;
    readonly why: string;
    readonly fix: string;
}

/** A finding about a pod's workload in a pool's move. */
export function podFinding(context: PoolRuleContext, pod: V1Pod, text: FindingText): Finding {
    return { ...text, workload: podWorkload(context.dump, pod), pool: context.target.pool, pods: [podName(pod)] };
}

/** A finding about a workload (or a cluster-level object) outside any one pod. */
export function workloadFinding(workload: WorkloadRef, text: FindingText, pool?: string): Finding {
    return { ...text, workload, ...(pool !== undefined && { pool }) };
}

/** `namespace/name` of a pod, as findings name pods. */
export function podName(pod: V1Pod): string {
    return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

/** Whether a pod is a DaemonSet's: it is never evicted, and only matters for the new nodes it must also cover. */
export function isDaemonSetPod(pod: V1Pod): boolean {
    return (pod.metadata?.ownerReferences ?? []).some((owner) => owner.kind === "DaemonSet");
}
