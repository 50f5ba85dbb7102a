import * as http from "node:http";
import type { AddressInfo } from "node:net";

// A fake Kubernetes API over real HTTP on 127.0.0.1, for the real @kubernetes/client-node: nodes (list, by label or
// all; merge-patch), pods (list by node or all), PodDisruptionBudgets (list per namespace or all, with a computed
// status), the cluster-wide lists the pre-flight live gate reads (DaemonSets, ReplicaSets, Jobs, ServiceAccounts,
// PersistentVolumes, PersistentVolumeClaims: served as given) and the Eviction subresource with the API
// server's budget rules, plus failure injection (any status, dropped connections, requests never answered, tokens
// refused before they expire). PDB coverage is decided here with this file's own selector logic.
//
// Eviction rules as the API server applies them (https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/,
// https://kubernetes.io/docs/tasks/run-application/configure-pdb/): a pod more than one budget selects is refused with
// 500; a healthy pod is evicted only while the budget's disruptionsAllowed > 0, otherwise 429; an unhealthy pod
// (not Ready) is evicted while currentHealthy >= desiredHealthy (the default unhealthyPodEvictionPolicy IfHealthyBudget).
// desiredHealthy is minAvailable, or expectedPods - maxUnavailable; percentages of expectedPods round up.
//
// Time is the fake's own clock: by default it counts requests (one tick per request), so tests do not depend on
// machine speed; a benchmark passes a real clock in milliseconds.

/** The bearer token the fake accepts unless told otherwise. */
export const FAKE_TOKEN = "test-token";

/** A node of the fake cluster. */
export interface FakeNode {
    name: string;
    nodeGroup: string;
    ready: boolean;
    unschedulable: boolean;
    /** Labels besides `eks.amazonaws.com/nodegroup` (zone, instance type, ...). */
    labels?: Record<string, string>;
}

/** A pod of the fake cluster; times are in the fake's clock units. */
export interface FakePod {
    namespace: string;
    name: string;
    nodeName: string;
    /** Set when the pod is added (`p-<n>`) unless given. */
    uid?: string;
    labels?: Record<string, string>;
    /** The pod's controller; `none` = a bare pod. @default "ReplicaSet" */
    owner?: "DaemonSet" | "ReplicaSet" | "StatefulSet" | "none";
    mirror?: boolean;
    phase?: "Running" | "Succeeded" | "Failed";
    emptyDir?: boolean;
    /** Time at which it is Ready (counts for budgets); undefined = Ready now. */
    readyAt?: number;
    /** Time at which an evicted pod is gone; set by the eviction. */
    goneAt?: number;
    /** Time an evicted pod takes to terminate; Infinity = it never does. @default 0 */
    terminationTicks?: number;
    /** When evicted, a ReplicaSet-style replacement appears at once on this node, Ready `ticks` later. */
    replacement?: { nodeName: string; ticks: number; terminationTicks?: number };
    /**
     * StatefulSet-style: once gone, the pod is recreated under the same name (new UID) on `nodeName`, Ready `ticks`
     * later, `times` times (Infinity = always).
     */
    recreate?: { nodeName: string; ticks: number; times: number };
    /** The pod is deleted by someone else just before our eviction (eviction answers 404). */
    vanishes?: boolean;
    /**
     * What the pod holds beyond the fake's model, merged into the pod the API returns: `metadata` fields (its real
     * ownerReferences) and `spec` fields (containers, volumes, nodeSelector, affinity, tolerations), as a cluster
     * dump's pod has them. `nodeName` and the fake's metadata (name, namespace, uid, labels) always win.
     */
    manifest?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
}

/** The kinds the fake serves as given, each from its cluster-wide list path. */
export const LISTED_KINDS = {
    daemonsets: "/apis/apps/v1/daemonsets",
    replicasets: "/apis/apps/v1/replicasets",
    jobs: "/apis/batch/v1/jobs",
    serviceaccounts: "/api/v1/serviceaccounts",
    persistentvolumes: "/api/v1/persistentvolumes",
    persistentvolumeclaims: "/api/v1/persistentvolumeclaims",
} as const;

/** Objects of the kinds the fake serves as given, as `kubectl get <kind> -A -o json` lists them. */
export type ListedObjects = Partial<Record<keyof typeof LISTED_KINDS, object[]>>;

/** A PodDisruptionBudget: `minAvailable` or `maxUnavailable`, each an integer or a percentage like "25%". */
export interface FakePdb {
    namespace: string;
    name: string;
    selector?: Selector;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    /** The controller's replica count (expectedPods); @default the selected pods that are not terminating. */
    expectedPods?: number;
}

