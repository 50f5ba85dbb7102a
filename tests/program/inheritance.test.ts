import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit AWS-CLI-shaped JSON in place */

const NG = "aws:eks/nodeGroup:NodeGroup";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const LAUNCH_TEMPLATE_ID = "lt-0c1d2e3f4a5b6c7d8";
const KMS = "arn:aws:kms:eu-west-1:111122223333:key/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7";
const CLUSTER_SG = "sg-0a11b22c33d44e55f";

/** The dev pool with only its name, AL2 node group and size: everything else is the pool's to inherit. */
function minimalPool(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: "general", legacyNodeGroup: "dev-general-al2", scaling: { min: 1, desired: 2, max: 4 }, ...extra };
}

/** Runs the real program on dev's facts, with the AL2 node group edited and the pool given. */
async function evaluate(args: {
    readonly pool: Record<string, unknown>;
    readonly al2?: (nodegroup: any, facts: any) => void;
    readonly previousOutputs?: Record<string, unknown>;
    readonly phase?: string;
}): Promise<Evaluation> {
    const { default: program } = await import("../../index");
    const config = { ...stackFileConfig("dev"), pools: [args.pool], cutoverPhase: args.phase ?? "prepare" };
    const facts = structuredClone(exampleFacts("dev")) as any;
    args.al2?.(facts.nodegroups["dev-general-al2"].nodegroup, facts);
    return evaluateOffline({
        stack: "dev",
        config,
        facts: facts as CloudFacts,
        previousOutputs: args.previousOutputs ?? {},
        program,
    });
}

function inputs(evaluation: Evaluation, type: string, name: string): Record<string, any> {
    const found = evaluation.resources.find((r) => r.type === type && r.name === name);
    if (found === undefined) throw new Error(`no ${type} ${name}: ${String(evaluation.error)}`);
    return found.inputs;
}

/**
 * Where the pool's instance types were declared: the launch template's one `instanceType` (a single-type pool's first
 * declaration) or the node group's `instanceTypes`.
 */
function placedInstanceTypes(evaluation: Evaluation): { launchTemplate?: string; nodeGroup?: string[] } {
    const lt = inputs(evaluation, LT, "general-lt").instanceType;
    const ng = inputs(evaluation, NG, "general-ng").instanceTypes;
    return { ...(lt !== undefined && { launchTemplate: lt }), ...(ng !== undefined && { nodeGroup: ng }) };
}

/** The AL2023 node group's inputs that inheritance decides (the instance types where they were placed). */
function nodeGroupPart(evaluation: Evaluation) {
    const ng = inputs(evaluation, NG, "general-ng");
    return {
        amiType: ng.amiType,
        instanceTypes: placedInstanceTypes(evaluation),
        capacityType: ng.capacityType,
        labels: ng.labels,
        taints: ng.taints,
        updateConfig: ng.updateConfig,
    };
}

/** The launch template's root volume and security groups. */
function launchTemplatePart(evaluation: Evaluation) {
    const lt = inputs(evaluation, LT, "general-lt");
    return { ebs: lt.blockDeviceMappings[0].ebs, vpcSecurityGroupIds: lt.vpcSecurityGroupIds };
}

const GPU_AL2 = (ng: any) => {
    ng.amiType = "AL2_x86_64_GPU";
    ng.instanceTypes = ["g5.xlarge"];
    ng.capacityType = "ON_DEMAND";
    ng.diskSize = 100;
    ng.labels = {
        workload: "gpu",
        "eks.amazonaws.com/nodegroup": "dev-general-al2",
        "alpha.eksctl.io/cluster-name": "x",
    };
    ng.taints = [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }];
    ng.updateConfig = { maxUnavailablePercentage: 20 };
};

/**
 * An AL2 node group on version 2 of a launch template, with an 80 GiB gp2 root volume, its own KMS key and security
 * group; the template's default is version 4 (a 30 GiB root volume, another security group), which it does not run.
 */
const LAUNCH_TEMPLATE_AL2 = (ng: any, facts: any) => {
    delete ng.diskSize;
    ng.launchTemplate = { id: LAUNCH_TEMPLATE_ID, name: "dev-general-al2", version: "2" };
    facts.launchTemplateVersions = {
        [LAUNCH_TEMPLATE_ID]: [
            {
                LaunchTemplateId: LAUNCH_TEMPLATE_ID,
                VersionNumber: 4,
                DefaultVersion: true,
                LaunchTemplateData: {
                    UserData: Buffer.from("#!/bin/bash\n/etc/eks/bootstrap.sh shop-dev\n").toString("base64"),
                    BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, VolumeType: "gp3" } }],
                    SecurityGroupIds: ["sg-0aaaabbbbccccdddd"],
                },
            },
            {
                LaunchTemplateId: LAUNCH_TEMPLATE_ID,
                VersionNumber: 2,
                DefaultVersion: false,
                LaunchTemplateData: {
                    UserData: Buffer.from("#!/bin/bash\n/etc/eks/bootstrap.sh shop-dev\n").toString("base64"),
                    BlockDeviceMappings: [
                        {
                            DeviceName: "/dev/xvda",
                            Ebs: { VolumeSize: 80, VolumeType: "gp2", KmsKeyId: KMS, Encrypted: true },
                        },
                    ],
                    SecurityGroupIds: ["sg-0f0e0d0c0b0a09080"],
                },
            },
        ],
    };
};

