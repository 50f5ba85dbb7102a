import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { drainNodeGroup } from "../../../cutover/drain/drain-run";
import {
    cordonProviderWith,
    drainProviderWith,
    type CordonOutputs,
    type DrainOutputs,
} from "../../../cutover/drain/node-group-drain";
import type { ProviderRuntime } from "../../../cutover/drain/provider-runtime";
import {
    AL2,
    AL2023,
    clusterNodes,
    drainOptions,
    failure,
    fake,
    fakeTime,
    hangTimer,
    kubeconfigYaml,
    POLICY,
    startFake,
} from "./helpers";

beforeAll(startFake);
afterAll(() => fake.stop());
beforeEach(() => fake.reset({}));

/** A provider runtime on a fake clock that records the log lines. */
function runtime(): ProviderRuntime & { lines: string[] } {
    const time = fakeTime();
    const lines: string[] = [];
    return {
        lines,
        clock: time.clock,
        sleep: time.sleep,
        timer: hangTimer(time),
        policy: POLICY,
        log: (l) => lines.push(l),
    };
}

const cordoned = () => fake.nodes.filter((n) => n.unschedulable).map((n) => n.name);

describe("a cordon that fails part-way", () => {
    for (const [what, kind, times, shown] of [
        ["403", { status: 403, message: 'nodes "al2-b" is forbidden' }, 1, `HTTP 403: nodes "al2-b" is forbidden`],
        [
            "500 after the retries",
            { status: 500, message: "internal error" },
            4,
            "failed 4 times; last: HTTP 500: internal error",
        ],
    ] as const) {
        it(`(${what}) stops naming the node and status, records what it cordoned, and the rollback uncordons it`, async () => {
            fake.reset({ nodes: clusterNodes() });
            fake.faults = [{ method: "PATCH", path: /al2-b$/, kind, times }];
            const provider = cordonProviderWith(runtime());
            const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
            const error = await failure(provider.create(inputs));
            const separator = what === "403" ? ": " : " ";
            expect(error.message).toBe(
                `cordon of node group "${AL2}" failed: cordoning node al2-b${separator}${shown}; 1 node(s) had been ` +
                    `cordoned: al2-a`,
            );
            // The partial state the engine records (ErrorResourceInitFailed): id and outputs.
            expect(error.id).toBe(`cordon/${AL2}`);
            expect(error.properties).toStrictEqual({ ...inputs, cordonedNodes: ["al2-a"], alreadyCordonedNodes: [] });
            expect(cordoned()).toStrictEqual(["al2-a"]);

            // The next run updates it (the engine retries resources with init errors): al2-a stays its own.
            const next = await provider.update!(error.id!, error.properties as CordonOutputs, inputs);
            expect(next.outs).toStrictEqual({ ...inputs, cordonedNodes: ["al2-a", "al2-b"], alreadyCordonedNodes: [] });
            // The rollback to canary uncordons both.
            await provider.delete!(error.id!, next.outs as CordonOutputs);
            expect(cordoned()).toStrictEqual([]);
        });
    }

    it("a rollback right after the failure uncordons exactly what it had cordoned", async () => {
        fake.reset({
            nodes: [...clusterNodes(), { name: "al2-c", nodeGroup: AL2, ready: true, unschedulable: true }],
        });
        fake.faults = [{ method: "PATCH", path: /al2-b$/, kind: { status: 403, message: "forbidden" } }];
        const provider = cordonProviderWith(runtime());
        const error = await failure(provider.create({ kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 }));
        await provider.delete!(error.id!, error.properties as CordonOutputs);
        // al2-c was cordoned by someone else and stays so.
        expect(cordoned()).toStrictEqual(["al2-c"]);
    });

    it("counts only a 404 as a node that is gone", async () => {
        fake.reset({ nodes: clusterNodes() });
        const provider = cordonProviderWith(runtime());
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await provider.create(inputs);
        fake.nodes = fake.nodes.filter((n) => n.name !== "al2-a");
        fake.faults = [{ method: "PATCH", path: /al2-b$/, kind: { status: 403, message: "forbidden" } }];
        await expect(provider.delete!(created.id, created.outs as CordonOutputs)).rejects.toThrow(
            "uncordoning node al2-b: HTTP 403: forbidden",
        );
        expect(fake.node("al2-b").unschedulable).toBe(true);
    });
});

