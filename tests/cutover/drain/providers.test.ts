import Module from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
    cordonProvider,
    drainProvider,
    type CordonOutputs,
    type DrainOutputs,
} from "../../../cutover/drain/node-group-drain";
import { AL2, AL2023, clusterNodes, declaredProviders, fake, kubeconfigYaml, startFake } from "./helpers";

beforeAll(startFake);
afterAll(() => fake.stop());
beforeEach(() => fake.reset({}));

describe("dynamic providers", () => {
    it("cordon: create stores what it cordoned, diff ignores credentials, delete uncordons only those", async () => {
        fake.reset({ nodes: clusterNodes().map((n) => (n.name === "al2-b" ? { ...n, unschedulable: true } : n)) });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await cordonProvider.create(inputs);
        const outs = created.outs as CordonOutputs;
        expect(created).toStrictEqual({
            id: `cordon/${AL2}`,
            outs: { ...inputs, cordonedNodes: ["al2-a"], alreadyCordonedNodes: ["al2-b"] },
        });

        expect(await cordonProvider.diff!(created.id, outs, inputs)).toStrictEqual({ changes: false });
        expect(await cordonProvider.diff!(created.id, outs, { ...inputs, kubeconfig: "other" })).toStrictEqual({
            changes: false,
        });
        expect(
            await cordonProvider.diff!(created.id, outs, { ...inputs, nodeGroupName: "prod-batch-al2" }),
        ).toStrictEqual({
            changes: true,
        });

        await cordonProvider.delete!(created.id, outs);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toStrictEqual([
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
        expect(updated.outs).toStrictEqual({
            ...inputs,
            nodeGroupName: AL2023,
            cordonedNodes: ["al2023-a"],
            alreadyCordonedNodes: [],
        });
        expect(fake.writes().map((w) => w.path)).toStrictEqual([
            "/api/v1/nodes/al2023-a",
            "/api/v1/nodes/al2-a",
            "/api/v1/nodes/al2-b",
        ]);
        expect(fake.nodes.map((n) => [n.name, n.unschedulable])).toStrictEqual([
            ["al2-a", false],
            ["al2-b", false],
            ["al2023-a", true],
        ]);
    });

    it("drain: create drains, diff ignores credentials and timeout, update drains again, delete uncordons what it cordoned", async () => {
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
        expect(created).toStrictEqual({
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

        expect(await drainProvider.diff!(created.id, outs, inputs)).toStrictEqual({ changes: false });
        expect(
            await drainProvider.diff!(created.id, outs, { ...inputs, kubeconfig: "other", timeoutMinutes: 45 }),
        ).toStrictEqual({ changes: false });
        expect(
            await drainProvider.diff!(created.id, outs, { ...inputs, readyNodeGroupName: "dev-other-al2023" }),
        ).toStrictEqual({ changes: true });
        expect(await drainProvider.diff!(created.id, outs, { ...inputs, minReadyNodes: 2 })).toStrictEqual({
            changes: true,
        });
        expect(await drainProvider.diff!(created.id, outs, { ...inputs, evictUnmanagedPods: true })).toStrictEqual({
            changes: true,
        });
        // The state of a drain made before the input existed has no evictUnmanagedPods.
        const before: DrainOutputs = { ...outs };
        delete (before as { evictUnmanagedPods?: boolean }).evictUnmanagedPods;
        expect(await drainProvider.diff!(created.id, before, { ...inputs, evictUnmanagedPods: true })).toStrictEqual({
            changes: true,
        });
        expect(await drainProvider.diff!(created.id, { ...outs, evictUnmanagedPods: true }, inputs)).toStrictEqual({
            changes: false,
        });
        expect(await drainProvider.diff!(created.id, before, inputs)).toStrictEqual({ changes: false });

        const updated = await drainProvider.update!(created.id, outs, { ...inputs, minReadyNodes: 0 });
        expect(updated.outs).toStrictEqual({
            ...inputs,
            minReadyNodes: 0,
            // Still the drain's own: a later delete uncordons them.
            cordonedNodes: ["al2-a", "al2-b"],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        });

        fake.requests = [];
        fake.nodes = fake.nodes.filter((n) => n.name !== "al2-b");
        await drainProvider.delete!(created.id, updated.outs as DrainOutputs);
        expect(fake.writes()).toStrictEqual([
            { method: "PATCH", path: "/api/v1/nodes/al2-a", status: 200 },
            { method: "PATCH", path: "/api/v1/nodes/al2-b", status: 404 },
        ]);
        expect(fake.node("al2-a").unschedulable).toBe(false);
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
        expect(fake.podsOn("al2-a")).toStrictEqual(["tools/debug-shell"]);

        const allowed = { ...inputs, evictUnmanagedPods: true };
        const olds: DrainOutputs = {
            ...inputs,
            cordonedNodes: [],
            evictedPods: [],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: [],
        };
        expect(await drainProvider.diff!(`drain/${AL2}`, olds, allowed)).toStrictEqual({ changes: true });
        const updated = await drainProvider.update!(`drain/${AL2}`, olds, allowed);
        expect(updated.outs).toStrictEqual({
            ...allowed,
            cordonedNodes: [],
            evictedPods: ["tools/debug-shell"],
            skippedPods: [],
            emptyDirPods: [],
            unmanagedPods: ["tools/debug-shell"],
        });
        expect(fake.podsOn("al2-a")).toStrictEqual([]);
    });
});

describe("dynamic resources in a Pulumi program", () => {
    const KUBECONFIG = "apiVersion: v1\nkind: Config\n# marker-7f3a\n";
    /** How the mocks see a secret input. */
    const SECRET_KUBECONFIG = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: KUBECONFIG };

    it("declares both resources with exactly the inputs the providers read, and a serialized provider", async () => {
        const [cordon, drain] = await declaredProviders(KUBECONFIG);
        const withoutProvider = (r: { inputs: Record<string, unknown> }) => {
            const { __provider, ...rest } = r.inputs;
            return { provider: typeof __provider, rest };
        };
        expect([cordon.name, drain.name]).toStrictEqual(["general-cordon", "general-drain"]);
        expect(withoutProvider(cordon)).toStrictEqual({
            provider: "string",
            rest: { kubeconfig: SECRET_KUBECONFIG, nodeGroupName: AL2 },
        });
        expect(withoutProvider(drain)).toStrictEqual({
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
        const first = (await declaredProviders(KUBECONFIG)).map((r) => r.inputs.__provider);
        const second = (await declaredProviders(KUBECONFIG)).map((r) => r.inputs.__provider);
        expect(second).toStrictEqual(first);
    });

    it("the serialized cordon provider works on its own, loaded as the dynamic provider process loads it", async () => {
        const [cordon] = await declaredProviders(KUBECONFIG);
        const loaded = loadSerializedProvider(String(cordon.inputs.__provider));
        fake.reset({ nodes: clusterNodes() });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await loaded.create(inputs);
        expect(created.outs).toStrictEqual({ ...inputs, cordonedNodes: ["al2-a", "al2-b"], alreadyCordonedNodes: [] });
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
