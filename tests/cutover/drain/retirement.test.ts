import Module from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
    NodeGroupRetirement,
    retirementProviderWith,
    type RetirementInputs,
} from "../../../cutover/drain/node-group-retirement";
import type { FakeNode, FakePod } from "../../fakes/kube-api";
import { exampleFacts, runProgram, useOfflineCloud } from "../../fakes/mocks";
import { BACKOFF, POLICY, fake, fakeTime, failure, hangTimer, kubeconfigYaml, startFake } from "./helpers";

beforeAll(startFake);
afterAll(() => fake.stop());
beforeEach(() => fake.reset({}));

/** The pool's node group being replaced, its replacement, and a node group of another pool with the same start. */
const OLD = "general-20261102093015123400000001";
const NEW = "general-20261201160000000000000002";
const OTHER_POOL = "general-gpu-20261102093015123400000003";

function inputs(overrides: Partial<RetirementInputs> = {}): RetirementInputs {
    return {
        kubeconfig: kubeconfigYaml(),
        nodeGroupName: OLD,
        nodeGroupNamePrefix: "general-",
        minReadyNodes: 1,
        timeoutMinutes: 10,
        evictUnmanagedPods: false,
        maxConcurrentEvictions: 25,
        ...overrides,
    };
}

function node(name: string, nodeGroup: string, ready = true): FakeNode {
    return { name, nodeGroup, ready, unschedulable: false };
}

function pod(name: string, nodeName: string, extra: Partial<FakePod> = {}): FakePod {
    return { namespace: "shop", name, nodeName, labels: { app: "api" }, owner: "ReplicaSet", ...extra };
}

/** The provider on the fake with a fake clock; its progress lines in `lines`. */
function provider() {
    const time = fakeTime();
    const lines: string[] = [];
    const runtime = {
        log: (line: string) => lines.push(line),
        clock: time.clock,
        sleep: time.sleep,
        timer: hangTimer(time),
        policy: POLICY,
        backoff: BACKOFF,
    };
    return { provider: retirementProviderWith(runtime), lines };
}

describe("NodeGroupRetirement: the delete drains the old AL2023 node group", () => {
    it("create does nothing; a new node group name replaces it; credentials and timeout are no change", async () => {
        fake.reset({ nodes: [node("old-a", OLD)] });
        const { provider: retirement } = provider();
        const created = await retirement.create(inputs());
        expect(created).toStrictEqual({ id: `retirement/${OLD}`, outs: inputs() });
        expect(fake.writes()).toStrictEqual([]);
        expect(
            await retirement.diff!(created.id, inputs(), inputs({ kubeconfig: "other", timeoutMinutes: 30 })),
        ).toStrictEqual({
            changes: false,
        });
        expect(await retirement.diff!(created.id, inputs(), inputs({ nodeGroupName: NEW }))).toStrictEqual({
            changes: true,
            replaces: ["nodeGroupName"],
            deleteBeforeReplace: false,
        });
    });

    it("drains only the old node group's nodes into the pool's other node group", async () => {
        fake.reset({
            nodes: [node("old-a", OLD), node("old-b", OLD), node("new-a", NEW), node("gpu-a", OTHER_POOL)],
            pods: [
                pod("api-1", "old-a", { replacement: { nodeName: "new-a", ticks: 1 } }),
                pod("api-2", "old-b", { replacement: { nodeName: "new-a", ticks: 1 } }),
                pod("train-1", "gpu-a", { labels: { app: "train" } }),
                { namespace: "kube-system", name: "aws-node-1", nodeName: "old-a", owner: "DaemonSet" },
            ],
        });
        const { provider: retirement, lines } = provider();
        await retirement.delete!(`retirement/${OLD}`, inputs());
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toStrictEqual([
            ["old-a", true],
            ["old-b", true],
            ["new-a", false],
            ["gpu-a", false],
        ]);
        expect(fake.podsOn("old-a")).toStrictEqual(["kube-system/aws-node-1"]);
        expect(fake.podsOn("old-b")).toStrictEqual([]);
        expect(fake.podsOn("new-a")).toStrictEqual(["shop/api-1-r", "shop/api-2-r"]);
        expect(fake.podsOn("gpu-a")).toStrictEqual(["shop/train-1"]);
        const evicted = fake
            .writes()
            .filter((w) => w.method === "POST")
            .map((w) => w.path);
        expect(evicted.every((path) => /\/pods\/api-[12]\/eviction$/.test(path))).toBe(true);
        expect(lines[0]).toBe(`retirement of node group "${OLD}": draining it into "${NEW}" before EKS deletes it`);
        expect(lines.at(-1)).toBe(`retirement of node group "${OLD}": 2 pod(s) evicted; EKS deletes it now`);
    });

    it("honours a PodDisruptionBudget: retries the eviction the API refuses with 429 until the budget allows it", async () => {
        fake.reset({
            nodes: [node("old-a", OLD), node("new-a", NEW)],
            pods: [
                pod("api-1", "old-a", { replacement: { nodeName: "new-a", ticks: 6 } }),
                pod("api-2", "old-a", { replacement: { nodeName: "new-a", ticks: 6 } }),
            ],
            pdbs: [{ namespace: "shop", name: "api", selector: { matchLabels: { app: "api" } }, minAvailable: 1 }],
        });
        const { provider: retirement } = provider();
        await retirement.delete!(`retirement/${OLD}`, inputs());
        const statuses = fake
            .writes()
            .filter((w) => w.method === "POST")
            .map((w) => w.status);
        expect(statuses).toContain(429);
        expect(statuses.filter((s) => s === 201)).toHaveLength(2);
        expect(fake.podsOn("old-a")).toStrictEqual([]);
    });

    it("evicts nothing when the pool has no other node group with Ready nodes (pool or stack removed), and says so", async () => {
        fake.reset({
            nodes: [node("old-a", OLD), node("new-a", NEW, false), node("gpu-a", OTHER_POOL)],
            pods: [pod("api-1", "old-a")],
        });
        const { provider: retirement, lines } = provider();
        await retirement.delete!(`retirement/${OLD}`, inputs());
        expect(fake.writes()).toStrictEqual([]);
        expect(fake.podsOn("old-a")).toStrictEqual(["shop/api-1"]);
        expect(lines).toStrictEqual([
            `retirement of node group "${OLD}": no other node group of the pool ("general-…") has Ready nodes ` +
                "(the pool or the stack is removed): nothing evicted, EKS deletes the nodes",
        ]);
    });

    it("fails the delete, keeping the old node group, when the replacement has fewer Ready nodes than needed", async () => {
        fake.reset({ nodes: [node("old-a", OLD), node("new-a", NEW)], pods: [pod("api-1", "old-a")] });
        const { provider: retirement } = provider();
        const error = await failure(retirement.delete!(`retirement/${OLD}`, inputs({ minReadyNodes: 2 })));
        expect(error.message).toContain(`"${NEW}"`);
        expect(fake.writes()).toStrictEqual([]);
    });
});

