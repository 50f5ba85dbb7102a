import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlanArgs } from "../../plan/cli-args";
import { FactsError } from "../../plan/facts-files";
import type { CloudFacts } from "../../plan/cloud-facts";
import { main as planMain, planStack } from "../../plan/plan";
import { renderPlan } from "../../plan/render";
import { OFFLINE_NOTICE, type PlanDocument, type PoolPlan } from "../../plan/plan-document";
import { trustOf } from "../../plan/service-account-plans";
import { MOCK_NAMES_ASSUMPTION, phaseBefore, simulatePrevious } from "../../plan/simulate";
import { main as userdataMain } from "../../plan/userdata";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import { LEGACY_TAINT } from "../../cutover/phase-plan";
import { nodeConfigs, parseMime } from "../fakes/mime";
import { captureIo } from "../fakes/capture-io";
import { exampleFacts, ROOT, stackFileConfig } from "../fakes/mocks";
import { inheritanceLines } from "../../plan/inheritance-report";

const PROD_AL2023 = "general-20261109101204556700000001";
const DEV_AL2023 = "general-20261102093015123400000001";

/** The plan document of a stack in a phase, evaluated in-process. */
async function plan(stack: string, phase?: CutoverPhase, extra: string[] = []): Promise<PlanDocument> {
    const args = parsePlanArgs(["--stack", stack, ...(phase ? ["--phase", phase] : []), "--json", ...extra]);
    return (await planStack(args)).document;
}

function pool(doc: PlanDocument, name: string): PoolPlan {
    const found = doc.pools.find((p) => p.name === name);
    if (!found) throw new Error(`no pool ${name} in ${doc.pools.map((p) => p.name).join(", ")}`);
    return found;
}

