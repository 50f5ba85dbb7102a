import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts, DescribeImagesImage } from "../../plan/cloud-facts";
import { simulatePrevious } from "../../plan/simulate";
import type { CutoverPhase } from "../../cutover/phases";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";
import { nodeConfigs } from "../fakes/mime";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const LAUNCH_TEMPLATE_ID = "lt-0c1d2e3f4a5b60718";
const AL2_AMI = "ami-0a1b2c3d4e5f60718";
const AL2023_AMI = "ami-0f9e8d7c6b5a40312";

const HARDENED_AL2: DescribeImagesImage = {
    ImageId: AL2_AMI,
    Name: "acme-cis-amazon-eks-node-1.32-v20251209",
    Description: "CIS hardened EKS worker",
    PlatformDetails: "Linux/UNIX",
    Architecture: "x86_64",
    OwnerId: "111122223333",
};

/** The same hardened AL2 build for Graviton (amazon-eks-ami names its arm64 builds `amazon-eks-arm64-node-…`). */
const GRAVITON_AL2: DescribeImagesImage = {
    ...HARDENED_AL2,
    Name: "acme-cis-amazon-eks-arm64-node-1.32-v20251209",
    Architecture: "arm64",
};

/** A custom AL2023 AMI for the pool's `customAmi`, of the given architecture. */
function al2023Image(architecture: "x86_64" | "arm64"): DescribeImagesImage {
    return {
        ImageId: AL2023_AMI,
        Name: `acme-cis-al2023-eks-node-1.32-${architecture}-v20251209`,
        Description: "CIS hardened EKS AL2023 worker",
        PlatformDetails: "Linux/UNIX",
        Architecture: architecture,
        OwnerId: "111122223333",
    };
}

