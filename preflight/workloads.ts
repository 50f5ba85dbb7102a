import type { V1OwnerReference, V1Pod } from "@kubernetes/client-node";
import type { ClusterDump } from "./cluster-dump";
import type { WorkloadRef } from "./finding";

/** The label EKS puts on every node of a managed node group. */
const NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";

/** Names of the nodes of a managed node group (label `eks.amazonaws.com/nodegroup=<name>`). */
export function nodeGroupNodes(dump: Pick<ClusterDump, "nodes">, nodeGroupName: string): Set<string> {
    return new Set(
        dump.nodes
            .filter((node) => node.metadata?.labels?.[NODE_GROUP_LABEL] === nodeGroupName)
            .map((node) => node.metadata?.name ?? ""),
    );
}

/** A pod that still runs (not Succeeded or Failed) and is not a mirror (static) pod, which the kubelet owns. */
export function isLivePod(pod: V1Pod): boolean {
    const finished = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    const mirror = pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined;
    return !finished && !mirror;
}

/** The running pods on a managed node group's nodes: the pods its cutover moves. */
export function podsOnNodeGroup(dump: Pick<ClusterDump, "nodes" | "pods">, nodeGroupName: string): V1Pod[] {
    const nodes = nodeGroupNodes(dump, nodeGroupName);
    return dump.pods.filter((pod) => nodes.has(pod.spec?.nodeName ?? "") && isLivePod(pod));
}

function controllerOf(owners: readonly V1OwnerReference[] | undefined): V1OwnerReference | undefined {
    return (owners ?? []).find((owner) => owner.controller === true);
}

/**
 * The workload a pod belongs to: its controller, followed up one level where Kubernetes nests them (ReplicaSet →
 * Deployment, Job → CronJob), or the Pod itself when nothing controls it.
 */
export function podWorkload(dump: Pick<ClusterDump, "replicaSets" | "jobs">, pod: V1Pod): WorkloadRef {
    const namespace = pod.metadata?.namespace ?? "default";
    const owner = controllerOf(pod.metadata?.ownerReferences);
    if (owner === undefined) return { namespace, kind: "Pod", name: pod.metadata?.name ?? "" };
    const parents = owner.kind === "ReplicaSet" ? dump.replicaSets : owner.kind === "Job" ? dump.jobs : ([] as const);
    const parent = parents.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === owner.name);
    const grand = controllerOf(parent?.metadata?.ownerReferences);
    if (grand !== undefined) return { namespace, kind: grand.kind, name: grand.name };
    return { namespace, kind: owner.kind, name: owner.name };
}
