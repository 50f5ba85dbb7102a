import type { InstanceTypeOutput, LaunchTemplateVersionOutput } from "./offline-ec2";

// The facts the offline cloud answers from, typed as the AWS CLI prints them (plan/facts-files.ts reads them).

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
        readonly nodeRepairConfig?: { readonly enabled?: boolean };
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
    /** Availability zone by subnet id (`aws ec2 describe-subnets` output: `Subnets[].SubnetId`, `AvailabilityZone`). */
    readonly subnetZones?: Readonly<Record<string, string>>;
    /** `aws ec2 describe-launch-template-versions` versions, by launch template id. */
    readonly launchTemplateVersions?: Readonly<Record<string, readonly LaunchTemplateVersionOutput[]>>;
    /** `aws ec2 describe-images` images (a CUSTOM node group's AMI), by image id. */
    readonly images?: Readonly<Record<string, DescribeImagesImage>>;
    /** `aws ec2 describe-instance-types` entries, by instance type. */
    readonly instanceTypes?: Readonly<Record<string, InstanceTypeOutput>>;
}

/** One entry of `aws ec2 describe-images` output's `Images` (the fields the program reads). */
export interface DescribeImagesImage {
    readonly ImageId: string;
    readonly Name: string;
    readonly Description?: string;
    readonly PlatformDetails?: string;
    readonly Architecture?: string;
    readonly OwnerId?: string;
}

/** The region of the facts' cluster (from its ARN). */
export function factsRegion(facts: CloudFacts): string {
    return facts.cluster.cluster.arn.split(":")[3];
}
