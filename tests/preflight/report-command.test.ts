import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main, parsePreflightArgs } from "../../plan/preflight";
import { clusterDumpFromDocuments, DumpError } from "../../preflight/dump";
import { ROOT } from "../fakes/mocks";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "cluster-dump");

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false }, { cwd: ROOT });
    return { code, out, err };
}

/** The findings the fixture's broken workloads must produce: [rule, severity, workload, pool]. */
const EXPECTED = [
    ["identity-node-role", "blocker", "batch/Deployment/batch-exporter", "batch"],
    ["disruption-pdb-blocks-eviction", "blocker", "shop/Deployment/checkout", "general"],
    ["runtime-docker-socket", "blocker", "shop/Deployment/image-builder", "general"],
    ["sched-node-selector", "blocker", "shop/Deployment/legacy-reports", "general"],
    ["disruption-pdb-overlap", "blocker", "shop/Deployment/recommender", "general"],
    ["disruption-pdb-blocks-eviction", "blocker", "shop/Deployment/search", "general"],
    ["disruption-unmanaged-pod", "blocker", "shop/Pod/debug-shell", "general"],
    ["runtime-cgroup-v1-mount", "warning", "monitoring/DaemonSet/node-exporter-legacy", "general"],
    ["sched-node-selector", "warning", "monitoring/DaemonSet/node-exporter-legacy", "general"],
    ["disruption-single-replica", "warning", "shop/Deployment/cart", "general"],
    ["identity-node-role", "warning", "shop/Deployment/catalog-sync", "general"],
    ["runtime-cgroup-v1-jdk", "warning", "shop/Deployment/pricing-engine", "general"],
    ["disruption-pdb-selects-nothing", "info", "shop/PodDisruptionBudget/old-frontend", undefined],
];

/** The fixture's clean workloads: each must produce no finding. */
const CLEAN = [
    "shop/Deployment/invoice-api",
    "payments/Deployment/payments-api",
    "kube-system/Deployment/coredns",
    "kube-system/Deployment/aws-load-balancer-controller",
    "kube-system/Deployment/ebs-csi-controller",
    "kube-system/DaemonSet/aws-node",
    "kube-system/DaemonSet/kube-proxy",
    "kube-system/DaemonSet/ebs-csi-node",
    "shop/StatefulSet/orders-db",
    "batch/Deployment/report-worker",
    "batch/CronJob/nightly-report",
    // Already on the AL2023 node: not moved, so not judged (its docker.sock mount is not this migration's business).
    "shop/Deployment/storefront-next",
];

describe("npm run preflight against a realistic cluster dump", () => {
    it("--json: every broken workload's finding, nothing for the clean ones, exit 1 on blockers", async () => {
        const { code, out, err } = await run(["--stack", "prod", "--facts", "tests/fixtures/cluster-dump", "--json"]);
        expect(err).toBe("");
        expect(code).toBe(1);
        const document = JSON.parse(out) as {
            version: number;
            ok: boolean;
            counts: Record<string, number>;
            findings: {
                id: string;
                severity: string;
                workload: { namespace: string; kind: string; name: string };
                pool?: string;
                pods?: string[];
                what: string;
                why: string;
                fix: string;
            }[];
        };
        expect(document.version).toBe(1);
        expect(document.ok).toBe(false);
        expect(document.counts).toStrictEqual({ blocker: 7, warning: 5, info: 1 });
        const key = (w: { namespace: string; kind: string; name: string }) =>
            [w.namespace, w.kind, w.name].filter(Boolean).join("/");
        expect(document.findings.map((f) => [f.id, f.severity, key(f.workload), f.pool])).toStrictEqual(EXPECTED);
        for (const workload of CLEAN) expect(document.findings.map((f) => key(f.workload))).not.toContain(workload);
        for (const finding of document.findings) {
            for (const field of ["what", "why", "fix"] as const) expect(finding[field].length).toBeGreaterThan(10);
        }
    });

    it("lists each pod of a workload once, under one finding", async () => {
        const { out } = await run(["--stack", "prod", "--facts", "tests/fixtures/cluster-dump", "--json"]);
        const checkout = (
            JSON.parse(out) as { findings: { id: string; workload: { name: string }; pods?: string[]; what: string }[] }
        ).findings.find((f) => f.workload.name === "checkout");
        expect(checkout?.what).toBe(
            "PodDisruptionBudget shop/checkout (minAvailable: 3 with 3 pod(s)) never allows an eviction",
        );
        expect(checkout?.pods).toHaveLength(3);
        expect(checkout?.pods?.every((p) => p.startsWith("shop/checkout-"))).toBe(true);
    });

    it("prints text and markdown with the same findings", async () => {
        const text = await run(["--stack", "prod", "--facts", "tests/fixtures/cluster-dump"]);
        expect(text.out.split("\n")[0]).toBe(
            "Pre-flight report for stack prod (dump: tests/fixtures/cluster-dump): 7 blocker(s), 5 warning(s), 1 info",
        );
        expect(text.out).toContain("[blocker] runtime-docker-socket  shop/Deployment/image-builder (pool general)");
        const markdown = await run(["--stack", "prod", "--facts", "tests/fixtures/cluster-dump", "--markdown"]);
        expect(markdown.code).toBe(1);
        const rows = markdown.out.split("\n").filter((line) => line.startsWith("| `"));
        expect(rows).toHaveLength(EXPECTED.length);
        expect(markdown.out).toContain("### blocker");
    });

    it("exits 0 when the blocking workloads are gone", async () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
        for (const file of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, file), path.join(folder, file));
        const pods = JSON.parse(fs.readFileSync(path.join(folder, "kubectl-pods.json"), "utf8")) as {
            items: { metadata: { name: string } }[];
        };
        const blocking = [
            "batch-exporter",
            "checkout",
            "image-builder",
            "legacy-reports",
            "recommender",
            "search",
            "debug-shell",
        ];
        pods.items = pods.items.filter((p) => !blocking.some((name) => p.metadata.name.startsWith(name)));
        fs.writeFileSync(path.join(folder, "kubectl-pods.json"), JSON.stringify(pods));
        const { code, out } = await run(["--stack", "prod", "--facts", folder, "--json"]);
        expect(code).toBe(0);
        // The budgets of the removed workloads now select nothing: 7 more infos besides old-frontend.
        expect((JSON.parse(out) as { counts: unknown }).counts).toStrictEqual({ blocker: 0, warning: 5, info: 8 });
    });

    it("marks blockers acknowledged in preflightAcknowledge, and exits 0 when all are", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-root-"));
        const acknowledged = EXPECTED.filter(([, severity]) => severity === "blocker").map(([rule, , workload]) => {
            const [namespace, kind, name] = workload!.split("/");
            return { namespace, kind, name, rule };
        });
        const stackFile = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        fs.writeFileSync(
            path.join(root, "Pulumi.prod.yaml"),
            `${stackFile}  eks-al2023-migration:preflightAcknowledge: ${JSON.stringify(acknowledged)}\n`,
        );
        let out = "";
        const io = { out: (t: string) => (out += t), err: () => {}, color: false };
        const code = await main(["--stack", "prod", "--facts", FIXTURE, "--json"], io, { root, cwd: ROOT });
        expect(code).toBe(0);
        const document = JSON.parse(out) as { ok: boolean; findings: { id: string; acknowledged?: boolean }[] };
        expect(document.ok).toBe(true);
        expect(document.findings.filter((f) => f.acknowledged === true)).toHaveLength(7);
    });

    it.each([
        [["--stack", "prod", "--json", "--markdown"], "give one of --json and --markdown"],
        [["--stack", "prod", "--phase", "drain"], "--phase, --from and --pool are for `npm run plan`"],
        [["--json"], "--stack is required"],
        [["--stack", "nope"], "no Pulumi.nope.yaml"],
        [["--stack", "prod"], "nodes: no nodes found; add `kubectl get nodes -o json` output"],
        [["--stack", "prod", "--facts", "no-such-folder"], "no such file or folder"],
    ])("exit 2 for %j", async (argv, message) => {
        const { code, err } = await run(argv);
        expect(code).toBe(2);
        expect(err).toContain(message);
    });

    it("parses its arguments", () => {
        expect(parsePreflightArgs(["--stack", "dev", "--facts", "x", "--markdown"])).toStrictEqual({
            stack: "dev",
            facts: "x",
            format: "markdown",
        });
    });
});