/** A label selector as the API defines it. */
export interface Selector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** What an injected fault does to a request. */
export type FaultKind =
    | { status: number; message: string; reason?: string }
    | "drop"
    /** Handle the request, then drop the connection instead of answering (an answer lost on the way). */
    | "dropAfter"
    | "hang"
    /** Answer 401 whatever the token (a token refused before the expiry its credential stated). */
    | "unauthorized";

/** A fault for the next `times` requests matching method and path. */
export interface Fault {
    method?: string;
    path?: RegExp;
    kind: FaultKind;
    /** @default 1 */
    times?: number;
}

/** One request as the fake saw it. */
export interface RequestRecord {
    method: string;
    path: string;
    contentType?: string;
    authorization?: string;
    body?: unknown;
    /** 0 for dropped or unanswered requests. */
    status: number;
}

/** The fake API server. */
export class FakeKube {
    nodes: FakeNode[] = [];
    pods: FakePod[] = [];
    pdbs: FakePdb[] = [];
    objects: ListedObjects = {};
    faults: Fault[] = [];
    requests: RequestRecord[] = [];
    /** Tokens accepted. */
    tokens = new Set([FAKE_TOKEN]);
    tick = 0;
    /** Called whenever a request is left unanswered (a `hang` fault). */
    onHang: (() => void)[] = [];
    private uids = 0;
    private hanging: http.ServerResponse[] = [];
    private readonly server = http.createServer((req, res) => this.handle(req, res));

    /** @param clock the fake's time; @default the request counter */
    constructor(private readonly clock?: () => number) {}

    /** Listens on 127.0.0.1 and returns the base URL. */
    async start(): Promise<string> {
        await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Closes the server and every connection still open (including unanswered requests). */
    stop(): Promise<void> {
        this.release();
        return new Promise((done) => {
            this.server.close(() => done());
            this.server.closeAllConnections();
        });
    }

    /** Ends unanswered requests by closing their connections. */
    release(): void {
        for (const res of this.hanging) res.socket?.destroy();
        this.hanging = [];
    }

    /** Replaces the cluster's state and forgets requests, faults and the clock. */
    reset(state: { nodes?: FakeNode[]; pods?: FakePod[]; pdbs?: FakePdb[]; objects?: ListedObjects }): void {
        this.release();
        this.uids = 0;
        this.nodes = state.nodes ?? [];
        this.pods = [];
        for (const pod of state.pods ?? []) this.addPod(pod);
        this.pdbs = state.pdbs ?? [];
        this.objects = state.objects ?? {};
        this.faults = [];
        this.requests = [];
        this.tokens = new Set([FAKE_TOKEN]);
        this.onHang = [];
        this.tick = 0;
    }

    /** Adds a pod, giving it a UID unless it has one. */
    addPod(pod: FakePod): FakePod {
        const added = { ...pod, uid: pod.uid ?? `p-${++this.uids}` };
        this.pods.push(added);
        return added;
    }

    /** The time now on the fake's clock. */
    now(): number {
        return this.clock ? this.clock() : this.tick;
    }

    node(name: string): FakeNode {
        return this.nodes.find((n) => n.name === name)!;
    }

    /** `namespace/name` of the pods on a node (after removing those gone). */
    podsOn(nodeName: string): string[] {
        this.collect();
        return this.pods.filter((p) => p.nodeName === nodeName).map((p) => `${p.namespace}/${p.name}`);
    }

    /** Requests that changed something or were refused, without the lists. */
    writes(): { method: string; path: string; status: number }[] {
        return this.requests
            .filter((r) => r.method !== "GET")
            .map(({ method, path, status }) => ({ method, path, status }));
    }

    /** Removes pods whose termination is over, recreating StatefulSet-style pods. */
    collect(): void {
        const now = this.now();
        const gone = this.pods.filter((p) => p.goneAt !== undefined && p.goneAt <= now);
        this.pods = this.pods.filter((p) => !gone.includes(p));
        for (const pod of gone) {
            if (pod.recreate === undefined || pod.recreate.times <= 0) continue;
            const { nodeName, ticks, times } = pod.recreate;
            const rest: FakePod = { ...pod };
            delete rest.uid;
            delete rest.goneAt;
            this.addPod({ ...rest, nodeName, readyAt: now + ticks, recreate: { nodeName, ticks, times: times - 1 } });
        }
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let raw = "";
        req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
        req.on("end", () => {
            this.tick += 1;
            this.collect();
            const url = new URL(req.url ?? "/", "http://fake");
            const method = req.method ?? "";
            const record: RequestRecord = {
                method,
                path: url.pathname + url.search,
                contentType: req.headers["content-type"],
                authorization: req.headers.authorization,
                body: raw ? (JSON.parse(raw) as unknown) : undefined,
                status: 0,
            };
            this.requests.push(record);
            const fault = this.takeFault(method, url.pathname);
            if (fault === "drop") {
                req.socket.destroy();
                return;
            }
            if (fault === "hang") {
                this.hanging.push(res);
                for (const listener of this.onHang) listener();
                return;
            }
            const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
            let answer: [number, unknown];
            if (fault === "unauthorized" || !this.tokens.has(token)) answer = [401, status(401, "Unauthorized")];
            else if (fault !== undefined && fault !== "dropAfter")
                answer = [fault.status, { ...status(fault.status, fault.message), reason: fault.reason }];
            else answer = this.route(method, url, record.contentType, record.body);
            record.status = answer[0];
            if (fault === "dropAfter") {
                req.socket.destroy();
                return;
            }
            res.writeHead(answer[0], { "Content-Type": "application/json" });
            res.end(JSON.stringify(answer[1]));
        });
    }

    private takeFault(method: string, path: string): FaultKind | undefined {
        const fault = this.faults.find(
            (f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)),
        );
        if (fault === undefined) return undefined;
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
        return fault.kind;
    }

