import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as toYaml } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cordonNodeGroup } from "../../../cutover/drain/node-drain";
import { drainNodeGroup } from "../../../cutover/drain/drain-run";
import { callContext } from "../../../cutover/drain/provider-runtime";
import { FAKE_TOKEN } from "../../fakes/kube-api";
import {
    AL2,
    clusterNodes,
    drainOptions,
    failure,
    fake,
    fakeTime,
    hangTimer,
    POLICY,
    serverUrl,
    startFake,
    T0,
    testContext,
} from "./helpers";

beforeAll(startFake);
afterAll(() => fake.stop());
beforeEach(() => fake.reset({ nodes: clusterNodes() }));

const onePod = () => fake.addPod({ namespace: "shop", name: "api-1", nodeName: "al2-a" });
/** One AL2 node, so that one request at most is in flight when one hangs (the test timer fires on any hang). */
const oneNode = () => (fake.nodes = fake.nodes.filter((n) => n.name !== "al2-b"));

describe("request timeouts and the deadline", () => {
    it("retries a request that never answers once its timeout passes, and goes on", async () => {
        oneNode();
        onePod();
        fake.faults = [{ method: "GET", path: /^\/api\/v1\/pods$/, kind: "hang" }];
        const time = fakeTime();
        const summary = await drainNodeGroup(...drainOptions(time));
        expect(summary.evicted).toEqual(["shop/api-1"]);
        const lists = fake.requests.filter((r) => r.path.startsWith("/api/v1/pods?")).map((r) => r.status);
        expect(lists[0]).toBe(0);
        // 30 s of timeout, then the first retry wait of 0.5 s.
        expect(time.sleeps[0]).toBe(POLICY.retryInitialMs);
        expect(time.clock()).toBeGreaterThanOrEqual(T0 + POLICY.timeoutMs + POLICY.retryInitialMs);
    });

    it("fails at the deadline with the timeout message, not a socket error, when requests keep hanging", async () => {
        oneNode();
        onePod();
        fake.faults = [{ method: "POST", path: /eviction$/, kind: "hang", times: 100 }];
        const time = fakeTime();
        const error = await failure(drainNodeGroup(...drainOptions(time)));
        expect(error.message).toBe(
            `drain of node group "${AL2}" timed out after 60s; 1 pod(s) could not move:\n` +
                `  - shop/api-1 on node al2-a: not evicted yet; no PodDisruptionBudget\n` +
                `The node group was left at its size with its nodes cordoned; no pod or node was deleted. Let the ` +
                `budgets allow a disruption (more replicas on the new nodes, or a looser PodDisruptionBudget), or raise ` +
                `drainTimeoutMinutes, then run pulumi up again.`,
        );
        // First eviction times out after 30 s, the pod is looked at, 0.5 s wait, the second is cut at the deadline.
        expect(time.clock()).toBe(T0 + 60_000);
        expect(fake.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([0, 0]);
    });
});

describe("transient errors", () => {
    it("retries a 500 and a dropped connection, and fails only when errors persist, naming the request", async () => {
        onePod();
        fake.faults = [
            { method: "GET", path: /^\/api\/v1\/nodes$/, kind: { status: 500, message: "etcdserver: leader changed" } },
            { method: "GET", path: /^\/api\/v1\/pods$/, kind: "drop" },
        ];
        const time = fakeTime();
        expect((await drainNodeGroup(...drainOptions(time))).evicted).toEqual(["shop/api-1"]);
        expect(time.sleeps.slice(0, 2)).toEqual([500, 500]);

        fake.reset({ nodes: clusterNodes() });
        onePod();
        fake.faults = [
            {
                method: "GET",
                path: /^\/api\/v1\/pods$/,
                kind: { status: 503, message: "service unavailable" },
                times: 9,
            },
        ];
        const later = fakeTime();
        const error = await failure(drainNodeGroup(...drainOptions(later)));
        expect(error.message).toBe(
            "listing the pods on node al2-a failed 4 times; last: HTTP 503: service unavailable",
        );
        // Both nodes' lists are retried, side by side.
        expect(later.sleeps).toEqual([500, 500, 1000, 1000, 2000, 2000]);
    });

    it("looks at the pod after an eviction whose answer was lost, and does not evict it twice", async () => {
        onePod();
        fake.faults = [{ method: "POST", path: /eviction$/, kind: "dropAfter" }];
        expect((await drainNodeGroup(...drainOptions(fakeTime()))).evicted).toEqual(["shop/api-1"]);
        const after = fake.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);
        const post = after.indexOf("POST /api/v1/namespaces/shop/pods/api-1/eviction 201");
        expect(post).toBeGreaterThan(-1);
        expect(after[post + 1]).toBe("GET /api/v1/pods 200");
        expect(after.filter((r) => r.startsWith("POST"))).toHaveLength(1);
    });
});

