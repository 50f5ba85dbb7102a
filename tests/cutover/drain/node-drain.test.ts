import * as http from "node:http";
import type { AddressInfo } from "node:net";
import Module from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { KubeConfig, type V1LabelSelector, type V1Node, type V1Pod } from "@kubernetes/client-node";
import { stringify as toYaml } from "yaml";
import {
    backoffDelayMs,
    cordonNodeGroup,
    describeApiError,
    drainNodeGroup,
    handOverCordon,
    hasEmptyDir,
    isReadySchedulable,
    kubeApi,
    matchingPdbs,
    podDisposition,
    selectorMatches,
    uncordonNodes,
    type Backoff,
    type DrainOptions,
    type KubeApi,
} from "../../../cutover/drain/node-drain";
import {
    NodeGroupCordon,
    NodeGroupDrain,
    cordonProvider,
    drainProvider,
    type CordonOutputs,
    type DrainOutputs,
} from "../../../cutover/drain/node-group-drain";
import { exampleFacts, runProgram, useOfflineCloud } from "../../fakes/mocks";

// ---------------------------------------------------------------------------------------------------------------
// A fake Kubernetes API: exactly the endpoints the drain calls, over real HTTP on 127.0.0.1. Time on the server is
// counted in requests ("ticks"), so replacement pods become Ready after a fixed number of calls whatever the clock.
// ---------------------------------------------------------------------------------------------------------------

const TOKEN = "test-token";
const AL2 = "dev-general-al2";
const AL2023 = "dev-general-al2023";

interface FakeNode {
    name: string;
    nodeGroup: string;
    ready: boolean;
    unschedulable: boolean;
}

interface FakePod {
    namespace: string;
    name: string;
    nodeName: string;
    labels?: Record<string, string>;
    /** The pod's controller; `none` = a bare pod. @default "ReplicaSet" */
    owner?: "DaemonSet" | "ReplicaSet" | "none";
    mirror?: boolean;
    phase?: "Running" | "Succeeded" | "Failed";
    emptyDir?: boolean;
    /** Ticks until it is Ready (counts for PDBs); undefined = Ready now. */
    readyAt?: number;
    /** Tick at which an evicted pod is gone; Infinity = it never terminates. */
    goneAt?: number;
    /** Requests an evicted pod takes to terminate. @default 0 */
    terminationTicks?: number;
    /** When evicted, a replacement appears on this node, Ready `ticks` requests later. */
    replacement?: { nodeName: string; ticks: number };
    /** The pod is deleted by someone else just before our eviction (eviction answers 404). */
    vanishes?: boolean;
    /** Eviction answers 500. */
    broken?: boolean;
}

interface FakePdb {
    namespace: string;
    name: string;
    selector?: V1LabelSelector;
    minAvailable: number;
}

interface RequestRecord {
    method: string;
    path: string;
    contentType?: string;
    body?: unknown;
    status: number;
}

class FakeKube {
    nodes: FakeNode[] = [];
    pods: FakePod[] = [];
    pdbs: FakePdb[] = [];
    requests: RequestRecord[] = [];
    tick = 0;
    private server = http.createServer((req, res) => this.handle(req, res));

    async start(): Promise<string> {
        await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((done) => this.server.close(() => done()));
    }

    reset(state: { nodes?: FakeNode[]; pods?: FakePod[]; pdbs?: FakePdb[] }): void {
        this.nodes = state.nodes ?? [];
        this.pods = state.pods ?? [];
        this.pdbs = state.pdbs ?? [];
        this.requests = [];
        this.tick = 0;
    }

    node(name: string): FakeNode {
        return this.nodes.find((n) => n.name === name)!;
    }

    podsOn(nodeName: string): string[] {
        return this.pods.filter((p) => p.nodeName === nodeName).map((p) => `${p.namespace}/${p.name}`);
    }

    /** Requests that changed something or were refused, without the lists. */
    writes(): { method: string; path: string; status: number }[] {
        return this.requests
            .filter((r) => r.method !== "GET")
            .map(({ method, path, status }) => ({ method, path, status }));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let raw = "";
        req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
        req.on("end", () => {
            this.tick += 1;
            this.pods = this.pods.filter((p) => p.goneAt === undefined || p.goneAt > this.tick);
            const url = new URL(req.url ?? "/", "http://fake");
            const body = raw ? (JSON.parse(raw) as unknown) : undefined;
            const [status, answer] =
                req.headers.authorization === `Bearer ${TOKEN}`
                    ? this.route(req.method ?? "", url, req.headers["content-type"], body)
                    : [401, status401()];
            this.requests.push({
                method: req.method ?? "",
                path: url.pathname + url.search,
                contentType: req.headers["content-type"],
                body,
                status,
            });
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(JSON.stringify(answer));
        });
    }

