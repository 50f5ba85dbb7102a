import * as aws from "@pulumi/aws";
import { instanceTypeProblems, type InstanceTypeFacts } from "../nodes/instance-type-check";
import type { PoolConfig } from "../nodes/pools";

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

/**
 * Every instance type of every pool checked before any resource: EC2 knows it, and its architecture is the AMI
 * type's (a custom AMI's architecture is not known here: its pool's types are checked for existence only). Each
 * distinct type is asked once.
 */
export async function poolInstanceTypeProblems(
    pools: readonly { readonly pool: PoolConfig; readonly poolIndex: number }[],
): Promise<string[]> {
    const types = [...new Set(pools.flatMap(({ pool }) => pool.instanceTypes))].sort();
    const answers = await Promise.all(types.map(describeInstanceType));
    const facts = Object.fromEntries(types.map((type, i) => [type, answers[i]]));
    return pools.flatMap(({ pool, poolIndex }) =>
        instanceTypeProblems({
            poolKey: `pools[${poolIndex}]`,
            ...(pool.customAmi === undefined && { amiType: pool.amiType }),
            instanceTypes: pool.instanceTypes,
            facts,
        }),
    );
}
