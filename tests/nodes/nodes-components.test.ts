import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { NodeLaunchTemplate } from "../../nodes/launch-template";
import { Al2023NodeGroup } from "../../nodes/node-group";
import { NodeRole } from "../../nodes/node-role";
import { launchTemplateArgs, nodeGroupArgs } from "../../nodes/pool-args";
import { instanceTypePlacement, instanceTypesIn, type InstanceTypesIn } from "../../nodes/instance-type-placement";
import { MIME_BOUNDARY, SHELL_SCRIPT_CONTENT_TYPE } from "../../nodes/nodeadm-user-data";
import { lookupClusterFacts } from "../../common/cluster-facts";
import { parseConfig } from "../../config/read-config";
import type { ScalingConfig } from "../../nodes/pools";
import type { OfflineCloud } from "../../plan/offline-cloud";
import { nodeConfigs, parseMime } from "../fakes/mime";
import { exampleFacts, runProgram, useOfflineCloud } from "../fakes/mocks";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NG = "aws:eks/nodeGroup:NodeGroup";
const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"];
const CLUSTER_SG = "sg-0a11b22c33d44e55f";
const CA =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJRXhhbXBsZUNBZGF0YQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";
const CLUSTER = {
    name: "shop-dev",
    apiServerEndpoint: "https://5E1B0F2A7C3D9E8F6A4B2C1D0E9F8A7B.gr7.eu-west-1.eks.amazonaws.com",
    certificateAuthority: CA,
    cidr: "172.20.0.0/16",
};
const TAGS = {
    "eks-al2023-migration/cluster": "shop-dev",
    "eks-al2023-migration/pool": "general",
    env: "dev",
    team: "shop",
};

interface Declared {
    readonly cloud: OfflineCloud;
    readonly outputs: Record<string, unknown>;
    /** `ignoreChanges` of every declared resource, by type and name, as seen by a stack transformation. */
    readonly ignoreChanges: Record<string, string[] | undefined>;
}

/** Declares one pool's role, launch template and node group against the dev facts, as the stack composes them. */
async function declarePool(
    pool: Record<string, unknown> = {},
    options: {
        scaling?: ScalingConfig;
        ignoreDesiredSizeChanges?: boolean;
        /** Where the node group has its instance types; by default as on a first declaration. */
        instanceTypesIn?: InstanceTypesIn;
    } = {},
): Promise<Declared> {
    const cloud = await useOfflineCloud(exampleFacts("dev"));
    const config = parseConfig({
        clusterName: "shop-dev",
        tags: { env: "dev" },
        pools: [
            {
                name: "general",
                subnetIds: SUBNETS,
                scaling: { min: 1, desired: 2, max: 4 },
                tags: { team: "shop" },
                ...pool,
            },
        ],
    });
    const ignoreChanges: Record<string, string[] | undefined> = {};
    const outputs = await runProgram(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            ignoreChanges[`${args.type}/${args.name}`] = args.opts.ignoreChanges;
            return undefined;
        });
        const facts = await lookupClusterFacts(config.clusterName);
        const [poolConfig] = config.pools;
        const placement = instanceTypePlacement({
            instanceTypes: poolConfig.instanceTypes,
            in:
                options.instanceTypesIn ??
                instanceTypesIn({ instanceTypes: poolConfig.instanceTypes, recorded: undefined, al2023Exists: false }),
        });
        const template = new NodeLaunchTemplate(poolConfig.name, {
            pool: launchTemplateArgs({ pool: poolConfig, clusterName: facts.name, stackTags: config.tags, placement }),
            cluster: facts,
        });
        const role = new NodeRole(poolConfig.name, { cluster: facts, tags: config.tags });
        const nodeGroup = new Al2023NodeGroup(poolConfig.name, {
            clusterName: facts.name,
            pool: nodeGroupArgs({ pool: poolConfig, cluster: facts, stackTags: config.tags, placement }),
            launchTemplate: { id: template.id, version: template.latestVersion },
            nodeRoleArn: role.arn,
            subnetIds: [...(poolConfig.subnetIds ?? [])],
            scaling: options.scaling ?? poolConfig.scaling,
            ignoreDesiredSizeChanges: options.ignoreDesiredSizeChanges ?? false,
        });
        return {
            userData: template.userData,
            launchTemplateId: template.id,
            launchTemplateVersion: template.latestVersion,
            roleArn: role.arn,
            nodeGroupName: nodeGroup.nodeGroupName,
            nodeGroupArn: nodeGroup.arn,
        };
    });
    // runProgram resolves before the root stack's last RPC; let it land before the next test installs new mocks.
    await pulumi.runtime.disconnect();
    return { cloud, outputs, ignoreChanges };
}