    private route(method: string, url: URL, contentType: string | undefined, body: unknown): [number, unknown] {
        const path = url.pathname;
        let m: RegExpMatchArray | null;
        if (method === "GET" && path === "/api/v1/nodes") {
            const [key, value] = (url.searchParams.get("labelSelector") ?? "").split("=");
            const items = this.nodes.filter((n) => key === "eks.amazonaws.com/nodegroup" && n.nodeGroup === value);
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
            const [key, value] = (url.searchParams.get("fieldSelector") ?? "").split("=");
            const items = this.pods.filter((p) => key === "spec.nodeName" && p.nodeName === value);
            return [200, { apiVersion: "v1", kind: "PodList", metadata: {}, items: items.map(podJson) }];
        }
        if (method === "POST" && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/))) {
            return this.evict(m[1], m[2], body);
        }
        if (method === "GET" && (m = path.match(/^\/apis\/policy\/v1\/namespaces\/([^/]+)\/poddisruptionbudgets$/))) {
            const items = this.pdbs.filter((p) => p.namespace === m![1]).map(pdbJson);
            return [200, { apiVersion: "policy/v1", kind: "PodDisruptionBudgetList", metadata: {}, items }];
        }
        return [404, status(404, `no route ${method} ${path}`)];
    }

    private healthy(pod: FakePod): boolean {
        return (pod.readyAt === undefined || pod.readyAt <= this.tick) && pod.goneAt === undefined;
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
        if (pod.broken) return [500, status(500, "etcdserver: request timed out")];
        if (pod.goneAt !== undefined) return [201, status(201, "")];
        const budgets = this.pdbs.filter(
            (p) => p.namespace === namespace && p.selector && selectorMatches(p.selector, pod.labels ?? {}),
        );
        if (budgets.length > 1) {
            const message =
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
            return [500, status(500, message)];
        }
        for (const pdb of budgets) {
            const healthy = this.pods.filter(
                (p) => p.namespace === namespace && selectorMatches(pdb.selector!, p.labels ?? {}) && this.healthy(p),
            );
            if (this.healthy(pod) && healthy.length - 1 < pdb.minAvailable) {
                const message = "Cannot evict pod as it would violate the pod's disruption budget.";
                return [429, { ...status(429, message), reason: "TooManyRequests" }];
            }
        }
        pod.goneAt = this.tick + 1 + (pod.terminationTicks ?? 0);
        if (pod.replacement) {
            this.pods.push({
                namespace,
                name: `${name}-r`,
                nodeName: pod.replacement.nodeName,
                labels: pod.labels,
                owner: pod.owner,
                readyAt: this.tick + pod.replacement.ticks,
            });
        }
        return [201, status(201, "")];
    }
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

function status401(): object {
    return status(401, "Unauthorized");
}

function nodeJson(node: FakeNode): V1Node {
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node.name, labels: { "eks.amazonaws.com/nodegroup": node.nodeGroup } },
        spec: node.unschedulable ? { unschedulable: true } : {},
        status: { conditions: [{ type: "Ready", status: node.ready ? "True" : "False" }] },
    };
}

function podJson(pod: FakePod): V1Pod {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: pod.name,
            namespace: pod.namespace,
            labels: pod.labels,
            annotations: pod.mirror ? { "kubernetes.io/config.mirror": "3f1c" } : undefined,
            ownerReferences:
                pod.owner === "none"
                    ? undefined
                    : [
                          {
                              apiVersion: "apps/v1",
                              kind: pod.owner ?? "ReplicaSet",
                              name: "owner",
                              uid: "u-1",
                              controller: true,
                          },
                      ],
        },
        spec: {
            nodeName: pod.nodeName,
            containers: [{ name: "main", image: "public.ecr.aws/docker/library/busybox:1.36" }],
            volumes: pod.emptyDir ? [{ name: "scratch", emptyDir: {} }] : [],
        },
        status: { phase: pod.phase ?? "Running" },
    };
}

function pdbJson(pdb: FakePdb): object {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: pdb.name, namespace: pdb.namespace },
        spec: { minAvailable: pdb.minAvailable, selector: pdb.selector },
    };
}

const fake = new FakeKube();
let server = "";

/** The kubeconfig a user of the fake server has: a token user, plain HTTP. */
function kubeconfigYaml(): string {
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
        users: [{ name: "tester", user: { token: TOKEN } }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
        "current-context": "fake",
    });
}

function testApi(): KubeApi {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
        clusters: [{ name: "fake", server, skipTLSVerify: true }],
        users: [{ name: "tester", token: TOKEN }],
        contexts: [{ name: "fake", cluster: "fake", user: "tester" }],
        currentContext: "fake",
    });
    return kubeApi(kubeConfig);
}

/** A fake clock that only moves when the drain sleeps; records every sleep. */
function fakeTime(): { clock: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
    let now = 0;
    const sleeps: number[] = [];
    return {
        clock: () => now,
        sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
        },
        sleeps,
    };
}

const BACKOFF: Backoff = { initialMs: 1000, maxMs: 8000, factor: 2, pollMs: 5000 };

function drainOptions(time: ReturnType<typeof fakeTime>, overrides: Partial<DrainOptions> = {}): DrainOptions {
    return {
        nodeGroupName: AL2,
        readyNodeGroupName: AL2023,
        minReadyNodes: 1,
        timeoutMs: 60_000,
        backoff: BACKOFF,
        clock: time.clock,
        sleep: time.sleep,
        ...overrides,
    };
}

function clusterNodes(): FakeNode[] {
    return [
        { name: "al2-a", nodeGroup: AL2, ready: true, unschedulable: false },
        { name: "al2-b", nodeGroup: AL2, ready: true, unschedulable: false },
        { name: "al2023-a", nodeGroup: AL2023, ready: true, unschedulable: false },
    ];
}