    private route(method: string, url: URL, contentType: string | undefined, body: unknown): [number, unknown] {
        const path = url.pathname;
        let m: RegExpMatchArray | null;
        if (method === "GET" && path === "/api/v1/nodes") {
            const selector = url.searchParams.get("labelSelector");
            const [key, value] = (selector ?? "").split("=");
            const items = this.nodes.filter(
                // `<label>=<value>`, or `<label>` alone: every node that has the label.
                (n) =>
                    selector === null ||
                    (key === "eks.amazonaws.com/nodegroup" && (value === undefined || n.nodeGroup === value)),
            );
            return [200, { apiVersion: "v1", kind: "NodeList", metadata: {}, items: items.map(nodeJson) }];
        }
        if (method === "PATCH" && (m = path.match(/^\/api\/v1\/nodes\/([^/]+)$/))) {
            if (contentType !== "application/merge-patch+json") return [415, status(415, `unsupported ${contentType}`)];
            const node = this.nodes.find((n) => n.name === m![1]);
            if (!node) return [404, status(404, `nodes "${m[1]}" not found`)];
            node.unschedulable = (body as { spec: { unschedulable: boolean | null } }).spec.unschedulable === true;
            return [200, nodeJson(node)];
        }
        if (method === "GET" && path === "/api/v1/pods") {
            const selector = url.searchParams.get("fieldSelector");
            const [key, value] = (selector ?? "").split("=");
            const items = this.pods.filter(
                (p) => selector === null || (key === "spec.nodeName" && p.nodeName === value),
            );
            return [200, { apiVersion: "v1", kind: "PodList", metadata: {}, items: items.map(podJson) }];
        }
        if (method === "POST" && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/))) {
            return this.evict(m[1], m[2], body);
        }
        if (method === "GET" && (m = path.match(/^\/apis\/policy\/v1\/namespaces\/([^/]+)\/poddisruptionbudgets$/))) {
            const items = this.pdbs.filter((p) => p.namespace === m![1]).map((p) => this.pdbJson(p));
            return [200, { apiVersion: "policy/v1", kind: "PodDisruptionBudgetList", metadata: {}, items }];
        }
        if (method === "GET" && path === "/apis/policy/v1/poddisruptionbudgets") {
            const items = this.pdbs.map((p) => this.pdbJson(p));
            return [200, { apiVersion: "policy/v1", kind: "PodDisruptionBudgetList", metadata: {}, items }];
        }
        const listed = Object.entries(LISTED_KINDS).find(([, listPath]) => listPath === path)?.[0];
        if (method === "GET" && listed !== undefined) {
            const items = this.objects[listed as keyof typeof LISTED_KINDS] ?? [];
            return [200, { apiVersion: "v1", kind: "List", metadata: {}, items }];
        }
        return [404, status(404, `no route ${method} ${path}`)];
    }

    private healthy(pod: FakePod): boolean {
        return (pod.readyAt === undefined || pod.readyAt <= this.now()) && pod.goneAt === undefined;
    }

    /** The budget's status as the disruption controller computes it. */
    budgetStatus(pdb: FakePdb): { expectedPods: number; currentHealthy: number; desiredHealthy: number } {
        const selected = this.pods.filter((p) => p.namespace === pdb.namespace && covers(pdb, p.labels ?? {}));
        const expectedPods = pdb.expectedPods ?? selected.filter((p) => p.goneAt === undefined).length;
        const currentHealthy = selected.filter((p) => this.healthy(p)).length;
        const desiredHealthy =
            pdb.minAvailable !== undefined
                ? scaled(pdb.minAvailable, expectedPods)
                : expectedPods - scaled(pdb.maxUnavailable ?? 0, expectedPods);
        return { expectedPods, currentHealthy, desiredHealthy };
    }

    private pdbJson(pdb: FakePdb): object {
        const s = this.budgetStatus(pdb);
        return {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: pdb.name, namespace: pdb.namespace },
            spec: {
                ...(pdb.minAvailable !== undefined && { minAvailable: pdb.minAvailable }),
                ...(pdb.maxUnavailable !== undefined && { maxUnavailable: pdb.maxUnavailable }),
                selector: pdb.selector,
            },
            status: { ...s, disruptionsAllowed: Math.max(0, s.currentHealthy - s.desiredHealthy) },
        };
    }

    private evict(namespace: string, name: string, body: unknown): [number, unknown] {
        if (
            JSON.stringify(body) !==
            JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } })
        ) {
            return [400, status(400, `not an Eviction of ${namespace}/${name}`)];
        }
        const pod = this.pods.find((p) => p.namespace === namespace && p.name === name);
        if (!pod || pod.vanishes) {
            this.pods = this.pods.filter((p) => p !== pod);
            return [404, status(404, `pods "${name}" not found`)];
        }
        if (pod.goneAt !== undefined) return [201, status(201, "")];
        const budgets = this.pdbs.filter((p) => p.namespace === namespace && covers(p, pod.labels ?? {}));
        if (budgets.length > 1) {
            const message =
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
            return [500, status(500, message)];
        }
        for (const pdb of budgets) {
            const s = this.budgetStatus(pdb);
            const allowed = this.healthy(pod)
                ? s.currentHealthy - s.desiredHealthy > 0
                : s.currentHealthy >= s.desiredHealthy;
            if (!allowed) {
                const message = "Cannot evict pod as it would violate the pod's disruption budget.";
                return [429, { ...status(429, message), reason: "TooManyRequests" }];
            }
        }
        pod.goneAt = this.now() + 1 + (pod.terminationTicks ?? 0);
        if (pod.replacement) {
            this.addPod({
                namespace,
                name: `${name}-r`,
                nodeName: pod.replacement.nodeName,
                labels: pod.labels,
                owner: pod.owner,
                readyAt: this.now() + pod.replacement.ticks,
                terminationTicks: pod.replacement.terminationTicks,
            });
        }
        return [201, status(201, "")];
    }
}

