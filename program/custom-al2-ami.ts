import * as aws from "@pulumi/aws";
import type { AmiDescription, CustomAmiFacts } from "../cutover/custom-al2-ami";
import { translateUserData } from "../nodes/userdata-translation/translate";
import type { Al2LaunchTemplateRead } from "./al2-user-data";

/**
 * The AMI of that id as EC2 describes it (`aws.ec2.getAmi`, deprecated images included:
 * https://www.pulumi.com/registry/packages/aws/api-docs/ec2/getami/), or why it does not.
 */
export async function describeImage(imageId: string): Promise<{ image: AmiDescription } | { imageError: string }> {
    try {
        const found = await aws.ec2.getAmi({
            filters: [{ name: "image-id", values: [imageId] }],
            includeDeprecated: true,
        });
        return {
            image: {
                imageId: found.imageId,
                name: found.name,
                description: found.description,
                platformDetails: found.platformDetails,
                architecture: found.architecture,
            },
        };
    } catch (error) {
        return { imageError: error instanceof Error ? error.message : String(error) };
    }
}

/**
 * What the cutover guard needs to tell whether a CUSTOM node group runs an AL2 AMI: the launch template version it
 * runs (`readAl2LaunchTemplateSource`: its user data, for a call of `/etc/eks/bootstrap.sh`, and its image id) and the
 * AMI's name and description from EC2 (an AMI EC2 does not describe, deregistered or not shared, leaves the user data
 * to decide). Undefined for any other AMI type.
 */
export async function readCustomAmiFacts(
    live: { readonly amiType: string },
    template: Al2LaunchTemplateRead | undefined,
): Promise<CustomAmiFacts | undefined> {
    if (live.amiType !== "CUSTOM") return undefined;
    if (template !== undefined && "problem" in template)
        return { readProblem: template.problem, callsBootstrap: false };
    if (template === undefined || template.source === "none") {
        return { readProblem: "it names no launch template by id to read its AMI from", callsBootstrap: false };
    }
    const { userData, imageId } = template.source;
    const { callsBootstrap } = translateUserData({ userData });
    if (imageId === "") return { callsBootstrap };
    return { imageId, callsBootstrap, ...(await describeImage(imageId)) };
}