beforeAll(async () => {
    server = await fake.start();
});

afterAll(async () => {
    await fake.stop();
});

beforeEach(() => fake.reset({}));

// ---------------------------------------------------------------------------------------------------------------

describe("drain decisions", () => {
    const pod = (extra: Partial<V1Pod>): V1Pod => ({ metadata: { name: "p", namespace: "ns" }, ...extra });

    it("evicts controlled pods, flags pods without a controller, and leaves DaemonSet, mirror and finished pods", () => {
        const replicaSet = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "r", uid: "1" };
        const controlled = pod({ metadata: { ownerReferences: [{ ...replicaSet, controller: true }] } });
        expect(podDisposition(controlled)).toBe("evict");
        expect(podDisposition({ ...controlled, status: { phase: "Pending" } })).toBe("evict");
        expect(podDisposition(pod({}))).toBe("unmanaged");
        expect(podDisposition(pod({ metadata: { ownerReferences: [] } }))).toBe("unmanaged");
        expect(podDisposition(pod({ metadata: { ownerReferences: [replicaSet] } }))).toBe("unmanaged");
        expect(
            podDisposition(
                pod({
                    metadata: { ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "d", uid: "1" }] },
                }),
            ),
        ).toBe("daemonset");
        expect(podDisposition(pod({ metadata: { annotations: { "kubernetes.io/config.mirror": "x" } } }))).toBe(
            "mirror",
        );
        expect(podDisposition(pod({ status: { phase: "Succeeded" } }))).toBe("terminated");
        expect(podDisposition(pod({ status: { phase: "Failed" } }))).toBe("terminated");
        expect(podDisposition(pod({ status: { phase: "Pending" } }))).toBe("unmanaged");
    });

    it("sees emptyDir volumes", () => {
        expect(hasEmptyDir(pod({ spec: { containers: [], volumes: [{ name: "s", emptyDir: {} }] } }))).toBe(true);
        expect(hasEmptyDir(pod({ spec: { containers: [], volumes: [{ name: "c", configMap: { name: "c" } }] } }))).toBe(
            false,
        );
        expect(hasEmptyDir(pod({}))).toBe(false);
    });

    it("matches label selectors like the API server", () => {
        const labels = { app: "api", tier: "web" };
        const table: [V1LabelSelector, boolean][] = [
            [{}, true],
            [{ matchLabels: { app: "api" } }, true],
            [{ matchLabels: { app: "api", tier: "db" } }, false],
            [{ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "db"] }] }, true],
            [{ matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] }, false],
            [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, true],
            [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
            [{ matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
            [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }, false],
            [{ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
            [{ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
            [{ matchExpressions: [{ key: "app", operator: "Gt", values: ["1"] }] }, false],
            [
                { matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] },
                false,
            ],
        ];
        for (const [selector, expected] of table)
            expect([selector, selectorMatches(selector, labels)]).toEqual([selector, expected]);
    });

    it("names the PDBs of the pod's namespace that select it", () => {
        const api = pod({ metadata: { name: "api-1", namespace: "shop", labels: { app: "api" } } });
        const pdbs = [
            { metadata: { name: "api", namespace: "shop" }, spec: { selector: { matchLabels: { app: "api" } } } },
            { metadata: { name: "all", namespace: "shop" }, spec: { selector: {} } },
            { metadata: { name: "none", namespace: "shop" }, spec: {} },
            { metadata: { name: "web", namespace: "shop" }, spec: { selector: { matchLabels: { app: "web" } } } },
            { metadata: { name: "api", namespace: "other" }, spec: { selector: { matchLabels: { app: "api" } } } },
        ];
        expect(matchingPdbs(api, pdbs)).toEqual(["shop/all", "shop/api"]);
    });

    it("backs off exponentially up to the cap", () => {
        expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, BACKOFF))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    });

    it("counts only Ready, schedulable nodes", () => {
        const node = (ready: string, unschedulable?: boolean): V1Node => ({
            spec: { unschedulable },
            status: { conditions: [{ type: "Ready", status: ready }] },
        });
        expect([node("True"), node("True", true), node("False"), node("Unknown"), {}].map(isReadySchedulable)).toEqual([
            true,
            false,
            false,
            false,
            false,
        ]);
    });

    it("keeps ownership of nodes it cordoned when cordoning again, and releases nodes that left", () => {
        expect(handOverCordon(["a", "b", "gone"], { cordoned: ["c"], alreadyCordoned: ["a", "b", "x"] })).toEqual({
            cordoned: ["a", "b", "c"],
            alreadyCordoned: ["x"],
            release: ["gone"],
        });
        expect(handOverCordon(["old-1"], { cordoned: ["new-1"], alreadyCordoned: [] })).toEqual({
            cordoned: ["new-1"],
            alreadyCordoned: [],
            release: ["old-1"],
        });
    });

    it("describes API errors by status and message", () => {
        const error = Object.assign(new Error("Unknown API Status Code!"), {
            code: 403,
            body: JSON.stringify({ message: "nodes is forbidden" }),
        });
        expect(describeApiError(error)).toBe("HTTP 403: nodes is forbidden");
        expect(describeApiError(Object.assign(new Error("x"), { code: 502, body: "<html>" }))).toBe("HTTP 502: <html>");
        expect(describeApiError(new Error("connect ECONNREFUSED"))).toBe("connect ECONNREFUSED");
    });
});

