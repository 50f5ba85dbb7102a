import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import program from "../../index";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { answerInvoke } from "../../plan/invoke-answers";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import type { PoolCutoverRecord } from "../../cutover/cutover-record";
import { subnetZones } from "../../program/subnet-zones";
import { exampleFacts, resolve, runProgram, stackFileConfig, useOfflineCloud } from "../fakes/mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
/** The other dynamic resource of dev in every phase: the wait after payments-api's Pod Identity association. */
const SETTLE = "workloads-payments-payments-api-association-settle";
/** The dynamic resource declared with the AL2023 node group in every phase (it drains it before a replacement deletes it). */
const RETIREMENT = "general-ng-retirement";

/** The bundled AL2023 node group names (facts/<stack>/describe-nodegroup-*-al2023.json). */
const AL2023_NAMES: Record<string, string> = {
    "dev/general": "general-20261102093015123400000001",
    "prod/general": "general-20261109101204556700000001",
    "prod/batch": "batch-20261116083342901200000001",
};

/** What the last deployment recorded for a pool with a legacy node group, deployed in `phase`. */
function record(
    stack: string,
    pool: string,
    legacy: string | undefined,
    phase: CutoverPhase,
    facts: CloudFacts,
): PoolCutoverRecord {
    if (legacy === undefined) return { phase, adopted: false };
    const scaling = facts.nodegroups[legacy].nodegroup.scalingConfig;
    return {
        phase,
        adopted: phase !== "decommission",
        legacyNodeGroupName: legacy,
        legacySizeAtAdoption: { min: scaling.minSize, desired: scaling.desiredSize, max: scaling.maxSize },
        al2023NodeGroupName: AL2023_NAMES[`${stack}/${pool}`],
    };
}

/** Evaluates a stack file in `phase`, as if the last deployment ran `previous` (undefined: first deployment). */
async function evaluateStack(
    stack: "dev" | "prod",
    phase: CutoverPhase,
    previous: CutoverPhase | undefined,
    edit: (config: Record<string, unknown>) => void = () => {},
): Promise<Evaluation> {
    const facts = exampleFacts(stack);
    const config: Record<string, unknown> = { ...stackFileConfig(stack), cutoverPhase: phase };
    edit(config);
    const pools = config.pools as { name: string; legacyNodeGroup?: string; phase?: CutoverPhase }[];
    const recordFor = (at: CutoverPhase | undefined) =>
        at === undefined
            ? {}
            : {
                  cutover: {
                      version: 1,
                      pools: Object.fromEntries(
                          pools.map((p) => [p.name, record(stack, p.name, p.legacyNodeGroup, p.phase ?? at, facts)]),
                      ),
                  },
              };
    return evaluateOffline({
        stack,
        config,
        facts,
        previousOutputs: recordFor(previous),
        // prod follows dev: dev has completed the phase prod asks for.
        otherStacks: { "acme/eks-al2023-migration/dev": recordFor(phase) },
        program,
    });
}

function names(evaluation: Evaluation, type: string): string[] {
    return evaluation.resources
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .sort();
}

function ok(evaluation: Evaluation): Evaluation {
    if (evaluation.error !== undefined) throw evaluation.error;
    return evaluation;
}

