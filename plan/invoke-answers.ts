import type * as pulumi from "@pulumi/pulumi";
import type { NodegroupHealthReader } from "../cutover/nodegroup-health";
import type { NodeRepairReader } from "../cutover/nodegroup-repair";
import { liveAddon, type AddonReader } from "../identity/pod-identity-agent";
import { instanceTypeInvokeResult } from "./offline-ec2";
import { factsRegion, type CloudFacts, type DescribeClusterOutput, type DescribeNodegroupOutput } from "./cloud-facts";

// What the offline cloud answers the program's AWS reads with: each Pulumi data source (invoke) and the one AWS SDK
// call (DescribeNodegroup's health), from the AWS-CLI-shaped facts. Pure functions of the facts.

/** `describe-nodegroup` → the shape `aws.eks.getNodeGroup` returns. */
export function nodeGroupInvokeResult(output: DescribeNodegroupOutput): Record<string, unknown> {
    const ng = output.nodegroup;
    return {
        id: `${ng.clusterName}:${ng.nodegroupName}`,
        arn: ng.nodegroupArn,
        clusterName: ng.clusterName,
        nodeGroupName: ng.nodegroupName,
        amiType: ng.amiType,
        capacityType: ng.capacityType ?? "ON_DEMAND",
        diskSize: ng.diskSize ?? 0,
        instanceTypes: ng.instanceTypes ?? [],
        labels: ng.labels ?? {},
        launchTemplates: ng.launchTemplate
            ? [
                  {
                      id: ng.launchTemplate.id ?? "",
                      name: ng.launchTemplate.name ?? "",
                      version: ng.launchTemplate.version ?? "",
                  },
              ]
            : [],
        nodeRoleArn: ng.nodeRole,
        region: ng.nodegroupArn.split(":")[3],
        releaseVersion: ng.releaseVersion,
        remoteAccesses: ng.remoteAccess
            ? [
                  {
                      ec2SshKey: ng.remoteAccess.ec2SshKey ?? "",
                      sourceSecurityGroupIds: ng.remoteAccess.sourceSecurityGroups ?? [],
                  },
              ]
            : [],
        resources: [
            {
                autoscalingGroups: (ng.resources?.autoScalingGroups ?? []).map((group) => ({ name: group.name })),
                remoteAccessSecurityGroupId: "",
            },
        ],
        scalingConfigs: [{ ...ng.scalingConfig }],
        status: ng.status,
        subnetIds: ng.subnets,
        tags: ng.tags ?? {},
        taints: (ng.taints ?? []).map((taint) => ({ key: taint.key, value: taint.value ?? "", effect: taint.effect })),
        updateConfigs: ng.updateConfig
            ? [
                  {
                      maxUnavailable: ng.updateConfig.maxUnavailable ?? 0,
                      maxUnavailablePercentage: ng.updateConfig.maxUnavailablePercentage ?? 0,
                      updateStrategy: "",
                  },
              ]
            : [],
        version: ng.version,
        warmPoolConfigs: [],
    };
}

/** `describe-cluster` → the shape `aws.eks.getCluster` returns. */
export function clusterInvokeResult(output: DescribeClusterOutput): Record<string, unknown> {
    const c = output.cluster;
    return {
        id: c.name,
        name: c.name,
        arn: c.arn,
        version: c.version,
        endpoint: c.endpoint,
        status: c.status ?? "ACTIVE",
        platformVersion: c.platformVersion ?? "",
        roleArn: c.roleArn ?? "",
        region: c.arn.split(":")[3],
        certificateAuthorities: [{ data: c.certificateAuthority?.data }],
        identities: c.identity?.oidc?.issuer ? [{ oidcs: [{ issuer: c.identity.oidc.issuer }] }] : [],
        kubernetesNetworkConfigs: [
            {
                ipFamily: c.kubernetesNetworkConfig?.ipFamily ?? "ipv4",
                serviceIpv4Cidr: c.kubernetesNetworkConfig?.serviceIpv4Cidr ?? "",
                serviceIpv6Cidr: c.kubernetesNetworkConfig?.serviceIpv6Cidr ?? "",
                elasticLoadBalancings: [],
            },
        ],
        vpcConfig: {
            clusterSecurityGroupId: c.resourcesVpcConfig?.clusterSecurityGroupId,
            vpcId: c.resourcesVpcConfig?.vpcId,
            subnetIds: c.resourcesVpcConfig?.subnetIds ?? [],
            securityGroupIds: c.resourcesVpcConfig?.securityGroupIds ?? [],
            endpointPrivateAccess: c.resourcesVpcConfig?.endpointPrivateAccess ?? false,
            endpointPublicAccess: c.resourcesVpcConfig?.endpointPublicAccess ?? true,
            publicAccessCidrs: c.resourcesVpcConfig?.publicAccessCidrs ?? [],
        },
        accessConfigs: c.accessConfig ? [{ authenticationMode: c.accessConfig.authenticationMode ?? "" }] : [],
        tags: c.tags ?? {},
    };
}