describe("cordon against the fake API", () => {
    it("cordons with a merge patch, skips cordoned nodes, and the rollback uncordons only its own", async () => {
        fake.reset({
            nodes: [
                { name: "al2-a", nodeGroup: AL2, ready: true, unschedulable: false },
                { name: "al2-b", nodeGroup: AL2, ready: true, unschedulable: true },
                { name: "al2-c", nodeGroup: AL2, ready: true, unschedulable: false },
                { name: "al2023-a", nodeGroup: AL2023, ready: true, unschedulable: false },
            ],
        });
        const api = testApi();
        expect(await cordonNodeGroup(api, AL2)).toEqual({ cordoned: ["al2-a", "al2-c"], alreadyCordoned: ["al2-b"] });
        const patches = fake.requests.filter((r) => r.method === "PATCH");
        expect(patches).toEqual(
            ["al2-a", "al2-c"].map((n) => ({
                method: "PATCH",
                path: `/api/v1/nodes/${n}`,
                contentType: "application/merge-patch+json",
                body: { spec: { unschedulable: true } },
                status: 200,
            })),
        );
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
            ["al2-a", true],
            ["al2-b", true],
            ["al2-c", true],
            ["al2023-a", false],
        ]);

        fake.nodes = fake.nodes.filter((n) => n.name !== "al2-c");
        expect(await uncordonNodes(api, ["al2-a", "al2-c"])).toEqual(["al2-a"]);
        expect(
            fake.requests
                .filter((r) => r.method === "PATCH")
                .slice(2)
                .map((r) => r.body),
        ).toEqual([{ spec: { unschedulable: null } }, { spec: { unschedulable: null } }]);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
            ["al2-a", false],
            ["al2-b", true],
            ["al2023-a", false],
        ]);
    });

    it("fails with the node group and the API's message when the credentials are refused", async () => {
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromOptions({
            clusters: [{ name: "fake", server, skipTLSVerify: true }],
            users: [{ name: "tester", token: "wrong" }],
            contexts: [{ name: "fake", cluster: "fake", user: "tester" }],
            currentContext: "fake",
        });
        await expect(cordonNodeGroup(kubeApi(kubeConfig), AL2)).rejects.toThrow(
            `listing the nodes of node group "${AL2}": HTTP 401`,
        );
    });
});

