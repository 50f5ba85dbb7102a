import type { V1Pod } from "@kubernetes/client-node";
import { isOverlappingBudgetsRefusal, podKey, statusCode } from "./node-drain";
import { callApi, type CallContext } from "./api-calls";
import { describeApiError } from "./kube-client";

/** One pod instance to evict: the pod, the node it runs on, and its UID (a pod recreated under its name has another). */
export interface EvictionTarget {
    readonly pod: V1Pod;
    readonly node: string;
    readonly uid: string;
}

/** What the Eviction API answered: accepted (or the pod already gone), a refusal to retry, or one no retry can lift. */
export type EvictionOutcome =
    { kind: "accepted" } | { kind: "refused"; message: string } | { kind: "overlappingBudgets"; message: string };

/**
 * Asks the Eviction API to evict a pod: 429 is a refusal (a PDB, or the API's rate limit), 404 means already gone,
 * 500 "more than one PodDisruptionBudget" a refusal no retry can lift. When an answer is lost (a dropped connection,
 * no answer), the pod is looked at before another attempt: gone or terminating means the eviction was accepted.
 */
export async function evict(context: CallContext, item: EvictionTarget): Promise<EvictionOutcome> {
    const name = item.pod.metadata?.name ?? "";
    const namespace = item.pod.metadata?.namespace ?? "";
    let outcome: EvictionOutcome = { kind: "accepted" };
    const lookAtPod = async (): Promise<boolean> => {
        const pods = await callApi(context, {
            label: `listing the pods on node ${item.node}`,
            request: async (api, o) => {
                return (await api.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${item.node}` }, o))
                    .items;
            },
        });
        const now = pods.find((p: V1Pod) => (p.metadata?.uid ?? podKey(p)) === item.uid);
        return now === undefined || now.metadata?.deletionTimestamp !== undefined;
    };
    await callApi(context, {
        label: `evicting pod ${namespace}/${name}`,
        request: async (api, o) => {
            try {
                await api.core.createNamespacedPodEviction(
                    {
                        name,
                        namespace,
                        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
                    },
                    o,
                );
            } catch (error) {
                const code = statusCode(error);
                if (code === 429) outcome = { kind: "refused", message: describeApiError(error) };
                else if (isOverlappingBudgetsRefusal(error))
                    outcome = { kind: "overlappingBudgets", message: describeApiError(error) };
                else if (code !== 404) throw error;
            }
        },
        alreadyDone: lookAtPod,
    });
    return outcome;
}

/** Runs `work` on every item, at most `limit` at a time. */
export async function inBatches<T>(
    items: readonly T[],
    limit: number,
    work: (item: T) => Promise<void>,
): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) await work(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
