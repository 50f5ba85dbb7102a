import {
    backoffDelayMs,
    cordonNodeGroup,
    CordonFailed,
    DEFAULT_BACKOFF,
    hasEmptyDir,
    isReadySchedulable,
    listNodes,
    podDisposition,
    podKey,
    type Backoff,
} from "./node-drain";
import { callApi, DeadlineReached, type CallContext } from "./api-calls";
import { listBudgets } from "./budget-list";
import { evict, inBatches, type EvictionTarget } from "./eviction";
import {
    budgetsOf,
    notReadyMessage,
    overlappingBudgetsMessage,
    recreatedMessage,
    timeoutMessage,
    unmanagedMessage,
    type BudgetCache,
    type StuckPod,
} from "./drain-messages";
import { formatDuration, statusLine, type DrainLog } from "./progress";

/** A check run before anything is cordoned; it throws to refuse the drain. Issue 15's live gates plug in here. */
export type PreCheck = (context: CallContext) => Promise<void>;

/** What `drainNodeGroup` needs. */
export interface DrainOptions {
    /** The AL2 managed node group to empty. */
    readonly nodeGroupName: string;
    /** The node group that takes the pods (AL2023); it must have `minReadyNodes` Ready, schedulable nodes. */
    readonly readyNodeGroupName: string;
    /** Ready nodes `readyNodeGroupName` needs before anything is cordoned or evicted. */
    readonly minReadyNodes: number;
    /** How long the whole drain may take (every request included) before it fails, leaving the rest in place. */
    readonly timeoutMs: number;
    /** Evict pods that have no controller (`kubectl drain --force`). @default false */
    readonly evictUnmanagedPods?: boolean;
    /** Eviction requests in flight at once, across nodes (config `drainMaxConcurrentEvictions`). @default 25 */
    readonly maxConcurrentEvictions?: number;
    /** Checks after the readiness check, before the cordon, in order. @default [] */
    readonly preChecks?: readonly PreCheck[];
    /** Retry timing of refused evictions and polling. @default DEFAULT_BACKOFF */
    readonly backoff?: Backoff;
    /** Longest time between two status lines. @default 15000 */
    readonly progressIntervalMs?: number;
    /** Where progress lines go. @default nowhere */
    readonly log?: DrainLog;
}

/** What a drain did. Pods are named `namespace/name`, lists sorted. */
export interface DrainSummary {
    /** Nodes this drain cordoned. */
    readonly cordoned: string[];
    /** Nodes that were cordoned before (for example by the `shift` phase). */
    readonly alreadyCordoned: string[];
    /** Pods evicted (each accepted by the Eviction API and then gone from the node). */
    readonly evicted: string[];
    /** Pods left in place, with the reason. */
    readonly skipped: { pod: string; reason: "daemonset" | "mirror" }[];
    /** Evicted pods that had emptyDir volumes, whose data is gone. */
    readonly emptyDirPods: string[];
    /** Evicted pods that had no controller (only with `evictUnmanagedPods`); nothing recreates them. */
    readonly unmanaged: string[];
}

/** A drain that failed after cordoning: the nodes it had cordoned, so that a rollback can uncordon them. */
export class DrainFailed extends Error {
    constructor(
        message: string,
        readonly cordoned: string[],
    ) {
        super(message);
    }
}

/** How often a pod recreated under the same name on the AL2 nodes is evicted again before the drain gives up. */
export const MAX_RECREATIONS = 2;

/** One pod instance (by UID) the drain must move. */
interface Pending extends StuckPod, EvictionTarget {
    refusals: number;
    lastRefusal: string;
    nextAttemptAt: number;
    evicted: boolean;
}

/** The readiness check: the AL2023 node group has `minReadyNodes` Ready, schedulable nodes. */
export function readinessCheck(options: {
    readonly nodeGroupName: string;
    readonly readyNodeGroupName: string;
    readonly minReadyNodes: number;
}): PreCheck {
    return async (context) => {
        const targets = await listNodes(context, options.readyNodeGroupName);
        const ready = targets.filter(isReadySchedulable).length;
        if (ready < options.minReadyNodes) {
            throw new Error(notReadyMessage({ ...options, ready, total: targets.length }));
        }
    };
}

