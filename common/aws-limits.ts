/** AWS limits that the config schema, the policy pack and the offline plan all read: each stated once, here. */

/**
 * gp3 limits from the EC2 API reference, LaunchTemplateEbsBlockDeviceRequest
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html):
 * IOPS 3,000-80,000, throughput 125-2,000 MiB/s, size 1-65,536 GiB; and the EBS user guide's gp3 ratios
 * (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html): at most 500 IOPS per GiB and
 * 0.25 MiB/s of throughput per provisioned IOPS. The minimums are gp3's baseline, used when none is set.
 */
export const GP3_LIMITS = {
    sizeGiB: { min: 1, max: 65_536 },
    iops: { min: 3_000, max: 80_000, perGiB: 500 },
    throughput: { min: 125, max: 2_000, perIops: 0.25 },
} as const;

/**
 * The root snapshot size of the AL2023 EKS-optimized AMIs (20 GiB, the managed node group `diskSize` default; the
 * AMI build's root volume size). EC2 rejects a root volume smaller than the AMI's snapshot. For a `customAmi` the
 * same minimum is assumed (its snapshot size cannot be read before deployment).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (`diskSize`)
 */
export const AL2023_ROOT_SNAPSHOT_GIB = 20;

/**
 * The IMDS hop limit (`HttpPutResponseHopLimit`, 1-64:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html).
 * 1 keeps IMDS to the node, 2 lets pods reach it (one hop for the pod's network namespace); above `safeMax` more
 * than pods reach it, so the config warns and the policy pack refuses.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
 */
export const IMDS_HOP_LIMIT = { min: 1, max: 64, default: 2, safeMax: 2 } as const;

/**
 * AWS tag limits (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html): at most 50 tags per
 * resource, keys of 1-128 characters, values of at most 256; the `aws:` prefix is reserved.
 */
export const AWS_TAG_LIMITS = { maxTags: 50, maxKeyLength: 128, maxValueLength: 256, reservedPrefix: "aws:" } as const;

/**
 * How long a new or changed EKS Pod Identity association is given to become effective before workloads restart:
 * "EKS Pod Identity associations are eventually consistent, and may take several seconds to be effective after the
 * initial API call returns successfully"
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html,
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdatePodIdentityAssociation.html).
 */
export const POD_IDENTITY_SETTLE_SECONDS = 15;
