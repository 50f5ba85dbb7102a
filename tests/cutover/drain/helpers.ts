import { stringify as toYaml } from "yaml";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeApi, type Backoff } from "../../../cutover/drain/node-drain";
import type { CallContext, RequestPolicy, RequestTimer } from "../../../cutover/drain/api-calls";
import type { DrainOptions } from "../../../cutover/drain/drain-run";
import { NodeGroupCordon, NodeGroupDrain } from "../../../cutover/drain/node-group-drain";
import { FAKE_TOKEN, FakeKube, type FakeNode } from "../../fakes/kube-api";
import { exampleFacts, runProgram, useOfflineCloud } from "../../fakes/mocks";

/** The node groups of the tests. */
export const AL2 = "dev-general-al2";
export const AL2023 = "dev-general-al2023";

/** Where the fake clocks start: not zero, so that `clock() - start` and `clock() + start` differ. */
export const T0 = 1_700_000_000_000;

/** The shared fake server and its URL (set in `startFake`). */
export const fake = new FakeKube();
let server = "";

/** Starts the fake (beforeAll). */
export async function startFake(): Promise<void> {
    server = await fake.start();
}

/** The fake's URL. */
export function serverUrl(): string {
    return server;
}

/** The kubeconfig a user of the fake server has: a token user (or `user`), plain HTTP. */
export function kubeconfigYaml(user: object = { token: FAKE_TOKEN }): string {
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
        users: [{ name: "tester", user }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
        "current-context": "fake",
    });
}

/** A fake clock that only moves when the code sleeps (or `advance`); records every sleep. */
export interface FakeTime {
    clock: () => number;
    sleep: (ms: number) => Promise<void>;
    advance: (ms: number) => void;
    sleeps: number[];
}

export function fakeTime(): FakeTime {
    let now = T0;
    const sleeps: number[] = [];
    return {
        clock: () => now,
        sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
        },
        advance: (ms) => {
            now += ms;
        },
        sleeps,
    };
}

/**
 * A request timer that fires only when the fake leaves a request unanswered, moving the fake clock by the timeout:
 * a request that never answers times out at once, and no answered request ever does, however slow the machine.
 */
export function hangTimer(time: FakeTime): RequestTimer {
    return (ms, signal) =>
        new Promise((done) => {
            const fire = (): void => {
                time.advance(ms);
                done();
            };
            fake.onHang.push(fire);
            signal.addEventListener("abort", () => (fake.onHang = fake.onHang.filter((f) => f !== fire)));
        });
}

/** The request policy of the tests. */
export const POLICY: RequestPolicy = { timeoutMs: 30_000, attempts: 4, retryInitialMs: 500, retryMaxMs: 2000 };

/** A call context on the fake with the test token. */
export function testContext(time: FakeTime = fakeTime(), extra: Partial<CallContext> = {}): CallContext {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
        clusters: [{ name: "fake", server, skipTLSVerify: true }],
        users: [{ name: "tester", token: FAKE_TOKEN }],
        contexts: [{ name: "fake", cluster: "fake", user: "tester" }],
        currentContext: "fake",
    });
    const api = kubeApi(kubeConfig);
    return { api: () => api, policy: POLICY, clock: time.clock, sleep: time.sleep, timer: hangTimer(time), ...extra };
}

export const BACKOFF: Backoff = { initialMs: 1000, maxMs: 8000, factor: 2, pollMs: 5000 };

/** The context and options of a drain of AL2 into AL2023 on the fake; `sleep` replaces the context's. */
export function drainOptions(
    time: FakeTime,
    overrides: Partial<DrainOptions> & { sleep?: (ms: number) => Promise<void> } = {},
): [CallContext, DrainOptions] {
    const { sleep, ...rest } = overrides;
    return [
        testContext(time, sleep !== undefined ? { sleep } : {}),
        {
            nodeGroupName: AL2,
            readyNodeGroupName: AL2023,
            minReadyNodes: 1,
            timeoutMs: 60_000,
            backoff: BACKOFF,
            ...rest,
        },
    ];
}

/** Two AL2 nodes and one AL2023 node, all Ready and schedulable. */
export function clusterNodes(): FakeNode[] {
    return [
        { name: "al2-a", nodeGroup: AL2, ready: true, unschedulable: false },
        { name: "al2-b", nodeGroup: AL2, ready: true, unschedulable: false },
        { name: "al2023-a", nodeGroup: AL2023, ready: true, unschedulable: false },
    ];
}

/** The error a promise rejects with. */
export async function failure(promise: Promise<unknown>): Promise<Error & { id?: string; properties?: unknown }> {
    return promise.then(
        () => {
            throw new Error("expected a failure");
        },
        (e: Error) => e,
    );
}

/**
 * Declares a NodeGroupCordon and a NodeGroupDrain (AL2 into AL2023, at least 2 ready nodes, 20 minutes) under the
 * mocks and returns the dynamic resources the engine would get, in order: their names and inputs, with the serialized
 * provider in `__provider` exactly as the SDK produces it.
 */
export async function declaredProviders(
    kubeconfig: string,
): Promise<{ name: string; inputs: Record<string, unknown> }[]> {
    const cloud = await useOfflineCloud(exampleFacts("dev"));
    await runProgram(async () => {
        const cordon = new NodeGroupCordon("general-cordon", { kubeconfig, nodeGroupName: AL2 });
        const drain = new NodeGroupDrain(
            "general-drain",
            { kubeconfig, nodeGroupName: AL2, readyNodeGroupName: AL2023, minReadyNodes: 2, timeoutMinutes: 20 },
            { dependsOn: [cordon] },
        );
        return { drained: drain.evictedPods };
    });
    return cloud
        .ofType("pulumi-nodejs:dynamic:Resource")
        .map((r) => ({ name: r.name, inputs: r.inputs as Record<string, unknown> }));
}