describe("drain against the fake API", () => {
    it("retries PDB refusals with back-off until replacements are Ready, and skips DaemonSet, mirror and finished pods", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [
                {
                    namespace: "shop",
                    name: "api-1",
                    nodeName: "al2-a",
                    labels: { app: "api" },
                    owner: "ReplicaSet",
                    replacement: { nodeName: "al2023-a", ticks: 6 },
                },
                {
                    namespace: "shop",
                    name: "api-2",
                    nodeName: "al2-b",
                    labels: { app: "api" },
                    owner: "ReplicaSet",
                    replacement: { nodeName: "al2023-a", ticks: 6 },
                },
                { namespace: "kube-system", name: "aws-node-x1", nodeName: "al2-a", owner: "DaemonSet" },
                { namespace: "kube-system", name: "kube-proxy-al2-b", nodeName: "al2-b", mirror: true },
                { namespace: "batch", name: "report-done", nodeName: "al2-b", phase: "Succeeded" },
                { namespace: "shop", name: "cache-0", nodeName: "al2-b", emptyDir: true, terminationTicks: 3 },
            ],
            pdbs: [{ namespace: "shop", name: "api", selector: { matchLabels: { app: "api" } }, minAvailable: 1 }],
        });
        const time = fakeTime();
        const summary = await drainNodeGroup(testApi(), drainOptions(time));

        expect(summary).toEqual({
            cordoned: ["al2-a", "al2-b"],
            alreadyCordoned: [],
            evicted: ["shop/api-1", "shop/api-2", "shop/cache-0"],
            skipped: [
                { pod: "kube-system/aws-node-x1", reason: "daemonset" },
                { pod: "kube-system/kube-proxy-al2-b", reason: "mirror" },
            ],
            emptyDirPods: ["shop/cache-0"],
            unmanaged: [],
        });
        expect(fake.podsOn("al2-a")).toEqual(["kube-system/aws-node-x1"]);
        expect(fake.podsOn("al2-b")).toEqual(["kube-system/kube-proxy-al2-b", "batch/report-done"]);
        expect(fake.podsOn("al2023-a")).toEqual(["shop/api-1-r", "shop/api-2-r"]);

        const evictions = fake.writes().filter((w) => w.method === "POST");
        const api2 = evictions.filter((w) => w.path.endsWith("/api-2/eviction")).map((w) => w.status);
        expect(api2.slice(0, -1).every((s) => s === 429) && api2.length > 1).toBe(true);
        expect(api2[api2.length - 1]).toBe(201);
        expect(evictions.filter((w) => /aws-node|kube-proxy|report-done/.test(w.path))).toEqual([]);
        expect(time.sleeps.length).toBeGreaterThan(0);
        expect(time.sleeps.every((ms) => ms >= 1 && ms <= BACKOFF.pollMs)).toBe(true);
    });

    it("times out naming every pod that could not move and its PDB, leaving the node group as it was", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [
                { namespace: "shop", name: "singleton-0", nodeName: "al2-a", labels: { app: "singleton" } },
                {
                    namespace: "shop",
                    name: "stuck-finalizer",
                    nodeName: "al2-b",
                    labels: { app: "legacy" },
                    terminationTicks: Infinity,
                },
                { namespace: "shop", name: "web-1", nodeName: "al2-b", labels: { app: "web" } },
            ],
            pdbs: [
                {
                    namespace: "shop",
                    name: "singleton",
                    selector: { matchLabels: { app: "singleton" } },
                    minAvailable: 1,
                },
                { namespace: "shop", name: "web", selector: { matchLabels: { app: "web" } }, minAvailable: 0 },
            ],
        });
        const time = fakeTime();
        const error = await drainNodeGroup(testApi(), drainOptions(time)).then(
            () => undefined,
            (e: Error) => e,
        );
        // Attempts at 0, 1, 3, 7, 15, 23, 31, 39, 47, 55 s (back-off 1, 2, 4, 8 s capped); the next would be at 63 s.
        expect(error?.message).toBe(
            `drain of node group "${AL2}" timed out after 60s; 2 pod(s) could not move:\n` +
                `  - shop/singleton-0 on node al2-a: eviction refused 10 time(s) (HTTP 429: Cannot evict pod as it would ` +
                `violate the pod's disruption budget.); PodDisruptionBudget shop/singleton\n` +
                `  - shop/stuck-finalizer on node al2-b: eviction accepted, pod still terminating; no PodDisruptionBudget\n` +
                `The node group was left at its size with its nodes cordoned; no pod or node was deleted. Let the ` +
                `budgets allow a disruption (more replicas on the new nodes, or a looser PodDisruptionBudget), or raise ` +
                `drainTimeoutMinutes, then run pulumi up again.`,
        );
        expect(time.clock()).toBe(60_000);
        expect(fake.podsOn("al2-a")).toEqual(["shop/singleton-0"]);
        expect(fake.podsOn("al2-b")).toEqual(["shop/stuck-finalizer"]);
        expect(
            fake
                .writes()
                .filter((w) => w.path.endsWith("/singleton-0/eviction"))
                .map((w) => w.status),
        ).toEqual(Array(10).fill(429));
    });

    it("refuses to start when the new node group has too few Ready nodes, touching nothing", async () => {
        fake.reset({
            nodes: [
                { name: "al2-a", nodeGroup: AL2, ready: true, unschedulable: false },
                { name: "al2023-a", nodeGroup: AL2023, ready: false, unschedulable: false },
                { name: "al2023-b", nodeGroup: AL2023, ready: true, unschedulable: true },
                { name: "al2023-c", nodeGroup: AL2023, ready: true, unschedulable: false },
            ],
            pods: [{ namespace: "shop", name: "api-1", nodeName: "al2-a" }],
        });
        const time = fakeTime();
        await expect(drainNodeGroup(testApi(), drainOptions(time, { minReadyNodes: 2 }))).rejects.toThrow(
            `drain of node group "${AL2}" refused: node group "${AL2023}" has 1 Ready schedulable node(s) of 3, at ` +
                `least 2 needed so evicted pods have somewhere to go. Nothing was cordoned or evicted.`,
        );
        fake.nodes = fake.nodes.filter((n) => n.nodeGroup === AL2);
        await expect(drainNodeGroup(testApi(), drainOptions(time))).rejects.toThrow(
            `has 0 Ready schedulable node(s) of 0`,
        );
        expect(fake.writes()).toEqual([]);
        expect(fake.node("al2-a").unschedulable).toBe(false);
    });

    it("keeps nodes cordoned by someone else out of its cordoned list, and a re-run does nothing", async () => {
        fake.reset({
            nodes: clusterNodes().map((n) => (n.name === "al2-a" ? { ...n, unschedulable: true } : n)),
            pods: [
                { namespace: "shop", name: "api-1", nodeName: "al2-a" },
                { namespace: "shop", name: "api-2", nodeName: "al2-b" },
                { namespace: "kube-system", name: "aws-node-x1", nodeName: "al2-a", owner: "DaemonSet" },
            ],
        });
        const first = await drainNodeGroup(testApi(), drainOptions(fakeTime()));
        expect(first).toEqual({
            cordoned: ["al2-b"],
            alreadyCordoned: ["al2-a"],
            evicted: ["shop/api-1", "shop/api-2"],
            skipped: [{ pod: "kube-system/aws-node-x1", reason: "daemonset" }],
            emptyDirPods: [],
            unmanaged: [],
        });

        fake.requests = [];
        const time = fakeTime();
        expect(await drainNodeGroup(testApi(), drainOptions(time))).toEqual({
            cordoned: [],
            alreadyCordoned: ["al2-a", "al2-b"],
            evicted: [],
            skipped: [{ pod: "kube-system/aws-node-x1", reason: "daemonset" }],
            emptyDirPods: [],
            unmanaged: [],
        });
        expect(fake.writes()).toEqual([]);
        expect(time.sleeps).toEqual([]);
    });

    it("treats a pod deleted before its eviction as gone, and fails on other eviction errors", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-1", nodeName: "al2-a", vanishes: true }],
        });
        expect((await drainNodeGroup(testApi(), drainOptions(fakeTime()))).evicted).toEqual(["shop/api-1"]);
        expect(fake.writes().filter((w) => w.method === "POST")).toEqual([
            { method: "POST", path: "/api/v1/namespaces/shop/pods/api-1/eviction", status: 404 },
        ]);

        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-2", nodeName: "al2-b", broken: true }],
        });
        await expect(drainNodeGroup(testApi(), drainOptions(fakeTime()))).rejects.toThrow(
            "evicting pod shop/api-2: HTTP 500: etcdserver: request timed out",
        );
    });
});