/**
 * The answer to one data-source call (Pulumi invoke token and inputs) from the facts, in the shape the provider
 * returns. A missing object fails with the provider's own error; an invoke it does not know fails loudly, so a new
 * data source cannot slip by unanswered.
 */
export function answerInvoke(
    facts: CloudFacts,
    token: string,
    inputs: pulumi.runtime.MockCallArgs["inputs"],
): Record<string, unknown> {
    switch (token) {
        case "aws:eks/getCluster:getCluster": {
            const cluster = facts.cluster.cluster;
            if (inputs.name !== cluster.name) {
                throw new Error(
                    `ResourceNotFoundException: No cluster found for name: ${inputs.name}. ` +
                        `The facts describe cluster "${cluster.name}": set clusterName to it, or give facts of ` +
                        `${inputs.name} (aws eks describe-cluster --name ${inputs.name}).`,
                );
            }
            return clusterInvokeResult(facts.cluster);
        }
        case "aws:eks/getNodeGroup:getNodeGroup": {
            const output = facts.nodegroups[inputs.nodeGroupName];
            if (!output || output.nodegroup.clusterName !== inputs.clusterName) {
                throw new Error(
                    `reading EKS Node Group (${inputs.clusterName}:${inputs.nodeGroupName}): couldn't find resource`,
                );
            }
            return nodeGroupInvokeResult(output);
        }
        case "aws:ec2/getInstanceType:getInstanceType":
            return instanceTypeInvokeResult(facts.instanceTypes, inputs.instanceType);
        case "aws:ec2/getAmi:getAmi": {
            const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
            const ids = filters.find((filter) => filter.name === "image-id")?.values ?? [];
            const image = ids.length === 1 ? facts.images?.[ids[0]] : undefined;
            // The provider's own error when DescribeImages finds nothing.
            if (image === undefined) {
                throw new Error("Your query returned no results. Please change your search criteria and try again.");
            }
            return {
                id: image.ImageId,
                imageId: image.ImageId,
                name: image.Name,
                description: image.Description ?? "",
                platformDetails: image.PlatformDetails ?? "",
                architecture: image.Architecture ?? "",
                ownerId: image.OwnerId ?? "",
            };
        }
        case "aws:eks/getNodeGroups:getNodeGroups": {
            const clusterName = inputs.clusterName;
            if (clusterName !== facts.cluster.cluster.name) {
                throw new Error(`ResourceNotFoundException: No cluster found for name: ${clusterName}.`);
            }
            const names = Object.values(facts.nodegroups)
                .filter((output) => output.nodegroup.clusterName === clusterName)
                .map((output) => output.nodegroup.nodegroupName)
                .sort();
            return { id: clusterName, clusterName, names, region: factsRegion(facts) };
        }
        case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
            const issuer = facts.cluster.cluster.identity?.oidc?.issuer ?? "";
            const known = facts.oidcProviderUrls ?? [issuer.replace(/^https:\/\//, "")];
            const url = String(inputs.url ?? "").replace(/^https:\/\//, "");
            if (!known.includes(url)) throw new Error(`finding IAM OIDC Provider by url (${url}): not found`);
            const [, partition, , , account] = facts.cluster.cluster.arn.split(":");
            const arn = `arn:${partition}:iam::${account}:oidc-provider/${url}`;
            return { arn, id: arn, url, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
        }
        case "aws:ec2/getSubnet:getSubnet":
            // A subnet the facts do not describe (no `aws ec2 describe-subnets` output) has no known zone: the
            // program then leaves the pool's zones unknown, as the report does (sched-zones-unknown).
            return { id: inputs.id, availabilityZone: facts.subnetZones?.[inputs.id] ?? "", tags: {} };
        case "aws:ssm/getParameter:getParameter": {
            const value = facts.ssmParameters?.[inputs.name];
            if (value === undefined) throw new Error(`reading SSM Parameter (${inputs.name}): ParameterNotFound`);
            return {
                id: inputs.name,
                name: inputs.name,
                arn: "",
                type: "String",
                value,
                insecureValue: value,
                version: 1,
            };
        }
        case "aws:index/getPartition:getPartition": {
            const partition = facts.cluster.cluster.arn.split(":")[1];
            const dnsSuffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
            return {
                id: partition,
                partition,
                dnsSuffix,
                reverseDnsPrefix: dnsSuffix.split(".").reverse().join("."),
            };
        }
        case "aws:index/getRegion:getRegion":
            return {
                id: factsRegion(facts),
                name: factsRegion(facts),
                region: factsRegion(facts),
                description: "",
                endpoint: "",
            };
        case "aws:index/getCallerIdentity:getCallerIdentity": {
            const [, partition, , , account] = facts.cluster.cluster.arn.split(":");
            const arn = `arn:${partition}:sts::${account}:assumed-role/deployer/offline`;
            return { id: account, accountId: account, arn, userId: "AROAOFFLINE:offline" };
        }
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c"].map((zone) => `${factsRegion(facts)}${zone}`);
            return { id: factsRegion(facts), names, zoneIds: names, groupNames: names, state: "available" };
        }
        default:
            throw new Error(`OfflineCloud: no answer for invoke ${token}; add it to plan/invoke-answers.ts`);
    }
}

/** DescribeNodegroup's health issues from the facts (`describe-nodegroup` `nodegroup.health.issues`). */
export function factsNodegroupHealth(facts: CloudFacts): NodegroupHealthReader {
    return async ({ clusterName, nodeGroupName }) => {
        const output = facts.nodegroups[nodeGroupName];
        if (!output || output.nodegroup.clusterName !== clusterName)
            throw new Error(`ResourceNotFoundException: No node group found for name: ${nodeGroupName}.`);
        return (output.nodegroup.health?.issues ?? []).map((issue) => ({
            code: issue.code,
            message: issue.message,
            resourceIds: issue.resourceIds ?? [],
        }));
    };
}

/** DescribeNodegroup's node repair setting from the facts (`describe-nodegroup` `nodegroup.nodeRepairConfig`). */
export function factsNodeRepair(facts: CloudFacts): NodeRepairReader {
    return async ({ clusterName, nodeGroupName }) => {
        const output = facts.nodegroups[nodeGroupName];
        if (!output || output.nodegroup.clusterName !== clusterName)
            throw new Error(`ResourceNotFoundException: No node group found for name: ${nodeGroupName}.`);
        const enabled = output.nodegroup.nodeRepairConfig?.enabled;
        return typeof enabled === "boolean" ? { enabled } : undefined;
    };
}

/** DescribeAddon from the facts (`describe-addon`): undefined when the facts hold no add-on of that name. */
export function factsAddonReader(facts: CloudFacts): AddonReader {
    return async ({ clusterName, addonName }) => {
        if (clusterName !== facts.cluster.cluster.name)
            throw new Error(`ResourceNotFoundException: No cluster found for name: ${clusterName}.`);
        const output = facts.addons?.[addonName];
        return output === undefined || output.addon.clusterName !== clusterName ? undefined : liveAddon(output.addon);
    };
}
