import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    type CheckResponse,
    type ConfigureResponse,
    type CreateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AL2, AL2023, clusterNodes, declaredProviders, fake, kubeconfigYaml, startFake } from "./helpers";

/*
 * The cordon and drain run as `pulumi.dynamic.Resource`s: the engine starts the dynamic provider host
 * (`pulumi-resource-pulumi-nodejs`, a shell script running @pulumi/pulumi's `cmd/dynamic-provider`) in the project
 * directory with the engine's gRPC address as its only argument, reads the port from the first line of its stdout and
 * drives it over gRPC (https://github.com/pulumi/pulumi/blob/master/pkg/resource/plugin/provider_plugin.go). The host
 * does not connect to the engine's Log service (https://github.com/pulumi/pulumi/issues/6065): `pulumi.log.info`
 * finds no engine and writes `info: [runtime] <line>` to stdout, and the engine turns every later stdout line of this
 * host into an info diagnostic (stderr: info-to-stderr), since Pulumi 3.146.0
 * (https://github.com/pulumi/pulumi/pull/18253, `isDynamicPluginBinary` in sdk/go/common/resource/plugin/plugin.go).
 * These tests run that real host against a fake engine and the fake Kubernetes API and check what reaches the engine.
 */

const HOST_SCRIPT = path.resolve("node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs");
const CORDON_URN = "urn:pulumi:dev::eks-al2023-migration::pulumi-nodejs:dynamic:Resource::general-cordon";
const DRAIN_URN = "urn:pulumi:dev::eks-al2023-migration::pulumi-nodejs:dynamic:Resource::general-drain";

/** A fake Pulumi engine: the Engine gRPC service on 127.0.0.1, recording every Log request. */
class FakeEngine {
    readonly logs: { severity: number; message: string; urn: string }[] = [];
    private readonly server = new grpc.Server();

    async start(): Promise<string> {
        this.server.addService(EngineService, {
            log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, done: grpc.sendUnaryData<Empty>) => {
                const r = call.request;
                this.logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
                done(null, new Empty());
            },
        });
        const port = await new Promise<number>((resolve, reject) =>
            this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
                e ? reject(e) : resolve(p),
            ),
        );
        return `127.0.0.1:${port}`;
    }

    stop(): void {
        this.server.forceShutdown();
    }
}

/** The real dynamic provider host, started the way the engine starts it; its stdout after the port, line by line. */
class ProviderHost {
    readonly stdout: string[] = [];
    readonly stderr: string[] = [];
    private child: ChildProcess | undefined;
    client: ResourceProviderClient | undefined;