describe("drain refusals against the fake API", () => {
    /** Two bare pods among pods the drain handles as before (a bare mirror pod and a bare finished pod stay skipped). */
    function withBarePods(): void {
        fake.reset({
            nodes: clusterNodes(),
            pods: [
                { namespace: "shop", name: "api-1", nodeName: "al2-a" },
                { namespace: "tools", name: "debug-shell", nodeName: "al2-b", owner: "none" },
                { namespace: "default", name: "one-off", nodeName: "al2-a", owner: "none", emptyDir: true },
                { namespace: "kube-system", name: "aws-node-x1", nodeName: "al2-a", owner: "DaemonSet" },
                { namespace: "kube-system", name: "kube-proxy-al2-b", nodeName: "al2-b", owner: "none", mirror: true },
                { namespace: "batch", name: "report-done", nodeName: "al2-b", owner: "none", phase: "Succeeded" },
            ],
        });
    }

    const UNMANAGED_REFUSAL =
        `drain of node group "${AL2}" refused: 2 pod(s) have no controller, so nothing would recreate them after ` +
        `eviction:\n` +
        `  - default/one-off on node al2-a\n` +
        `  - tools/debug-shell on node al2-b\n` +
        `Nothing was evicted; the nodes stay cordoned. Move or delete these pods, or set the stack config ` +
        `eks-al2023-migration:drainEvictUnmanagedPods: true to evict them anyway (like kubectl drain --force), then ` +
        `run pulumi up again.`;

    it("refuses pods without a controller by default, naming each, before any eviction", async () => {
        withBarePods();
        const time = fakeTime();
        const error = await drainNodeGroup(testApi(), drainOptions(time)).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.message).toBe(UNMANAGED_REFUSAL);
        expect(fake.writes()).toEqual([
            { method: "PATCH", path: "/api/v1/nodes/al2-a", status: 200 },
            { method: "PATCH", path: "/api/v1/nodes/al2-b", status: 200 },
        ]);
        expect(fake.pods.length).toBe(6);
        expect(time.sleeps).toEqual([]);
    });

    it("evicts pods without a controller when allowed, and lists them", async () => {
        withBarePods();
        const summary = await drainNodeGroup(testApi(), drainOptions(fakeTime(), { evictUnmanagedPods: true }));
        expect(summary).toEqual({
            cordoned: ["al2-a", "al2-b"],
            alreadyCordoned: [],
            evicted: ["default/one-off", "shop/api-1", "tools/debug-shell"],
            skipped: [
                { pod: "kube-system/aws-node-x1", reason: "daemonset" },
                { pod: "kube-system/kube-proxy-al2-b", reason: "mirror" },
            ],
            emptyDirPods: ["default/one-off"],
            unmanaged: ["default/one-off", "tools/debug-shell"],
        });
        expect(fake.podsOn("al2-a")).toEqual(["kube-system/aws-node-x1"]);
        expect(fake.podsOn("al2-b")).toEqual(["kube-system/kube-proxy-al2-b", "batch/report-done"]);
    });

    it("stops when a pod without a controller appears during the drain, saying what was evicted", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-1", nodeName: "al2-a", terminationTicks: 3 }],
        });
        const time = fakeTime();
        const sleep = async (ms: number): Promise<void> => {
            if (time.sleeps.length === 0) {
                fake.pods.push({ namespace: "tools", name: "pinned", nodeName: "al2-b", owner: "none" });
            }
            await time.sleep(ms);
        };
        await expect(drainNodeGroup(testApi(), drainOptions(time, { sleep }))).rejects.toThrow(
            `refused: 1 pod(s) have no controller, so nothing would recreate them after eviction:\n` +
                `  - tools/pinned on node al2-b\n1 pod(s) had been evicted before; the nodes stay cordoned.`,
        );
        expect(fake.writes().filter((w) => w.method === "POST")).toEqual([
            { method: "POST", path: "/api/v1/namespaces/shop/pods/api-1/eviction", status: 201 },
        ]);
    });

    it("stops at a pod two PodDisruptionBudgets select (HTTP 500), naming both, and evicts nothing further", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [
                { namespace: "shop", name: "api-1", nodeName: "al2-a", labels: { app: "api" } },
                { namespace: "shop", name: "web-1", nodeName: "al2-b", labels: { app: "web", tier: "front" } },
                { namespace: "shop", name: "web-2", nodeName: "al2-b", labels: { app: "web" } },
            ],
            pdbs: [
                { namespace: "shop", name: "web", selector: { matchLabels: { app: "web" } }, minAvailable: 0 },
                { namespace: "shop", name: "front", selector: { matchLabels: { tier: "front" } }, minAvailable: 0 },
                { namespace: "shop", name: "api", selector: { matchLabels: { app: "api" } }, minAvailable: 0 },
            ],
        });
        const time = fakeTime();
        const error = await drainNodeGroup(testApi(), drainOptions(time)).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.message).toBe(
            `drain of node group "${AL2}" stopped: pod shop/web-1 on node al2-b is selected by more than one ` +
                `PodDisruptionBudget (shop/front, shop/web), and the Eviction API never evicts such a pod (HTTP 500: ` +
                `This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.). ` +
                `1 pod(s) had been evicted before; no further eviction was attempted and the nodes stay cordoned. Fix ` +
                `the overlapping budgets so that at most one selects each pod, then run pulumi up again.`,
        );
        expect(fake.writes().filter((w) => w.method === "POST")).toEqual([
            { method: "POST", path: "/api/v1/namespaces/shop/pods/api-1/eviction", status: 201 },
            { method: "POST", path: "/api/v1/namespaces/shop/pods/web-1/eviction", status: 500 },
        ]);
        expect(fake.podsOn("al2-b")).toEqual(["shop/web-1", "shop/web-2"]);
        expect(time.sleeps).toEqual([]);
    });
});

