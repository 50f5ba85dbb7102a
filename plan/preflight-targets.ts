import type { StackConfig } from "../config/read-config";
import type { DescribeNodegroupOutput } from "./cloud-facts";
import { poolTarget, type PoolTarget } from "../preflight/pool-target";

/** The tag the stack puts on each AL2023 node group, naming its pool (nodes/pool-tags.ts POOL_TAG). */
const POOL_TAG = "eks-al2023-migration/pool";

/**
 * The AL2023 target of every pool that replaces an AL2 node group, from the stack config and the
 * `describe-nodegroup` facts (the AL2 group's AMI type and subnets; the AL2023 group, tagged with its pool, once it
 * exists) and the subnets' zones.
 */
export function stackTargets(
    config: Pick<StackConfig, "pools">,
    nodegroups: Readonly<Record<string, DescribeNodegroupOutput>>,
    subnetZones: Readonly<Record<string, string>>,
): PoolTarget[] {
    const groups = Object.values(nodegroups).map((output) => output.nodegroup);
    return config.pools
        .filter((pool) => pool.legacyNodeGroup !== undefined)
        .map((pool) => {
            const legacy = nodegroups[pool.legacyNodeGroup!]?.nodegroup;
            const al2023 = groups
                .filter((ng) => ng.tags?.[POOL_TAG] === pool.name && ng.amiType.startsWith("AL2023_"))
                .sort((a, b) => a.nodegroupName.localeCompare(b.nodegroupName))[0];
            return poolTarget({
                pool,
                ...(legacy !== undefined && { legacy: { amiType: legacy.amiType, subnets: legacy.subnets } }),
                ...(al2023 !== undefined && { nodeGroupName: al2023.nodegroupName }),
                subnetZones,
            });
        });
}
