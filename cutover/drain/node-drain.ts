import type { V1LabelSelector, V1Node, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";

import { callApi, type CallContext } from "./api-calls";
import type { DrainLog } from "./progress";
import { clientNode } from "../../common/kubernetes-client";
import { statusCode, statusMessage } from "./kube-client";

export { describeApiError, kubeApi, statusCode, type KubeApi } from "./kube-client";

/** The label EKS puts on every node of a managed node group (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html). */
export const NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";

/** The label selector of a managed node group's nodes. */
export function nodeGroupSelector(nodeGroupName: string): string {
    return `${NODE_GROUP_LABEL}=${nodeGroupName}`;
}

/** A node that takes new pods: its Ready condition is True and it is not cordoned. */
export function isReadySchedulable(node: V1Node): boolean {
    const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
    return ready?.status === "True" && node.spec?.unschedulable !== true;
}

/** `namespace/name` of a pod, the way the drain names pods in its results and errors. */
export function podKey(pod: V1Pod): string {
    return `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

/**
 * Why the drain leaves a pod alone, `unmanaged` (evicted only when allowed), or `evict` (what
 * `kubectl drain --ignore-daemonsets` does).
 */
export type PodDisposition = "evict" | "unmanaged" | "daemonset" | "mirror" | "terminated";

/**
 * What the drain does with a pod: DaemonSet pods stay (their controller ignores cordons and would recreate them),
 * mirror pods stay (the kubelet owns static pods; the API cannot evict them), finished pods are no obstacle. A running
 * pod without a controller (no owner reference with `controller: true`, the test `kubectl drain` makes) is `unmanaged`:
 * nothing recreates it after an eviction, so the drain refuses it unless told otherwise (`kubectl drain --force`).
 */
export function podDisposition(pod: V1Pod): PodDisposition {
    const owners = pod.metadata?.ownerReferences ?? [];
    if (owners.some((o) => o.kind === "DaemonSet")) return "daemonset";
    if ((pod.metadata?.annotations ?? {})["kubernetes.io/config.mirror"] !== undefined) return "mirror";
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return "terminated";
    if (!owners.some((o) => o.controller === true)) return "unmanaged";
    return "evict";
}

/** A pod with an emptyDir volume loses that data when evicted (`kubectl drain --delete-emptydir-data`). */
export function hasEmptyDir(pod: V1Pod): boolean {
    return (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined);
}

/** Whether a label selector selects a set of labels (matchLabels and matchExpressions, as the API server does). */
export function selectorMatches(selector: V1LabelSelector, labels: Record<string, string>): boolean {
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    return (
        byLabel &&
        (selector.matchExpressions ?? []).every((e) => {
            const has = Object.prototype.hasOwnProperty.call(labels, e.key);
            switch (e.operator) {
                case "In":
                    return has && (e.values ?? []).includes(labels[e.key]);
                case "NotIn":
                    return !has || !(e.values ?? []).includes(labels[e.key]);
                case "Exists":
                    return has;
                case "DoesNotExist":
                    return !has;
                default:
                    return false;
            }
        })
    );
}

/** Names of the PodDisruptionBudgets (of the pod's namespace) that cover a pod; a PDB without selector covers none. */
export function matchingPdbs(pod: V1Pod, pdbs: readonly V1PodDisruptionBudget[]): string[] {
    const labels = pod.metadata?.labels ?? {};
    return pdbs
        .filter((p) => p.metadata?.namespace === pod.metadata?.namespace)
        .filter((p) => p.spec?.selector !== undefined && selectorMatches(p.spec.selector, labels))
        .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
        .sort();
}

/** Retry timing of evictions a PodDisruptionBudget refuses (HTTP 429) and of waiting for evicted pods to go. */
export interface Backoff {
    /** Wait after the first refusal. @default 1000 */
    readonly initialMs: number;
    /**
     * Longest wait between two attempts on one pod: kubectl drain retries a refused eviction every 5 s, so a budget
     * that frees up is used within seconds. @default 5000
     */
    readonly maxMs: number;
    /** Growth per refusal. @default 2 */
    readonly factor: number;
    /** How often the drain lists the pods still on the nodes. @default 2000 */
    readonly pollMs: number;
}

/** The back-off the drain uses unless told otherwise. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 5000, factor: 2, pollMs: 2000 };

/** Wait before the next eviction attempt after `refusals` refusals (1 = the first): exponential, capped. */
export function backoffDelayMs(refusals: number, backoff: Backoff): number {
    return Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, refusals - 1)));
}

/**
 * Whether a failed eviction is the API server's refusal of a pod that more than one PodDisruptionBudget selects: HTTP
 * 500 "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." It answers
 * so whatever the budgets allow, so no retry can succeed.
 */
export function isOverlappingBudgetsRefusal(error: unknown): boolean {
    return statusCode(error) === 500 && /more than one PodDisruptionBudget/i.test(statusMessage(error));
}

/** The nodes of a managed node group. */
export async function listNodes(context: CallContext, nodeGroupName: string): Promise<V1Node[]> {
    const label = `listing the nodes of node group "${nodeGroupName}"`;
    return callApi(context, {
        label,
        request: async (api, options) => {
            return (await api.core.listNode({ labelSelector: nodeGroupSelector(nodeGroupName) }, options)).items;
        },
    });
}

/**
 * Sets or clears `spec.unschedulable` (a JSON merge patch, as `kubectl cordon` sends). Returns false only when the
 * node is gone (HTTP 404); any other failure, after the retries of transient ones, throws naming the node.
 */
async function setUnschedulable(
    context: CallContext,
    change: {
        /** The node. */
        readonly name: string;
        /** `true` cordons it, `false` uncordons it. */
        readonly unschedulable: boolean;
    },
): Promise<boolean> {
    const { name, unschedulable } = change;
    // client-node 1.x sends PATCH bodies as JSON Patch unless the Content-Type is set per call.
    const k8s = clientNode();
    const body = { spec: { unschedulable: unschedulable ? true : null } };
    const label = `${unschedulable ? "cordoning" : "uncordoning"} node ${name}`;
    let gone = false;
    await callApi(context, {
        label,
        request: async (api, options) => {
            try {
                await api.core.patchNode(
                    { name, body },
                    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch, options),
                );
            } catch (error) {
                if (statusCode(error) !== 404) throw error;
                gone = true;
            }
        },
    });
    return !gone;
}

/** What cordoning did: the nodes this call cordoned, and those that were cordoned before (left to their owner). */
export interface CordonResult {
    readonly cordoned: string[];
    readonly alreadyCordoned: string[];
}

/** A cordon that failed part-way: what it had cordoned before the failure, so that a rollback can uncordon it. */
export class CordonFailed extends Error {
    constructor(
        message: string,
        readonly partial: CordonResult,
    ) {
        super(message);
    }
}

/**
 * Cordons every node of a managed node group (`spec.unschedulable: true`); nodes already cordoned are not touched.
 * Logs each node it cordons. On a failure it throws `CordonFailed`, carrying the nodes cordoned so far.
 */
export async function cordonNodeGroup(
    context: CallContext,
    nodeGroupName: string,
    log: DrainLog = () => undefined,
): Promise<CordonResult> {
    const cordoned: string[] = [];
    const alreadyCordoned: string[] = [];
    const result = (): CordonResult => ({
        cordoned: [...cordoned].sort(),
        alreadyCordoned: [...alreadyCordoned].sort(),
    });
    try {
        for (const node of await listNodes(context, nodeGroupName)) {
            const name = node.metadata?.name ?? "";
            if (node.spec?.unschedulable === true) {
                alreadyCordoned.push(name);
            } else if (await setUnschedulable(context, { name, unschedulable: true })) {
                cordoned.push(name);
                log(`node ${name} cordoned`);
            }
        }
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const done =
            cordoned.length > 0
                ? `; ${cordoned.length} node(s) had been cordoned: ${[...cordoned].sort().join(", ")}`
                : "";
        throw new CordonFailed(`cordon of node group "${nodeGroupName}" failed: ${message}${done}`, result());
    }
    return result();
}

/** Uncordons the named nodes (a rollback passes exactly those it cordoned); returns those that still existed. */
export async function uncordonNodes(
    context: CallContext,
    names: readonly string[],
    log: DrainLog = () => undefined,
): Promise<string[]> {
    const uncordoned: string[] = [];
    for (const name of names) {
        if (await setUnschedulable(context, { name, unschedulable: false })) {
            uncordoned.push(name);
            log(`node ${name} uncordoned`);
        }
    }
    return uncordoned;
}

/** Which nodes a cordon owns after cordoning again, and which of its former nodes it must uncordon. */
export interface CordonHandOver extends CordonResult {
    /** Nodes cordoned before that are not in the node group any more (uncordon them). */
    readonly release: string[];
}

/**
 * Ownership after a re-cordon: nodes cordoned earlier by us stay ours even though this pass found them cordoned;
 * earlier nodes outside the node group's current nodes are released.
 */
export function handOverCordon(previous: readonly string[], now: CordonResult): CordonHandOver {
    const kept = previous.filter((n) => now.alreadyCordoned.includes(n));
    return {
        cordoned: [...kept, ...now.cordoned].sort(),
        alreadyCordoned: now.alreadyCordoned.filter((n) => !kept.includes(n)),
        release: previous.filter((n) => !kept.includes(n) && !now.cordoned.includes(n)).sort(),
    };
}
