import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { translateUserData } from "../../nodes/userdata-translation/translate";
import type { NodeConfigSpecFragment, TranslatedTaint } from "../../nodes/userdata-translation/translation";
import { nodeConfigSchema, schemaProblems } from "./nodeconfig-schema";

const FIXTURES = join(__dirname, "../fixtures/al2-userdata");

/** What each corpus file (sources in tests/fixtures/al2-userdata/README.md) must translate to. */
interface Expected {
    readonly file: string;
    readonly nodeConfig: NodeConfigSpecFragment;
    readonly labels?: Record<string, string>;
    readonly taints?: TranslatedTaint[];
    /** Ids of the items that need an acknowledgement, sorted. */
    readonly unsupported?: string[];
    /** Whether a pre-bootstrap script is offered. */
    readonly offered?: boolean;
    readonly callsBootstrap?: boolean;
}

const config = (fields: Record<string, unknown>): NodeConfigSpecFragment => ({ kubelet: { config: fields } });

const CORPUS: readonly Expected[] = [
    {
        file: "01-kubelet-extra-args-labels-taints.sh",
        nodeConfig: config({ maxPods: 58 }),
        labels: { workload: "web", team: "shop" },
        taints: [{ key: "dedicated", value: "web", effect: "NO_SCHEDULE" }],
    },
    { file: "02-prefix-delegation-max-pods.sh", nodeConfig: config({ maxPods: 110 }) },
    { file: "03-dns-cluster-ip.sh", nodeConfig: config({ clusterDNS: ["172.20.0.10"] }) },
    {
        file: "04-docker-bridge.sh",
        nodeConfig: {},
        unsupported: ["--container-runtime", "--enable-docker-bridge"],
    },
    {
        file: "05-containerd-config.sh",
        nodeConfig: {
            containerd: {
                config: [
                    "version = 2",
                    'root = "/var/lib/containerd"',
                    '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]',
                    '  endpoint = ["https://mirror.example.internal"]',
                    "",
                ].join("\n"),
            },
        },
        unsupported: ["pre-bootstrap-commands"],
        offered: true,
    },
    {
        file: "06-local-disks-raid0.sh",
        nodeConfig: { instance: { localStorage: { strategy: "RAID0" } } },
        labels: { storage: "nvme" },
    },
    {
        file: "07-mime-cloud-config-and-shell.mime",
        nodeConfig: config({ imageGCHighThresholdPercent: 80, imageGCLowThresholdPercent: 60 }),
        labels: { tier: "backend" },
        unsupported: ["part:text/cloud-config", "pre-bootstrap-commands"],
        offered: true,
    },
    {
        file: "08-gzip.sh.gz",
        nodeConfig: config({
            kubeReserved: { cpu: "250m", memory: "1Gi", "ephemeral-storage": "1Gi" },
            systemReserved: { cpu: "250m", memory: "0.5Gi" },
            evictionHard: { "memory.available": "500Mi", "nodefs.available": "10%" },
        }),
    },
    { file: "09-base64.b64", nodeConfig: config({ cpuManagerPolicy: "static", reservedSystemCPUs: "0" }) },
    {
        file: "10-kubelet-extra-args-export.sh",
        nodeConfig: config({ serializeImagePulls: false, registryPullQPS: 20 }),
        labels: { lifecycle: "spot" },
    },
    {
        file: "11-sed-bootstrap.sh",
        nodeConfig: {},
        unsupported: ["edit:/etc/eks/bootstrap.sh"],
        callsBootstrap: false,
    },
    {
        file: "12-jq-kubelet-config.sh",
        nodeConfig: config({ registryPullQPS: 20, registryBurst: 40, containerLogMaxSize: "50Mi" }),
    },
    {
        file: "13-eksctl-override-bootstrap.sh",
        nodeConfig: {},
        unsupported: [
            "pre-bootstrap-commands",
            "unresolved:--node-labels=$NODE_LABELS",
            "unresolved:--register-with-taints=$NODE_TAINTS",
        ],
        offered: true,
    },
    { file: "14-post-bootstrap.sh", nodeConfig: {}, unsupported: ["post-bootstrap-commands"] },
    { file: "15-eks-merged-mime.mime", nodeConfig: config({ maxPods: 110, clusterDNS: ["172.20.0.10"] }) },
    { file: "16-custom-ami-template.sh", nodeConfig: config({ maxPods: 58 }), labels: { dedicated: "general" } },
    {
        file: "17-unresolved-instance-id.sh",
        nodeConfig: {},
        unsupported: ["unresolved:--node-labels=instance=$INSTANCE_ID,role=worker"],
    },
    {
        file: "18-amazon-linux-extras-pre.sh",
        nodeConfig: {},
        unsupported: ["pre-bootstrap-commands"],
        offered: true,
    },
    {
        file: "19-pod-max-pids-kube-reserved.sh",
        nodeConfig: config({
            podPidsLimit: 4096,
            kubeReserved: { cpu: "500m", memory: "1Gi" },
            cpuManagerPolicy: "static",
            featureGates: { CPUManagerPolicyOptions: true },
        }),
    },
    { file: "20-container-runtime-containerd.sh", nodeConfig: {} },
    {
        file: "21-pause-container-cgroup-v1.sh",
        nodeConfig: {},
        unsupported: [
            "--mount-bfs-fs",
            "--pause-container-account",
            "--pause-container-version",
            "pre-bootstrap-commands",
        ],
        offered: true,
    },
    { file: "22-docker-config-json.sh", nodeConfig: {}, unsupported: ["--docker-config-json"] },
    {
        file: "23-cloud-boothook.mime",
        nodeConfig: config({
            evictionSoft: { "memory.available": "1Gi" },
            evictionSoftGracePeriod: { "memory.available": "1m30s" },
        }),
        unsupported: ["kubelet:--node-ip", "part:text/cloud-boothook"],
    },
    {
        file: "24-no-bootstrap-managed.sh",
        nodeConfig: {},
        unsupported: ["pre-bootstrap-commands"],
        offered: true,
        callsBootstrap: false,
    },
];

