import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Subnet ids, sorted and without repeats, with the availability zone of each. */
export interface SubnetZones {
    readonly subnetIds: string[];
    readonly zones: Record<string, string>;
}

/**
 * The availability zone of each subnet, read with `aws.ec2.getSubnet` (EC2 DescribeSubnets,
 * https://www.pulumi.com/registry/packages/aws/api-docs/ec2/getsubnet/) when the program runs: the live gates compare
 * zonal volumes and zone affinities with the zones of the AL2023 node group's subnets. Sorted, so the gate inputs are
 * the same on every run.
 */
export function subnetZones(subnetIds: readonly pulumi.Input<string>[]): pulumi.Output<SubnetZones> {
    return pulumi.all([...subnetIds]).apply(async (ids) => {
        const sorted = [...new Set(ids)].sort();
        const subnets = await Promise.all(sorted.map((id) => aws.ec2.getSubnet({ id })));
        return {
            subnetIds: sorted,
            // A subnet without a zone (the offline plan's facts lack it) stays out: the pool's zones are then unknown.
            zones: Object.fromEntries(
                sorted.flatMap((id, i) => (subnets[i].availabilityZone ? [[id, subnets[i].availabilityZone]] : [])),
            ),
        };
    });
}
