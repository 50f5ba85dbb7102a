import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LegacyNodeGroup, legacyNodeGroupInputs } from "../../cutover/legacy-node-group";
import type { CutoverPhase } from "../../cutover/phases";
import { legacySizeAtAdoption } from "../../cutover/cutover-record";
import { lookupNodeGroup } from "../../cutover/live-node-groups";
import { planPhase, type LegacyPresentPlan } from "../../cutover/phase-plan";
import { liveNodeGroup, poolConfig } from "./cutover-fixtures";
import { exampleFacts, runProgram, useOfflineCloud } from "../fakes/mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** prod-general-al2 as `aws eks describe-nodegroup` shows it (facts/prod), in NodeGroup input form. */
const DESCRIBED_GENERAL = {
    clusterName: "shop-prod",
    nodeGroupName: "prod-general-al2",
    nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
    subnetIds: ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c", "subnet-0f60718293a4b5c6d"],
    scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 12 },
    amiType: "AL2_x86_64",
    capacityType: "ON_DEMAND",
    instanceTypes: ["m6i.xlarge"],
    diskSize: 50,
    labels: { workload: "general" },
    taints: [],
    releaseVersion: "1.32.9-20251209",
    version: "1.32",
    updateConfig: { maxUnavailable: 1 },
    tags: { team: "platform" },
};

/** Plans prod-general-al2 in a phase from its live size. */
function legacyPlan(phase: CutoverPhase, name: "prod-general-al2" | "prod-batch-al2" = "prod-general-al2") {
    const live = liveNodeGroup(name);
    const plan = planPhase({
        phase,
        pool: poolConfig({ legacyNodeGroup: name }),
        legacyAtAdoption: legacySizeAtAdoption(undefined, live),
    }).legacy;
    if (!plan?.present) throw new Error(`no AL2 node group in ${phase}`);
    return plan;
}

/** Declares the adopted node group the way the lead does, reading it live, and returns its recorded inputs. */
async function deploy(
    phase: CutoverPhase,
    adopt: boolean,
    name: "prod-general-al2" | "prod-batch-al2" = "prod-general-al2",
) {
    const cloud = await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
    const options: pulumi.CustomResourceOptions[] = [];
    const outputs = await runProgram(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            if (args.type === NODE_GROUP) options.push(args.opts);
            return undefined;
        });
        const live = await lookupNodeGroup("shop-prod", name);
        const legacy = new LegacyNodeGroup("general", {
            live: live!,
            plan: legacyPlan(phase, name),
            adopt,
            sizeAtAdoption: legacySizeAtAdoption(undefined, live)!,
        });
        return { name: legacy.nodeGroupName, scaling: legacy.scalingConfig };
    });
    const declared = cloud.ofType(NODE_GROUP);
    expect(declared.map((r) => r.name)).toStrictEqual(["general-legacy"]);
    expect(options).toHaveLength(1);
    return { cloud, outputs, resource: declared[0], options: options[0] };
}