describe("the dump reader", () => {
    it("recognises documents by content, whatever the file name", () => {
        const dump = clusterDumpFromDocuments([
            {
                file: "a.json",
                doc: {
                    apiVersion: "v1",
                    kind: "List",
                    items: [
                        { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } },
                        { apiVersion: "v1", kind: "Pod", metadata: { name: "p1" } },
                    ],
                },
            },
            { file: "b.json", doc: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ignored" } } },
            { file: "c.json", doc: { serverVersion: { gitVersion: "v1.32.9-eks-1" } } },
            { file: "d.json", doc: { addon: { addonName: "vpc-cni", addonVersion: "v1.18.3-eksbuild.1" } } },
            { file: "e.json", doc: { addons: ["vpc-cni"] } },
            { file: "f.json", doc: { associations: [{ namespace: "shop", serviceAccount: "api" }] } },
            { file: "g.json", doc: { Subnets: [{ SubnetId: "subnet-1", AvailabilityZone: "eu-west-1a" }] } },
            { file: "h.json", doc: { cluster: { name: "left to the facts reader" } } },
        ]);
        expect(dump.nodes.map((n) => n.metadata?.name)).toStrictEqual(["n1"]);
        expect(dump.pods.map((p) => p.metadata?.name)).toStrictEqual(["p1"]);
        expect(dump.serverVersion).toBe("v1.32.9-eks-1");
        expect(dump.addons).toStrictEqual([{ name: "vpc-cni", version: "v1.18.3-eksbuild.1" }]);
        expect(dump.addonNames).toStrictEqual(["vpc-cni"]);
        expect(dump.podIdentityAssociations).toStrictEqual([{ namespace: "shop", serviceAccount: "api" }]);
        expect(dump.subnetZones).toStrictEqual({ "subnet-1": "eu-west-1a" });
    });

    it.each([
        [{ hello: "world" }, "x.json: (document): not a Kubernetes object or List"],
        [
            { apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Pod", metadata: {} }] },
            "x.json: items[0].metadata.name: expected a string, found nothing",
        ],
        [{ addon: { addonName: "vpc-cni" } }, "x.json: addon.addonVersion: expected a string, found nothing"],
        [{ Subnets: [{ SubnetId: "subnet-1" }] }, "x.json: Subnets[0].AvailabilityZone: expected a string"],
    ])("names the file and field of a bad document: %j", (doc, message) => {
        expect(() => clusterDumpFromDocuments([{ file: "x.json", doc }])).toThrow(DumpError);
        expect(() => clusterDumpFromDocuments([{ file: "x.json", doc }])).toThrow(message);
    });
});
