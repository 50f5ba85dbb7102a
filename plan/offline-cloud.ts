import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { POOL_TAG } from "../nodes/launch-template";
import { useNodegroupHealthReader, type NodegroupHealthReader } from "../cutover/nodegroup-health";
import { liveAddon, useAddonReader, type AddonReader } from "../identity/pod-identity-agent";

/** `aws eks describe-cluster` output, as the AWS CLI prints it (the fields the program reads). */
export interface DescribeClusterOutput {
    readonly cluster: {
        readonly name: string;
        readonly arn: string;
        readonly version: string;
        readonly endpoint: string;
        readonly status?: string;
        readonly platformVersion?: string;
        readonly roleArn?: string;
        readonly certificateAuthority: { readonly data: string };
        readonly resourcesVpcConfig: {
            readonly subnetIds?: readonly string[];
            readonly securityGroupIds?: readonly string[];
            readonly clusterSecurityGroupId: string;
            readonly vpcId: string;
            readonly endpointPublicAccess?: boolean;
            readonly endpointPrivateAccess?: boolean;
            readonly publicAccessCidrs?: readonly string[];
        };
        readonly kubernetesNetworkConfig: {
            readonly serviceIpv4Cidr?: string;
            readonly serviceIpv6Cidr?: string;
            readonly ipFamily?: string;
        };
        readonly identity?: { readonly oidc?: { readonly issuer?: string } };
        readonly accessConfig?: { readonly authenticationMode?: string };
        readonly tags?: Readonly<Record<string, string>>;
    };
}

/** `aws eks describe-nodegroup` output, as the AWS CLI prints it (the fields the program reads). */
export interface DescribeNodegroupOutput {
    readonly nodegroup: {
        readonly nodegroupName: string;
        readonly nodegroupArn: string;
        readonly clusterName: string;
        readonly version: string;
        readonly releaseVersion: string;
        readonly status: string;
        readonly capacityType?: string;
        readonly scalingConfig: { readonly minSize: number; readonly maxSize: number; readonly desiredSize: number };
        readonly instanceTypes?: readonly string[] | null;
        readonly subnets: readonly string[];
        readonly amiType: string;
        readonly nodeRole: string;
        readonly labels?: Readonly<Record<string, string>>;
        readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
        readonly diskSize?: number | null;
        readonly remoteAccess?: { readonly ec2SshKey?: string; readonly sourceSecurityGroups?: readonly string[] };
        readonly resources?: { readonly autoScalingGroups?: readonly { readonly name: string }[] };
        readonly health?: {
            readonly issues?: readonly {
                readonly code: string;
                readonly message: string;
                readonly resourceIds?: readonly string[];
            }[];
        };
        readonly updateConfig?: { readonly maxUnavailable?: number; readonly maxUnavailablePercentage?: number };
        readonly launchTemplate?: { readonly id?: string; readonly name?: string; readonly version?: string };
        readonly tags?: Readonly<Record<string, string>>;
    };
}

/** `aws eks describe-addon` output, as the AWS CLI prints it (the fields the program reads). */
export interface DescribeAddonOutput {
    readonly addon: {
        readonly addonName: string;
        readonly clusterName: string;
        readonly addonVersion: string;
        readonly status?: string;
        readonly serviceAccountRoleArn?: string;
        readonly configurationValues?: string;
        readonly tags?: Readonly<Record<string, string>>;
    };
}

/** Everything the offline cloud answers from: one cluster, its node groups, and what the account holds. */
export interface CloudFacts {
    readonly cluster: DescribeClusterOutput;
    /** By node group name. */
    readonly nodegroups: Readonly<Record<string, DescribeNodegroupOutput>>;
    /** The cluster's add-ons by name (`aws eks describe-addon`); an add-on not here does not exist. */
    readonly addons?: Readonly<Record<string, DescribeAddonOutput>>;
    /** IAM OIDC provider URLs (without https://) that exist in the account. Default: the cluster's issuer. */
    readonly oidcProviderUrls?: readonly string[];
    /** SSM parameters by name (for AMI lookups). */
    readonly ssmParameters?: Readonly<Record<string, string>>;
    /** `aws ec2 describe-launch-template-versions` versions, by launch template id. */
    readonly launchTemplateVersions?: Readonly<Record<string, readonly LaunchTemplateVersionOutput[]>>;
}