describe("expired tokens", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drain-exec-"));
    let users = 0;

    /** A kubeconfig whose exec plugin prints `tokens[n]` on its n-th run, each valid until 2099. */
    function execKubeconfig(tokens: string[]): { kubeconfig: string; runs: () => number } {
        const counter = path.join(dir, `runs-${++users}`);
        fs.writeFileSync(counter, "0");
        const script = path.join(dir, `plugin-${users}.js`);
        fs.writeFileSync(
            script,
            `const fs = require("fs"); const n = Number(fs.readFileSync(${JSON.stringify(counter)}, "utf8"));\n` +
                `fs.writeFileSync(${JSON.stringify(counter)}, String(n + 1));\n` +
                `const tokens = ${JSON.stringify(tokens)};\n` +
                `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", ` +
                `kind: "ExecCredential", status: { token: tokens[Math.min(n, tokens.length - 1)], ` +
                `expirationTimestamp: "2099-01-01T00:00:00Z" } }));\n`,
        );
        const user = `exec-user-${users}`;
        const kubeconfig = toYaml({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "fake", cluster: { server: serverUrl(), "insecure-skip-tls-verify": true } }],
            users: [
                {
                    name: user,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: process.execPath,
                            args: [script],
                            interactiveMode: "Never",
                        },
                    },
                },
            ],
            contexts: [{ name: "fake", context: { cluster: "fake", user } }],
            "current-context": "fake",
        });
        return { kubeconfig, runs: () => Number(fs.readFileSync(counter, "utf8")) };
    }

    it("runs the exec plugin again once after a 401 with a token that has not expired, and retries", async () => {
        const { kubeconfig, runs } = execKubeconfig(["stale-token", FAKE_TOKEN]);
        const time = fakeTime();
        const context = callContext(kubeconfig, { clock: time.clock, sleep: time.sleep, timer: hangTimer(time) });
        expect(await cordonNodeGroup(context, AL2)).toStrictEqual({
            cordoned: ["al2-a", "al2-b"],
            alreadyCordoned: [],
        });
        expect(runs()).toBe(2);
        expect(fake.requests.slice(0, 2).map((r) => [r.authorization, r.status])).toEqual([
            ["Bearer stale-token", 401],
            [`Bearer ${FAKE_TOKEN}`, 200],
        ]);
        expect(time.sleeps).toEqual([]);
    });

    it("says so when the new token is refused too", async () => {
        const { kubeconfig, runs } = execKubeconfig(["stale-token", "also-refused"]);
        const context = callContext(kubeconfig, { ...fakeTime() });
        const error = await failure(cordonNodeGroup(context, AL2));
        expect(error.message).toBe(
            `cordon of node group "${AL2}" failed: listing the nodes of node group "${AL2}": HTTP 401: Unauthorized ` +
                `(credentials refused, also after running the credential plugin again)`,
        );
        expect(runs()).toBe(2);
    });

    it("a token user without a plugin fails at the first 401", async () => {
        fake.tokens = new Set();
        await expect(cordonNodeGroup(testContext(), AL2)).rejects.toThrow(
            "HTTP 401: Unauthorized (credentials refused)",
        );
        expect(fake.requests).toHaveLength(1);
    });
});
