/** The offline cloud's EC2 answers: instance types and launch template versions, from AWS-CLI-shaped facts. */

import {
    launchTemplateVersionData,
    type DescribedLaunchTemplateVersion,
    type LaunchTemplateVersionReader,
} from "../cutover/launch-template-version";

/** One entry of `aws ec2 describe-instance-types` output (the fields the program reads). */
export interface InstanceTypeOutput {
    readonly InstanceType: string;
    readonly ProcessorInfo: { readonly SupportedArchitectures: readonly string[] };
}

/**
 * One entry of `aws ec2 describe-launch-template-versions` output (the fields the program reads; the facts loader
 * checks the id and the version number).
 */
export type LaunchTemplateVersionOutput = DescribedLaunchTemplateVersion & {
    readonly LaunchTemplateId: string;
    readonly VersionNumber: number;
};

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

/**
 * DescribeLaunchTemplateVersions from the `describe-launch-template-versions` facts, through the same selection as
 * the real call (`launchTemplateVersionData`): exactly the version asked for. A version missing from the facts fails
 * as EC2 fails for a version that does not exist, saying which facts to add.
 */
export function factsLaunchTemplateVersionReader(
    known: Readonly<Record<string, readonly LaunchTemplateVersionOutput[]>> | undefined,
): LaunchTemplateVersionReader {
    return async (request) => {
        const data = launchTemplateVersionData(known?.[request.launchTemplateId] ?? [], request);
        if (data === undefined) {
            throw new Error(
                `InvalidLaunchTemplateId.VersionNotFound: version ${request.version} of launch template ` +
                    `${request.launchTemplateId} is not in the facts (add \`aws ec2 describe-launch-template-versions ` +
                    `--launch-template-id ${request.launchTemplateId} --versions ${request.version}\` output to the ` +
                    "facts folder)",
            );
        }
        return data;
    };
}
