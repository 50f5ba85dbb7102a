import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts, DescribeImagesImage } from "../../plan/cloud-facts";
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

/** The dev stack whose AL2 node group runs custom AMI `image` from launch template version 3 (the default). */
async function evaluate(args: {
    readonly image?: DescribeImagesImage;
    readonly script?: string;
    readonly pool?: Raw;
}): Promise<Evaluation> {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as Raw;
    Object.assign(config.pools[0], args.pool ?? {});
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
    if (args.image !== undefined) facts.images = { [args.image.ImageId]: args.image };
    return evaluateOffline({ stack: "dev", config, facts: facts as CloudFacts, previousOutputs: {}, program });
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
        expect(al2023.inputs.labels).toStrictEqual({ workload: "general", team: "shop" });
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