/** One entry of `aws ec2 describe-launch-template-versions` output (the fields the program reads). */
export interface LaunchTemplateVersionOutput {
    readonly LaunchTemplateId: string;
    readonly VersionNumber: number;
    readonly DefaultVersion?: boolean;
    readonly LaunchTemplateData: { readonly UserData?: string; readonly ImageId?: string };
}

/** One resource the program declared, with its inputs exactly as the engine would have received them. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly id: string;
}

/** A short stable hex digest, so mock ids and ARNs are the same on every run. */
function stableSuffix(text: string, length = 17): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

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
 * Pulumi mocks that answer the program's data-source calls from AWS-CLI-shaped facts and record every resource the
 * program declares. Used by the tests and by the offline plan, so both evaluate the real program the same way.
 * An invoke it does not know fails loudly: a new data source cannot slip by unanswered.
 */
export class OfflineCloud implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[] = [];

    constructor(
        readonly facts: CloudFacts,
        /** Outputs of the stack's last deployment, as a StackReference to this stack reads them. */
        readonly previousOutputs: Record<string, unknown> = {},
        /** Outputs of other stacks by full name (`acme/eks-al2023-migration/dev`); others have none. */
        readonly otherStacks: Readonly<Record<string, Record<string, unknown>>> = {},
    ) {
        // DescribeNodegroup is an AWS SDK call, not a Pulumi invoke the mocks see: answer it from the same facts.
        useNodegroupHealthReader(this.nodegroupHealth);
        // So is DescribeAddon (the agent add-on's adoption).
        useAddonReader(this.describeAddon);
    }

    /** An add-on of the facts' cluster (`describe-addon`); undefined when the facts hold none of that name. */
    readonly describeAddon: AddonReader = async ({ clusterName, addonName }) => {
        if (clusterName !== this.facts.cluster.cluster.name)
            throw new Error(`ResourceNotFoundException: No cluster found for name: ${clusterName}.`);
        const output = this.facts.addons?.[addonName];
        return output === undefined || output.addon.clusterName !== clusterName ? undefined : liveAddon(output.addon);
    };

    /** The health issues of a node group in the facts (`describe-nodegroup` `nodegroup.health.issues`). */
    readonly nodegroupHealth: NodegroupHealthReader = async ({ clusterName, nodeGroupName }) => {
        const output = this.facts.nodegroups[nodeGroupName];
        if (!output || output.nodegroup.clusterName !== clusterName)
            throw new Error(`ResourceNotFoundException: No node group found for name: ${nodeGroupName}.`);
        return (output.nodegroup.health?.issues ?? []).map((issue) => ({
            code: issue.code,
            message: issue.message,
            resourceIds: issue.resourceIds ?? [],
        }));
    };

    /**
     * Answers an invoke from the facts. A failure carries its text in `details` as well: the SDK builds the program's
     * error from the `details` of a failed invoke (a gRPC status field), and a plain Error has none, which would
     * leave the plan's error message empty.
     */
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        try {
            return this.answer(args);
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw Object.assign(new Error(message), { details: message });
        }
    }

    private answer(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:eks/getCluster:getCluster": {
                const cluster = this.facts.cluster.cluster;
                if (args.inputs.name !== cluster.name) {
                    throw new Error(
                        `ResourceNotFoundException: No cluster found for name: ${args.inputs.name}. ` +
                            `The facts describe cluster "${cluster.name}": set clusterName to it, or give facts of ` +
                            `${args.inputs.name} (aws eks describe-cluster --name ${args.inputs.name}).`,
                    );
                }
                return clusterInvokeResult(this.facts.cluster);
            }
            case "aws:eks/getNodeGroup:getNodeGroup": {
                const output = this.facts.nodegroups[args.inputs.nodeGroupName];
                if (!output || output.nodegroup.clusterName !== args.inputs.clusterName) {
                    throw new Error(
                        `reading EKS Node Group (${args.inputs.clusterName}:${args.inputs.nodeGroupName}): couldn't find resource`,
                    );
                }
                return nodeGroupInvokeResult(output);
            }
            case "aws:ec2/getLaunchTemplate:getLaunchTemplate": {
                const versions = this.facts.launchTemplateVersions?.[args.inputs.id] ?? [];
                // The provider reads the default version; the facts may hold the version the node group runs.
                const chosen = versions.find((version) => version.DefaultVersion) ?? versions[0];
                if (chosen === undefined) {
                    throw new Error(
                        `reading EC2 Launch Template (${args.inputs.id}): no describe-launch-template-versions output for it in the facts`,
                    );
                }
                return {
                    id: chosen.LaunchTemplateId,
                    defaultVersion: chosen.VersionNumber,
                    latestVersion: Math.max(...versions.map((version) => version.VersionNumber)),
                    userData: chosen.LaunchTemplateData.UserData ?? "",
                    imageId: chosen.LaunchTemplateData.ImageId ?? "",
                };
            }
            case "aws:eks/getNodeGroups:getNodeGroups": {
                const clusterName = args.inputs.clusterName;
                if (clusterName !== this.facts.cluster.cluster.name) {
                    throw new Error(`ResourceNotFoundException: No cluster found for name: ${clusterName}.`);
                }
                const names = Object.values(this.facts.nodegroups)
                    .filter((output) => output.nodegroup.clusterName === clusterName)
                    .map((output) => output.nodegroup.nodegroupName)
                    .sort();
                return { id: clusterName, clusterName, names, region: this.region() };
            }
            case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
                const issuer = this.facts.cluster.cluster.identity?.oidc?.issuer ?? "";
                const known = this.facts.oidcProviderUrls ?? [issuer.replace(/^https:\/\//, "")];
                const url = String(args.inputs.url ?? "").replace(/^https:\/\//, "");
                if (!known.includes(url)) throw new Error(`finding IAM OIDC Provider by url (${url}): not found`);
                const [, partition, , , account] = this.facts.cluster.cluster.arn.split(":");
                const arn = `arn:${partition}:iam::${account}:oidc-provider/${url}`;
                return { arn, id: arn, url, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
            }
            case "aws:ssm/getParameter:getParameter": {
                const value = this.facts.ssmParameters?.[args.inputs.name];
                if (value === undefined)
                    throw new Error(`reading SSM Parameter (${args.inputs.name}): ParameterNotFound`);
                return {
                    id: args.inputs.name,
                    name: args.inputs.name,
                    arn: "",
                    type: "String",
                    value,
                    insecureValue: value,
                    version: 1,
                };
            }
            case "aws:index/getPartition:getPartition": {
                const partition = this.facts.cluster.cluster.arn.split(":")[1];
                const dnsSuffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
                return {
                    id: partition,
                    partition,
                    dnsSuffix,
                    reverseDnsPrefix: dnsSuffix.split(".").reverse().join("."),
                };
            }
            case "aws:index/getRegion:getRegion":
                return { id: this.region(), name: this.region(), region: this.region(), description: "", endpoint: "" };
            case "aws:index/getCallerIdentity:getCallerIdentity": {
                const [, partition, , , account] = this.facts.cluster.cluster.arn.split(":");
                const arn = `arn:${partition}:sts::${account}:assumed-role/deployer/offline`;
                return { id: account, accountId: account, arn, userId: "AROAOFFLINE:offline" };
            }
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = ["a", "b", "c"].map((zone) => `${this.region()}${zone}`);
                return { id: this.region(), names, zoneIds: names, groupNames: names, state: "available" };
            }
            default:
                throw new Error(`OfflineCloud: no answer for invoke ${args.token}; add it to plan/offline-cloud.ts`);
        }
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const id = args.id || this.mockId(args.type, args.name);
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        return { id, state: { ...args.inputs, ...this.computedOutputs(args, id) } };
    }

    /** The first recorded resource of a type and name; throws when there is none. */
    resource(type: string, name: string): RecordedResource {
        const found = this.resources.find((r) => r.type === type && r.name === name);
        if (!found) {
            const names = this.resources.filter((r) => r.type === type).map((r) => r.name);
            throw new Error(`no ${type} named ${name}; declared: ${names.join(", ") || "none"}`);
        }
        return found;
    }

    /** All recorded resources of a type. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    private mockId(type: string, name: string): string {
        const suffix = stableSuffix(`${type}/${name}`);
        switch (type) {
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return `lt-${suffix}`;
            case "aws:eks/nodeGroup:NodeGroup":
                return `${this.facts.cluster.cluster.name}:${name}`;
            default:
                return `${name}-${suffix.slice(0, 8)}`;
        }
    }

    /**
     * The name of the node group in the facts that a node group declared with `nodeGroupNamePrefix` is: same cluster,
     * a name with that prefix and the same pool tag. That is the node group an earlier deployment created; a real
     * preview reads its name from the state, so the plan shows it (not a made-up one) in its commands.
     */
    private existingNodeGroupName(inputs: Record<string, unknown>): string | undefined {
        const prefix = inputs.nodeGroupNamePrefix;
        const pool = (inputs.tags as Record<string, string> | undefined)?.[POOL_TAG];
        if (typeof prefix !== "string" || pool === undefined) return undefined;
        return Object.values(this.facts.nodegroups)
            .map((output) => output.nodegroup)
            .filter((ng) => ng.clusterName === this.facts.cluster.cluster.name && ng.nodegroupName.startsWith(prefix))
            .filter((ng) => ng.tags?.[POOL_TAG] === pool)
            .map((ng) => ng.nodegroupName)
            .sort()[0];
    }

    /** Outputs a real provider computes and the program reads back. */
    private computedOutputs(args: pulumi.runtime.MockResourceArgs, id: string): Record<string, unknown> {
        const [, partition, , , account] = this.facts.cluster.cluster.arn.split(":");
        const inputs = args.inputs as Record<string, unknown>;
        switch (args.type) {
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return {
                    arn: `arn:${partition}:ec2:${this.region()}:${account}:launch-template/${id}`,
                    latestVersion: 1,
                    defaultVersion: 1,
                };
            case "aws:iam/role:Role": {
                const roleName = (inputs.name as string | undefined) ?? `${args.name}-${stableSuffix(args.name, 7)}`;
                return {
                    name: roleName,
                    arn: `arn:${partition}:iam::${account}:role/${roleName}`,
                    uniqueId: `AROA${stableSuffix(roleName, 16).toUpperCase()}`,
                };
            }
            case "aws:iam/policy:Policy":
                return {
                    arn: `arn:${partition}:iam::${account}:policy/${(inputs.name as string | undefined) ?? args.name}`,
                };
            case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
                // EKS association ids: `a-` and 17 lowercase letters and digits.
                const associationId = `a-${stableSuffix(`${inputs.namespace}/${inputs.serviceAccount}`)}`;
                return {
                    associationId,
                    associationArn: `arn:${partition}:eks:${this.region()}:${account}:podidentityassociation/${this.facts.cluster.cluster.name}/${associationId}`,
                };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                return {
                    arn: `arn:${partition}:iam::${account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
                };
            case "aws:eks/nodeGroup:NodeGroup": {
                const nodeGroupName =
                    (inputs.nodeGroupName as string | undefined) ??
                    this.existingNodeGroupName(inputs) ??
                    `${(inputs.nodeGroupNamePrefix as string | undefined) ?? args.name}${stableSuffix(args.name, 26)}`;
                return {
                    nodeGroupName,
                    arn: `arn:${partition}:eks:${this.region()}:${account}:nodegroup/${this.facts.cluster.cluster.name}/${nodeGroupName}/x`,
                    status: "ACTIVE",
                };
            }
            case "eks:index:Cluster":
                return this.eksClusterOutputs(String(inputs.name ?? args.name), partition, account);
            case "pulumi:pulumi:StackReference": {
                const name = String(inputs.name);
                const self = name === `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
                return { outputs: self ? this.previousOutputs : (this.otherStacks[name] ?? {}), secretOutputNames: [] };
            }
            default:
                return {};
        }
    }

    /**
     * The outputs of a @pulumi/eks Cluster (a remote component) that the rehearsal reads: the kubeconfig as JSON text
     * (endpoint and CA), the EKS-created cluster security group, the OIDC issuer and the IAM OIDC provider it created.
     */
    private eksClusterOutputs(name: string, partition: string, account: string): Record<string, unknown> {
        const id = stableSuffix(`eks/${name}`, 32).toUpperCase();
        const endpoint = `https://${id}.gr7.${this.region()}.eks.amazonaws.com`;
        const certificateAuthority = Buffer.from(`offline CA of ${name}`).toString("base64");
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
            users: [{ name, user: { exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", name] } } }],
        };
        const issuerHost = `oidc.eks.${this.region()}.amazonaws.com/id/${id}`;
        return {
            kubeconfigJson: JSON.stringify(kubeconfig),
            clusterSecurityGroupId: `sg-${stableSuffix(`sg/${name}`)}`,
            oidcProviderUrl: `https://${issuerHost}`,
            oidcIssuer: issuerHost,
            oidcProviderArn: `arn:${partition}:iam::${account}:oidc-provider/${issuerHost}`,
        };
    }

    private region(): string {
        return this.facts.cluster.cluster.arn.split(":")[3];
    }
}
