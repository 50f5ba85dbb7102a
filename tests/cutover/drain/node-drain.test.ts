import { type V1LabelSelector, type V1Node, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
    backoffDelayMs,
    cordonNodeGroup,
    describeApiError,
    handOverCordon,
    hasEmptyDir,
    isReadySchedulable,
    matchingPdbs,
    podDisposition,
    selectorMatches,
    uncordonNodes,
} from "../../../cutover/drain/node-drain";
import { drainNodeGroup } from "../../../cutover/drain/drain-run";
import {
    AL2,
    AL2023,
    BACKOFF,
    clusterNodes,
    drainOptions,
    fake,
    failure,
    fakeTime,
    startFake,
    T0,
    testContext,
} from "./helpers";

beforeAll(startFake);

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
            [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db", "web"] }] }, false],
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
            expect([selector, selectorMatches(selector, labels)]).toStrictEqual([selector, expected]);
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
        expect(matchingPdbs(api, pdbs)).toStrictEqual(["shop/all", "shop/api"]);
    });

    it("backs off exponentially up to the cap", () => {
        expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, BACKOFF))).toStrictEqual([
            1000, 2000, 4000, 8000, 8000, 8000,
        ]);
    });

    it("counts only Ready, schedulable nodes", () => {
        const node = (ready: string, unschedulable?: boolean): V1Node => ({
            spec: { unschedulable },
            status: { conditions: [{ type: "Ready", status: ready }] },
        });
        expect(
            [node("True"), node("True", true), node("False"), node("Unknown"), {}].map(isReadySchedulable),
        ).toStrictEqual([true, false, false, false, false]);
    });

    it("keeps ownership of nodes it cordoned when cordoning again, and releases nodes that left", () => {
        expect(handOverCordon(["a", "b", "gone"], { cordoned: ["c"], alreadyCordoned: ["a", "b", "x"] })).toStrictEqual(
            {
                cordoned: ["a", "b", "c"],
                alreadyCordoned: ["x"],
                release: ["gone"],
            },
        );
        expect(handOverCordon(["old-1"], { cordoned: ["new-1"], alreadyCordoned: [] })).toStrictEqual({
            cordoned: ["new-1"],
            alreadyCordoned: [],
            release: ["old-1"],
        });
    });

    it("hands over the cordon in name order whatever order the nodes came in", () => {
        expect(
            handOverCordon(["z", "b", "gone-2", "gone-1"], { cordoned: ["d", "c"], alreadyCordoned: ["z", "b", "x"] }),
        ).toStrictEqual({ cordoned: ["b", "c", "d", "z"], alreadyCordoned: ["x"], release: ["gone-1", "gone-2"] });
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
        const api = testContext();
        expect(await cordonNodeGroup(api, AL2)).toStrictEqual({
            cordoned: ["al2-a", "al2-c"],
            alreadyCordoned: ["al2-b"],
        });
        const patches = fake.requests.filter((r) => r.method === "PATCH");
        expect(patches).toStrictEqual(
            ["al2-a", "al2-c"].map((n) => ({
                method: "PATCH",
                path: `/api/v1/nodes/${n}`,
                contentType: "application/merge-patch+json",
                authorization: "Bearer test-token",
                body: { spec: { unschedulable: true } },
                status: 200,
            })),
        );
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toStrictEqual([
            ["al2-a", true],
            ["al2-b", true],
            ["al2-c", true],
            ["al2023-a", false],
        ]);

        fake.nodes = fake.nodes.filter((n) => n.name !== "al2-c");
        expect(await uncordonNodes(api, ["al2-a", "al2-c"])).toStrictEqual(["al2-a"]);
        expect(
            fake.requests
                .filter((r) => r.method === "PATCH")
                .slice(2)
                .map((r) => r.body),
        ).toStrictEqual([{ spec: { unschedulable: null } }, { spec: { unschedulable: null } }]);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toStrictEqual([
            ["al2-a", false],
            ["al2-b", true],
            ["al2023-a", false],
        ]);
    });

    it("fails with the node group and the API's message when the credentials are refused", async () => {
        fake.tokens = new Set(["another-token"]);
        await expect(cordonNodeGroup(testContext(), AL2)).rejects.toThrow(
            `cordon of node group "${AL2}" failed: listing the nodes of node group "${AL2}": HTTP 401: Unauthorized ` +
                `(credentials refused)`,
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
        const summary = await drainNodeGroup(...drainOptions(time));

        expect(summary).toStrictEqual({
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
        expect(fake.podsOn("al2-a")).toStrictEqual(["kube-system/aws-node-x1"]);
        expect(fake.podsOn("al2-b")).toStrictEqual(["kube-system/kube-proxy-al2-b", "batch/report-done"]);
        expect(fake.podsOn("al2023-a")).toStrictEqual(["shop/api-1-r", "shop/api-2-r"]);

        const evictions = fake.writes().filter((w) => w.method === "POST");
        const api2 = evictions.filter((w) => w.path.endsWith("/api-2/eviction")).map((w) => w.status);
        expect(api2.slice(0, -1).every((s) => s === 429) && api2.length > 1).toBe(true);
        expect(api2[api2.length - 1]).toBe(201);
        expect(evictions.filter((w) => /aws-node|kube-proxy|report-done/.test(w.path))).toStrictEqual([]);
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
        const error = await drainNodeGroup(...drainOptions(time)).then(
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
        expect(time.clock()).toBe(T0 + 60_000);
        expect(fake.podsOn("al2-a")).toStrictEqual(["shop/singleton-0"]);
        expect(fake.podsOn("al2-b")).toStrictEqual(["shop/stuck-finalizer"]);
        expect(
            fake
                .writes()
                .filter((w) => w.path.endsWith("/singleton-0/eviction"))
                .map((w) => w.status),
        ).toStrictEqual(Array(10).fill(429));
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
        await expect(drainNodeGroup(...drainOptions(time, { minReadyNodes: 2 }))).rejects.toThrow(
            `drain of node group "${AL2}" refused: node group "${AL2023}" has 1 Ready schedulable node(s) of 3, at ` +
                `least 2 needed so evicted pods have somewhere to go. Nothing was cordoned or evicted.`,
        );
        fake.nodes = fake.nodes.filter((n) => n.nodeGroup === AL2);
        await expect(drainNodeGroup(...drainOptions(time))).rejects.toThrow(`has 0 Ready schedulable node(s) of 0`);
        expect(fake.writes()).toStrictEqual([]);
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
        const first = await drainNodeGroup(...drainOptions(fakeTime()));
        expect(first).toStrictEqual({
            cordoned: ["al2-b"],
            alreadyCordoned: ["al2-a"],
            evicted: ["shop/api-1", "shop/api-2"],
            skipped: [{ pod: "kube-system/aws-node-x1", reason: "daemonset" }],
            emptyDirPods: [],
            unmanaged: [],
        });

        fake.requests = [];
        const time = fakeTime();
        expect(await drainNodeGroup(...drainOptions(time))).toStrictEqual({
            cordoned: [],
            alreadyCordoned: ["al2-a", "al2-b"],
            evicted: [],
            skipped: [{ pod: "kube-system/aws-node-x1", reason: "daemonset" }],
            emptyDirPods: [],
            unmanaged: [],
        });
        expect(fake.writes()).toStrictEqual([]);
        expect(time.sleeps).toStrictEqual([]);
    });

    it("treats a pod deleted before its eviction as gone, and fails on other eviction errors", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-1", nodeName: "al2-a", vanishes: true }],
        });
        expect((await drainNodeGroup(...drainOptions(fakeTime()))).evicted).toStrictEqual(["shop/api-1"]);
        expect(fake.writes().filter((w) => w.method === "POST")).toStrictEqual([
            { method: "POST", path: "/api/v1/namespaces/shop/pods/api-1/eviction", status: 404 },
        ]);

        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-2", nodeName: "al2-b" }],
        });
        const message = "etcdserver: request timed out";
        fake.faults = [{ method: "POST", path: /eviction$/, kind: { status: 500, message }, times: 10 }];
        await expect(drainNodeGroup(...drainOptions(fakeTime()))).rejects.toThrow(
            "evicting pod shop/api-2 failed 4 times; last: HTTP 500: etcdserver: request timed out",
        );
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "api-2", nodeName: "al2-b" }],
        });
        fake.faults = [{ method: "POST", path: /eviction$/, kind: { status: 403, message: "forbidden" } }];
        await expect(drainNodeGroup(...drainOptions(fakeTime()))).rejects.toThrow(
            /^evicting pod shop\/api-2: HTTP 403: forbidden$/,
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
        const error = await drainNodeGroup(...drainOptions(time)).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.message).toBe(UNMANAGED_REFUSAL);
        expect(fake.writes()).toStrictEqual([
            { method: "PATCH", path: "/api/v1/nodes/al2-a", status: 200 },
            { method: "PATCH", path: "/api/v1/nodes/al2-b", status: 200 },
        ]);
        expect(fake.pods.length).toBe(6);
        expect(time.sleeps).toStrictEqual([]);
    });

    it("evicts pods without a controller when allowed, and lists them", async () => {
        withBarePods();
        const summary = await drainNodeGroup(...drainOptions(fakeTime(), { evictUnmanagedPods: true }));
        expect(summary).toStrictEqual({
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
        expect(fake.podsOn("al2-a")).toStrictEqual(["kube-system/aws-node-x1"]);
        expect(fake.podsOn("al2-b")).toStrictEqual(["kube-system/kube-proxy-al2-b", "batch/report-done"]);
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
        await expect(drainNodeGroup(...drainOptions(time, { sleep }))).rejects.toThrow(
            `refused: 1 pod(s) have no controller, so nothing would recreate them after eviction:\n` +
                `  - tools/pinned on node al2-b\n1 pod(s) had been evicted before; the nodes stay cordoned.`,
        );
        expect(fake.writes().filter((w) => w.method === "POST")).toStrictEqual([
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
        const error = await drainNodeGroup(...drainOptions(time, { maxConcurrentEvictions: 1 })).then(
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
        expect(fake.writes().filter((w) => w.method === "POST")).toStrictEqual([
            { method: "POST", path: "/api/v1/namespaces/shop/pods/api-1/eviction", status: 201 },
            { method: "POST", path: "/api/v1/namespaces/shop/pods/web-1/eviction", status: 500 },
        ]);
        expect(fake.podsOn("al2-b")).toStrictEqual(["shop/web-1", "shop/web-2"]);
        expect(time.sleeps).toStrictEqual([]);
    });
});

describe("drain concurrency and budgets that cannot be listed", () => {
    it("evicts across nodes at once, never more than maxConcurrentEvictions in flight", async () => {
        fake.reset({
            nodes: [...clusterNodes(), { name: "al2-c", nodeGroup: AL2, ready: true, unschedulable: false }],
            pods: ["al2-a", "al2-b", "al2-c"].flatMap((node) =>
                [1, 2].map((i) => ({ namespace: "shop", name: `${node}-web-${i}`, nodeName: node })),
            ),
        });
        const time = fakeTime();
        const [context, options] = drainOptions(time, { maxConcurrentEvictions: 4 });
        const api = context.api();
        let inFlight = 0;
        let most = 0;
        const counting = {
            ...api,
            core: {
                ...api.core,
                listNode: api.core.listNode.bind(api.core),
                patchNode: api.core.patchNode.bind(api.core),
                listPodForAllNamespaces: api.core.listPodForAllNamespaces.bind(api.core),
                createNamespacedPodEviction: async (
                    ...args: Parameters<typeof api.core.createNamespacedPodEviction>
                ) => {
                    most = Math.max(most, ++inFlight);
                    try {
                        return await api.core.createNamespacedPodEviction(...args);
                    } finally {
                        inFlight -= 1;
                    }
                },
            },
        };
        const summary = await drainNodeGroup({ ...context, api: () => counting }, options);
        expect(summary.evicted).toHaveLength(6);
        expect(most).toBe(4);
        // All six in the first pass: no sleep was needed.
        expect(time.sleeps).toStrictEqual([]);
    });

    it("goes on when the budgets cannot be listed, and says so in the log and the timeout error", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [{ namespace: "shop", name: "solo-0", nodeName: "al2-a", labels: { app: "solo" } }],
            pdbs: [{ namespace: "shop", name: "solo", selector: { matchLabels: { app: "solo" } }, minAvailable: 1 }],
        });
        fake.faults = [
            {
                method: "GET",
                path: /poddisruptionbudgets$/,
                kind: { status: 403, message: "poddisruptionbudgets is forbidden" },
            },
        ];
        const lines: string[] = [];
        const error = await drainNodeGroup(...drainOptions(fakeTime(), { log: (l) => lines.push(l) })).then(
            () => undefined,
            (e: Error) => e,
        );
        const unknown =
            "PodDisruptionBudgets could not be listed (listing the PodDisruptionBudgets of namespace shop: HTTP 403: " +
            "poddisruptionbudgets is forbidden)";
        expect(error?.message).toContain(`  - shop/solo-0 on node al2-a: eviction refused 10 time(s) (HTTP 429: `);
        expect(error?.message).toContain(`; ${unknown}\n`);
        expect(lines[2]).toBe(
            "listing the PodDisruptionBudgets of namespace shop: HTTP 403: poddisruptionbudgets is forbidden; the " +
                "Eviction API still enforces them",
        );
    });
});