/** The user data of a custom AL2 AMI's launch template: the script calls bootstrap.sh itself, with the cluster. */
function userData(facts: CloudFacts): string {
    const cluster = facts.cluster.cluster;
    return [
        "#!/bin/bash",
        "set -o xtrace",
        `/etc/eks/bootstrap.sh ${cluster.name} --b64-cluster-ca ${cluster.certificateAuthority.data} \\`,
        `  --apiserver-endpoint ${cluster.endpoint} --use-max-pods false \\`,
        "  --kubelet-extra-args '--max-pods=58 --node-labels=team=shop'",
        "",
    ].join("\n");
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The dev stack whose AL2 node group runs custom AMI `image` from launch template version 3 (the default); `images`
 * are further images EC2 describes (the pool's `customAmi`). In `phase` (default the stack file's, prepare) after the
 * phase before it, as the offline plan assumes.
 */
async function evaluate(args: {
    readonly image?: DescribeImagesImage;
    readonly images?: readonly DescribeImagesImage[];
    readonly script?: string;
    readonly pool?: Raw;
    readonly phase?: CutoverPhase;
    /** Changes to the dev facts (an AL2023 node group of another architecture). */
    readonly editFacts?: (facts: Raw) => void;
}): Promise<Evaluation> {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as Raw;
    Object.assign(config.pools[0], args.pool ?? {});
    if (args.phase !== undefined) config.cutoverPhase = args.phase;
    const facts = structuredClone(exampleFacts("dev")) as Raw;
    const ng = facts.nodegroups["dev-general-al2"].nodegroup;
    ng.amiType = "CUSTOM";
    ng.diskSize = null;
    ng.launchTemplate = { id: LAUNCH_TEMPLATE_ID, name: "dev-general-al2-custom", version: "3" };
    facts.launchTemplateVersions = {
        [LAUNCH_TEMPLATE_ID]: [
            {
                LaunchTemplateId: LAUNCH_TEMPLATE_ID,
                VersionNumber: 3,
                DefaultVersion: true,
                LaunchTemplateData: {
                    ImageId: AL2_AMI,
                    UserData: Buffer.from(args.script ?? userData(facts as CloudFacts)).toString("base64"),
                },
            },
        ],
    };
    args.editFacts?.(facts);
    const images = [...(args.image === undefined ? [] : [args.image]), ...(args.images ?? [])];
    if (images.length > 0) facts.images = Object.fromEntries(images.map((image) => [image.ImageId, image]));
    const previous =
        args.phase === undefined
            ? { previousOutputs: {}, otherStacks: {} }
            : simulatePrevious({ stack: "dev", config, facts: facts as CloudFacts });
    return evaluateOffline({
        stack: "dev",
        config,
        facts: facts as CloudFacts,
        previousOutputs: previous.previousOutputs,
        otherStacks: previous.otherStacks,
        program,
    });
}

/** The resources declared, but for the stack and its references (which exist before any check). */
function declared(evaluation: Evaluation): string[] {
    return evaluation.resources
        .map((resource) => resource.type)
        .filter((type) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(type));
}

function problems(evaluation: Evaluation): readonly string[] {
    expect(evaluation.error).toBeInstanceOf(ConfigError);
    return (evaluation.error as ConfigError).problems;
}

describe("an AL2 node group on a custom AMI (amiType CUSTOM)", () => {
    it("is refused when the AMI is another system, naming it, before any resource", async () => {
        const evaluation = await evaluate({
            image: { ...HARDENED_AL2, Name: "bottlerocket-aws-k8s-1.32-x86_64-v1.30.0-9a1b2c3d", Description: "" },
            pool: { amiType: "AL2023_x86_64_STANDARD" },
        });
        expect(problems(evaluation)).toStrictEqual([
            'pools[0].legacyNodeGroup: "dev-general-al2" is not allowed; its amiType is CUSTOM and AMI ' +
                `${AL2_AMI} (name "bottlerocket-aws-k8s-1.32-x86_64-v1.30.0-9a1b2c3d", description ""), which is ` +
                "Bottlerocket, not AL2; this program migrates a custom AMI only when it is AL2 (its name or " +
                "description says amazon-eks-node or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); " +
                "a node group with another custom AMI moves to AL2023 in place by changing the AMI in its launch " +
                "template",
        ]);
        expect(declared(evaluation)).toEqual([]);
    });

    it("is refused when neither the AMI (unknown to EC2) nor the user data says AL2", async () => {
        const evaluation = await evaluate({
            script: "#!/bin/bash\n/opt/acme/join-cluster --name shop-dev\n",
            pool: { amiType: "AL2023_x86_64_STANDARD" },
        });
        expect(problems(evaluation)).toStrictEqual([
            'pools[0].legacyNodeGroup: "dev-general-al2" is not allowed; its amiType is CUSTOM and AMI ' +
                `${AL2_AMI} (EC2 does not describe it: Your query returned no results. Please change your search ` +
                "criteria and try again.): neither its name nor its description says AL2 (amazon-eks-node, Amazon " +
                "Linux 2), and its launch template's user data does not call /etc/eks/bootstrap.sh; this program " +
                "migrates a custom AMI only when it is AL2 (its name or description says amazon-eks-node or Amazon " +
                "Linux 2, or its user data calls /etc/eks/bootstrap.sh); a node group with another custom AMI moves " +
                "to AL2023 in place by changing the AMI in its launch template",
        ]);
        expect(declared(evaluation)).toEqual([]);
    });

    it("needs the pool to choose amiType or customAmi: a config error before any resource", async () => {
        const evaluation = await evaluate({ image: HARDENED_AL2 });
        expect(problems(evaluation)).toStrictEqual([
            'pools[0].amiType: nothing is not allowed; AL2 node group "dev-general-al2" runs custom AL2 AMI ' +
                `${AL2_AMI} (name "acme-cis-amazon-eks-node-1.32-v20251209", description "CIS hardened EKS worker") ` +
                "(its name or description says amazon-eks-node), from which no AL2023 AMI type follows: choose the " +
                "AL2023 image, either pools[0].amiType (AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, " +
                "AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON) or pools[0].customAmi (a custom " +
                "AL2023 AMI id, ami-...)",
        ]);
        expect(declared(evaluation)).toEqual([]);
    });

    it("with amiType chosen: adopts the node group unchanged, translates its user data, warns what was recognised", async () => {
        // An AMI EC2 does not describe: the user data's bootstrap.sh call recognises it.
        const evaluation = await evaluate({ pool: { amiType: "AL2023_x86_64_STANDARD" } });
        expect(evaluation.error).toBeUndefined();
        const legacy = evaluation.resources.find((r) => r.type === NODE_GROUP && r.name === "general-legacy")!;
        expect(legacy.inputs).toStrictEqual({
            clusterName: "shop-dev",
            nodeGroupName: "dev-general-al2",
            nodeRoleArn: "arn:aws:iam::111122223333:role/shop-dev-node-role",
            subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"],
            scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
            amiType: "CUSTOM",
            capacityType: "SPOT",
            instanceTypes: ["t3.large"],
            labels: { workload: "general" },
            taints: [],
            launchTemplate: { id: LAUNCH_TEMPLATE_ID, version: "3" },
            releaseVersion: "1.32.9-20251209",
            version: "1.32",
            updateConfig: { maxUnavailable: 1 },
            tags: { team: "platform" },
        });
        expect(evaluation.options.get(optionsKey(NODE_GROUP, "general-legacy"))?.import).toBe(
            "shop-dev:dev-general-al2",
        );
        const al2023 = evaluation.resources.find((r) => r.type === NODE_GROUP && r.name === "general-ng")!;
        expect(al2023.inputs.amiType).toBe("AL2023_x86_64_STANDARD");
        // dev's pool sets labels: the user data's team=shop is not added (listed as dropped instead).
        expect(al2023.inputs.labels).toStrictEqual({ workload: "general" });
        const template = evaluation.resources.find((r) => r.type === LAUNCH_TEMPLATE)!;
        expect(template.inputs.imageId).toBeUndefined();
        const [nodeConfig] = nodeConfigs(Buffer.from(template.inputs.userData as string, "base64").toString("utf8"));
        expect((nodeConfig as { spec: { kubelet: { config: unknown } } }).spec.kubelet.config).toMatchObject({
            maxPods: 58,
        });
        expect(evaluation.outputs.warnings).toContain(
            'pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" runs custom AMI ' +
                `${AL2_AMI} (EC2 does not describe it: Your query returned no results. Please change your search ` +
                "criteria and try again.), recognised as AL2 (its launch template's user data calls " +
                "/etc/eks/bootstrap.sh); its AL2023 nodes run pools[0].amiType AL2023_x86_64_STANDARD. Its user " +
                "data is translated like any AL2 launch template's, but what the image itself adds (hardening, " +
                "agents, files) does not move: build it into the AL2023 image, or add it to " +
                "pools[0].preBootstrapScripts",
        );
        expect(evaluation.invokes.filter((call) => call.token === "aws:ec2/getAmi:getAmi")).toStrictEqual([
            {
                token: "aws:ec2/getAmi:getAmi",
                inputs: { filters: [{ name: "image-id", values: [AL2_AMI] }], includeDeprecated: true },
            },
        ]);
    });

    it("with customAmi chosen: the AL2023 launch template carries the AL2023 AMI, the node group no amiType", async () => {
        const evaluation = await evaluate({ image: HARDENED_AL2, pool: { customAmi: AL2023_AMI } });
        expect(evaluation.error).toBeUndefined();
        const al2023 = evaluation.resources.find((r) => r.type === NODE_GROUP && r.name === "general-ng")!;
        expect(al2023.inputs.amiType).toBeUndefined();
        expect(al2023.inputs.releaseVersion).toBeUndefined();
        const template = evaluation.resources.find((r) => r.type === LAUNCH_TEMPLATE)!;
        expect(template.inputs.imageId).toBe(AL2023_AMI);
        const [nodeConfig] = nodeConfigs(Buffer.from(template.inputs.userData as string, "base64").toString("utf8"));
        expect((nodeConfig as { spec: { kubelet: { config: unknown } } }).spec.kubelet.config).toMatchObject({
            maxPods: 58,
        });
    });
});

describe("the architecture of a custom AMI comes from the AMI (aws.ec2.getAmi), not from amiType CUSTOM", () => {
    const getAmiIds = (evaluation: Evaluation) =>
        evaluation.invokes
            .filter((call) => call.token === "aws:ec2/getAmi:getAmi")
            .map((call) => (call.inputs.filters as { values: string[] }[])[0].values[0]);

    it("an arm64 custom AMI with Graviton instance types passes", async () => {
        const evaluation = await evaluate({
            image: GRAVITON_AL2,
            images: [al2023Image("arm64")],
            pool: { customAmi: AL2023_AMI, instanceTypes: ["m7g.large", "c7g.2xlarge"] },
        });
        expect(evaluation.error).toBeUndefined();
        const al2023 = evaluation.resources.find((r) => r.type === NODE_GROUP && r.name === "general-ng")!;
        expect(al2023.inputs.instanceTypes).toStrictEqual(["m7g.large", "c7g.2xlarge"]);
        // The AL2 node group's AMI (recognition) and the pool's (its architecture) are each described once.
        expect(getAmiIds(evaluation)).toStrictEqual([AL2_AMI, AL2023_AMI]);
        // Each instance type asked once, in name order whatever the pool's order.
        expect(
            evaluation.invokes
                .filter((call) => call.token === "aws:ec2/getInstanceType:getInstanceType")
                .map((call) => call.inputs.instanceType),
        ).toStrictEqual(["c7g.2xlarge", "m7g.large"]);
    });

    it("an arm64 custom AMI with an x86_64 instance type is refused, naming the key, the value and what is allowed", async () => {
        const evaluation = await evaluate({
            image: GRAVITON_AL2,
            images: [al2023Image("arm64")],
            pool: { customAmi: AL2023_AMI, instanceTypes: ["m7g.large", "m6i.large"] },
        });
        expect(problems(evaluation)).toStrictEqual([
            'pools[0].instanceTypes[1]: "m6i.large" is not allowed; it runs x86_64, but customAmi ' +
                `${AL2023_AMI} is arm64; choose a arm64 instance type or an x86_64 custom AMI`,
        ]);
        expect(declared(evaluation)).toEqual([]);
    });

    it("an x86_64 custom AMI with an x86_64 instance type passes, with a Graviton type is refused", async () => {
        const passes = await evaluate({
            image: HARDENED_AL2,
            images: [al2023Image("x86_64")],
            pool: { customAmi: AL2023_AMI, instanceTypes: ["m6i.large"] },
        });
        expect(passes.error).toBeUndefined();
        const refused = await evaluate({
            image: HARDENED_AL2,
            images: [al2023Image("x86_64")],
            pool: { customAmi: AL2023_AMI, instanceTypes: ["m7g.large"] },
        });
        expect(problems(refused)).toStrictEqual([
            'pools[0].instanceTypes[0]: "m7g.large" is not allowed; it runs arm64, but customAmi ' +
                `${AL2023_AMI} is x86_64; choose a x86_64 instance type or an arm64 custom AMI`,
        ]);
        expect(declared(refused)).toEqual([]);
    });

    it("the pre-flight gate of the cordon takes the AL2 nodes' architecture from their custom AL2 AMI", async () => {
        type Gate = { preflight: { target: { legacyArchitecture?: string; architecture: string } } };
        const gateTarget = (evaluation: Evaluation) => {
            expect(evaluation.error).toBeUndefined();
            const cordon = evaluation.resources.find((r) => r.name === "general-legacy-cordon")!;
            return (cordon.inputs as Gate).preflight.target;
        };
        // arm64 AL2 nodes moving to arm64 AL2023 nodes (the AL2023 node group of the facts made Graviton too): no
        // architecture change for the gate to warn about.
        const graviton = await evaluate({
            phase: "shift",
            image: GRAVITON_AL2,
            pool: { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large"] },
            editFacts: (facts) => {
                const al2023 = facts.nodegroups["general-20261102093015123400000001"].nodegroup;
                al2023.amiType = "AL2023_ARM_64_STANDARD";
                al2023.instanceTypes = ["m7g.large"];
            },
        });
        expect(gateTarget(graviton)).toMatchObject({ legacyArchitecture: "arm64", architecture: "arm64" });
        // arm64 AL2 nodes moving to x86_64 AL2023 nodes: an architecture change (amiType CUSTOM would have hidden it).
        const toX86 = await evaluate({
            phase: "shift",
            image: GRAVITON_AL2,
            pool: { amiType: "AL2023_x86_64_STANDARD" },
        });
        expect(gateTarget(toX86)).toMatchObject({ legacyArchitecture: "arm64", architecture: "amd64" });
        const x86 = await evaluate({
            phase: "shift",
            image: HARDENED_AL2,
            pool: { amiType: "AL2023_x86_64_STANDARD" },
        });
        expect(gateTarget(x86)).toMatchObject({ legacyArchitecture: "amd64", architecture: "amd64" });
    });
});