describe("a pool inherits what its config leaves out from the live AL2 node group (real program, mocks)", () => {
    it.each([
        {
            title: "dev's AL2 node group: instance types, spot, labels, the update setting",
            pool: minimalPool(),
            al2: undefined,
            nodeGroup: {
                amiType: "AL2023_x86_64_STANDARD",
                instanceTypes: { launchTemplate: "t3.large" },
                capacityType: "SPOT",
                labels: { workload: "general" },
                taints: [],
                updateConfig: { maxUnavailable: 1 },
            },
            launchTemplate: { volumeSize: 50, securityGroups: undefined },
        },
        {
            title: "a GPU node group: the NVIDIA variant, taints, no EKS/eksctl labels, a 100 GiB disk, 20 %",
            pool: minimalPool(),
            al2: GPU_AL2,
            nodeGroup: {
                amiType: "AL2023_x86_64_NVIDIA",
                instanceTypes: { launchTemplate: "g5.xlarge" },
                capacityType: "ON_DEMAND",
                labels: { workload: "gpu" },
                taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
                updateConfig: { maxUnavailablePercentage: 20 },
            },
            launchTemplate: { volumeSize: 100, securityGroups: undefined },
        },
        {
            title: "what the config sets wins over the AL2 node group",
            pool: minimalPool({
                capacityType: "ON_DEMAND",
                instanceTypes: ["m6i.large"],
                labels: { tier: "web" },
                taints: [],
                maxUnavailablePercentage: 50,
                rootVolume: { sizeGiB: 30 },
            }),
            al2: GPU_AL2,
            nodeGroup: {
                amiType: "AL2023_x86_64_NVIDIA",
                instanceTypes: { launchTemplate: "m6i.large" },
                capacityType: "ON_DEMAND",
                labels: { tier: "web" },
                taints: [],
                updateConfig: { maxUnavailablePercentage: 50 },
            },
            launchTemplate: { volumeSize: 30, securityGroups: undefined },
        },
        {
            title: "a launch template: the root volume size, KMS key and security groups of the version it runs (not the default)",
            pool: minimalPool(),
            al2: LAUNCH_TEMPLATE_AL2,
            nodeGroup: {
                amiType: "AL2023_x86_64_STANDARD",
                instanceTypes: { launchTemplate: "t3.large" },
                capacityType: "SPOT",
                labels: { workload: "general" },
                taints: [],
                updateConfig: { maxUnavailable: 1 },
            },
            launchTemplate: { volumeSize: 80, kmsKeyId: KMS, securityGroups: [CLUSTER_SG, "sg-0f0e0d0c0b0a09080"] },
        },
    ])("$title", async ({ pool, al2, nodeGroup, launchTemplate }) => {
        const evaluation = await evaluate({ pool, ...(al2 !== undefined && { al2 }) });
        expect(evaluation.error).toBeUndefined();
        expect(nodeGroupPart(evaluation)).toStrictEqual(nodeGroup);
        expect(launchTemplatePart(evaluation)).toStrictEqual({
            ebs: {
                volumeType: "gp3",
                volumeSize: launchTemplate.volumeSize,
                iops: 3000,
                throughput: 125,
                encrypted: "true",
                ...(launchTemplate.kmsKeyId !== undefined && { kmsKeyId: launchTemplate.kmsKeyId }),
                deleteOnTermination: "true",
            },
            vpcSecurityGroupIds: launchTemplate.securityGroups,
        });
    });

    it("records the AL2 node group at first declaration, and a later run inherits from the record, not the live group", async () => {
        const first = await evaluate({ pool: minimalPool() });
        const record = (first.outputs.cutover as any).pools.general;
        expect(record.inherited.al2).toStrictEqual({
            amiType: "AL2_x86_64",
            instanceTypes: ["t3.large"],
            capacityType: "SPOT",
            diskSize: 50,
            labels: { workload: "general" },
            taints: [],
            update: { maxUnavailable: 1 },
        });
        // The live AL2 node group changed since (and shift's taint is on it): the pool keeps what it was declared with.
        const later = await evaluate({
            pool: minimalPool(),
            phase: "canary",
            previousOutputs: { cutover: first.outputs.cutover },
            al2: (ng, facts) => {
                ng.instanceTypes = ["m6i.xlarge"];
                ng.labels = { workload: "changed" };
                ng.taints = [{ key: "eks-al2023-migration/legacy", value: "draining", effect: "NO_SCHEDULE" }];
                // The AL2023 node group the first run created, live with its inputs (its type in the launch template).
                facts.nodegroups["general-20261102093015123400000001"].nodegroup.instanceTypes = [];
            },
        });
        expect(later.error).toBeUndefined();
        expect(nodeGroupPart(later)).toMatchObject({
            instanceTypes: { launchTemplate: "t3.large" },
            labels: { workload: "general" },
            taints: [],
        });
        expect((later.outputs.pools as any).general.inheritance).toStrictEqual({
            from: "record",
            settings: {
                amiType: "inherited",
                instanceTypes: "inherited",
                capacityType: "inherited",
                labels: "inherited",
                taints: "default",
                rootVolume: "inherited",
                securityGroupIds: "default",
                maxUnavailable: "inherited",
                nodeRepair: "default",
            },
            changes: [],
            notes: [],
        });
    });
});