    async start(engineAddress: string): Promise<void> {
        const env: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PULUMI_")) env[k] = v;
        // What the engine adds (provider_plugin.go); no PULUMI_NODEJS_ENGINE.
        Object.assign(env, {
            PULUMI_NODEJS_PROJECT: "eks-al2023-migration",
            PULUMI_PROJECT: "eks-al2023-migration",
            PULUMI_CONFIG: "{}",
            PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
        });
        // Its own process group: the script runs node as a child of sh, and `stop` ends both.
        const child = spawn("sh", [HOST_SCRIPT, engineAddress], { cwd: process.cwd(), env, detached: true });
        this.child = child;
        createInterface({ input: child.stderr! }).on("line", (l) => this.stderr.push(l));
        const lines = createInterface({ input: child.stdout! });
        const port = await new Promise<string>((resolve, reject) => {
            child.on("exit", (code) => reject(new Error(`host exited (${code}): ${this.stderr.join("\n")}`)));
            lines.once("line", resolve);
        });
        lines.on("line", (l) => this.stdout.push(l));
        this.client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    /** Configure, Check and Create, as the engine does for a new resource; returns the created outputs. */
    async create(urn: string, inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
        const client = this.client!;
        /** One unary call as a promise. */
        const call = <Res>(send: (done: (e: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> =>
            new Promise((resolve, reject) => send((e, res) => (e ? reject(e) : resolve(res))));
        await call<ConfigureResponse>((done) =>
            client.configure(new ConfigureRequest().setArgs(Struct.fromJavaScript({})), done),
        );
        const news = Struct.fromJavaScript(inputs as Parameters<typeof Struct.fromJavaScript>[0]);
        const checked = await call<CheckResponse>((done) =>
            client.check(new CheckRequest().setUrn(urn).setOlds(Struct.fromJavaScript({})).setNews(news), done),
        );
        const created = await call<CreateResponse>((done) =>
            client.create(new CreateRequest().setUrn(urn).setProperties(checked.getInputs()!).setTimeout(600), done),
        );
        const outs = created.getProperties()!.toJavaScript() as Record<string, unknown>;
        delete outs.__provider;
        return { id: created.getId(), outs };
    }

    /** Waits until the host's stdout has `count` lines (the engine reads it asynchronously too). */
    async waitForLines(count: number): Promise<string[]> {
        for (let i = 0; i < 500 && this.stdout.length < count; i += 1) await new Promise((r) => setTimeout(r, 20));
        return this.stdout;
    }

    stop(): void {
        this.client?.close();
        if (this.child?.pid !== undefined && this.child.exitCode === null) process.kill(-this.child.pid, "SIGTERM");
    }
}

const engine = new FakeEngine();
const host = new ProviderHost();
let providers: Record<string, string> = {};

beforeAll(async () => {
    await startFake();
    const declared = await declaredProviders("apiVersion: v1\nkind: Config\n");
    providers = Object.fromEntries(declared.map((r) => [r.name, String(r.inputs.__provider)]));
    await host.start(await engine.start());
});
afterAll(() => {
    host.stop();
    engine.stop();
    fake.stop();
});
beforeEach(() => {
    host.stdout.length = 0;
    engine.logs.length = 0;
});

describe("progress lines through Pulumi's dynamic provider host", () => {
    it("cordon: the engine gets one info line per node cordoned, and nothing on its Log service", async () => {
        fake.reset({ nodes: clusterNodes() });
        const inputs = { kubeconfig: kubeconfigYaml(), nodeGroupName: AL2 };
        const created = await host.create(CORDON_URN, { ...inputs, __provider: providers["general-cordon"] });
        expect(created).toStrictEqual({
            id: `cordon/${AL2}`,
            outs: { ...inputs, cordonedNodes: ["al2-a", "al2-b"], alreadyCordonedNodes: [] },
        });
        expect(await host.waitForLines(2)).toStrictEqual([
            "info: [runtime] node al2-a cordoned",
            "info: [runtime] node al2-b cordoned",
        ]);
        expect(engine.logs).toStrictEqual([]);
        expect(host.stderr).toStrictEqual([]);
    });

    it("drain: the engine gets the cordon, each eviction accepted and the summary", async () => {
        fake.reset({
            nodes: [...clusterNodes(), { name: "al2023-b", nodeGroup: AL2023, ready: true, unschedulable: false }],
            pods: [
                { namespace: "shop", name: "api-1", nodeName: "al2-a" },
                { namespace: "shop", name: "web-1", nodeName: "al2-b" },
            ],
        });
        const inputs = {
            kubeconfig: kubeconfigYaml(),
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 2,
            timeoutMinutes: 20,
            evictUnmanagedPods: false,
        };
        const created = await host.create(DRAIN_URN, { ...inputs, __provider: providers["general-drain"] });
        expect(created.outs.evictedPods).toStrictEqual(["shop/api-1", "shop/web-1"]);
        const lines = await host.waitForLines(5);
        expect(lines.slice(0, 4)).toStrictEqual([
            "info: [runtime] node al2-a cordoned",
            "info: [runtime] node al2-b cordoned",
            "info: [runtime] pod shop/api-1 on node al2-a: eviction accepted",
            "info: [runtime] pod shop/web-1 on node al2-b: eviction accepted",
        ]);
        // The elapsed time is the wall clock's: whole seconds, rounded up.
        expect(lines.slice(4)).toHaveLength(1);
        expect(lines[4]).toMatch(
            /^info: \[runtime\] drain of node group "dev-general-al2" done: 2 pod\(s\) evicted in \d+s$/,
        );
        expect(engine.logs).toStrictEqual([]);
        expect(host.stderr).toStrictEqual([]);
    });
});