/**
 * Empties a managed node group through the Eviction API, honouring PodDisruptionBudgets (EKS does not when a node
 * group shrinks: https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html). In order: the
 * readiness check and `preChecks` (a refusal leaves every node as it was); the cordon; then evictions, as many at once
 * as the budgets allow up to `maxConcurrentEvictions` (the API server refuses the rest with 429, retried with capped
 * back-off), until every pod instance, tracked by UID, is gone. DaemonSet, mirror and finished pods stay. It fails,
 * naming pods: at the deadline (`timeoutMs` bounds every request too); on pods without a controller unless
 * `evictUnmanagedPods`; on a pod two budgets select; on a pod recreated on these nodes more than MAX_RECREATIONS
 * times. Idempotent: on a drained node group it only lists. Never deletes a pod or a node.
 */
export async function drainNodeGroup(context: CallContext, options: DrainOptions): Promise<DrainSummary> {
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const log = options.log ?? (() => undefined);
    const start = context.clock();
    const deadline = start + options.timeoutMs;
    const ctx: CallContext = { ...context, deadline };
    const name = options.nodeGroupName;
    const pending = new Map<string, Pending>();
    const budgets: BudgetCache = new Map();
    let cordoned: string[] = [];
    const timedOut = (): Error =>
        new DrainFailed(timeoutMessage({ ...options, stuck: [...pending.values()], budgets }), cordoned);
    try {
        for (const check of [readinessCheck(options), ...(options.preChecks ?? [])]) await check(ctx);
        const cordon = await cordonNodeGroup(ctx, name, log);
        cordoned = cordon.cordoned;
        const nodes = [...cordon.cordoned, ...cordon.alreadyCordoned].sort();
        const skipped = new Map<string, "daemonset" | "mirror">();
        const evicted = new Set<string>();
        const emptyDirPods: string[] = [];
        const unmanaged: string[] = [];
        const recreations = new Map<string, number>();
        const accepted = (): number => evicted.size + [...pending.values()].filter((p) => p.evicted).length;
        let lastStatus = start;
        let confirm = false;

        /** Lists the pods on the nodes; returns the UIDs present and queues pod instances not seen before. */
        const survey = async (): Promise<Set<string>> => {
            const present = new Set<string>();
            const refused: string[] = [];
            const recreated: string[] = [];
            const lists = await Promise.all(
                nodes.map((node) =>
                    callApi(ctx, {
                        label: `listing the pods on node ${node}`,
                        request: async (api, o) => {
                            return (
                                await api.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }, o)
                            ).items;
                        },
                    }).then((pods) => ({ node, pods })),
                ),
            );
            for (const { node, pods } of lists) {
                for (const pod of pods) {
                    const key = podKey(pod);
                    const uid = pod.metadata?.uid ?? key;
                    const disposition = podDisposition(pod);
                    if (disposition === "daemonset" || disposition === "mirror") skipped.set(key, disposition);
                    if (disposition === "unmanaged" && options.evictUnmanagedPods !== true) {
                        refused.push(`${key} on node ${node}`);
                        continue;
                    }
                    if (disposition !== "evict" && disposition !== "unmanaged") continue;
                    present.add(uid);
                    if (pending.has(uid)) continue;
                    if (evicted.has(key) || [...pending.values()].some((p) => podKey(p.pod) === key)) {
                        const times = (recreations.get(key) ?? 0) + 1;
                        recreations.set(key, times);
                        log(`pod ${key} was recreated on node ${node} (new UID ${uid}); evicting it again`);
                        if (times > MAX_RECREATIONS) recreated.push(key);
                    }
                    await listBudgets(ctx, { namespace: pod.metadata?.namespace ?? "", budgets, log });
                    pending.set(uid, {
                        pod,
                        uid,
                        node,
                        refusals: 0,
                        nextAttemptAt: 0,
                        lastRefusal: "",
                        evicted: false,
                    });
                }
            }
            if (refused.length > 0) throw new Error(unmanagedMessage(name, refused.sort(), accepted()));
            if (recreated.length > 0) throw new Error(recreatedMessage(name, recreated.sort()));
            return present;
        };

        await survey();
        for (;;) {
            const due = [...pending.values()].filter((p) => !p.evicted && p.nextAttemptAt <= ctx.clock());
            let overlap: { item: Pending; refusal: string } | undefined;
            await inBatches(due, options.maxConcurrentEvictions ?? 25, async (item) => {
                if (overlap !== undefined) return;
                const outcome = await evict(ctx, item);
                if (outcome.kind === "overlappingBudgets") {
                    overlap ??= { item, refusal: outcome.message };
                } else if (outcome.kind === "refused") {
                    item.refusals += 1;
                    item.lastRefusal = outcome.message;
                    const wait = backoffDelayMs(item.refusals, backoff);
                    item.nextAttemptAt = ctx.clock() + wait;
                    log(
                        `pod ${podKey(item.pod)} on node ${item.node}: eviction refused by ${budgetsOf(item.pod, budgets)} ` +
                            `(${outcome.message}); retrying in ${formatDuration(wait)}`,
                    );
                } else {
                    item.evicted = true;
                    log(`pod ${podKey(item.pod)} on node ${item.node}: eviction accepted`);
                }
            });
            if (overlap !== undefined) {
                throw new Error(
                    overlappingBudgetsMessage({ nodeGroupName: name, ...overlap, budgets, accepted: accepted() }),
                );
            }
            const present = await survey();
            let statefulGone = false;
            for (const [uid, item] of pending) {
                if (!item.evicted || present.has(uid)) continue;
                pending.delete(uid);
                const key = podKey(item.pod);
                evicted.add(key);
                if (hasEmptyDir(item.pod) && !emptyDirPods.includes(key)) emptyDirPods.push(key);
                if (podDisposition(item.pod) === "unmanaged" && !unmanaged.includes(key)) unmanaged.push(key);
                statefulGone ||= (item.pod.metadata?.ownerReferences ?? []).some((o) => o.kind === "StatefulSet");
            }
            // A StatefulSet pod comes back under the same name once gone: look once more before declaring success.
            if (pending.size === 0 && (!statefulGone || confirm)) {
                log(
                    `drain of node group "${name}" done: ${evicted.size} pod(s) evicted in ${formatDuration(ctx.clock() - start)}`,
                );
                return {
                    cordoned,
                    alreadyCordoned: cordon.alreadyCordoned,
                    evicted: [...evicted].sort(),
                    skipped: [...skipped.entries()]
                        .sort(([a], [b]) => a.localeCompare(b))
                        .map(([pod, reason]) => ({ pod, reason })),
                    emptyDirPods: emptyDirPods.sort(),
                    unmanaged: unmanaged.sort(),
                };
            }
            confirm = pending.size === 0;
            if (ctx.clock() >= deadline) throw timedOut();
            if (ctx.clock() - lastStatus >= (options.progressIntervalMs ?? 15_000)) {
                lastStatus = ctx.clock();
                const byNode = new Map<string, number>();
                for (const p of pending.values()) byNode.set(p.node, (byNode.get(p.node) ?? 0) + 1);
                log(statusLine({ nodeGroupName: name, podsLeftByNode: byNode, msLeft: deadline - ctx.clock() }));
            }
            const waiting = [...pending.values()].filter((p) => !p.evicted).map((p) => p.nextAttemptAt);
            const next = Math.min(backoff.pollMs, ...waiting.map((t) => t - ctx.clock()), deadline - ctx.clock());
            await ctx.sleep(Math.max(1, next));
        }
    } catch (error) {
        if (error instanceof DeadlineReached) throw timedOut();
        if (error instanceof CordonFailed) throw new DrainFailed(error.message, error.partial.cordoned);
        if (error instanceof DrainFailed) throw error;
        throw new DrainFailed(error instanceof Error ? error.message : String(error), cordoned);
    }
}