describe("cordon and drain records in name order, whatever order the API lists the nodes in", () => {
    const node = (name: string, unschedulable: boolean) => ({ name, nodeGroup: AL2, ready: true, unschedulable });

    it("a failed cordon names and records the nodes it had cordoned in name order", async () => {
        // Listed al2-d, al2-c, al2-a: cordoned in that order before al2-b fails.
        fake.reset({
            nodes: [node("al2-d", false), node("al2-c", false), node("al2-a", false), node("al2-b", false)],
        });
        fake.faults = [{ method: "PATCH", path: /al2-b$/, kind: { status: 403, message: "forbidden" } }];
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const error = await failure(cordonProviderWith(runtime()).create(inputs));
        expect(error.message).toBe(
            `cordon of node group "${AL2}" failed: cordoning node al2-b: HTTP 403: forbidden; 3 node(s) had been ` +
                "cordoned: al2-a, al2-c, al2-d",
        );
        expect(error.properties).toStrictEqual({
            ...inputs,
            cordonedNodes: ["al2-a", "al2-c", "al2-d"],
            alreadyCordonedNodes: [],
        });
    });

    it("a failed re-cordon records the kept, new and departed nodes together in name order", async () => {
        // al2-b is the cordon's own from the last run, al2-a has left the node group since; al2-c is cordoned now,
        // then al2-d fails.
        fake.reset({ nodes: [node("al2-c", false), node("al2-b", true), node("al2-d", false)] });
        fake.faults = [{ method: "PATCH", path: /al2-d$/, kind: { status: 403, message: "forbidden" } }];
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const olds: CordonOutputs = { ...inputs, cordonedNodes: ["al2-b", "al2-a"], alreadyCordonedNodes: [] };
        const error = await failure(cordonProviderWith(runtime()).update!(`cordon/${AL2}`, olds, inputs));
        expect(error.properties).toStrictEqual({
            ...inputs,
            cordonedNodes: ["al2-a", "al2-b", "al2-c"],
            alreadyCordonedNodes: [],
        });
    });

    it("a drain run again records the nodes an earlier run cordoned with its own in name order", async () => {
        // al2-z was cordoned by the earlier drain run; this run cordons al2-a.
        fake.reset({
            nodes: [node("al2-z", true), node("al2-a", false), ...clusterNodes().filter((n) => n.nodeGroup === AL2023)],
        });
        const inputs = {
            kubeconfig: kubeconfigYaml(),
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMinutes: 20,
        };
        const olds: DrainOutputs = {
            ...inputs,
            cordonedNodes: ["al2-z"],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        };
        const updated = await drainProviderWith(runtime()).update!(`drain/${AL2}`, olds, inputs);
        expect((updated.outs as DrainOutputs).cordonedNodes).toStrictEqual(["al2-a", "al2-z"]);
    });
});

describe("nodes the drain cordons itself", () => {
    it("are uncordoned by the rollback from drain; the cordon's own by the rollback to canary; others stay", async () => {
        fake.reset({
            nodes: [...clusterNodes(), { name: "al2-x", nodeGroup: AL2, ready: true, unschedulable: true }],
        });
        const run = runtime();
        const kubeconfig = kubeconfigYaml();
        const cordon = await cordonProviderWith(run).create({ kubeconfig, nodeGroupName: AL2 });
        expect((cordon.outs as CordonOutputs).cordonedNodes).toStrictEqual(["al2-a", "al2-b"]);

        // The autoscaler launched a node after shift.
        fake.nodes.push({ name: "al2-late", nodeGroup: AL2, ready: true, unschedulable: false });
        fake.addPod({ namespace: "shop", name: "api-1", nodeName: "al2-late" });
        const drainInputs = {
            kubeconfig,
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMinutes: 20,
            evictUnmanagedPods: false,
        };
        const drain = await drainProviderWith(run).create(drainInputs);
        expect((drain.outs as DrainOutputs).cordonedNodes).toStrictEqual(["al2-late"]);
        expect((drain.outs as DrainOutputs).evictedPods).toStrictEqual(["shop/api-1"]);

        await drainProviderWith(run).delete!(drain.id, drain.outs as DrainOutputs);
        expect(cordoned()).toStrictEqual(["al2-a", "al2-b", "al2-x"]);
        await cordonProviderWith(run).delete!(cordon.id, cordon.outs as CordonOutputs);
        expect(cordoned()).toStrictEqual(["al2-x"]);
    });

    it("are recorded when the drain fails, so the rollback still uncordons them", async () => {
        fake.reset({ nodes: clusterNodes() });
        fake.addPod({ namespace: "tools", name: "debug", nodeName: "al2-a", owner: "none" });
        const run = runtime();
        const inputs = {
            kubeconfig: kubeconfigYaml(),
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMinutes: 20,
        };
        const error = await failure(drainProviderWith(run).create(inputs));
        expect(error.message).toContain("refused: 1 pod(s) have no controller");
        expect(error.properties).toStrictEqual({
            ...inputs,
            cordonedNodes: ["al2-a", "al2-b"],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        });
        await drainProviderWith(run).delete!(error.id!, error.properties as DrainOutputs);
        expect(cordoned()).toStrictEqual([]);
    });
});