describe("dynamic providers", () => {
    it("cordon: create stores what it cordoned, diff ignores credentials, delete uncordons only those", async () => {
        fake.reset({ nodes: clusterNodes().map((n) => (n.name === "al2-b" ? { ...n, unschedulable: true } : n)) });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await cordonProvider.create(inputs);
        const outs = created.outs as CordonOutputs;
        expect(created).toEqual({
            id: `cordon/${AL2}`,
            outs: { ...inputs, cordonedNodes: ["al2-a"], alreadyCordonedNodes: ["al2-b"] },
        });

        expect(await cordonProvider.diff!(created.id, outs, inputs)).toEqual({ changes: false });
        expect(await cordonProvider.diff!(created.id, outs, { ...inputs, kubeconfig: "other" })).toEqual({
            changes: false,
        });
        expect(await cordonProvider.diff!(created.id, outs, { ...inputs, nodeGroupName: "prod-batch-al2" })).toEqual({
            changes: true,
        });

        await cordonProvider.delete!(created.id, outs);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
            ["al2-a", false],
            ["al2-b", true],
            ["al2023-a", false],
        ]);
    });

    it("cordon: an update to another node group cordons it first, then uncordons the old nodes", async () => {
        fake.reset({ nodes: clusterNodes() });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await cordonProvider.create(inputs);
        fake.requests = [];
        const updated = await cordonProvider.update!(created.id, created.outs as CordonOutputs, {
            ...inputs,
            nodeGroupName: AL2023,
        });
        expect(updated.outs).toEqual({
            ...inputs,
            nodeGroupName: AL2023,
            cordonedNodes: ["al2023-a"],
            alreadyCordonedNodes: [],
        });
        expect(fake.writes().map((w) => w.path)).toEqual([
            "/api/v1/nodes/al2023-a",
            "/api/v1/nodes/al2-a",
            "/api/v1/nodes/al2-b",
        ]);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
            ["al2-a", false],
            ["al2-b", false],
            ["al2023-a", true],
        ]);
    });

    it("drain: create drains, diff ignores credentials and timeout, update drains again, delete changes nothing", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-1", nodeName: "al2-a", emptyDir: true }],
        });
        const inputs = {
            kubeconfig: kubeconfigYaml(),
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMinutes: 20,
            evictUnmanagedPods: false,
        };
        const created = await drainProvider.create(inputs);
        const outs = created.outs as DrainOutputs;
        expect(created).toEqual({
            id: `drain/${AL2}`,
            outs: {
                ...inputs,
                cordonedNodes: ["al2-a", "al2-b"],
                evictedPods: ["shop/api-1"],
                skippedPods: [],
                emptyDirPods: ["shop/api-1"],
                unmanagedPods: [],
            },
        });

        expect(await drainProvider.diff!(created.id, outs, inputs)).toEqual({ changes: false });
        expect(
            await drainProvider.diff!(created.id, outs, { ...inputs, kubeconfig: "other", timeoutMinutes: 45 }),
        ).toEqual({ changes: false });
        expect(
            await drainProvider.diff!(created.id, outs, { ...inputs, readyNodeGroupName: "dev-other-al2023" }),
        ).toEqual({ changes: true });
        expect(await drainProvider.diff!(created.id, outs, { ...inputs, minReadyNodes: 2 })).toEqual({ changes: true });
        expect(await drainProvider.diff!(created.id, outs, { ...inputs, evictUnmanagedPods: true })).toEqual({
            changes: true,
        });
        // The state of a drain made before the input existed has no evictUnmanagedPods.
        const before: DrainOutputs = { ...outs };
        delete (before as { evictUnmanagedPods?: boolean }).evictUnmanagedPods;
        expect(await drainProvider.diff!(created.id, before, { ...inputs, evictUnmanagedPods: true })).toEqual({
            changes: true,
        });
        expect(await drainProvider.diff!(created.id, { ...outs, evictUnmanagedPods: true }, inputs)).toEqual({
            changes: false,
        });
        expect(await drainProvider.diff!(created.id, before, inputs)).toEqual({ changes: false });

        const updated = await drainProvider.update!(created.id, outs, { ...inputs, minReadyNodes: 0 });
        expect(updated.outs).toEqual({
            ...inputs,
            minReadyNodes: 0,
            cordonedNodes: [],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        });

        fake.requests = [];
        await drainProvider.delete!(created.id, outs);
        expect(fake.requests).toEqual([]);
    });
});