/** A percentage of `total` rounded up, or the integer itself (intstr.GetScaledValueFromIntOrPercent, round up). */
function scaled(value: number | string, total: number): number {
    if (typeof value === "number") return value;
    return Math.ceil((Number(value.replace("%", "")) * total) / 100);
}

/** Whether a budget selects these labels: the API server's rules, written out here (an empty selector selects all). */
function covers(pdb: FakePdb, labels: Record<string, string>): boolean {
    if (pdb.selector === undefined) return false;
    for (const [key, value] of Object.entries(pdb.selector.matchLabels ?? {})) {
        if (labels[key] !== value) return false;
    }
    for (const { key, operator, values = [] } of pdb.selector.matchExpressions ?? []) {
        const present = key in labels;
        if (operator === "In" && !(present && values.indexOf(labels[key]) >= 0)) return false;
        if (operator === "NotIn" && present && values.indexOf(labels[key]) >= 0) return false;
        if (operator === "Exists" && !present) return false;
        if (operator === "DoesNotExist" && present) return false;
        if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(operator)) return false;
    }
    return true;
}

function status(code: number, message: string): object {
    return {
        apiVersion: "v1",
        kind: "Status",
        metadata: {},
        status: code < 300 ? "Success" : "Failure",
        message,
        code,
    };
}

function nodeJson(node: FakeNode): object {
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node.name, labels: { ...node.labels, "eks.amazonaws.com/nodegroup": node.nodeGroup } },
        spec: node.unschedulable ? { unschedulable: true } : {},
        status: { conditions: [{ type: "Ready", status: node.ready ? "True" : "False" }] },
    };
}

function podJson(pod: FakePod): object {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            ...pod.manifest?.metadata,
            name: pod.name,
            namespace: pod.namespace,
            uid: pod.uid,
            labels: pod.labels,
            ...(pod.goneAt !== undefined && { deletionTimestamp: "2026-01-01T00:00:00Z" }),
            annotations: pod.mirror ? { "kubernetes.io/config.mirror": "3f1c" } : undefined,
            ownerReferences:
                pod.manifest?.metadata?.ownerReferences ??
                (pod.owner === "none"
                    ? undefined
                    : [
                          {
                              apiVersion: "apps/v1",
                              kind: pod.owner ?? "ReplicaSet",
                              name: "owner",
                              uid: "u-1",
                              controller: true,
                          },
                      ]),
        },
        spec: {
            containers: [{ name: "main", image: "public.ecr.aws/docker/library/busybox:1.36" }],
            volumes: pod.emptyDir ? [{ name: "scratch", emptyDir: {} }] : [],
            ...pod.manifest?.spec,
            nodeName: pod.nodeName,
        },
        status: { phase: pod.phase ?? "Running" },
    };
}