describe("a skip from canary to drain", () => {
    it("checks readiness before cordoning, so a refused drain leaves the AL2 nodes as they were", async () => {
        fake.reset({
            nodes: clusterNodes().map((n) => (n.nodeGroup === AL2023 ? { ...n, ready: false } : n)),
        });
        const provider = cordonProviderWith(runtime());
        const readiness = { readyNodeGroupName: AL2023, minReadyNodes: 1 };
        const error = await failure(provider.create({ kubeconfig: kubeconfigYaml(), nodeGroupName: AL2, readiness }));
        expect(error.message).toBe(
            `drain of node group "${AL2}" refused: node group "${AL2023}" has 0 Ready schedulable node(s) of 1, at ` +
                `least 1 needed so evicted pods have somewhere to go. Nothing was cordoned or evicted.`,
        );
        expect(error.id).toBeUndefined();
        expect(fake.writes()).toStrictEqual([]);
        expect(cordoned()).toStrictEqual([]);
    });
});

describe("pods recreated under the same name", () => {
    const statefulPod = (times: number) =>
        fake.addPod({
            namespace: "db",
            name: "pg-0",
            nodeName: "al2-a",
            owner: "StatefulSet",
            recreate: { nodeName: "al2-b", ticks: 0, times },
        });

    it("tracks pods by UID: a pod recreated on an AL2 node is evicted again", async () => {
        fake.reset({ nodes: clusterNodes() });
        statefulPod(1);
        const lines: string[] = [];
        const summary = await drainNodeGroup(...drainOptions(fakeTime(), { log: (l) => lines.push(l) }));
        expect(summary.evicted).toStrictEqual(["db/pg-0"]);
        expect(fake.writes().filter((w) => w.method === "POST")).toStrictEqual([
            { method: "POST", path: "/api/v1/namespaces/db/pods/pg-0/eviction", status: 201 },
            { method: "POST", path: "/api/v1/namespaces/db/pods/pg-0/eviction", status: 201 },
        ]);
        expect(fake.podsOn("al2-a")).toStrictEqual([]);
        expect(fake.podsOn("al2-b")).toStrictEqual([]);
        expect(lines.filter((l) => l.includes("recreated"))).toStrictEqual([
            "pod db/pg-0 was recreated on node al2-b (new UID p-2); evicting it again",
        ]);
    });

    it("names a pod that keeps coming back", async () => {
        fake.reset({ nodes: clusterNodes() });
        statefulPod(Infinity);
        const error = await failure(drainNodeGroup(...drainOptions(fakeTime())));
        expect(error.message).toBe(
            `drain of node group "${AL2}" stopped: 1 pod(s) were recreated on its cordoned nodes after eviction:\n` +
                `  - db/pg-0: recreated on AL2: tolerates the unschedulable taint\n` +
                `A pod that tolerates node.kubernetes.io/unschedulable (or every taint) is scheduled onto cordoned ` +
                `nodes. Narrow its tolerations or give it a node affinity for the new node group, then run pulumi up ` +
                `again.`,
        );
        expect(fake.writes().filter((w) => w.method === "POST")).toHaveLength(3);
    });

    it("names the pods that keep coming back in namespace/name order, whatever node order they are found in", async () => {
        fake.reset({ nodes: clusterNodes() });
        // Found node by node (al2-a first): db/pg-1 comes back first, then db/pg-0, then cache/redis-0.
        fake.addPod({
            namespace: "db",
            name: "pg-1",
            nodeName: "al2-a",
            owner: "StatefulSet",
            recreate: { nodeName: "al2-a", ticks: 0, times: Infinity },
        });
        for (const [namespace, name] of [
            ["db", "pg-0"],
            ["cache", "redis-0"],
        ]) {
            fake.addPod({
                namespace,
                name,
                nodeName: "al2-b",
                owner: "StatefulSet",
                recreate: { nodeName: "al2-b", ticks: 0, times: Infinity },
            });
        }
        const error = await failure(drainNodeGroup(...drainOptions(fakeTime())));
        expect(error.message).toBe(
            `drain of node group "${AL2}" stopped: 3 pod(s) were recreated on its cordoned nodes after eviction:\n` +
                `  - cache/redis-0: recreated on AL2: tolerates the unschedulable taint\n` +
                `  - db/pg-0: recreated on AL2: tolerates the unschedulable taint\n` +
                `  - db/pg-1: recreated on AL2: tolerates the unschedulable taint\n` +
                `A pod that tolerates node.kubernetes.io/unschedulable (or every taint) is scheduled onto cordoned ` +
                `nodes. Narrow its tolerations or give it a node affinity for the new node group, then run pulumi up ` +
                `again.`,
        );
    });
});
