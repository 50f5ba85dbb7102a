/** The offline cloud's EC2 answers: instance types and launch templates, from AWS-CLI-shaped facts. */

/** One entry of `aws ec2 describe-instance-types` output (the fields the program reads). */
export interface InstanceTypeOutput {
    readonly InstanceType: string;
    readonly ProcessorInfo: { readonly SupportedArchitectures: readonly string[] };
}

/** One entry of `aws ec2 describe-launch-template-versions` output (the fields the program reads). */
export interface LaunchTemplateVersionOutput {
    readonly LaunchTemplateId: string;
    readonly VersionNumber: number;
    readonly DefaultVersion?: boolean;
    readonly LaunchTemplateData: {
        readonly UserData?: string;
        readonly ImageId?: string;
        readonly BlockDeviceMappings?: readonly {
            readonly DeviceName: string;
            readonly Ebs?: {
                readonly VolumeSize?: number;
                readonly VolumeType?: string;
                readonly KmsKeyId?: string;
                readonly Encrypted?: boolean;
            };
        }[];
        readonly SecurityGroupIds?: readonly string[];
    };
}

/**
 * `describe-instance-types` → the shape `aws.ec2.getInstanceType` returns (the fields the program reads). An instance
 * type missing from the facts fails as EC2 fails for a type it does not offer, saying which facts to add.
 */
export function instanceTypeInvokeResult(
    known: Readonly<Record<string, InstanceTypeOutput>> | undefined,
    instanceType: string,
): Record<string, unknown> {
    const found = known?.[instanceType];
    if (found === undefined) {
        throw new Error(
            `InvalidInstanceType: ${instanceType} is not in the facts (add \`aws ec2 describe-instance-types --instance-types ${instanceType}\` output to the facts folder)`,
        );
    }
    return {
        id: instanceType,
        instanceType,
        supportedArchitectures: [...found.ProcessorInfo.SupportedArchitectures],
    };
}

/** `describe-launch-template-versions` → the shape `aws.ec2.getLaunchTemplate` returns for its default version. */
export function launchTemplateInvokeResult(
    id: string,
    versions: readonly LaunchTemplateVersionOutput[],
): Record<string, unknown> {
    // The provider reads the default version; the facts may hold the version the node group runs.
    const chosen = versions.find((version) => version.DefaultVersion) ?? versions[0];
    if (chosen === undefined) {
        throw new Error(
            `reading EC2 Launch Template (${id}): no describe-launch-template-versions output for it in the facts`,
        );
    }
    const data = chosen.LaunchTemplateData;
    return {
        id: chosen.LaunchTemplateId,
        defaultVersion: chosen.VersionNumber,
        latestVersion: Math.max(...versions.map((version) => version.VersionNumber)),
        userData: data.UserData ?? "",
        imageId: data.ImageId ?? "",
        blockDeviceMappings: (data.BlockDeviceMappings ?? []).map((mapping) => ({
            deviceName: mapping.DeviceName,
            ebs:
                mapping.Ebs === undefined
                    ? []
                    : [
                          {
                              volumeSize: mapping.Ebs.VolumeSize ?? 0,
                              volumeType: mapping.Ebs.VolumeType ?? "",
                              kmsKeyId: mapping.Ebs.KmsKeyId ?? "",
                              encrypted: mapping.Ebs.Encrypted === undefined ? "" : String(mapping.Ebs.Encrypted),
                          },
                      ],
        })),
        vpcSecurityGroupIds: [...(data.SecurityGroupIds ?? [])],
    };
}
