import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { KubeConfig } from "@kubernetes/client-node";
import { cordonProvider, drainProvider } from "../../cutover/drain/node-group-drain";
import { BLOCKING_RULES } from "../../preflight/acknowledge";
import { liveGateInputs, runLiveGate, liveGateApi, type LiveGateInputs } from "../../preflight/live-gate";
import { parseConfig } from "../../config/read-config";
import { ROOT, stackFileConfig } from "../fakes/mocks";
import { FAKE_TOKEN, FakeKube, LISTED_KINDS, type FakePdb, type FakePod, type ListedObjects } from "../fakes/kube-api";

// The live gate against the project's fake Kubernetes API (tests/fakes/kube-api.ts), loaded with the cluster-dump
// fixture: the fake records every request, so a gate that refuses is seen to change nothing, and a gate that passes
// is seen to let the cordon and the drain go ahead.

const FIXTURE = path.join(ROOT, "tests", "fixtures", "cluster-dump");
type Item = {
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; ownerReferences?: unknown[] };
    spec: Record<string, unknown>;
    status?: { phase?: string };
};
const items = (file: string) =>
    (JSON.parse(fs.readFileSync(path.join(FIXTURE, file), "utf8")) as { items: Item[] }).items;

/** The fixture's cluster as the fake's state. */
function fixtureState(): { nodes: FakeKube["nodes"]; pods: FakePod[]; pdbs: FakePdb[]; objects: ListedObjects } {
    const nodes = items("kubectl-nodes.json").map((node) => {
        const { "eks.amazonaws.com/nodegroup": nodeGroup, ...labels } = node.metadata.labels ?? {};
        return { name: node.metadata.name, nodeGroup: nodeGroup ?? "", ready: true, unschedulable: false, labels };
    });
    const pods = items("kubectl-pods.json").map((pod): FakePod => ({
        namespace: pod.metadata.namespace ?? "default",
        name: pod.metadata.name,
        nodeName: String(pod.spec.nodeName),
        labels: pod.metadata.labels ?? {},
        owner: pod.metadata.ownerReferences === undefined ? "none" : "ReplicaSet",
        phase: (pod.status?.phase ?? "Running") as FakePod["phase"],
        manifest: { metadata: { ownerReferences: pod.metadata.ownerReferences }, spec: pod.spec },
    }));
    const pdbs = items("kubectl-pdb.json").map((pdb): FakePdb => ({
        namespace: pdb.metadata.namespace ?? "default",
        name: pdb.metadata.name,
        ...(pdb.spec as Pick<FakePdb, "selector" | "minAvailable" | "maxUnavailable">),
    }));
    const objects: ListedObjects = {
        daemonsets: items("kubectl-daemonsets.json"),
        replicasets: items("kubectl-replicasets.json"),
        jobs: items("kubectl-jobs.json"),
        serviceaccounts: items("kubectl-serviceaccounts.json"),
        persistentvolumes: items("kubectl-pv.json"),
        persistentvolumeclaims: items("kubectl-pvc.json"),
    };
    return { nodes, pods, pdbs, objects };
}

const kube = new FakeKube();
let kubeconfig = "";

beforeAll(async () => {
    const server = await kube.start();
    kubeconfig = toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
        users: [{ name: "tester", user: { token: FAKE_TOKEN } }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
        "current-context": "fake",
    });
});
beforeEach(() => kube.reset(fixtureState()));
afterAll(() => kube.stop());

/** The prod subnets (facts/prod/ec2-describe-subnets.json) and their zones. */
const PROD_SUBNETS: Readonly<Record<string, string>> = {
    "subnet-0d4e5f60718293a4b": "eu-west-1a",
    "subnet-0e5f60718293a4b5c": "eu-west-1b",
    "subnet-0f60718293a4b5c6d": "eu-west-1c",
};