describe("LegacyNodeGroup", () => {
    afterEach(() => {
        vi.restoreAllMocks();
    });

    it("adoption declares exactly the live node group, imported by <cluster>:<nodegroup>", async () => {
        const { cloud, outputs, resource, options } = await deploy("prepare", true);
        expect(resource.inputs).toStrictEqual(DESCRIBED_GENERAL);
        expect(options).toMatchObject({ import: "shop-prod:prod-general-al2", protect: true, ignoreChanges: [] });
        expect(outputs).toStrictEqual({
            name: "prod-general-al2",
            scaling: { minSize: 3, desiredSize: 6, maxSize: 12 },
        });
        const component = cloud.resource("eks-al2023-migration:cutover:LegacyNodeGroup", "general");
        // The policy pack's marker: the node group and its size at adoption, nothing written to AWS.
        expect(component.inputs).toStrictEqual({
            nodeGroupName: "prod-general-al2",
            sizeAtAdoption: { min: 3, desired: 6, max: 12 },
            autoscaled: false,
        });
    });

    it.each([true, false])(
        "records autoscaled: %s for the policy pack in its props and its registered outputs",
        async (autoscaled) => {
            const registered: Record<string, unknown>[] = [];
            // registerOutputs is protected: reach it through the prototype to see what the component registers.
            const prototype = pulumi.ComponentResource.prototype as unknown as {
                registerOutputs(outputs?: unknown): void;
            };
            const original = prototype.registerOutputs;
            vi.spyOn(prototype, "registerOutputs").mockImplementation(function (this: unknown, outputs?: unknown) {
                // The SDK also calls it with nothing after `initialize`; the component's own call carries the outputs.
                if (this instanceof LegacyNodeGroup && outputs !== undefined) {
                    registered.push(outputs as Record<string, unknown>);
                }
                original.call(this, outputs);
            });
            const cloud = await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
            await runProgram(async () => {
                const live = await lookupNodeGroup("shop-prod", "prod-general-al2");
                const legacy = new LegacyNodeGroup("general", {
                    live: live!,
                    plan: legacyPlan("canary"),
                    adopt: false,
                    sizeAtAdoption: { min: 3, desired: 6, max: 12 },
                    autoscaled,
                });
                return { name: legacy.nodeGroupName };
            });
            const component = cloud.resource("eks-al2023-migration:cutover:LegacyNodeGroup", "general");
            expect(component.inputs).toStrictEqual({
                nodeGroupName: "prod-general-al2",
                sizeAtAdoption: { min: 3, desired: 6, max: 12 },
                autoscaled,
            });
            expect(registered).toHaveLength(1);
            expect(registered[0]).toMatchObject({ sizeAtAdoption: { min: 3, desired: 6, max: 12 }, autoscaled });
        },
    );

    it("adoption keeps the node group's own taints (prod-batch-al2)", async () => {
        const { resource } = await deploy("canary", true, "prod-batch-al2");
        expect(resource.inputs).toMatchObject({
            nodeGroupName: "prod-batch-al2",
            instanceTypes: ["r6i.2xlarge"],
            scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 8 },
            labels: { workload: "batch" },
            taints: [{ key: "workload", value: "batch", effect: "NO_SCHEDULE" }],
        });
    });

    it("shift adds the NoSchedule taint after the user's and keeps the sizes", async () => {
        const { resource, options } = await deploy("shift", false, "prod-batch-al2");
        expect(options.import).toBeUndefined();
        expect(options.protect).toBe(true);
        expect(resource.inputs.scalingConfig).toStrictEqual({ minSize: 2, desiredSize: 3, maxSize: 8 });
        expect(resource.inputs.taints).toStrictEqual([
            { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
            { key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" },
        ]);
    });

    it("drain sets min 0 and desired 0, max unchanged, taint kept", async () => {
        const { resource } = await deploy("drain", false);
        expect(resource.inputs).toStrictEqual({
            ...DESCRIBED_GENERAL,
            scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 12 },
            taints: [{ key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" }],
        });
    });

    it("passes dependsOn and the phase's options to the node group", async () => {
        await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
        const seen: pulumi.CustomResourceOptions[] = [];
        await runProgram(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                if (args.type === NODE_GROUP) seen.push(args.opts);
                return undefined;
            });
            const live = await lookupNodeGroup("shop-prod", "prod-general-al2");
            const drain = new pulumi.ComponentResource("test:drain:Drain", "drain");
            new LegacyNodeGroup(
                "general",
                {
                    live: live!,
                    plan: legacyPlan("drain"),
                    adopt: false,
                    ignoreDesiredSizeChanges: true,
                    sizeAtAdoption: { min: 3, desired: 6, max: 12 },
                },
                { dependsOn: [drain] },
            );
            return {};
        });
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({
            protect: false,
            retainOnDelete: false,
            ignoreChanges: ["scalingConfig.desiredSize"],
        });
        expect(seen[0].import).toBeUndefined();
        expect((seen[0].dependsOn as pulumi.Resource[]).length).toBe(1);
    });

    it("refuses a protect option (the component must stay deletable in decommission)", () => {
        const live = liveNodeGroup("prod-general-al2");
        const args = { live, plan: legacyPlan("shift"), adopt: false, sizeAtAdoption: { min: 3, desired: 6, max: 12 } };
        expect(() => new LegacyNodeGroup("general", args, { protect: true })).toThrow(
            "LegacyNodeGroup general: do not pass protect; it comes from the phase plan (plan.protect)",
        );
    });
});

describe("legacyNodeGroupInputs", () => {
    const shift: LegacyPresentPlan = {
        present: true,
        scaling: { min: 1, desired: 2, max: 4 },
        taintNoSchedule: true,
        cordon: true,
        drain: false,
        protect: true,
    };

    it("copies a launch template, remote access and update percentage, without diskSize", () => {
        const live = liveNodeGroup("prod-general-al2", {
            instanceTypes: [],
            diskSize: 0,
            launchTemplates: [{ id: "lt-0abc", name: "general", version: "7" }],
            remoteAccesses: [{ ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-0123456789abcdef0"] }],
            updateConfigs: [{ maxUnavailable: 0, maxUnavailablePercentage: 33, updateStrategy: "DEFAULT" }],
        });
        const inputs = legacyNodeGroupInputs(live, shift);
        // The launch template carries the instance types and disk: the inputs have no such keys at all.
        const described: Record<string, unknown> = { ...DESCRIBED_GENERAL };
        delete described.instanceTypes;
        delete described.diskSize;
        expect(inputs).toStrictEqual({
            ...described,
            scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
            taints: [{ key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" }],
            launchTemplate: { id: "lt-0abc", version: "7" },
            remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-0123456789abcdef0"] },
            updateConfig: { maxUnavailablePercentage: 33, updateStrategy: "DEFAULT" },
        });
        expect(Object.keys(inputs)).not.toContain("diskSize");
        expect(Object.keys(inputs)).not.toContain("instanceTypes");
    });

    it("removes only its own taint on a rollback to canary, never the user's", () => {
        const live = liveNodeGroup("prod-batch-al2", {
            taints: [
                { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
                { key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" },
                { key: "dedicated", value: "", effect: "NO_EXECUTE" },
            ],
        });
        const canary = { ...shift, taintNoSchedule: false, cordon: false };
        expect(legacyNodeGroupInputs(live, canary).taints).toStrictEqual([
            { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
            { key: "dedicated", effect: "NO_EXECUTE" },
        ]);
        expect(legacyNodeGroupInputs(live, shift).taints).toStrictEqual([
            { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
            { key: "dedicated", effect: "NO_EXECUTE" },
            { key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" },
        ]);
    });
});