/** The launch template's user data, base64-decoded. */
function decodedUserData(cloud: OfflineCloud): string {
    return Buffer.from(cloud.resource(LT, "general-lt").inputs.userData as string, "base64").toString("utf8");
}

describe("NodeLaunchTemplate", () => {
    it("declares IMDSv2, an encrypted gp3 root volume, tags and nodeadm user data, and nothing EKS forbids", async () => {
        const { cloud, outputs } = await declarePool({
            imds: { hopLimit: 1 },
            rootVolume: { sizeGiB: 50, iops: 4000, throughput: 250, kmsKeyId: "alias/ebs-nodes" },
            kubelet: { maxPods: 58, flags: ["--image-gc-high-threshold=80"], config: { shutdownGracePeriod: "30s" } },
            preBootstrapScripts: ["#!/bin/bash\nsysctl -w vm.max_map_count=262144\n"],
        });
        const { userData, ...inputs } = cloud.resource(LT, "general-lt").inputs;
        expect(inputs).toStrictEqual({
            namePrefix: "general-",
            description: "AL2023 nodes of pool general in EKS cluster shop-dev",
            updateDefaultVersion: true,
            instanceType: "m6i.large",
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeType: "gp3",
                        volumeSize: 50,
                        iops: 4000,
                        throughput: 250,
                        encrypted: "true",
                        kmsKeyId: "alias/ebs-nodes",
                        deleteOnTermination: "true",
                    },
                },
            ],
            tagSpecifications: [
                { resourceType: "instance", tags: TAGS },
                { resourceType: "volume", tags: TAGS },
                { resourceType: "network-interface", tags: TAGS },
            ],
            tags: TAGS,
        });
        expect(typeof userData).toBe("string");

        const mime = decodedUserData(cloud);
        expect(outputs.userData).toBe(mime);
        expect(parseMime(mime).parts[0]).toStrictEqual({
            headers: { "content-type": SHELL_SCRIPT_CONTENT_TYPE },
            body: "#!/bin/bash\nsysctl -w vm.max_map_count=262144\n",
        });
        expect(nodeConfigs(mime)).toStrictEqual([
            {
                apiVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: {
                    cluster: CLUSTER,
                    kubelet: {
                        config: { maxPods: 58, shutdownGracePeriod: "30s" },
                        flags: ["--image-gc-high-threshold=80"],
                    },
                },
            },
        ]);
        expect(mime).toContain(`boundary="${MIME_BOUNDARY}"`);
    });

    it("adds the cluster security group first when the pool lists extra security groups", async () => {
        const { cloud } = await declarePool({ securityGroupIds: ["sg-0123456789abcdef0", "sg-0fedcba9876543210"] });
        expect(cloud.resource(LT, "general-lt").inputs.vpcSecurityGroupIds).toStrictEqual([
            CLUSTER_SG,
            "sg-0123456789abcdef0",
            "sg-0fedcba9876543210",
        ]);
    });

    it("sets no security groups and no image id by default, and the pool's one instance type", async () => {
        const { cloud } = await declarePool();
        const inputs = cloud.resource(LT, "general-lt").inputs;
        expect(Object.keys(inputs).sort()).toStrictEqual([
            "blockDeviceMappings",
            "description",
            "instanceType",
            "metadataOptions",
            "namePrefix",
            "tagSpecifications",
            "tags",
            "updateDefaultVersion",
            "userData",
        ]);
        expect(nodeConfigs(decodedUserData(cloud))).toStrictEqual([
            { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { cluster: CLUSTER } },
        ]);
    });
});

