import type {
    CoreV1Api,
    KubeConfig,
    PolicyV1Api,
    V1LabelSelector,
    V1Node,
    V1Pod,
    V1PodDisruptionBudget,
} from "@kubernetes/client-node";
import { clientNode } from "../../common/kubernetes-client";

/**
 * The Kubernetes calls the drain makes: exactly these, so a test can serve them from a fake API server and a reader
 * can see the RBAC the stack's credentials need (nodes: list, patch; pods: list; pods/eviction: create;
 * poddisruptionbudgets: list).
 */
export interface KubeApi {
    readonly core: Pick<
        CoreV1Api,
        "listNode" | "patchNode" | "listPodForAllNamespaces" | "createNamespacedPodEviction"
    >;
    readonly policy: Pick<PolicyV1Api, "listNamespacedPodDisruptionBudget">;
}

/** The API clients of a loaded KubeConfig. */
export function kubeApi(kubeConfig: KubeConfig): KubeApi {
    const k8s = clientNode();
    return { core: kubeConfig.makeApiClient(k8s.CoreV1Api), policy: kubeConfig.makeApiClient(k8s.PolicyV1Api) };
}

/** The label EKS puts on every node of a managed node group (F-43). */
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
    /** Wait after the first refusal. @default 2000 */
    readonly initialMs: number;
    /** Longest wait between two attempts on one pod. @default 30000 */
    readonly maxMs: number;
    /** Growth per refusal. @default 2 */
    readonly factor: number;
    /** How often the drain lists the pods still on the nodes. @default 5000 */
    readonly pollMs: number;
}

/** The back-off the drain uses unless told otherwise. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 2000, maxMs: 30000, factor: 2, pollMs: 5000 };

/** Wait before the next eviction attempt after `refusals` refusals (1 = the first): exponential, capped. */
export function backoffDelayMs(refusals: number, backoff: Backoff): number {
    return Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, refusals - 1)));
}

/** The status code of a failed Kubernetes call (client-node's ApiException), if any. */
function statusCode(error: unknown): number | undefined {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === "number" ? code : undefined;
}

/** The message of a failed call's Status body, or the body as it is when it is not a Status. */
function statusMessage(error: unknown): string {
    const body = (error as { body?: unknown } | undefined)?.body;
    let message = typeof body === "string" ? body : "";
    try {
        const parsed = typeof body === "string" ? (JSON.parse(body) as { message?: unknown }) : undefined;
        if (typeof parsed?.message === "string") message = parsed.message;
    } catch {
        // a non-JSON body is shown as it is
    }
    return message;
}

/** A failed call in one line: `HTTP 403: nodes is forbidden: ...` (the API's Status message, not the raw body). */
export function describeApiError(error: unknown): string {
    const code = statusCode(error);
    if (code === undefined) return error instanceof Error ? error.message : String(error);
    const message = statusMessage(error);
    return `HTTP ${code}${message ? `: ${message}` : ""}`;
}

/**
 * Whether a failed eviction is the API server's refusal of a pod that more than one PodDisruptionBudget selects: HTTP
 * 500 "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." It answers
 * so whatever the budgets allow, so no retry can succeed.
 */
export function isOverlappingBudgetsRefusal(error: unknown): boolean {
    return statusCode(error) === 500 && /more than one PodDisruptionBudget/i.test(statusMessage(error));
}

async function listNodes(api: KubeApi, nodeGroupName: string): Promise<V1Node[]> {
    try {
        return (await api.core.listNode({ labelSelector: nodeGroupSelector(nodeGroupName) })).items;
    } catch (error) {
        throw new Error(`listing the nodes of node group "${nodeGroupName}": ${describeApiError(error)}`);
    }
}

async function setUnschedulable(api: KubeApi, name: string, unschedulable: boolean): Promise<boolean> {
    // client-node 1.x sends PATCH bodies as JSON Patch unless the Content-Type is set per call.
    const k8s = clientNode();
    const options = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    const body = { spec: { unschedulable: unschedulable ? true : null } };
    try {
        await api.core.patchNode({ name, body }, options);
        return true;
    } catch (error) {
        if (statusCode(error) === 404) return false;
        throw new Error(`${unschedulable ? "cordoning" : "uncordoning"} node ${name}: ${describeApiError(error)}`);
    }
}

