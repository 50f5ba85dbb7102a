import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { cordonProvider, drainProvider } from "../../cutover/drain/node-group-drain";
import { BLOCKING_RULES } from "../../preflight/acknowledge";
import { liveGateInputs, runLiveGate, liveGateApi, type LiveGateInputs } from "../../preflight/live-gate";
import { parseConfig } from "../../config/read-config";
import { ROOT, stackFileConfig } from "../fakes/mocks";
import { KubeConfig } from "@kubernetes/client-node";

// A fake Kubernetes API on 127.0.0.1 serving the list endpoints the live gate reads, from the cluster-dump fixture,
// and recording every request (a gate that refuses must change nothing).

const TOKEN = "live-gate-token";
const FIXTURE = path.join(ROOT, "tests", "fixtures", "cluster-dump");
const list = (file: string) =>
    (
        JSON.parse(fs.readFileSync(path.join(FIXTURE, file), "utf8")) as {
            items: { metadata: { labels?: Record<string, string> } }[];
        }
    ).items;

const ROUTES: Readonly<Record<string, string>> = {
    "/api/v1/nodes": "kubectl-nodes.json",
    "/api/v1/pods": "kubectl-pods.json",
    "/apis/apps/v1/replicasets": "kubectl-replicasets.json",
    "/apis/batch/v1/jobs": "kubectl-jobs.json",
    "/apis/policy/v1/poddisruptionbudgets": "kubectl-pdb.json",
    "/api/v1/serviceaccounts": "kubectl-serviceaccounts.json",
    "/api/v1/persistentvolumes": "kubectl-pv.json",
    "/api/v1/persistentvolumeclaims": "kubectl-pvc.json",
};

const requests: string[] = [];
const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${req.method} ${url.pathname}`);
    const file = ROUTES[url.pathname];
    if (req.headers.authorization !== `Bearer ${TOKEN}` || req.method !== "GET" || file === undefined) {
        res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 404 : 401, {
            "Content-Type": "application/json",
        });
        res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }));
        return;
    }
    const [key, value] = (url.searchParams.get("labelSelector") ?? "").split("=");
    const items = list(file).filter((item) => key === "" || item.metadata.labels?.[key] === value);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ apiVersion: "v1", kind: "List", metadata: {}, items }));
});
let kubeconfig = "";

beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kubeconfig = toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "fake", cluster: { server: address, "insecure-skip-tls-verify": true } }],
        users: [{ name: "tester", user: { token: TOKEN } }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
        "current-context": "fake",
    });
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** prod's general pool gate inputs, with these acknowledgements. */
function generalInputs(acknowledged: LiveGateInputs["acknowledged"] = []): LiveGateInputs {
    const config = parseConfig({ ...stackFileConfig("prod"), preflightAcknowledge: acknowledged });
    return liveGateInputs({
        pool: config.pools.find((p) => p.name === "general")!,
        legacyAmiType: "AL2_x86_64",
        nodeGroupName: "general-20261109101204556700000001",
        config: {
            serviceAccounts: config.identity.serviceAccounts,
            evictUnmanagedPods: config.drainEvictUnmanagedPods,
            acknowledged: config.preflightAcknowledge,
        },
    });
}

function api() {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    return liveGateApi(kc);
}

/** The general pool's blockers in the fixture, each as the gate lists it. */
const GENERAL_BLOCKERS = [
    { namespace: "shop", kind: "Deployment", name: "checkout", rule: "disruption-pdb-blocks-eviction" },
    { namespace: "shop", kind: "Deployment", name: "image-builder", rule: "runtime-docker-socket" },
    { namespace: "shop", kind: "Deployment", name: "legacy-reports", rule: "sched-node-selector" },
    { namespace: "shop", kind: "Deployment", name: "recommender", rule: "disruption-pdb-overlap" },
    { namespace: "shop", kind: "Deployment", name: "search", rule: "disruption-pdb-blocks-eviction" },
    { namespace: "shop", kind: "Pod", name: "debug-shell", rule: "disruption-unmanaged-pod" },
];

describe("the live gate against a fake Kubernetes API", () => {
    it("refuses with each blocking workload, its pods, the rule and the fix", async () => {
        const refusal = runLiveGate(api(), "drain", generalInputs());
        await expect(refusal).rejects.toThrow(
            'pre-flight gate: will not drain AL2 node group "prod-general-al2" of pool "general": 6 workload(s) would not survive the move to AL2023:',
        );
        const message = await refusal.then(
            () => "",
            (error: Error) => error.message,
        );
        const lines = message.split("\n").filter((line) => line.startsWith("  - "));
        expect(lines.map((line) => /^ {2}- (\S+) \[([a-z0-9-]+)\]/.exec(line)!.slice(1))).toStrictEqual(
            GENERAL_BLOCKERS.map((b) => [[b.namespace, b.kind, b.name].join("/"), b.rule]),
        );
        expect(lines[1]).toContain("(pods: shop/image-builder-");
        expect(lines[1]).toContain("; fix: use the containerd socket /run/containerd/containerd.sock");
        expect(message).toContain("preflightAcknowledge: [{namespace, kind, name, rule}]");
    });

    it("passes once every blocker is acknowledged in config", async () => {
        await expect(runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS))).resolves.toBeUndefined();
    });

    it("an acknowledgement covers only its rule and workload", async () => {
        const message = await runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS.slice(1))).then(
            () => "",
            (error: Error) => error.message,
        );
        expect(message).toContain('will not cordon AL2 node group "prod-general-al2" of pool "general": 1 workload(s)');
        expect(message).toContain("shop/Deployment/checkout [disruption-pdb-blocks-eviction]");
    });

    it("the cordon and drain providers refuse before they change anything", async () => {
        requests.length = 0;
        const inputs = { kubeconfig, nodeGroupName: "prod-general-al2", preflight: generalInputs() };
        await expect(cordonProvider.create!(inputs)).rejects.toThrow("pre-flight gate: will not cordon");
        await expect(
            drainProvider.create!({
                ...inputs,
                readyNodeGroupName: "general-20261109101204556700000001",
                minReadyNodes: 1,
                timeoutMinutes: 1,
            }),
        ).rejects.toThrow("pre-flight gate: will not drain");
        expect(requests.filter((r) => !r.startsWith("GET "))).toStrictEqual([]);
        expect([...new Set(requests)].sort()).toStrictEqual(
            Object.keys(ROUTES)
                .map((p) => `GET ${p}`)
                .sort(),
        );
    });

    it("acknowledgements name only blocking rules", () => {
        expect(BLOCKING_RULES).toContain("sched-node-selector");
        expect(() =>
            parseConfig({
                ...stackFileConfig("prod"),
                preflightAcknowledge: [
                    { namespace: "shop", kind: "Deployment", name: "cart", rule: "disruption-single-replica" },
                ],
            }),
        ).toThrow('preflightAcknowledge[0].rule: "disruption-single-replica" is not allowed');
    });
});