describe("the composed stack", () => {
    it.each(["dev", "prod"] as const)(
        "%s evaluates on its first deployment in prepare and adopts each AL2 node group",
        async (stack) => {
            const evaluation = ok(await evaluateStack(stack, "prepare", undefined));
            const legacy = names(evaluation, NODE_GROUP).filter((n) => n.endsWith("-legacy"));
            expect(legacy.length).toBeGreaterThan(0);
            for (const name of legacy) {
                const options = evaluation.options.get(optionsKey(NODE_GROUP, name))!;
                const inputs = evaluation.resources.find((r) => r.name === name)!.inputs;
                expect(options.import).toBe(`${inputs.clusterName}:${inputs.nodeGroupName}`);
                expect(options.protect).toBe(true);
            }
        },
    );

    it.each(["dev", "prod"] as const)("%s evaluates in every phase after a one-step move", async (stack) => {
        for (const [i, phase] of CUTOVER_PHASES.entries()) {
            if (i === 0) continue;
            const evaluation = await evaluateStack(stack, phase, CUTOVER_PHASES[i - 1]);
            expect(evaluation.error, `${stack} ${phase}`).toBeUndefined();
        }
    });

    it("declares exactly the cutover resources of each of the five phases (dev)", async () => {
        // The README's phase table; dev's AL2 node group is min 1 / desired 2 / max 4 (facts/dev), canarySize 1.
        const scaling = (e: Evaluation, name: string) => e.resources.find((r) => r.name === name)!.inputs.scalingConfig;
        const taints = (e: Evaluation, name: string) => e.resources.find((r) => r.name === name)!.inputs.taints;

        const prepare = ok(await evaluateStack("dev", "prepare", undefined));
        expect(names(prepare, DYNAMIC)).toStrictEqual([RETIREMENT, SETTLE]);
        expect(names(prepare, NODE_GROUP)).toStrictEqual(["general-legacy", "general-ng"]);
        expect(scaling(prepare, "general-ng")).toStrictEqual({ minSize: 0, desiredSize: 0, maxSize: 1 });
        expect(scaling(prepare, "general-legacy")).toStrictEqual({ minSize: 1, desiredSize: 2, maxSize: 4 });
        expect(prepare.options.get(optionsKey(NODE_GROUP, "general-legacy"))).toMatchObject({
            protect: true,
            import: "shop-dev:dev-general-al2",
        });

        const canary = ok(await evaluateStack("dev", "canary", "prepare"));
        expect(names(canary, DYNAMIC)).toStrictEqual([RETIREMENT, SETTLE]);
        expect(names(canary, NODE_GROUP)).toStrictEqual(["general-legacy", "general-ng"]);
        expect(scaling(canary, "general-ng")).toStrictEqual({ minSize: 1, desiredSize: 1, maxSize: 4 });
        expect(scaling(canary, "general-legacy")).toStrictEqual({ minSize: 1, desiredSize: 2, maxSize: 4 });
        expect(taints(canary, "general-legacy")).toStrictEqual([]);
        expect(canary.options.get(optionsKey(NODE_GROUP, "general-legacy"))!.protect).toBe(true);

        const shift = ok(await evaluateStack("dev", "shift", "canary"));
        expect(names(shift, DYNAMIC)).toStrictEqual(["general-legacy-cordon", RETIREMENT, SETTLE]);
        expect(names(shift, NODE_GROUP)).toStrictEqual(["general-legacy", "general-ng"]);
        expect(scaling(shift, "general-ng")).toStrictEqual({ minSize: 1, desiredSize: 2, maxSize: 4 });
        expect(scaling(shift, "general-legacy")).toStrictEqual({ minSize: 1, desiredSize: 2, maxSize: 4 });
        expect(taints(shift, "general-legacy")).toStrictEqual([
            { key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" },
        ]);
        expect(shift.options.get(optionsKey(NODE_GROUP, "general-legacy"))!.protect).toBe(true);

        const drain = ok(await evaluateStack("dev", "drain", "shift"));
        expect(names(drain, DYNAMIC)).toStrictEqual([
            "general-legacy-cordon",
            "general-legacy-drain",
            RETIREMENT,
            SETTLE,
        ]);
        const drainInputs = drain.resources.find((r) => r.name === "general-legacy-drain")!.inputs;
        expect(drainInputs).toMatchObject({
            nodeGroupName: "dev-general-al2",
            minReadyNodes: 2,
            timeoutMinutes: 15,
            evictUnmanagedPods: false,
        });
        // The drain waits for the AL2023 node group and the cordon; the AL2 node group's shrink waits for the drain.
        expect(drain.options.get(optionsKey(DYNAMIC, "general-legacy-drain"))!.dependsOnCount).toBe(2);
        expect(drain.options.get(optionsKey(NODE_GROUP, "general-legacy"))).toMatchObject({
            protect: false,
            dependsOnCount: 1,
        });
        expect(drain.resources.find((r) => r.name === "general-legacy")!.inputs.scalingConfig).toStrictEqual({
            minSize: 0,
            desiredSize: 0,
            maxSize: 4,
        });

        const decommission = ok(await evaluateStack("dev", "decommission", "drain"));
        expect(names(decommission, DYNAMIC)).toStrictEqual([RETIREMENT, SETTLE]);
        expect(names(decommission, NODE_GROUP)).toStrictEqual(["general-ng"]);
    });

    it("adopts by import only once: a later deployment declares the node group without import", async () => {
        const canary = ok(await evaluateStack("dev", "canary", "prepare"));
        expect(canary.options.get(optionsKey(NODE_GROUP, "general-legacy"))!.import).toBeUndefined();
    });

    it("protects the AL2023 node groups in prod, not in dev", async () => {
        const prod = ok(await evaluateStack("prod", "canary", "prepare"));
        expect(prod.options.get(optionsKey(NODE_GROUP, "general-ng"))!.protect).toBe(true);
        expect(prod.options.get(optionsKey(NODE_GROUP, "batch-ng"))!.protect).toBe(true);
        const dev = ok(await evaluateStack("dev", "canary", "prepare"));
        expect(dev.options.get(optionsKey(NODE_GROUP, "general-ng"))!.protect).toBe(false);
    });

    it("keeps the autoscaler's desired size on a re-run of the same phase, and applies a phase change", async () => {
        const rerun = ok(await evaluateStack("prod", "shift", "shift"));
        expect(rerun.options.get(optionsKey(NODE_GROUP, "general-ng"))!.ignoreChanges).toStrictEqual([
            "scalingConfig.desiredSize",
        ]);
        const moved = ok(await evaluateStack("prod", "shift", "canary"));
        expect(moved.options.get(optionsKey(NODE_GROUP, "general-ng"))!.ignoreChanges).toStrictEqual([]);
        expect(moved.resources.find((r) => r.name === "general-ng")!.inputs.scalingConfig).toStrictEqual({
            minSize: 3,
            desiredSize: 6,
            maxSize: 12,
        });
    });

    it("creates a node role only for a pool with neither nodeRoleArn nor a legacy node group", async () => {
        const withLegacy = ok(await evaluateStack("dev", "canary", "prepare"));
        expect(names(withLegacy, "aws:iam/role:Role").filter((n) => n.startsWith("nodes"))).toStrictEqual([]);
        expect(withLegacy.resources.find((r) => r.name === "general-ng")!.inputs.nodeRoleArn).toBe(
            "arn:aws:iam::111122223333:role/shop-dev-node-role",
        );

        const greenfield = ok(
            await evaluateStack("dev", "canary", "prepare", (config) => {
                const pools = config.pools as Record<string, unknown>[];
                config.pools = [
                    ...pools,
                    { name: "edge", subnetIds: ["subnet-0a1b2c3d4e5f60718"], scaling: { min: 1, desired: 1, max: 2 } },
                ];
            }),
        );
        const role = greenfield.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.startsWith("nodes"))!;
        expect(role).toBeDefined();
        const edge = greenfield.resources.find((r) => r.name === "edge-ng")!;
        expect(edge.inputs.nodeRoleArn).toMatch(/^arn:aws:iam::111122223333:role\//);
        expect(edge.inputs.scalingConfig).toStrictEqual({ minSize: 1, desiredSize: 1, maxSize: 2 });
    });

    it("gives byte-identical resource inputs when evaluated twice with the same config and facts", async () => {
        const first = ok(await evaluateStack("prod", "drain", "shift"));
        const second = ok(await evaluateStack("prod", "drain", "shift"));
        const snapshot = (e: Evaluation) => JSON.stringify(e.resources.map((r) => [r.type, r.name, r.inputs]));
        expect(snapshot(second)).toBe(snapshot(first));
        expect([...second.options.entries()]).toStrictEqual([...first.options.entries()]);
    });

    it("keeps instanceTypes on an AL2023 node group deployed with them: its inputs as before, none in the template", async () => {
        // The bundled prod AL2023 node groups were created with instanceTypes (facts/prod/describe-nodegroup-*-al2023.json).
        const evaluation = ok(await evaluateStack("prod", "canary", "prepare"));
        const inputs = (name: string) => evaluation.resources.find((r) => r.name === name)!.inputs;
        expect(inputs("general-ng")).toStrictEqual({
            clusterName: "shop-prod",
            nodeGroupNamePrefix: "general-",
            launchTemplate: { id: "lt-bde39899e38afeb6c", version: "1" },
            amiType: "AL2023_x86_64_STANDARD",
            version: "1.32",
            instanceTypes: ["m6i.xlarge"],
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 12 },
            updateConfig: { maxUnavailablePercentage: 25 },
            labels: { workload: "general" },
            taints: [],
            subnetIds: ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c", "subnet-0f60718293a4b5c6d"],
            nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
            tags: {
                "cost-center": "4711",
                "eks-al2023-migration/cluster": "shop-prod",
                "eks-al2023-migration/pool": "general",
                environment: "prod",
                owner: "platform-team",
            },
        });
        expect(Object.keys(inputs("general-lt")).sort()).toStrictEqual([
            "blockDeviceMappings",
            "description",
            "metadataOptions",
            "namePrefix",
            "tagSpecifications",
            "tags",
            "updateDefaultVersion",
            "userData",
        ]);
        // A change of its type would replace it: refused (the node group keeps what it was created with).
        const changed = await evaluateStack("prod", "canary", "prepare", (config) => {
            (config.pools as Record<string, unknown>[])[0].instanceTypes = ["m6i.2xlarge"];
        });
        expect(String(changed.error)).toContain(
            'pools[0].instanceTypes: ["m6i.2xlarge"] is not allowed; it would replace AL2023 node group "general-20261109101204556700000001" (which has ["m6i.xlarge"])',
        );
    });

    it("declares a retirement with each AL2023 node group and records it; allowReplacement needs that record", async () => {
        const evaluation = ok(await evaluateStack("dev", "canary", "prepare"));
        const retirement = evaluation.resources.find((r) => r.name === "general-ng-retirement")!;
        const { kubeconfig, __provider, ...inputs } = retirement.inputs;
        expect([typeof kubeconfig, typeof __provider]).toStrictEqual(["object", "string"]);
        expect(inputs).toStrictEqual({
            nodeGroupName: "general-20261102093015123400000001",
            nodeGroupNamePrefix: "general-",
            minReadyNodes: 2,
            timeoutMinutes: 15,
            evictUnmanagedPods: false,
            maxConcurrentEvictions: 25,
        });
        expect(
            (evaluation.outputs.cutover as { pools: Record<string, PoolCutoverRecord> }).pools.general,
        ).toMatchObject({ phase: "canary", al2023Retirement: true });

        // The record of a stack deployed before the retirement existed has none: the replacement waits a run.
        const replacing = (config: Record<string, unknown>) => {
            const [general] = config.pools as Record<string, unknown>[];
            Object.assign(general, { subnetIds: ["subnet-0a1b2c3d4e5f60718"], allowReplacement: true });
        };
        const early = await evaluateStack("dev", "canary", "prepare", replacing);
        expect(String(early.error)).toContain(
            "pools[0].allowReplacement: true is not allowed yet; the last run's record shows no retirement resource " +
                'for AL2023 node group "general-20261102093015123400000001"',
        );
        expect(early.resources.filter((r) => !r.type.startsWith("pulumi:pulumi:"))).toStrictEqual([]);
    });

    it("puts a single-type pool's instance type in the launch template on its first deployment", async () => {
        const evaluation = ok(await evaluateStack("prod", "prepare", undefined));
        const inputs = (name: string) => evaluation.resources.find((r) => r.name === name)!.inputs;
        expect(inputs("general-lt").instanceType).toBe("m6i.xlarge");
        expect(inputs("batch-lt").instanceType).toBe("r6i.2xlarge");
        expect(inputs("general-ng")).not.toHaveProperty("instanceTypes");
        expect(inputs("batch-ng")).not.toHaveProperty("instanceTypes");
    });

    it("records where the instance types went on a first deployment: one type launchTemplate, several nodeGroup", async () => {
        const prod = ok(await evaluateStack("prod", "prepare", undefined));
        const prodPools = (prod.outputs.cutover as { pools: Record<string, PoolCutoverRecord> }).pools;
        expect([prodPools.general.instanceTypesIn, prodPools.batch.instanceTypesIn]).toStrictEqual([
            "launchTemplate",
            "launchTemplate",
        ]);
        // dev's general pool has three types (Pulumi.dev.yaml): on the node group.
        const dev = ok(await evaluateStack("dev", "prepare", undefined));
        const devGeneral = (dev.outputs.cutover as { pools: Record<string, PoolCutoverRecord> }).pools.general;
        expect(devGeneral.instanceTypesIn).toBe("nodeGroup");
        expect(dev.resources.find((r) => r.name === "general-ng")!.inputs.instanceTypes).toStrictEqual([
            "t3.large",
            "t3a.large",
            "m6i.large",
        ]);
    });

    describe("where a deployed AL2023 node group's instance types are: the record, never the live read", () => {
        /** prod's facts with the AL2023 node groups' instanceTypes null, as DescribeNodegroup may answer with a launch template. */
        function factsWithoutLiveTypes(): CloudFacts {
            const facts = structuredClone(exampleFacts("prod"));
            for (const name of [AL2023_NAMES["prod/general"], AL2023_NAMES["prod/batch"]]) {
                delete (facts.nodegroups[name].nodegroup as { instanceTypes?: string[] }).instanceTypes;
            }
            return facts;
        }
        /** prod in canary after prepare, its record given `extra` per pool, with `facts`. */
        const canary = (
            facts: CloudFacts,
            extra: Partial<PoolCutoverRecord>,
            edit: (config: Record<string, unknown>) => void = () => {},
        ) => {
            const config: Record<string, unknown> = { ...stackFileConfig("prod"), cutoverPhase: "canary" };
            edit(config);
            const pool = (name: string, legacy: string) => ({
                ...record("prod", name, legacy, "prepare", facts),
                ...extra,
            });
            const pools = { general: pool("general", "prod-general-al2"), batch: pool("batch", "prod-batch-al2") };
            return evaluateOffline({
                stack: "prod",
                config,
                facts,
                previousOutputs: { cutover: { version: 1, pools } },
                otherStacks: {
                    "acme/eks-al2023-migration/dev": {
                        cutover: {
                            version: 1,
                            pools: {
                                general: record("dev", "general", "dev-general-al2", "canary", exampleFacts("dev")),
                            },
                        },
                    },
                },
                program,
            });
        };
        const inputs = (e: Evaluation, name: string) => e.resources.find((r) => r.name === name)!.inputs;
        const recorded = (e: Evaluation) => (e.outputs.cutover as { pools: Record<string, PoolCutoverRecord> }).pools;

        it("an old record (no instanceTypesIn) and a live node group whose instanceTypes read as none: kept on the node group, recorded nodeGroup", async () => {
            const old = ok(await canary(factsWithoutLiveTypes(), {}));
            // Exactly the inputs of the node group as the live read with its instanceTypes gives them (tested above).
            const asBefore = ok(await canary(exampleFacts("prod"), {}));
            expect(inputs(old, "general-ng").instanceTypes).toStrictEqual(["m6i.xlarge"]);
            expect(inputs(old, "batch-ng").instanceTypes).toStrictEqual(["r6i.2xlarge"]);
            for (const name of ["general-ng", "batch-ng", "general-lt", "batch-lt"]) {
                expect(inputs(old, name), name).toStrictEqual(inputs(asBefore, name));
            }
            expect(inputs(old, "general-lt")).not.toHaveProperty("instanceType");
            expect(inputs(old, "batch-lt")).not.toHaveProperty("instanceType");
            expect([recorded(old).general.instanceTypesIn, recorded(old).batch.instanceTypesIn]).toStrictEqual([
                "nodeGroup",
                "nodeGroup",
            ]);
        });

        it("a record of launchTemplate keeps the type in the template, and a change of it is a new template version", async () => {
            const facts = factsWithoutLiveTypes();
            const same = ok(await canary(facts, { instanceTypesIn: "launchTemplate" }));
            expect(inputs(same, "general-lt").instanceType).toBe("m6i.xlarge");
            expect(inputs(same, "general-ng")).not.toHaveProperty("instanceTypes");
            expect(recorded(same).general.instanceTypesIn).toBe("launchTemplate");
            const changed = ok(
                await canary(facts, { instanceTypesIn: "launchTemplate" }, (config) => {
                    (config.pools as Record<string, unknown>[])[0].instanceTypes = ["m6i.2xlarge"];
                }),
            );
            expect(inputs(changed, "general-lt").instanceType).toBe("m6i.2xlarge");
            expect(inputs(changed, "general-ng")).not.toHaveProperty("instanceTypes");
            // Several types cannot go in its template: refused before anything is declared.
            const several = await canary(facts, { instanceTypesIn: "launchTemplate" }, (config) => {
                (config.pools as Record<string, unknown>[])[0].instanceTypes = ["m6i.xlarge", "m5.xlarge"];
            });
            expect(String(several.error)).toContain(
                'pools[0].instanceTypes: ["m6i.xlarge","m5.xlarge"] is not allowed; it would replace AL2023 node group "general-20261109101204556700000001" (which has its one instance type in its launch template)',
            );
            expect(several.resources.filter((r) => !r.type.startsWith("pulumi:pulumi:"))).toStrictEqual([]);
        });

        it("a record of nodeGroup keeps the types on the node group, whatever the live read says", async () => {
            const kept = ok(await canary(factsWithoutLiveTypes(), { instanceTypesIn: "nodeGroup" }));
            expect(inputs(kept, "general-ng").instanceTypes).toStrictEqual(["m6i.xlarge"]);
            expect(inputs(kept, "general-lt")).not.toHaveProperty("instanceType");
        });
    });

    it("fails before declaring anything when a guard refuses the phase", async () => {
        const skipped = await evaluateStack("dev", "drain", "canary");
        expect(String(skipped.error)).toContain('cutoverPhase: "drain" is not allowed');
        expect(skipped.resources.map((r) => r.type).filter((t) => !t.startsWith("pulumi:pulumi:"))).toStrictEqual([]);
    });

    it("refuses a prod phase that dev has not completed", async () => {
        const facts = exampleFacts("prod");
        const evaluation = await evaluateOffline({
            stack: "prod",
            config: { ...stackFileConfig("prod"), cutoverPhase: "canary" },
            facts,
            previousOutputs: {
                cutover: {
                    version: 1,
                    pools: {
                        general: record("prod", "general", "prod-general-al2", "prepare", facts),
                        batch: record("prod", "batch", "prod-batch-al2", "prepare", facts),
                    },
                },
            },
            otherStacks: {
                "acme/eks-al2023-migration/dev": {
                    cutover: {
                        version: 1,
                        pools: { general: record("dev", "general", "dev-general-al2", "prepare", exampleFacts("dev")) },
                    },
                },
            },
            program,
        });
        expect(String(evaluation.error)).toContain('may not move pool "general" to "canary"');
        expect(evaluation.resources.map((r) => r.type).filter((t) => !t.startsWith("pulumi:pulumi:"))).toStrictEqual(
            [],
        );
    });

    it("refuses a kubeconfig context that does not exist, before declaring anything", async () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
        const file = path.join(folder, "config");
        fs.writeFileSync(
            file,
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [
                    { name: "c", cluster: { server: "https://127.0.0.1:6443" } },
                    { name: "other", cluster: { server: "https://127.0.0.2:6443" } },
                ],
                users: [
                    { name: "u", user: { token: "t" } },
                    { name: "other-admin", user: { token: "other-secret-token" } },
                ],
                contexts: [{ name: "shop-dev-admin", context: { cluster: "c", user: "u" } }],
                "current-context": "shop-dev-admin",
            }),
        );
        const saved = process.env.KUBECONFIG;
        process.env.KUBECONFIG = file;
        try {
            const missing = await evaluateStack("dev", "canary", "prepare", (config) => {
                config.kubernetes = { context: "shop-prod-admin" };
            });
            expect(String(missing.error)).toContain(
                'kubernetes.context: "shop-prod-admin" is not a context of the kubeconfig (shop-dev-admin)',
            );
            expect(missing.resources.map((r) => r.type).filter((t) => !t.startsWith("pulumi:pulumi:"))).toStrictEqual(
                [],
            );

            const present = ok(
                await evaluateStack("dev", "shift", "canary", (config) => {
                    config.kubernetes = { context: "shop-dev-admin" };
                }),
            );
            const cordon = present.resources.find((r) => r.name === "general-legacy-cordon")!;
            const kubeconfig = JSON.stringify(cordon.inputs.kubeconfig);
            expect(kubeconfig).toContain("shop-dev-admin");
            // Only the chosen context's cluster and user reach the state.
            expect(kubeconfig).not.toContain("other-secret-token");
            expect(kubeconfig).not.toContain("127.0.0.2");
        } finally {
            if (saved === undefined) delete process.env.KUBECONFIG;
            else process.env.KUBECONFIG = saved;
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });

    it("gives the live gates the zones of the AL2023 node group's subnets, read with aws.ec2.getSubnet", async () => {
        const shift = ok(await evaluateStack("dev", "shift", "canary"));
        const cordon = shift.resources.find((r) => r.name === "general-legacy-cordon")!.inputs as {
            preflight: { target: { zones?: string[] } };
        };
        // facts/dev/ec2-describe-subnets.json: the AL2 node group's three subnets, which the pool inherits.
        expect(cordon.preflight.target.zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        expect(
            shift.invokes
                .filter((i) => i.token === "aws:ec2/getSubnet:getSubnet")
                .map((i) => i.inputs.id)
                .sort(),
        ).toEqual(["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"]);

        // Subnets the facts do not describe: no zone offline, so the gate's zones stay unknown.
        expect(
            answerInvoke({ ...exampleFacts("dev"), subnetZones: {} }, "aws:ec2/getSubnet:getSubnet", {
                id: "subnet-0b2c3d4e5f6071829",
            }),
        ).toStrictEqual({ id: "subnet-0b2c3d4e5f6071829", availabilityZone: "", tags: {} });
    });

    it("reads the subnets' zones in subnet id order, once each, whatever order the subnets are given in", async () => {
        const cloud = await useOfflineCloud(exampleFacts("dev"));
        let read: unknown;
        await runProgram(async () => {
            read = await resolve(
                subnetZones(["subnet-0c3d4e5f607182930", "subnet-0a1b2c3d4e5f60718", "subnet-0c3d4e5f607182930"]),
            );
            return {};
        });
        expect(read).toStrictEqual({
            subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0c3d4e5f607182930"],
            zones: { "subnet-0a1b2c3d4e5f60718": "eu-west-1a", "subnet-0c3d4e5f607182930": "eu-west-1c" },
        });
        expect(
            cloud.invokes.filter((i) => i.token === "aws:ec2/getSubnet:getSubnet").map((i) => i.inputs.id),
        ).toStrictEqual(["subnet-0a1b2c3d4e5f60718", "subnet-0c3d4e5f607182930"]);
    });

    it("rolls back from shift to canary without shrinking AL2023, and a re-run changes nothing", async () => {
        const rollback = ok(await evaluateStack("dev", "canary", "shift"));
        expect(names(rollback, DYNAMIC)).toStrictEqual([RETIREMENT, SETTLE]);
        expect(rollback.resources.find((r) => r.name === "general-ng")!.inputs.scalingConfig).toStrictEqual({
            minSize: 1,
            desiredSize: 2,
            maxSize: 4,
        });
        const legacy = rollback.resources.find((r) => r.name === "general-legacy")!.inputs;
        expect(legacy.taints).toStrictEqual([]);
        const record = (rollback.outputs.cutover as { pools: Record<string, PoolCutoverRecord> }).pools.general;
        expect(record).toMatchObject({ phase: "canary", al2023HeldAtFullSize: true });

        const facts = exampleFacts("dev");
        const rerun = ok(
            await evaluateOffline({
                stack: "dev",
                config: { ...stackFileConfig("dev"), cutoverPhase: "canary" },
                facts,
                previousOutputs: { cutover: rollback.outputs.cutover },
                otherStacks: {},
                program,
            }),
        );
        const snapshot = (e: Evaluation) => JSON.stringify(e.resources.map((r) => [r.type, r.name, r.inputs]));
        expect(snapshot(rerun)).toBe(snapshot(rollback));
    });
});