/** The fixture as text, decoded here with Node's own gzip and base64, independently of the code under test. */
function fixtureText(file: string): string {
    const bytes = readFileSync(join(FIXTURES, file));
    if (file.endsWith(".gz")) return gunzipSync(bytes).toString("utf8");
    if (file.endsWith(".b64")) {
        const outer = Buffer.from(bytes.toString("utf8"), "base64").toString("utf8");
        const inner = /Content-Transfer-Encoding: base64\n\n([A-Za-z0-9+/=]+)/.exec(outer)?.[1] ?? "";
        return `${outer}\n${Buffer.from(inner, "base64").toString("utf8")}`;
    }
    return bytes.toString("utf8");
}

const CLUSTER = {
    name: "shop-dev",
    apiServerEndpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
    certificateAuthority: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
    cidr: "172.20.0.0/16",
};

describe("the AL2 user data corpus", () => {
    it("has at least 20 shapes, each in the table", () => {
        expect(CORPUS.length).toBeGreaterThanOrEqual(20);
        const files = readFileSyncDir();
        expect(CORPUS.map((row) => row.file).sort()).toStrictEqual(files);
    });

    it.each(CORPUS)("$file translates as expected", (row) => {
        const result = translateUserData({ userData: readFileSync(join(FIXTURES, row.file)) });
        expect(result.nodeConfig).toStrictEqual(row.nodeConfig);
        expect(result.labels).toStrictEqual(row.labels ?? {});
        expect(result.taints).toStrictEqual(row.taints ?? []);
        const unsupported = result.items.filter((item) => item.outcome === "unsupported").map((item) => item.id);
        expect(unsupported.sort()).toStrictEqual(row.unsupported ?? []);
        expect(result.offeredScripts.length > 0).toBe(row.offered ?? false);
        expect(result.callsBootstrap).toBe(row.callsBootstrap ?? true);
        for (const script of result.offeredScripts) expect(script.startsWith("#!")).toBe(true);
    });

    it.each(CORPUS)("$file gives a NodeConfig that validates against the nodeadm CRD schema", (row) => {
        const result = translateUserData({ userData: readFileSync(join(FIXTURES, row.file)) });
        const doc = {
            apiVersion: "node.eks.aws/v1alpha1",
            kind: "NodeConfig",
            spec: { cluster: CLUSTER, ...result.nodeConfig },
        };
        expect(schemaProblems(doc, nodeConfigSchema())).toEqual([]);
    });

    it.each(CORPUS)("$file: every flag of the input is in the NodeConfig or the report", (row) => {
        const result = translateUserData({ userData: readFileSync(join(FIXTURES, row.file)) });
        const text = fixtureText(row.file).replace(/^#.*$/gm, "");
        const flags = [...new Set(text.match(/(?<![\w-])--[a-z][a-z0-9-]+/g) ?? [])];
        const reported = result.items.map((item) => item.source).join("\n");
        const missing = flags.filter(
            (flag) => !reported.includes(flag) && !result.nodeConfig.kubelet?.flags?.some((f) => f.startsWith(flag)),
        );
        expect(missing).toEqual([]);
    });
});

function readFileSyncDir(): string[] {
    return readdirSync(FIXTURES)
        .filter((file) => file !== "README.md")
        .sort();
}