describe("dynamic provider refusals", () => {
    it("drain: refuses a pod without a controller until evictUnmanagedPods is turned on, then the update evicts it", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "tools", name: "debug-shell", nodeName: "al2-a", owner: "none" }],
        });
        const inputs = {
            kubeconfig: kubeconfigYaml(),
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMinutes: 20,
            evictUnmanagedPods: false,
        };
        await expect(drainProvider.create(inputs)).rejects.toThrow(`  - tools/debug-shell on node al2-a\n`);
        expect(fake.podsOn("al2-a")).toEqual(["tools/debug-shell"]);

        const allowed = { ...inputs, evictUnmanagedPods: true };
        const olds: DrainOutputs = {
            ...inputs,
            cordonedNodes: [],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        };
        expect(await drainProvider.diff!(`drain/${AL2}`, olds, allowed)).toEqual({ changes: true });
        const updated = await drainProvider.update!(`drain/${AL2}`, olds, allowed);
        expect(updated.outs).toEqual({
            ...allowed,
            cordonedNodes: [],
            evictedPods: ["tools/debug-shell"],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: ["tools/debug-shell"],
        });
        expect(fake.podsOn("al2-a")).toEqual([]);
    });
});

describe("dynamic resources in a Pulumi program", () => {
    const KUBECONFIG = "apiVersion: v1\nkind: Config\n# marker-7f3a\n";
    /** How the mocks see a secret input. */
    const SECRET_KUBECONFIG = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: KUBECONFIG };

    async function declare(): Promise<{ name: string; inputs: Record<string, unknown> }[]> {
        const cloud = await useOfflineCloud(exampleFacts("dev"));
        await runProgram(async () => {
            const cordon = new NodeGroupCordon("general-cordon", { kubeconfig: KUBECONFIG, nodeGroupName: AL2 });
            const drain = new NodeGroupDrain(
                "general-drain",
                {
                    kubeconfig: KUBECONFIG,
                    nodeGroupName: AL2,
                    readyNodeGroupName: AL2023,
                    minReadyNodes: 2,
                    timeoutMinutes: 20,
                },
                { dependsOn: [cordon] },
            );
            return { drained: drain.evictedPods };
        });
        return cloud
            .ofType("pulumi-nodejs:dynamic:Resource")
            .map((r) => ({ name: r.name, inputs: r.inputs as Record<string, unknown> }));
    }

    it("declares both resources with exactly the inputs the providers read, and a serialized provider", async () => {
        const [cordon, drain] = await declare();
        const withoutProvider = (r: { inputs: Record<string, unknown> }) => {
            const { __provider, ...rest } = r.inputs;
            return { provider: typeof __provider, rest };
        };
        expect([cordon.name, drain.name]).toEqual(["general-cordon", "general-drain"]);
        expect(withoutProvider(cordon)).toEqual({
            provider: "string",
            rest: { kubeconfig: SECRET_KUBECONFIG, nodeGroupName: AL2 },
        });
        expect(withoutProvider(drain)).toEqual({
            provider: "string",
            rest: {
                kubeconfig: SECRET_KUBECONFIG,
                nodeGroupName: AL2,
                readyNodeGroupName: AL2023,
                minReadyNodes: 2,
                timeoutMinutes: 20,
                evictUnmanagedPods: false,
            },
        });
        for (const r of [cordon, drain]) {
            expect(String(r.inputs.__provider)).toMatch(/^exports\.handler = /);
            expect(String(r.inputs.__provider)).not.toContain("marker-7f3a");
        }
    });

    it("serializes the providers byte-identically on every run", async () => {
        const first = (await declare()).map((r) => r.inputs.__provider);
        const second = (await declare()).map((r) => r.inputs.__provider);
        expect(second).toEqual(first);
    });

    it("the serialized cordon provider works on its own, loaded as the dynamic provider process loads it", async () => {
        const [cordon] = await declare();
        const loaded = loadSerializedProvider(String(cordon.inputs.__provider));
        fake.reset({ nodes: clusterNodes() });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await loaded.create(inputs);
        expect(created.outs).toEqual({ ...inputs, cordonedNodes: ["al2-a", "al2-b"], alreadyCordonedNodes: [] });
        await loaded.delete!(created.id, created.outs);
        expect(fake.nodes.every((n) => !n.unschedulable)).toBe(true);
    });
});

/**
 * Loads a `__provider` text the way @pulumi/pulumi's dynamic provider host does (require-from-string: a module
 * compiled from the text, resolving packages from the working directory) and returns its provider.
 */
function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
    const internals = Module as unknown as { _nodeModulePaths(dir: string): string[] };
    const m = new Module("") as Module & { _compile(code: string, filename: string): void };
    m.paths = internals._nodeModulePaths(process.cwd());
    m._compile(text, "");
    return (m.exports as { handler: () => pulumi.dynamic.ResourceProvider }).handler();
}
