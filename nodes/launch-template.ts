import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { encodeUserData, renderNodeadmUserData } from "./nodeadm-user-data";
import type { LaunchTemplateCluster, LaunchTemplatePoolArgs } from "./pool-args";
import { TYPE_TOKENS } from "../common/project";
import { CHILD_NAMES } from "../common/child-names";

/** Arguments of a NodeLaunchTemplate. */
export interface NodeLaunchTemplateArgs {
    /** The pool's settings the template uses (`launchTemplateArgs`). */
    readonly pool: LaunchTemplatePoolArgs;
    /** The cluster the nodes join: name, endpoint, CA and service CIDR go into the NodeConfig. */
    readonly cluster: LaunchTemplateCluster;
}

/**
 * The EC2 launch template of one AL2023 managed node group: IMDSv2 only, an encrypted gp3 root volume, nodeadm user
 * data, and only what EKS allows in a managed node group's template: no instance profile or subnet
 * (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html); zero or one instance type, and then none
 * on the node group ("If you specify launchTemplate, then you can specify zero or one instance type in your launch
 * template or you can specify 0-20 instance types for instanceTypes. If however, you specify an instance type in
 * your launch template and specify any instanceTypes, the node group deployment will fail.",
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html; `instanceTypesIn` decides, from the
 * record);
 * an image id only with `customAmi` (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html,
 * https://github.com/pulumi/pulumi-eks/issues/1285).
 */
export class NodeLaunchTemplate extends pulumi.ComponentResource {
    /** The launch template id. */
    public readonly id: pulumi.Output<string>;
    /** The newest version; the node group uses it, so a change rolls the nodes (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html). */
    public readonly latestVersion: pulumi.Output<number>;
    /** The rendered user data, plain MIME text (before base64), for the offline plan and reviews. */
    public readonly userData: pulumi.Output<string>;

    constructor(name: string, args: NodeLaunchTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.NodeLaunchTemplate, name, {}, opts);
        const { pool, cluster } = args;
        const { tags, nodeConfig } = pool;

        this.userData = pulumi
            .all([cluster.endpoint, cluster.certificateAuthority])
            .apply(([apiServerEndpoint, certificateAuthority]) =>
                renderNodeadmUserData({
                    cluster: { name: cluster.name, apiServerEndpoint, certificateAuthority, cidr: cluster.serviceCidr },
                    maxPods: nodeConfig.maxPods,
                    kubeletConfig: nodeConfig.kubeletConfig,
                    kubeletFlags: nodeConfig.kubeletFlags,
                    preBootstrapScripts: nodeConfig.preBootstrapScripts,
                    ...(nodeConfig.extraSpec !== undefined && { extraSpec: nodeConfig.extraSpec }),
                }),
            );

        // Custom security groups in a launch template stop EKS from attaching the cluster security group, so it is
        // listed first or nodes cannot reach the control plane (EKS user guide, launch-template-security-groups: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html).
        const securityGroups =
            pool.securityGroupIds.length > 0
                ? { vpcSecurityGroupIds: [cluster.clusterSecurityGroupId, ...pool.securityGroupIds] }
                : {};

        const template = new aws.ec2.LaunchTemplate(
            CHILD_NAMES.launchTemplate(name),
            {
                namePrefix: `${pool.poolName}-`,
                description: `AL2023 nodes of pool ${pool.poolName} in EKS cluster ${cluster.name}`,
                updateDefaultVersion: true,
                ...(pool.customAmi !== undefined && { imageId: pool.customAmi }),
                ...(pool.instanceType !== undefined && { instanceType: pool.instanceType }),
                userData: this.userData.apply(encodeUserData),
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: pool.imdsHopLimit,
                    instanceMetadataTags: "disabled",
                },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeType: pool.rootVolume.type,
                            volumeSize: pool.rootVolume.sizeGiB,
                            iops: pool.rootVolume.iops,
                            throughput: pool.rootVolume.throughput,
                            encrypted: "true",
                            ...(pool.rootVolume.kmsKeyId !== undefined && { kmsKeyId: pool.rootVolume.kmsKeyId }),
                            deleteOnTermination: "true",
                        },
                    },
                ],
                ...securityGroups,
                tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                    resourceType,
                    tags,
                })),
                tags,
            },
            { parent: this },
        );

        this.id = template.id;
        this.latestVersion = template.latestVersion;
        this.registerOutputs({ id: this.id, latestVersion: this.latestVersion, userData: this.userData });
    }
}