describe("node auto repair: inherited from the AL2 node group's DescribeNodegroup, recorded, never declared unasked", () => {
    const REPAIR_ON = (ng: any) => {
        ng.nodeRepairConfig = { enabled: true };
    };

    it.each([
        {
            title: "neither the pool nor the AL2 node group sets it",
            pool: minimalPool(),
            al2: undefined,
            input: undefined,
            from: "default",
        },
        {
            title: "the AL2 node group has it on",
            pool: minimalPool(),
            al2: REPAIR_ON,
            input: { enabled: true },
            from: "inherited",
        },
        {
            title: "the pool turns it off",
            pool: minimalPool({ nodeRepair: { enabled: false } }),
            al2: REPAIR_ON,
            input: { enabled: false },
            from: "set",
        },
        {
            title: "the pool turns it on",
            pool: minimalPool({ nodeRepair: { enabled: true } }),
            al2: undefined,
            input: { enabled: true },
            from: "set",
        },
    ])("$title", async ({ pool, al2, input, from }) => {
        const evaluation = await evaluate({ pool, ...(al2 !== undefined && { al2 }) });
        expect(evaluation.error).toBeUndefined();
        const ng = inputs(evaluation, NG, "general-ng");
        expect(ng.nodeRepairConfig).toStrictEqual(input);
        expect("nodeRepairConfig" in ng).toBe(input !== undefined);
        expect((evaluation.outputs.pools as any).general.inheritance.settings.nodeRepair).toBe(from);
    });

    it("is recorded at first declaration and kept from the record once the AL2 node group changes", async () => {
        const first = await evaluate({ pool: minimalPool(), al2: REPAIR_ON });
        expect((first.outputs.cutover as any).pools.general.inherited.al2.nodeRepair).toStrictEqual({ enabled: true });
        const later = await evaluate({
            pool: minimalPool(),
            phase: "canary",
            previousOutputs: { cutover: first.outputs.cutover },
            al2: (ng, facts) => {
                delete ng.nodeRepairConfig;
                facts.nodegroups["general-20261102093015123400000001"].nodegroup.instanceTypes = ["t3.large"];
            },
        });
        expect(later.error).toBeUndefined();
        expect(inputs(later, NG, "general-ng").nodeRepairConfig).toStrictEqual({ enabled: true });
    });
});

describe("instance types are checked before any resource", () => {
    it.each([
        [["t3.large", "m6i.large"], undefined, []],
        [["m7g.large"], "AL2023_ARM_64_STANDARD", []],
        [
            ["t3.large", "m7g.large"],
            undefined,
            [
                'pools[0].instanceTypes[1]: "m7g.large" is not allowed; it runs arm64, but amiType AL2023_x86_64_STANDARD is x86_64; choose a x86_64 instance type or an ARM_64 AMI type',
            ],
        ],
        [
            ["m6i.lrage"],
            undefined,
            [
                'pools[0].instanceTypes[0]: "m6i.lrage" is not allowed; it is not an EC2 instance type in this region (aws ec2 describe-instance-types lists those that are)',
            ],
        ],
    ] as const)("%j on %s", async (instanceTypes, amiType, problems) => {
        const evaluation = await evaluate({
            pool: minimalPool({ instanceTypes, ...(amiType !== undefined && { amiType }) }),
        });
        if (problems.length === 0) {
            expect(evaluation.error).toBeUndefined();
            // One type in the launch template, several on the node group.
            expect(placedInstanceTypes(evaluation)).toStrictEqual(
                instanceTypes.length === 1 ? { launchTemplate: instanceTypes[0] } : { nodeGroup: instanceTypes },
            );
            return;
        }
        expect(evaluation.error).toBeInstanceOf(ConfigError);
        expect((evaluation.error as ConfigError).problems).toStrictEqual(problems);
        const declared = evaluation.resources.filter((r) => !r.type.startsWith("pulumi:pulumi:"));
        expect(declared).toEqual([]);
    });

    it("checks the types a pool inherits: an AL2 ARM node group's Graviton types get the ARM variant", async () => {
        const evaluation = await evaluate({
            pool: minimalPool(),
            al2: (ng) => {
                ng.amiType = "AL2_ARM_64";
                ng.instanceTypes = ["m7g.large"];
            },
        });
        expect(evaluation.error).toBeUndefined();
        expect(nodeGroupPart(evaluation)).toMatchObject({
            amiType: "AL2023_ARM_64_STANDARD",
            instanceTypes: { launchTemplate: "m7g.large" },
        });
    });
});