/** Runs a CLI entry point as a child process, as `npm run` does. */
function spawnCli(script: "plan" | "userdata", args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", `plan/${script}.ts`, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes facts as `aws eks describe-*` JSON files into a new temporary folder. */
function writeFacts(facts: CloudFacts, edit: (docs: Record<string, unknown>) => void = () => {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-facts-"));
    const docs: Record<string, unknown> = { "describe-cluster.json": structuredClone(facts.cluster) };
    for (const [name, output] of Object.entries(facts.nodegroups)) {
        docs[`describe-nodegroup-${name}.json`] = structuredClone(output);
    }
    if (facts.instanceTypes !== undefined) {
        docs["describe-instance-types.json"] = { InstanceTypes: Object.values(facts.instanceTypes) };
    }
    edit(docs);
    for (const [file, doc] of Object.entries(docs)) {
        fs.writeFileSync(path.join(dir, file), typeof doc === "string" ? doc : JSON.stringify(doc, null, 4));
    }
    return dir;
}

const LIVE = {
    dev: { min: 1, desired: 2, max: 4 },
    prodGeneral: { min: 3, desired: 6, max: 12 },
    prodBatch: { min: 2, desired: 3, max: 8 },
};
const BATCH_TAINT = { key: "workload", value: "batch", effect: "NO_SCHEDULE" };

describe("offline plan of dev, every phase", () => {
    it("prepare: AL2023 0/0, AL2 adopted unchanged and protected", async () => {
        const doc = await plan("dev", "prepare");
        expect(doc.ok).toBe(true);
        // The documented, stable field names (README "Offline plan").
        expect(Object.keys(doc)).toStrictEqual([
            "version",
            "notice",
            "stack",
            "facts",
            "cutoverPhase",
            "ok",
            "cluster",
            "assumptions",
            "pools",
            "serviceAccounts",
            "warnings",
            "resourceCounts",
        ]);
        expect(JSON.stringify(await plan("dev", "prepare"))).toBe(JSON.stringify(doc));
        const general = pool(doc, "general");
        expect(general.assumedPreviousPhase).toBe("none");
        expect(general.al2023.sizes).toStrictEqual({ before: "absent", after: { min: 0, desired: 0, max: 1 } });
        expect(general.legacy).toStrictEqual({
            nodeGroupName: "dev-general-al2",
            amiType: "AL2_x86_64",
            instanceTypes: ["t3.large"],
            sizes: { before: LIVE.dev, after: LIVE.dev },
            taints: { before: [], after: [] },
            cordon: false,
            drain: false,
            protect: true,
            ignoreDesiredSize: false,
            import: "shop-dev:dev-general-al2",
            deleted: false,
        });
        expect(doc.assumptions).toStrictEqual([
            'pool "general" (planned phase prepare): first deployment, no cutover record; AL2 node group dev-general-al2 not adopted',
            MOCK_NAMES_ASSUMPTION,
        ]);
    });

    it("canary: AL2023 at canarySize (1), AL2 unchanged and not imported again", async () => {
        const general = pool(await plan("dev", "canary"), "general");
        expect(general.assumedPreviousPhase).toBe("prepare");
        expect(general.al2023.sizes).toStrictEqual({
            before: { min: 0, desired: 0, max: 1 },
            after: { min: 1, desired: 1, max: 4 },
        });
        expect(general.legacy?.sizes.after).toStrictEqual(LIVE.dev);
        expect(general.legacy?.import).toBeUndefined();
        expect(general.legacy?.cordon).toBe(false);
    });

    it("shift: AL2023 full size, AL2 keeps its size with the legacy taint, cordoned, still protected", async () => {
        const general = pool(await plan("dev", "shift"), "general");
        expect(general.al2023.sizes).toStrictEqual({ before: { min: 1, desired: 1, max: 4 }, after: LIVE.dev });
        expect(general.legacy).toMatchObject({
            sizes: { before: LIVE.dev, after: LIVE.dev },
            taints: { before: [], after: [LEGACY_TAINT] },
            cordon: true,
            drain: false,
            protect: true,
            deleted: false,
        });
    });

    it("drain: AL2 to 0/0 (max kept), drained, unprotected; the gate reads the facts' AL2023 node group", async () => {
        const general = pool(await plan("dev", "drain"), "general");
        expect(general.legacy).toMatchObject({
            sizes: { before: LIVE.dev, after: { min: 0, desired: 0, max: 4 } },
            taints: { after: [LEGACY_TAINT] },
            cordon: true,
            drain: true,
            protect: false,
            deleted: false,
        });
        expect(general.gate).toMatchObject({ required: true, passed: true, nodeGroupName: DEV_AL2023 });
    });

    it("decommission: AL2 deleted, AL2023 at full size", async () => {
        const doc = await plan("dev", "decommission");
        const general = pool(doc, "general");
        expect(general.al2023.sizes.after).toStrictEqual(LIVE.dev);
        expect(general.legacy).toMatchObject({
            sizes: { before: LIVE.dev, after: "deleted" },
            taints: { before: [], after: "deleted" },
            cordon: false,
            drain: false,
            deleted: true,
        });
        expect(doc.resourceCounts["aws:eks/nodeGroup:NodeGroup"]).toBe(1);
        // No cordon or drain is left: the dynamic resources are the AL2023 node group's retirement (it drains the node
        // group only if a replacement deletes it) and the wait after payments-api's Pod Identity association.
        expect(doc.resourceCounts["pulumi-nodejs:dynamic:Resource"]).toBe(2);
    });

    it("shows the launch template, the decoded NodeConfig (cluster fields from the facts) and the identities", async () => {
        const doc = await plan("dev");
        const facts = exampleFacts("dev").cluster.cluster;
        expect(pool(doc, "general").launchTemplate).toStrictEqual({
            namePrefix: "general-",
            imds: { httpTokens: "required", hopLimit: 2, endpoint: "enabled" },
            rootVolume: {
                deviceName: "/dev/xvda",
                type: "gp3",
                sizeGiB: 40,
                iops: 3000,
                throughput: 125,
                encrypted: true,
            },
            securityGroupIds: [],
            userData: {
                partContentTypes: ["application/node.eks.aws"],
                nodeConfig: {
                    apiVersion: "node.eks.aws/v1alpha1",
                    kind: "NodeConfig",
                    spec: {
                        cluster: {
                            name: facts.name,
                            apiServerEndpoint: facts.endpoint,
                            certificateAuthority: facts.certificateAuthority.data,
                            cidr: facts.kubernetesNetworkConfig.serviceIpv4Cidr,
                        },
                        kubelet: { flags: ["--image-gc-high-threshold=80"] },
                    },
                },
            },
        });
        expect(doc.serviceAccounts.map((a) => [`${a.namespace}/${a.name}`, a.binding, a.trust])).toStrictEqual([
            ["shop/invoice-reader", "irsa", { subjects: ["system:serviceaccount:shop:invoice-reader"], services: [] }],
            [
                "kube-system/aws-load-balancer-controller",
                "irsa",
                { subjects: ["system:serviceaccount:kube-system:aws-load-balancer-controller"], services: [] },
            ],
            ["payments/payments-api", "pod-identity", { subjects: [], services: ["pods.eks.amazonaws.com"] }],
        ]);
        const invoice = doc.serviceAccounts[0];
        expect(invoice).toMatchObject({
            roleName: "shop-dev-shop-invoice-reader",
            serviceAccount: "patched",
            annotations: {
                "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-dev-shop-invoice-reader",
                "eks.amazonaws.com/sts-regional-endpoints": "true",
                "pulumi.com/patchForce": "true",
            },
            podIdentityAssociation: false,
        });
        expect(invoice.restarts).toStrictEqual([
            { kind: "Deployment", name: "invoice-api", annotation: expect.stringMatching(/^[0-9a-f]{16}$/) },
        ]);
        expect(doc.serviceAccounts[2]).toMatchObject({
            serviceAccount: "created",
            annotations: {},
            podIdentityAssociation: true,
        });
    });
});

describe("offline plan of prod, every phase", () => {
    it.each(CUTOVER_PHASES)("%s: general follows the phase table, batch stays in prepare", async (phase) => {
        const doc = await plan("prod", phase);
        expect(doc.ok).toBe(true);
        const general = pool(doc, "general");
        const batch = pool(doc, "batch");
        const al2023After = {
            prepare: { min: 0, desired: 0, max: 2 },
            canary: { min: 2, desired: 2, max: 12 },
            shift: LIVE.prodGeneral,
            drain: LIVE.prodGeneral,
            decommission: LIVE.prodGeneral,
        }[phase];
        expect(general.phase).toBe(phase);
        expect(general.assumedPreviousPhase).toBe(phaseBefore(phase));
        expect(general.al2023.sizes.after).toStrictEqual(al2023After);
        expect(general.al2023.protect).toBe(true);
        const legacyAfter = {
            prepare: LIVE.prodGeneral,
            canary: LIVE.prodGeneral,
            shift: LIVE.prodGeneral,
            drain: { min: 0, desired: 0, max: 12 },
            decommission: "deleted",
        }[phase];
        expect(general.legacy?.sizes).toStrictEqual({ before: LIVE.prodGeneral, after: legacyAfter });
        expect(general.legacy?.cordon).toBe(phase === "shift" || phase === "drain");
        expect(general.legacy?.drain).toBe(phase === "drain");
        expect(general.legacy?.protect).toBe(phase === "prepare" || phase === "canary" || phase === "shift");
        expect(general.legacy?.deleted).toBe(phase === "decommission");
        expect(general.gate?.passed ?? "no gate").toBe(
            phase === "drain" || phase === "decommission" ? true : "no gate",
        );
        // batch overrides the phase: always a first deployment in prepare.
        expect(batch.phase).toBe("prepare");
        expect(batch.assumedPreviousPhase).toBe("none");
        expect(batch.al2023.sizes).toStrictEqual({ before: "absent", after: { min: 0, desired: 0, max: 1 } });
        expect(batch.al2023.taints).toStrictEqual([BATCH_TAINT]);
        // A first deployment's one type is in the launch template; the facts' general group was created with
        // instanceTypes, which it keeps once it is recorded (after prepare): the plan shows the types either way.
        expect(batch.al2023.instanceTypes).toStrictEqual(["r6i.2xlarge"]);
        expect(general.al2023.instanceTypes).toStrictEqual(["m6i.xlarge"]);
        expect(batch.legacy).toMatchObject({
            sizes: { before: LIVE.prodBatch, after: LIVE.prodBatch },
            taints: { before: [BATCH_TAINT], after: [BATCH_TAINT] },
            import: "shop-prod:prod-batch-al2",
            protect: true,
        });
        expect(doc.assumptions).toContain(
            `promotion: dev (acme/eks-al2023-migration/dev) has completed ${phase === "prepare" ? "prepare" : phase} ` +
                'for pool "general" (followed by prod pools general, batch)',
        );
    });

    it("sets IMDS hop limit 2 for general and 1 for batch, and the KMS-encrypted volumes", async () => {
        const doc = await plan("prod");
        const kms = "arn:aws:kms:eu-west-1:444455556666:key/2f8c1a7e-5b3d-4c9e-8f61-0a7b3c2d1e4f";
        expect(pool(doc, "general").launchTemplate.imds).toStrictEqual({
            httpTokens: "required",
            hopLimit: 2,
            endpoint: "enabled",
        });
        expect(pool(doc, "batch").launchTemplate.imds).toStrictEqual({
            httpTokens: "required",
            hopLimit: 1,
            endpoint: "enabled",
        });
        expect(pool(doc, "general").launchTemplate.rootVolume).toStrictEqual({
            deviceName: "/dev/xvda",
            type: "gp3",
            sizeGiB: 100,
            iops: 4000,
            throughput: 250,
            encrypted: true,
            kmsKeyId: kms,
        });
        const facts = exampleFacts("prod").cluster.cluster;
        for (const name of ["general", "batch"]) {
            expect(pool(doc, name).launchTemplate.userData.nodeConfig).toStrictEqual({
                apiVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: {
                    cluster: {
                        name: "shop-prod",
                        apiServerEndpoint: facts.endpoint,
                        certificateAuthority: facts.certificateAuthority.data,
                        cidr: facts.kubernetesNetworkConfig.serviceIpv4Cidr,
                    },
                },
            });
        }
        expect(doc.serviceAccounts.map((a) => a.trust.subjects[0] ?? a.trust.services[0])).toStrictEqual([
            "system:serviceaccount:shop:invoice-reader",
            "system:serviceaccount:kube-system:aws-load-balancer-controller",
            "pods.eks.amazonaws.com",
        ]);
    });

    it("--from overrides the previous phase of pools that follow cutoverPhase only; a skip is refused", async () => {
        const doc = await plan("prod", "drain", ["--from", "canary"]);
        expect(doc.ok).toBe(false);
        expect(doc.error?.problems).toStrictEqual([
            'cutoverPhase: "drain" is not allowed; pool "general" was last deployed in canary; move forward one ' +
                "phase at a time: set cutoverPhase=shift first, or set cutoverAllowSkip: true",
        ]);
        expect(doc.pools).toStrictEqual([]);
        expect(doc.assumptions[1]).toBe(
            'pool "batch" (planned phase prepare): first deployment, no cutover record; AL2 node group prod-batch-al2 not adopted',
        );
    });
});

describe("simulated previous deployment", () => {
    it("records the facts' sizes and AL2023 node group, and dev's completed phase through follow", () => {
        const facts = exampleFacts("prod");
        const config = { ...stackFileConfig("prod"), cutoverPhase: "shift" };
        const simulation = simulatePrevious({ stack: "prod", config, facts });
        expect(simulation.previousPhases).toStrictEqual({ general: "canary", batch: "none" });
        expect(simulation.previousOutputs.cutover).toStrictEqual({
            version: 1,
            pools: {
                general: {
                    phase: "canary",
                    adopted: true,
                    legacyNodeGroupName: "prod-general-al2",
                    legacySizeAtAdoption: LIVE.prodGeneral,
                    al2023NodeGroupName: PROD_AL2023,
                    // As the program records it at first declaration (facts/prod/describe-nodegroup-prod-general-al2).
                    inherited: {
                        nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
                        subnetIds: ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c", "subnet-0f60718293a4b5c6d"],
                        al2: {
                            amiType: "AL2_x86_64",
                            instanceTypes: ["m6i.xlarge"],
                            capacityType: "ON_DEMAND",
                            diskSize: 50,
                            labels: { workload: "general" },
                            taints: [],
                            update: { maxUnavailable: 1 },
                        },
                    },
                },
            },
        });
        expect(simulation.otherStacks).toStrictEqual({
            "acme/eks-al2023-migration/dev": {
                cutover: { version: 1, pools: { general: { phase: "shift", adopted: false } } },
            },
        });
    });

    it("--from none is a first deployment; an invalid config simulates nothing", () => {
        const facts = exampleFacts("dev");
        const first = simulatePrevious({ stack: "dev", config: stackFileConfig("dev"), facts, from: "none" });
        expect(first.previousOutputs).toStrictEqual({});
        expect(simulatePrevious({ stack: "dev", config: { pools: 3 }, facts })).toStrictEqual({
            previousOutputs: {},
            otherStacks: {},
            previousPhases: {},
            assumptions: [],
            facts,
        });
    });

    it("reads trust subjects and services from a trust policy", () => {
        expect(
            trustOf({
                Statement: [
                    { Condition: { StringLike: { "oidc.example/id/X:sub": ["system:serviceaccount:a:*"] } } },
                    { Principal: { Service: "pods.eks.amazonaws.com" } },
                ],
            }),
        ).toStrictEqual({ subjects: ["system:serviceaccount:a:*"], services: ["pods.eks.amazonaws.com"] });
    });
});

describe("the plan's inheritance per pool", () => {
    it("shows per setting inherited, set or default, and what the AL2023 pool drops or changes", async () => {
        const general = pool(await plan("dev", "prepare"), "general");
        expect(general.inheritance).toStrictEqual({
            from: "legacy",
            settings: {
                amiType: "inherited",
                instanceTypes: "set",
                capacityType: "set",
                labels: "set",
                taints: "default",
                rootVolume: "set",
                securityGroupIds: "default",
                maxUnavailable: "set",
                nodeRepair: "default",
            },
            changes: [
                "root volume smaller: 40 GiB instead of 50 GiB",
                "instance types t3.large changed to t3.large, t3a.large, m6i.large",
            ],
            notes: [],
        });
        expect(inheritanceLines(general.inheritance)).toEqual([
            "",
            "Inherited from the live AL2 node group (first declaration; recorded for later runs)",
            "  amiType:             inherited",
            "  instanceTypes:       set",
            "  capacityType:        set",
            "  labels:              set",
            "  taints:              default",
            "  rootVolume:          set",
            "  securityGroupIds:    default",
            "  maxUnavailable:      set",
            "  nodeRepair:          default",
            "  AL2023 pool drops or changes:",
            "    - root volume smaller: 40 GiB instead of 50 GiB",
            "    - instance types t3.large changed to t3.large, t3a.large, m6i.large",
        ]);
    });

    it.each([
        { phase: "prepare" as const, from: "legacy" },
        { phase: "canary" as const, from: "record" },
    ])("reads node repair from the describe-nodegroup facts ($phase: from $from)", async ({ phase, from }) => {
        const dir = writeFacts(exampleFacts("dev"), (docs) => {
            const ng = docs["describe-nodegroup-dev-general-al2.json"] as { nodegroup: Record<string, unknown> };
            ng.nodegroup.nodeRepairConfig = { enabled: true };
        });
        const general = pool(await plan("dev", phase, ["--facts", dir]), "general");
        expect(general.inheritance?.from).toBe(from);
        expect(general.inheritance?.settings.nodeRepair).toBe("inherited");
        expect(inheritanceLines(general.inheritance)).toContain("  nodeRepair:          inherited");
    });

    it("in a later phase reads them from the record; a taint only the AL2 node group has is inherited", async () => {
        const dir = writeFacts(exampleFacts("prod"), (docs) => {
            const ng = docs["describe-nodegroup-prod-general-al2.json"] as { nodegroup: { taints: object[] } };
            ng.nodegroup.taints = [{ key: "dedicated", value: "general", effect: "NO_EXECUTE" }];
        });
        const general = pool(await plan("prod", "canary", ["--facts", dir]), "general");
        expect(general.inheritance?.from).toBe("record");
        expect(general.inheritance?.settings.taints).toBe("inherited");
        expect(general.al2023.taints).toStrictEqual([{ key: "dedicated", value: "general", effect: "NO_EXECUTE" }]);
        const batch = pool(await plan("prod", "canary", ["--facts", dir]), "batch");
        expect(batch.inheritance?.settings.taints).toBe("set");
    });
});

describe("--facts with AWS-CLI-shaped files", () => {
    it("plans against facts from a folder exactly as the AWS CLI prints them", async () => {
        const dir = writeFacts(exampleFacts("prod"), (docs) => {
            const ng = docs["describe-nodegroup-prod-general-al2.json"] as { nodegroup: { scalingConfig: object } };
            ng.nodegroup.scalingConfig = { minSize: 4, maxSize: 10, desiredSize: 5 };
        });
        const doc = await plan("prod", "prepare", ["--facts", dir]);
        expect(doc.facts).toBe(dir);
        expect(pool(doc, "general").legacy?.sizes).toStrictEqual({
            before: { min: 4, desired: 5, max: 10 },
            after: { min: 4, desired: 5, max: 10 },
        });
    });

    it("refuses a drain when the AL2023 node group is too small: exit 1 naming the node group", async () => {
        const dir = writeFacts(exampleFacts("prod"), (docs) => {
            const ng = docs[`describe-nodegroup-${PROD_AL2023}.json`] as { nodegroup: { scalingConfig: object } };
            ng.nodegroup.scalingConfig = { minSize: 0, maxSize: 12, desiredSize: 1 };
        });
        const doc = await plan("prod", "drain", ["--facts", dir]);
        expect(doc.ok).toBe(false);
        expect(doc.error?.problems.join("\n")).toContain(PROD_AL2023);
        const cli = spawnCli("plan", ["--stack", "prod", "--phase", "drain", "--facts", dir]);
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain(PROD_AL2023);
        expect(cli.stdout.split("\n")[0]).toBe(OFFLINE_NOTICE);
    });

    it("names the file and the field of malformed facts: exit 2", async () => {
        const dir = writeFacts(exampleFacts("dev"), (docs) => {
            const ng = docs["describe-nodegroup-dev-general-al2.json"] as { nodegroup: { scalingConfig: object } };
            ng.nodegroup.scalingConfig = { minSize: 1, maxSize: 4, desiredSize: "two" };
        });
        const file = path.join(dir, "describe-nodegroup-dev-general-al2.json");
        await expect(plan("dev", undefined, ["--facts", dir])).rejects.toThrow(
            new FactsError(file, "nodegroup.scalingConfig.desiredSize", 'expected a number, found "two"'),
        );
        const cli = spawnCli("plan", ["--stack", "dev", "--facts", dir]);
        expect(cli.status).toBe(2);
        expect(cli.stderr).toContain(`${file}: nodegroup.scalingConfig.desiredSize: expected a number`);
        expect(cli.stdout).toBe("");
    });
});

describe("npm run plan", () => {
    it("prints the text plan, starting with the offline notice, exit 0", () => {
        const cli = spawnCli("plan", ["--stack", "dev"]);
        expect(cli.status).toBe(0);
        const lines = cli.stdout.split("\n");
        expect(lines[0]).toBe(OFFLINE_NOTICE);
        expect(cli.stdout).not.toContain("\u001b[");
        expect(cli.stdout).toContain("## Pool general: phase prepare (assumed last deployed: none)");
    });

    it("exit codes: 2 for usage errors and unknown stacks, 1 for a config error", async () => {
        for (const argv of [["--stack"], ["--stack", "dev", "--bogus"], ["--stack", "dev", "--pool", "x"]]) {
            const io = captureIo();
            expect(await planMain(argv, io)).toBe(2);
            expect(io.stdout()).toBe("");
        }
        const io = captureIo();
        expect(await planMain(["--stack", "qa"], io)).toBe(2);
        expect(io.stderr()).toBe("UsageError: --stack: no Pulumi.qa.yaml; stacks: dev, prod, rehearsal\n");
        const bad = captureIo();
        expect(await planMain(["--stack", "dev", "--phase", "drain", "--from", "prepare"], bad)).toBe(1);
        expect(bad.stderr()).toContain('cutoverPhase: "drain" is not allowed');
    });

    it("renders colours only when asked, and the same facts in text", async () => {
        const doc = await plan("prod", "shift");
        const text = renderPlan(doc);
        expect(text.split("\n")[0]).toBe(OFFLINE_NOTICE);
        expect(text).not.toContain("\u001b[");
        expect(text).toContain("AL2 node group prod-general-al2 (AL2_x86_64, m6i.xlarge)");
        expect(text).toContain("taints after:        eks-al2023-migration/legacy=draining:NO_SCHEDULE");
        expect(text).toContain("IMDS:                httpTokens required, hop limit 1, endpoint enabled");
        expect(renderPlan(doc, { color: true })).toContain("\u001b[");
    });
});

describe("npm run userdata", () => {
    it("prints the launch template's exact MIME user data", async () => {
        const cli = spawnCli("userdata", ["--stack", "prod", "--pool", "batch"]);
        expect(cli.status).toBe(0);
        // Byte for byte: the pool has no scripts and no kubelet settings, so one NodeConfig part holding only
        // spec.cluster, from facts/prod/describe-cluster.json (name, endpoint, certificateAuthority.data,
        // kubernetesNetworkConfig.serviceIpv4Cidr).
        expect(cli.stdout).toBe(
            [
                "MIME-Version: 1.0",
                'Content-Type: multipart/mixed; boundary="EKS-AL2023-MIGRATION-BOUNDARY"',
                "",
                "--EKS-AL2023-MIGRATION-BOUNDARY",
                "Content-Type: application/node.eks.aws",
                "",
                "---",
                "apiVersion: node.eks.aws/v1alpha1",
                "kind: NodeConfig",
                "spec:",
                "  cluster:",
                "    name: shop-prod",
                "    apiServerEndpoint: https://9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A49.gr7.eu-west-1.eks.amazonaws.com",
                "    certificateAuthority: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJRXhhbXBsZUNBZGF0YQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
                "    cidr: 10.100.0.0/16",
                "",
                "--EKS-AL2023-MIGRATION-BOUNDARY--",
                "",
            ].join("\n"),
        );
        const mime = parseMime(cli.stdout);
        expect(mime.parts.map((p) => p.headers["content-type"])).toStrictEqual(["application/node.eks.aws"]);
        expect(nodeConfigs(cli.stdout)).toStrictEqual([
            pool(await plan("prod"), "batch").launchTemplate.userData.nodeConfig,
        ]);
    });

    it("names the pools there are for an unknown pool: exit 2", async () => {
        const io = captureIo();
        expect(await userdataMain(["--stack", "prod", "--pool", "gpu"], io)).toBe(2);
        expect(io.stderr()).toBe('UsageError: --pool: stack prod has no pool "gpu"; pools: general, batch\n');
        const missing = captureIo();
        expect(await userdataMain(["--stack", "prod"], missing)).toBe(2);
    });
});