/** What cordoning did: the nodes this call cordoned, and those that were cordoned before (left to their owner). */
export interface CordonResult {
    readonly cordoned: string[];
    readonly alreadyCordoned: string[];
}

/** Cordons every node of a managed node group (`spec.unschedulable: true`); nodes already cordoned are not touched. */
export async function cordonNodeGroup(api: KubeApi, nodeGroupName: string): Promise<CordonResult> {
    const cordoned: string[] = [];
    const alreadyCordoned: string[] = [];
    for (const node of await listNodes(api, nodeGroupName)) {
        const name = node.metadata?.name ?? "";
        if (node.spec?.unschedulable === true) alreadyCordoned.push(name);
        else if (await setUnschedulable(api, name, true)) cordoned.push(name);
    }
    return { cordoned: cordoned.sort(), alreadyCordoned: alreadyCordoned.sort() };
}

/** Uncordons the named nodes (a rollback passes exactly those it cordoned); returns those that still existed. */
export async function uncordonNodes(api: KubeApi, names: readonly string[]): Promise<string[]> {
    const uncordoned: string[] = [];
    for (const name of names) if (await setUnschedulable(api, name, false)) uncordoned.push(name);
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

/** What `drainNodeGroup` needs. */
export interface DrainOptions {
    /** The AL2 managed node group to empty. */
    readonly nodeGroupName: string;
    /** The node group that takes the pods (AL2023); it must have `minReadyNodes` Ready, schedulable nodes. */
    readonly readyNodeGroupName: string;
    /** Ready nodes `readyNodeGroupName` needs before anything is evicted. */
    readonly minReadyNodes: number;
    /** How long the drain may take before it fails, leaving the rest of the pods where they are. */
    readonly timeoutMs: number;
    /**
     * Evict pods that have no controller (`kubectl drain --force`); they are gone for good. Without it the drain
     * refuses when such a pod is on the nodes. @default false
     */
    readonly evictUnmanagedPods?: boolean;
    /** Retry timing. @default DEFAULT_BACKOFF */
    readonly backoff?: Backoff;
    /** Milliseconds now, for tests. @default Date.now */
    readonly clock?: () => number;
    /** Waits `ms`, for tests. @default a timer */
    readonly sleep?: (ms: number) => Promise<void>;
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

/** One pod the drain must move. */
interface Pending {
    readonly pod: V1Pod;
    readonly node: string;
    refusals: number;
    nextAttemptAt: number;
    lastRefusal: string;
    evicted: boolean;
}

/**
 * Empties a managed node group through the Eviction API, honouring PodDisruptionBudgets (EKS itself does not when a
 * node group shrinks: it terminates the node after 15 minutes, F-41). Refuses to start unless the target node group
 * has `minReadyNodes` Ready nodes; cordons the nodes; evicts every pod but DaemonSet, mirror and finished ones;
 * retries PDB refusals (HTTP 429) with capped exponential back-off; waits until the evicted pods are gone. On timeout
 * it throws, naming each pod that could not move and its PDBs; it never deletes a pod or a node. Idempotent: on a
 * drained node group it only lists.
 *
 * Two refusals stop it at once, with no further eviction request, and fail naming the pods:
 * - pods without a controller on the nodes, unless `evictUnmanagedPods`: found when the nodes are first listed (after
 *   cordoning, before any eviction) or when one appears later;
 * - a pod that more than one PodDisruptionBudget selects (the Eviction API answers HTTP 500 for it, whatever the
 *   budgets allow). The drain stops at the first such pod rather than finishing the others: the run fails either way,
 *   and stopping leaves the most pods in place while the budgets are fixed; evictions already accepted complete.
 * A later run resumes where it stopped.
 */
export async function drainNodeGroup(api: KubeApi, options: DrainOptions): Promise<DrainSummary> {
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const clock = options.clock ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    const start = clock();

    const targets = await listNodes(api, options.readyNodeGroupName);
    const ready = targets.filter(isReadySchedulable).length;
    if (ready < options.minReadyNodes) {
        throw new Error(
            `drain of node group "${options.nodeGroupName}" refused: node group "${options.readyNodeGroupName}" has ` +
                `${ready} Ready schedulable node(s) of ${targets.length}, at least ${options.minReadyNodes} needed so ` +
                `evicted pods have somewhere to go. Nothing was cordoned or evicted.`,
        );
    }

    const { cordoned, alreadyCordoned } = await cordonNodeGroup(api, options.nodeGroupName);
    const nodes = [...cordoned, ...alreadyCordoned].sort();
    const pending = new Map<string, Pending>();
    const skipped = new Map<string, "daemonset" | "mirror">();
    const evicted: string[] = [];
    const emptyDirPods: string[] = [];
    const unmanaged: string[] = [];
    const evictionsAccepted = (): number => evicted.length + [...pending.values()].filter((p) => p.evicted).length;

    /**
     * Lists the pods on the nodes; returns the keys present and queues pods not seen before. Throws when pods without
     * a controller are there and may not be evicted.
     */
    const survey = async (): Promise<Set<string>> => {
        const present = new Set<string>();
        const refused: string[] = [];
        for (const node of nodes) {
            let pods: V1Pod[];
            try {
                pods = (await api.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
            } catch (error) {
                throw new Error(`listing the pods on node ${node}: ${describeApiError(error)}`);
            }
            for (const pod of pods) {
                const key = podKey(pod);
                const disposition = podDisposition(pod);
                if (disposition === "daemonset" || disposition === "mirror") skipped.set(key, disposition);
                if (disposition === "unmanaged" && options.evictUnmanagedPods !== true) {
                    refused.push(`${key} on node ${node}`);
                    continue;
                }
                if (disposition !== "evict" && disposition !== "unmanaged") continue;
                present.add(key);
                if (!pending.has(key) && !evicted.includes(key)) {
                    pending.set(key, { pod, node, refusals: 0, nextAttemptAt: 0, lastRefusal: "", evicted: false });
                }
            }
        }
        if (refused.length > 0) throw new Error(unmanagedMessage(options, refused.sort(), evictionsAccepted()));
        return present;
    };

    await survey();
    for (;;) {
        for (const item of pending.values()) {
            if (item.evicted || item.nextAttemptAt > clock()) continue;
            const outcome = await evict(api, item.pod);
            if (outcome.kind === "overlappingBudgets") {
                throw new Error(await overlappingBudgetsMessage(api, options, item, outcome, evictionsAccepted()));
            }
            if (outcome.kind === "refused") {
                item.refusals += 1;
                item.lastRefusal = outcome.message;
                item.nextAttemptAt = clock() + backoffDelayMs(item.refusals, backoff);
            } else {
                item.evicted = true;
            }
        }
        const present = await survey();
        for (const [key, item] of pending) {
            if (!item.evicted || present.has(key)) continue;
            pending.delete(key);
            evicted.push(key);
            if (hasEmptyDir(item.pod)) emptyDirPods.push(key);
            if (podDisposition(item.pod) === "unmanaged") unmanaged.push(key);
        }
        if (pending.size === 0) break;
        if (clock() - start >= options.timeoutMs) {
            throw new Error(await timeoutMessage(api, options, [...pending.values()]));
        }
        const nextAttempt = Math.min(...[...pending.values()].filter((p) => !p.evicted).map((p) => p.nextAttemptAt));
        const untilDeadline = start + options.timeoutMs - clock();
        await sleep(Math.max(1, Math.min(backoff.pollMs, nextAttempt - clock(), untilDeadline)));
    }

    return {
        cordoned,
        alreadyCordoned,
        evicted: evicted.sort(),
        skipped: [...skipped.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([pod, reason]) => ({ pod, reason })),
        emptyDirPods: emptyDirPods.sort(),
        unmanaged: unmanaged.sort(),
    };
}

type EvictionOutcome =
    { kind: "accepted" } | { kind: "refused"; message: string } | { kind: "overlappingBudgets"; message: string };

/**
 * Asks the Eviction API to evict a pod: 429 is a refusal (a PDB, or the API's rate limit), 404 means already gone,
 * 500 "more than one PodDisruptionBudget" a refusal no retry can lift.
 */
async function evict(api: KubeApi, pod: V1Pod): Promise<EvictionOutcome> {
    const name = pod.metadata?.name ?? "";
    const namespace = pod.metadata?.namespace ?? "";
    try {
        await api.core.createNamespacedPodEviction({
            name,
            namespace,
            body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
        });
        return { kind: "accepted" };
    } catch (error) {
        const code = statusCode(error);
        if (code === 429) return { kind: "refused", message: describeApiError(error) };
        if (code === 404) return { kind: "accepted" };
        if (isOverlappingBudgetsRefusal(error)) return { kind: "overlappingBudgets", message: describeApiError(error) };
        throw new Error(`evicting pod ${namespace}/${name}: ${describeApiError(error)}`);
    }
}

/** The PodDisruptionBudgets of a namespace; none when they cannot be listed (the error being reported matters more). */
async function listPdbs(api: KubeApi, namespace: string): Promise<V1PodDisruptionBudget[]> {
    return api.policy.listNamespacedPodDisruptionBudget({ namespace }).then(
        (l) => l.items,
        () => [],
    );
}

/** What was evicted before a refusal stopped the drain. */
function evictedBefore(accepted: number): string {
    return accepted === 0 ? "Nothing was evicted" : `${accepted} pod(s) had been evicted before`;
}

/** The refusal of pods without a controller, each as `namespace/name on node N`. */
function unmanagedMessage(options: DrainOptions, pods: readonly string[], accepted: number): string {
    return (
        `drain of node group "${options.nodeGroupName}" refused: ${pods.length} pod(s) have no controller, so ` +
        `nothing would recreate them after eviction:\n${pods.map((p) => `  - ${p}`).join("\n")}\n` +
        `${evictedBefore(accepted)}; the nodes stay cordoned. Move or delete these pods, or set the stack config ` +
        `eks-al2023-migration:drainEvictUnmanagedPods: true to evict them anyway (like kubectl drain --force), then ` +
        `run pulumi up again.`
    );
}

/** The refusal of a pod more than one PodDisruptionBudget selects, naming the budgets. */
async function overlappingBudgetsMessage(
    api: KubeApi,
    options: DrainOptions,
    item: Pending,
    outcome: { message: string },
    accepted: number,
): Promise<string> {
    const pdbs = matchingPdbs(item.pod, await listPdbs(api, item.pod.metadata?.namespace ?? ""));
    const budgets = pdbs.length > 0 ? pdbs.join(", ") : "they could not be listed";
    return (
        `drain of node group "${options.nodeGroupName}" stopped: pod ${podKey(item.pod)} on node ${item.node} is ` +
        `selected by more than one PodDisruptionBudget (${budgets}), and the Eviction API never evicts such a pod ` +
        `(${outcome.message}). ${evictedBefore(accepted)}; no further eviction was attempted and the nodes stay ` +
        `cordoned. Fix the overlapping budgets so that at most one selects each pod, then run pulumi up again.`
    );
}

/** The timeout error: every pod still on the node group, why, and the PDBs that cover it. */
async function timeoutMessage(api: KubeApi, options: DrainOptions, stuck: Pending[]): Promise<string> {
    const pdbsByNamespace = new Map<string, V1PodDisruptionBudget[]>();
    const lines: string[] = [];
    for (const item of stuck.sort((a, b) => podKey(a.pod).localeCompare(podKey(b.pod)))) {
        const namespace = item.pod.metadata?.namespace ?? "";
        if (!pdbsByNamespace.has(namespace)) pdbsByNamespace.set(namespace, await listPdbs(api, namespace));
        const pdbs = matchingPdbs(item.pod, pdbsByNamespace.get(namespace) ?? []);
        const why = item.evicted
            ? "eviction accepted, pod still terminating"
            : `eviction refused ${item.refusals} time(s)${item.lastRefusal ? ` (${item.lastRefusal})` : ""}`;
        const budget = pdbs.length > 0 ? `PodDisruptionBudget ${pdbs.join(", ")}` : "no PodDisruptionBudget";
        lines.push(`  - ${podKey(item.pod)} on node ${item.node}: ${why}; ${budget}`);
    }
    return (
        `drain of node group "${options.nodeGroupName}" timed out after ${Math.round(options.timeoutMs / 1000)}s; ` +
        `${stuck.length} pod(s) could not move:\n${lines.join("\n")}\n` +
        `The node group was left at its size with its nodes cordoned; no pod or node was deleted. Let the budgets ` +
        `allow a disruption (more replicas on the new nodes, or a looser PodDisruptionBudget), or raise ` +
        `drainTimeoutMinutes, then run pulumi up again.`
    );
}
