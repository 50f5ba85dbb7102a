import * as aws from "@pulumi/aws";
import type { AmiDescription, CustomAmiFacts } from "../cutover/custom-al2-ami";
import { translateUserData } from "../nodes/userdata-translation/translate";
import { readLaunchTemplate, type NodeGroupLaunchTemplate } from "./al2-user-data";

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
 * runs (its user data, for a call of `/etc/eks/bootstrap.sh`, and its image id) and the AMI's name and description
 * from EC2 (an AMI EC2 does not describe, deregistered or not shared, leaves the user data to decide). Undefined for
 * any other AMI type.
 */
export async function readCustomAmiFacts(live: {
    readonly nodeGroupName: string;
    readonly amiType: string;
    readonly launchTemplates: readonly NodeGroupLaunchTemplate[];
}): Promise<CustomAmiFacts | undefined> {
    if (live.amiType !== "CUSTOM") return undefined;
    const template = live.launchTemplates[0];
    if (template === undefined || template.id === "") {
        return { readProblem: "it names no launch template by id to read its AMI from", callsBootstrap: false };
    }
    const read = await readLaunchTemplate(live.nodeGroupName, template);
    if ("problem" in read) return { readProblem: read.problem, callsBootstrap: false };
    const { callsBootstrap } = translateUserData({ userData: read.userData });
    if (read.imageId === "") return { callsBootstrap };
    return { imageId: read.imageId, callsBootstrap, ...(await describeImage(read.imageId)) };
}