describe("NodeGroupRetirement in a Pulumi program", () => {
    const KUBECONFIG = "apiVersion: v1\nkind: Config\n# marker-5c1e\n";

    async function declared(): Promise<Record<string, unknown>> {
        const cloud = await useOfflineCloud(exampleFacts("dev"));
        await runProgram(async () => {
            new NodeGroupRetirement("general-ng-retirement", {
                kubeconfig: KUBECONFIG,
                nodeGroupName: OLD,
                nodeGroupNamePrefix: "general-",
                minReadyNodes: 2,
                timeoutMinutes: 15,
                evictUnmanagedPods: false,
                maxConcurrentEvictions: 25,
            });
            return {};
        });
        return cloud.ofType("pulumi-nodejs:dynamic:Resource")[0].inputs as Record<string, unknown>;
    }

    it("declares exactly the inputs the provider reads, the kubeconfig secret and out of the serialized provider", async () => {
        const { __provider, ...rest } = await declared();
        expect(rest).toStrictEqual({
            kubeconfig: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: KUBECONFIG },
            nodeGroupName: OLD,
            nodeGroupNamePrefix: "general-",
            minReadyNodes: 2,
            timeoutMinutes: 15,
            evictUnmanagedPods: false,
            maxConcurrentEvictions: 25,
        });
        expect(String(__provider)).toMatch(/^exports\.handler = /);
        expect(String(__provider)).not.toContain("marker-5c1e");
        expect((await declared()).__provider).toBe(__provider);
    });

    it("the serialized provider drains on delete on its own, loaded as the dynamic provider process loads it", async () => {
        const text = String((await declared()).__provider);
        const loaded = loadSerializedProvider(text);
        fake.reset({
            nodes: [node("old-a", OLD), node("new-a", NEW)],
            pods: [pod("api-1", "old-a", { replacement: { nodeName: "new-a", ticks: 0 } })],
        });
        await loaded.delete!(`retirement/${OLD}`, inputs());
        expect(fake.node("old-a").unschedulable).toBe(true);
        expect(fake.podsOn("old-a")).toStrictEqual([]);
        expect(fake.podsOn("new-a")).toStrictEqual(["shop/api-1-r"]);
    });
});

/** Loads a `__provider` text as @pulumi/pulumi's dynamic provider host does (require-from-string). */
function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
    const internals = Module as unknown as { _nodeModulePaths(dir: string): string[] };
    const m = new Module("") as Module & { _compile(code: string, filename: string): void };
    m.paths = internals._nodeModulePaths(process.cwd());
    m._compile(text, "");
    return (m.exports as { handler: () => pulumi.dynamic.ResourceProvider }).handler();
}
