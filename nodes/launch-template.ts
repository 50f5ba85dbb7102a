import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodeTaint, PoolConfig } from "./pools";
import { encodeUserData, renderNodeadmUserData } from "./nodeadm-user-data";
import type { LaunchTemplateCluster, LaunchTemplatePoolArgs } from "./pool-args";
import { TYPE_TOKENS } from "../common/project";
import { CHILD_NAMES } from "../common/child-names";

/** Tag keys the program sets on every pool resource, so they can be found by pool and cluster. */
export const POOL_TAG = "eks-al2023-migration/pool";
export const CLUSTER_TAG = "eks-al2023-migration/cluster";

/**
 * The tags of one pool's resources: the stack's tags, then the pool's, then the pool and cluster identity tags
 * (which users cannot override), with keys sorted so the inputs do not depend on config order.
 */
export function poolTags(
    pool: Pick<PoolConfig, "name" | "tags">,
    clusterName: string,
    tags: Readonly<Record<string, string>> = {},
): Record<string, string> {
    const merged: Record<string, string> = {
        ...tags,
        ...pool.tags,
        [POOL_TAG]: pool.name,
        [CLUSTER_TAG]: clusterName,
    };
    return Object.fromEntries(
        Object.keys(merged)
            .sort()
            .map((key) => [key, merged[key]]),
    );
}

/** Kubernetes spellings of the EKS API taint effects. */
const KUBELET_TAINT_EFFECTS: Record<NodeTaint["effect"], string> = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/**
 * With a custom AMI, EKS applies the node group's taints asynchronously, after the node registers, so pods can land
 * before them; kubelet's `--register-with-taints` puts them on the node at registration (EKS user guide,
 * mng-ami-id-conditions: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html). With an EKS AMI (no `customAmi`) EKS registers them itself; no flag is added.
 */
export function registerWithTaintsFlags(pool: Pick<PoolConfig, "customAmi" | "taints">): string[] {
    if (pool.customAmi === undefined || pool.taints.length === 0) return [];
    const taints = pool.taints.map(
        (taint) => `${taint.key}${taint.value ? `=${taint.value}` : ""}:${KUBELET_TAINT_EFFECTS[taint.effect]}`,
    );
    return [`--register-with-taints=${taints.join(",")}`];
}

/** Arguments of a NodeLaunchTemplate. */
export interface NodeLaunchTemplateArgs {
    /** The pool's settings the template uses (`launchTemplateArgs`). */
    readonly pool: LaunchTemplatePoolArgs;
    /** The cluster the nodes join: name, endpoint, CA and service CIDR go into the NodeConfig. */
    readonly cluster: LaunchTemplateCluster;
}

/**
 * The EC2 launch template of one AL2023 managed node group: IMDSv2 only, an encrypted gp3 root volume, nodeadm user
 * data, and only what EKS allows in a managed node group's template (no instance profile, subnet or instance type:
 * https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html; an image id only with `customAmi`: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html, https://github.com/pulumi/pulumi-eks/issues/1285).
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