describe("Al2023NodeGroup", () => {
    it("declares the node group with the launch template's id and latest version", async () => {
        const { cloud, outputs } = await declarePool({
            capacityType: "SPOT",
            instanceTypes: ["m6i.large", "m5.large"],
            maxUnavailablePercentage: 25,
            labels: { "node.example.com/pool": "general" },
            taints: [{ key: "dedicated", value: "shop", effect: "NO_SCHEDULE" }],
        });
        const template = cloud.resource(LT, "general-lt");
        expect(cloud.resource(NG, "general-ng").inputs).toStrictEqual({
            clusterName: "shop-dev",
            nodeGroupNamePrefix: "general-",
            launchTemplate: { id: template.id, version: "1" },
            amiType: "AL2023_x86_64_STANDARD",
            version: "1.32",
            instanceTypes: ["m6i.large", "m5.large"],
            capacityType: "SPOT",
            scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
            updateConfig: { maxUnavailablePercentage: 25 },
            labels: { "node.example.com/pool": "general" },
            taints: [{ key: "dedicated", value: "shop", effect: "NO_SCHEDULE" }],
            subnetIds: SUBNETS,
            nodeRoleArn: outputs.roleArn,
            tags: TAGS,
        });
        expect(template.id).toMatch(/^lt-[0-9a-f]{17}$/);
        expect(outputs.launchTemplateId).toBe(template.id);
        expect(outputs.nodeGroupName).toMatch(/^general-[0-9a-f]{26}$/);
    });

    it("a single-type pool's first deployment: the instance type in the launch template, none on the node group", async () => {
        const { cloud, outputs } = await declarePool({ instanceTypes: ["m6i.xlarge"] });
        const template = cloud.resource(LT, "general-lt");
        expect(template.inputs.instanceType).toBe("m6i.xlarge");
        expect(cloud.resource(NG, "general-ng").inputs).toStrictEqual({
            clusterName: "shop-dev",
            nodeGroupNamePrefix: "general-",
            launchTemplate: { id: template.id, version: "1" },
            amiType: "AL2023_x86_64_STANDARD",
            version: "1.32",
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
            updateConfig: { maxUnavailable: 1 },
            labels: {},
            taints: [],
            subnetIds: SUBNETS,
            nodeRoleArn: outputs.roleArn,
            tags: TAGS,
        });
    });

    it("a node group with its instanceTypes on it (created so) keeps them there; the template names none", async () => {
        const { cloud } = await declarePool({ instanceTypes: ["m6i.xlarge"] }, { instanceTypesIn: "nodeGroup" });
        expect(cloud.resource(LT, "general-lt").inputs).not.toHaveProperty("instanceType");
        expect(cloud.resource(NG, "general-ng").inputs.instanceTypes).toStrictEqual(["m6i.xlarge"]);
    });

    it("sets no amiType, version or releaseVersion with a custom AMI, which the launch template carries", async () => {
        const { cloud } = await declarePool({ customAmi: "ami-0123456789abcdef0" });
        expect(cloud.resource(LT, "general-lt").inputs.imageId).toBe("ami-0123456789abcdef0");
        const inputs = cloud.resource(NG, "general-ng").inputs;
        expect(inputs).not.toHaveProperty("amiType");
        expect(inputs).not.toHaveProperty("version");
        expect(inputs).not.toHaveProperty("releaseVersion");
        expect(nodeConfigs(decodedUserData(cloud))).toStrictEqual([
            { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { cluster: CLUSTER } },
        ]);
    });

    it("registers a custom AMI's taints at kubelet start, since EKS applies them late there", async () => {
        const { cloud } = await declarePool({
            customAmi: "ami-0123456789abcdef0",
            taints: [
                { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
                { key: "spot", effect: "PREFER_NO_SCHEDULE" },
            ],
        });
        expect(nodeConfigs(decodedUserData(cloud))).toStrictEqual([
            {
                apiVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: {
                    cluster: CLUSTER,
                    kubelet: { flags: ["--register-with-taints=workload=batch:NoSchedule,spot:PreferNoSchedule"] },
                },
            },
        ]);
        const withEksAmi = await declarePool({ taints: [{ key: "workload", value: "batch", effect: "NO_SCHEDULE" }] });
        expect(nodeConfigs(decodedUserData(withEksAmi.cloud))).toStrictEqual([
            { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { cluster: CLUSTER } },
        ]);
    });

    it("accepts the prepare size 0/0 and ignores desired size changes only when asked", async () => {
        const prepared = await declarePool(
            {},
            { scaling: { min: 0, desired: 0, max: 1 }, ignoreDesiredSizeChanges: true },
        );
        expect(prepared.cloud.resource(NG, "general-ng").inputs.scalingConfig).toStrictEqual({
            minSize: 0,
            desiredSize: 0,
            maxSize: 1,
        });
        expect(prepared.ignoreChanges[`${NG}/general-ng`]).toStrictEqual(["scalingConfig.desiredSize"]);

        const managed = await declarePool();
        expect(managed.ignoreChanges[`${NG}/general-ng`]).toBeUndefined();
    });

    it("rejects a scaling config EKS would refuse, before declaring the node group", async () => {
        const cloud = await useOfflineCloud(exampleFacts("dev"));
        const config = parseConfig({
            clusterName: "shop-dev",
            pools: [{ name: "general", subnetIds: SUBNETS, scaling: { min: 1, desired: 1, max: 1 } }],
        });
        const errors: unknown[] = [];
        const declare = (scaling: ScalingConfig): void => {
            try {
                new Al2023NodeGroup("general", {
                    clusterName: "shop-dev",
                    pool: nodeGroupArgs({
                        pool: config.pools[0],
                        cluster: { name: "shop-dev", kubernetesVersion: "1.32" },
                        placement: { in: "nodeGroup", instanceTypes: ["m6i.large"] },
                    }),
                    launchTemplate: { id: "lt-0123456789abcdef0", version: 1 },
                    nodeRoleArn: "arn:aws:iam::111122223333:role/nodes",
                    subnetIds: SUBNETS,
                    scaling,
                });
            } catch (caught) {
                errors.push(caught);
            }
        };
        await runProgram(async () => {
            declare({ min: 3, desired: 2, max: 4 });
            declare({ min: 0, desired: 0, max: 0 });
            return {};
        });
        await pulumi.runtime.disconnect();
        expect(errors.every((error) => pulumi.InputPropertiesError.isInstance(error))).toBe(true);
        expect(errors.map((error) => (error as pulumi.InputPropertiesError).errors)).toStrictEqual([
            [{ propertyPath: "scaling", reason: "min 3, desired 2, max 4: need min ≤ desired ≤ max" }],
            [{ propertyPath: "scaling.max", reason: "0 is not allowed; a whole number ≥ 1" }],
        ]);
        expect(cloud.ofType(NG)).toStrictEqual([]);
        expect(cloud.ofType("eks-al2023-migration:nodes:Al2023NodeGroup")).toStrictEqual([]);
    });
});

describe("NodeRole", () => {
    it("trusts EC2 and attaches the four worker node policies, named by policy", async () => {
        const { cloud, outputs } = await declarePool();
        const role = cloud.resource("aws:iam/role:Role", "general-role");
        expect(role.inputs).toStrictEqual({
            namePrefix: "shop-dev-node-",
            description: "EKS AL2023 worker nodes (general)",
            assumeRolePolicy: role.inputs.assumeRolePolicy,
            tags: { env: "dev" },
        });
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const roleName = (outputs.roleArn as string).split("/")[1];
        expect(
            cloud
                .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map(({ name, inputs }) => ({ name, inputs })),
        ).toStrictEqual(
            [
                "AmazonEKSWorkerNodePolicy",
                "AmazonEKS_CNI_Policy",
                "AmazonEC2ContainerRegistryReadOnly",
                "AmazonSSMManagedInstanceCore",
            ].map((policy) => ({
                name: `general-${policy}`,
                inputs: { role: roleName, policyArn: `arn:aws:iam::aws:policy/${policy}` },
            })),
        );
    });
});

describe("re-evaluation", () => {
    it("declares identical inputs for the same config and facts", async () => {
        const pool = {
            securityGroupIds: ["sg-0123456789abcdef0"],
            kubelet: { maxPods: 20, config: { podsPerCore: 4, maxOpenFiles: 100 } },
            preBootstrapScripts: ["#!/bin/sh\ntrue\n"],
        };
        const recorded = async (): Promise<unknown> =>
            (await declarePool(pool)).cloud.resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
        const first = await recorded();
        expect(await recorded()).toStrictEqual(first);
    });
});
