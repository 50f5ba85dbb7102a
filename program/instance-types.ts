import * as aws from "@pulumi/aws";
import { instanceTypeProblems, type CustomAmiArchitecture, type InstanceTypeFacts } from "../nodes/instance-type-check";
import type { PoolConfig } from "../nodes/pools";
import { describeImage } from "./custom-al2-ami";

/**
 * What EC2 says about an instance type (`aws.ec2.getInstanceType`, DescribeInstanceTypes:
 * https://www.pulumi.com/registry/packages/aws/api-docs/ec2/getinstancetype/); undefined when EC2 does not know it
 * (the call fails for a type the region does not offer).
 */
async function describeInstanceType(instanceType: string): Promise<InstanceTypeFacts> {
    try {
        const found = await aws.ec2.getInstanceType({ instanceType });
        return { supportedArchitectures: [...found.supportedArchitectures] };
    } catch {
        return undefined;
    }
}

/** A custom AMI's architecture from EC2 (`aws.ec2.getAmi`); none when EC2 does not describe the image. */
async function customAmiArchitecture(imageId: string): Promise<CustomAmiArchitecture> {
    const described = await describeImage(imageId);
    return "image" in described && described.image.architecture !== ""
        ? { imageId, architecture: described.image.architecture }
        : { imageId };
}

/**
 * Every instance type of every pool checked before any resource: EC2 knows it, and its architecture is the one the
 * pool's image boots: its AMI type's, or with `customAmi` the AMI's own as EC2 describes it (an image EC2 does not
 * describe leaves the types checked for existence only). Each distinct type and custom AMI is asked once.
 */
export async function poolInstanceTypeProblems(
    pools: readonly { readonly pool: PoolConfig; readonly poolIndex: number }[],
): Promise<string[]> {
    const types = [...new Set(pools.flatMap(({ pool }) => pool.instanceTypes))].sort();
    const images = [...new Set(pools.flatMap(({ pool }) => (pool.customAmi === undefined ? [] : [pool.customAmi])))];
    const [answers, architectures] = await Promise.all([
        Promise.all(types.map(describeInstanceType)),
        Promise.all(images.map(customAmiArchitecture)),
    ]);
    const facts = Object.fromEntries(types.map((type, i) => [type, answers[i]]));
    const customAmis = new Map(images.map((imageId, i) => [imageId, architectures[i]]));
    return pools.flatMap(({ pool, poolIndex }) =>
        instanceTypeProblems({
            poolKey: `pools[${poolIndex}]`,
            ...(pool.customAmi === undefined
                ? { amiType: pool.amiType }
                : { customAmi: customAmis.get(pool.customAmi)! }),
            instanceTypes: pool.instanceTypes,
            facts,
        }),
    );
}