describe("drain results in a fixed order whatever order the API lists things in", () => {
    /** AL2 nodes listed out of name order, two of them already cordoned, and their pods listed out of order too. */
    function unsortedCluster(): void {
        fake.reset({
            nodes: [
                { name: "al2-d", nodeGroup: AL2, ready: true, unschedulable: true },
                { name: "al2-c", nodeGroup: AL2, ready: true, unschedulable: false },
                { name: "al2-b", nodeGroup: AL2, ready: true, unschedulable: true },
                { name: "al2-a", nodeGroup: AL2, ready: true, unschedulable: false },
                { name: "al2023-a", nodeGroup: AL2023, ready: true, unschedulable: false },
            ],
            pods: [
                { namespace: "shop", name: "web-2", nodeName: "al2-c", owner: "none", emptyDir: true },
                { namespace: "kube-system", name: "kube-proxy-al2-c", nodeName: "al2-c", mirror: true },
                { namespace: "shop", name: "cache-1", nodeName: "al2-c", emptyDir: true },
                { namespace: "kube-system", name: "aws-node-c", nodeName: "al2-c", owner: "DaemonSet" },
                { namespace: "shop", name: "api-1", nodeName: "al2-b" },
                { namespace: "shop", name: "web-1", nodeName: "al2-a", owner: "none" },
                { namespace: "shop", name: "cache-0", nodeName: "al2-a", emptyDir: true },
                { namespace: "shop", name: "batch-0", nodeName: "al2-a", owner: "none" },
                { namespace: "kube-system", name: "aws-node-a", nodeName: "al2-a", owner: "DaemonSet" },
            ],
        });
    }

    it("sorts the cordoned nodes, evicted, skipped, emptyDir and unmanaged pods of the summary", async () => {
        unsortedCluster();
        const summary = await drainNodeGroup(...drainOptions(fakeTime(), { evictUnmanagedPods: true }));
        expect(summary).toStrictEqual({
            cordoned: ["al2-a", "al2-c"],
            alreadyCordoned: ["al2-b", "al2-d"],
            evicted: ["shop/api-1", "shop/batch-0", "shop/cache-0", "shop/cache-1", "shop/web-1", "shop/web-2"],
            skipped: [
                { pod: "kube-system/aws-node-a", reason: "daemonset" },
                { pod: "kube-system/aws-node-c", reason: "daemonset" },
                { pod: "kube-system/kube-proxy-al2-c", reason: "mirror" },
            ],
            emptyDirPods: ["shop/cache-0", "shop/cache-1", "shop/web-2"],
            unmanaged: ["shop/batch-0", "shop/web-1", "shop/web-2"],
        });
    });

    it("evicts node by node in name order, one at a time when the concurrency is 1", async () => {
        unsortedCluster();
        const lines: string[] = [];
        await drainNodeGroup(
            ...drainOptions(fakeTime(), {
                evictUnmanagedPods: true,
                maxConcurrentEvictions: 1,
                log: (line) => lines.push(line),
            }),
        );
        expect(lines.filter((line) => line.includes("eviction accepted"))).toStrictEqual([
            "pod shop/web-1 on node al2-a: eviction accepted",
            "pod shop/cache-0 on node al2-a: eviction accepted",
            "pod shop/batch-0 on node al2-a: eviction accepted",
            "pod shop/api-1 on node al2-b: eviction accepted",
            "pod shop/web-2 on node al2-c: eviction accepted",
            "pod shop/cache-1 on node al2-c: eviction accepted",
        ]);
    });

    it("names the pods without a controller in name order when it refuses them", async () => {
        unsortedCluster();
        const error = await failure(drainNodeGroup(...drainOptions(fakeTime())));
        expect(error.message).toBe(
            `drain of node group "${AL2}" refused: 3 pod(s) have no controller, so nothing would recreate them ` +
                `after eviction:\n  - shop/batch-0 on node al2-a\n  - shop/web-1 on node al2-a\n  - shop/web-2 on node al2-c\n` +
                `Nothing was evicted; the nodes stay cordoned. Move or delete these pods, or set the stack config ` +
                `eks-al2023-migration:drainEvictUnmanagedPods: true to evict them anyway (like kubectl drain --force), ` +
                `then run pulumi up again.`,
        );
    });

    it("returns the nodes it cordoned and those already cordoned in name order", async () => {
        unsortedCluster();
        const lines: string[] = [];
        expect(await cordonNodeGroup(testContext(), AL2, (line) => lines.push(line))).toStrictEqual({
            cordoned: ["al2-a", "al2-c"],
            alreadyCordoned: ["al2-b", "al2-d"],
        });
        expect(lines).toStrictEqual(["node al2-c cordoned", "node al2-a cordoned"]);
    });
});