/** prod's general pool gate inputs, with these acknowledgements and the AL2023 node group in these subnets. */
function generalInputs(
    acknowledged: LiveGateInputs["acknowledged"] = [],
    subnetIds: readonly string[] = Object.keys(PROD_SUBNETS),
): LiveGateInputs {
    const config = parseConfig({ ...stackFileConfig("prod"), preflightAcknowledge: acknowledged });
    return liveGateInputs({
        pool: config.pools.find((p) => p.name === "general")!,
        legacyAmiType: "AL2_x86_64",
        nodeGroupName: "general-20261109101204556700000001",
        subnetIds,
        subnetZones: PROD_SUBNETS,
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

/** The first requests the fake saw, as many as the gate makes: the gate's reads come before anything else. */
function gateReadsFirst(): string[] {
    return kube.requests
        .slice(0, GATE_READS.length)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
}

/** The refusal's text, or "" when the gate passes. */
function refusal(promise: Promise<void>): Promise<string> {
    return promise.then(
        () => "",
        (error: Error) => error.message,
    );
}

/** The `[workload, rule]` of each line of a refusal. */
function listed(message: string): string[][] {
    return message
        .split("\n")
        .filter((line) => line.startsWith("  - "))
        .map((line) => /^ {2}- (\S+) \[([a-z0-9-]+)\]/.exec(line)!.slice(1));
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

/** Every list the gate reads, as the fake saw it. */
const GATE_READS = [
    "GET /api/v1/nodes",
    "GET /api/v1/persistentvolumeclaims",
    "GET /api/v1/persistentvolumes",
    "GET /api/v1/pods",
    "GET /api/v1/serviceaccounts",
    "GET /apis/apps/v1/daemonsets",
    "GET /apis/apps/v1/replicasets",
    "GET /apis/batch/v1/jobs",
    "GET /apis/policy/v1/poddisruptionbudgets",
];

describe("the live gate against the fake Kubernetes API", () => {
    it("refuses with each blocking workload, its pods, the rule and the fix", async () => {
        const message = await refusal(runLiveGate(api(), "drain", generalInputs()));
        expect(message).toContain(
            'pre-flight gate: will not drain AL2 node group "prod-general-al2" of pool "general": 6 workload(s) would not survive the move to AL2023:',
        );
        expect(listed(message)).toStrictEqual(
            GENERAL_BLOCKERS.map((b) => [[b.namespace, b.kind, b.name].join("/"), b.rule]),
        );
        const lines = message.split("\n").filter((line) => line.startsWith("  - "));
        expect(lines[1]).toContain("(pods: shop/image-builder-");
        expect(lines[1]).toContain("; fix: use the containerd socket /run/containerd/containerd.sock");
        expect(message).toContain("preflightAcknowledge: [{namespace, kind, name, rule}]");
    });

    it("passes once every blocker is acknowledged in config", async () => {
        await expect(runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS))).resolves.toBeUndefined();
    });

    it("an acknowledgement covers only its rule and workload", async () => {
        const message = await refusal(runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS.slice(1))));
        expect(message).toContain('will not cordon AL2 node group "prod-general-al2" of pool "general": 1 workload(s)');
        expect(listed(message)).toStrictEqual([["shop/Deployment/checkout", "disruption-pdb-blocks-eviction"]]);
    });

    it("judges zonal volumes against the zones of the AL2023 node group's subnets (sched-volume-zone)", async () => {
        // Subnets in eu-west-1a and 1b only: orders-db-2's volume is in eu-west-1c.
        const inputs = generalInputs(GENERAL_BLOCKERS, ["subnet-0e5f60718293a4b5c", "subnet-0d4e5f60718293a4b"]);
        expect(inputs.target.zones).toStrictEqual(["eu-west-1a", "eu-west-1b"]);
        const message = await refusal(runLiveGate(api(), "drain", inputs));
        expect(listed(message)).toStrictEqual([["shop/StatefulSet/orders-db", "sched-volume-zone"]]);
        expect(message).toContain("(pods: shop/orders-db-2)");
        expect(message).toContain('in eu-west-1c, but pool "general" has subnets only in eu-west-1a, eu-west-1b');
        // All three zones: the same volumes pass.
        await expect(runLiveGate(api(), "drain", generalInputs(GENERAL_BLOCKERS))).resolves.toBeUndefined();
    });

    it("judges a zone nodeSelector against the subnets' zones", async () => {
        kube.addPod({
            namespace: "shop",
            name: "zonal-worker-0",
            nodeName: "ip-10-40-1-11.eu-west-1.compute.internal",
            labels: { app: "zonal-worker" },
            owner: "StatefulSet",
            manifest: {
                metadata: {
                    ownerReferences: [
                        {
                            apiVersion: "apps/v1",
                            kind: "StatefulSet",
                            name: "zonal-worker",
                            uid: "z-1",
                            controller: true,
                        },
                    ],
                },
                spec: { nodeSelector: { "topology.kubernetes.io/zone": "eu-west-1c" } },
            },
        });
        const inputs = generalInputs(GENERAL_BLOCKERS, ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"]);
        const message = await refusal(runLiveGate(api(), "shift", inputs));
        expect(listed(message)).toContainEqual(["shop/StatefulSet/zonal-worker", "sched-node-selector"]);
        const all = await refusal(runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS)));
        expect(listed(all)).not.toContainEqual(["shop/StatefulSet/zonal-worker", "sched-node-selector"]);
    });

    it("refuses a VPC CNI older than 1.16.2 (the image tag of DaemonSet kube-system/aws-node)", async () => {
        const daemonSets = structuredClone(kube.objects.daemonsets!) as Item[];
        const awsNode = daemonSets.find((d) => d.metadata.name === "aws-node")!;
        (
            awsNode.spec as { template: { spec: { containers: { image: string }[] } } }
        ).template.spec.containers[0].image =
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.15.4-eksbuild.1";
        kube.objects.daemonsets = daemonSets;
        const message = await refusal(runLiveGate(api(), "shift", generalInputs(GENERAL_BLOCKERS)));
        expect(listed(message)).toStrictEqual([["kube-system/DaemonSet/aws-node", "addon-vpc-cni-version"]]);
        expect(message).toContain("VPC CNI v1.15.4-eksbuild.1 is older than 1.16.2");
    });

    it("refuses EBS volumes that move when no EBS CSI node DaemonSet runs", async () => {
        kube.objects.daemonsets = (kube.objects.daemonsets as Item[]).filter((d) => d.metadata.name !== "ebs-csi-node");
        const message = await refusal(runLiveGate(api(), "drain", generalInputs(GENERAL_BLOCKERS)));
        expect(listed(message)).toStrictEqual([["kube-system/Addon/aws-ebs-csi-driver", "addon-ebs-csi-driver"]]);
    });

    it("refuses an NVIDIA pool when no NVIDIA device plugin DaemonSet runs", async () => {
        const inputs = generalInputs(GENERAL_BLOCKERS);
        const nvidia = { ...inputs, target: { ...inputs.target, accelerator: "nvidia" as const } };
        const message = await refusal(runLiveGate(api(), "shift", nvidia));
        expect(listed(message)).toStrictEqual([["NodeGroup/prod-general-al2", "addon-nvidia-device-plugin"]]);
        kube.objects.daemonsets = [
            ...(kube.objects.daemonsets ?? []),
            {
                apiVersion: "apps/v1",
                kind: "DaemonSet",
                metadata: { name: "nvidia-device-plugin-daemonset", namespace: "kube-system" },
                spec: {
                    template: {
                        spec: { containers: [{ name: "nvidia", image: "nvcr.io/nvidia/k8s-device-plugin:v0.17.0" }] },
                    },
                },
            },
        ];
        await expect(runLiveGate(api(), "shift", nvidia)).resolves.toBeUndefined();
    });

    it("the cordon and drain providers refuse before they change anything", async () => {
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
        expect(kube.writes()).toStrictEqual([]);
        expect([...new Set(kube.requests.map((r) => `${r.method} ${r.path}`))].sort()).toStrictEqual(GATE_READS);
    });

    it("a gate that passes lets the cordon go ahead", async () => {
        const inputs = { kubeconfig, nodeGroupName: "prod-general-al2", preflight: generalInputs(GENERAL_BLOCKERS) };
        const created = await cordonProvider.create!(inputs);
        expect(created.id).toBe("cordon/prod-general-al2");
        expect(gateReadsFirst()).toStrictEqual(GATE_READS);
        expect(kube.writes()).toStrictEqual([
            { method: "PATCH", path: "/api/v1/nodes/ip-10-40-1-11.eu-west-1.compute.internal", status: 200 },
            { method: "PATCH", path: "/api/v1/nodes/ip-10-40-33-12.eu-west-1.compute.internal", status: 200 },
            { method: "PATCH", path: "/api/v1/nodes/ip-10-40-65-13.eu-west-1.compute.internal", status: 200 },
        ]);
    });

    it("a gate that passes lets the drain go ahead and evict", async () => {
        // The fixture's nodes and lists, with only its clean invoice-api pod on the AL2 nodes and no budgets.
        const state = fixtureState();
        kube.reset({ ...state, pods: state.pods.filter((p) => p.name.startsWith("invoice-api-")), pdbs: [] });
        const invoice = kube.pods.map((p) => `${p.namespace}/${p.name}`).sort();
        expect(invoice).toHaveLength(3);
        const created = await drainProvider.create!({
            kubeconfig,
            nodeGroupName: "prod-general-al2",
            readyNodeGroupName: "general-20261109101204556700000001",
            minReadyNodes: 1,
            timeoutMinutes: 1,
            preflight: generalInputs(),
        });
        expect(created.outs!.evictedPods).toStrictEqual(invoice);
        expect(gateReadsFirst()).toStrictEqual(GATE_READS);
        expect(
            kube
                .writes()
                .filter((w) => w.method === "POST")
                .map((w) => [w.path, w.status])
                .sort(),
        ).toStrictEqual(invoice.map((pod) => [`/api/v1/namespaces/shop/pods/${pod.split("/")[1]}/eviction`, 201]));
    });

    it("the fake serves every list the gate reads", () => {
        expect(Object.values(LISTED_KINDS).map((p) => `GET ${p}`)).toStrictEqual(
            expect.arrayContaining(GATE_READS.filter((r) => !/nodes$|pods$|poddisruptionbudgets$/.test(r))),
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
