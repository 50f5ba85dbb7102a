import type { StackConfig } from "../config/read-config";
import type { CloudFacts, DescribeNodegroupOutput } from "./cloud-facts";
import { poolTarget, type PoolTarget } from "../preflight/pool-target";
import { launchTemplateVersionData } from "../cutover/launch-template-version";

/** The tag the stack puts on each AL2023 node group, naming its pool (nodes/pool-tags.ts POOL_TAG). */
const POOL_TAG = "eks-al2023-migration/pool";

/**
 * The architecture of a CUSTOM node group's AMI in the facts: exactly the launch template version it runs
 * (`describe-launch-template-versions`), that version's `ImageId`, and the image's `Architecture` (`describe-images`);
 * undefined when the facts lack one of them.
 */
function customImageArchitecture(
    nodegroup: DescribeNodegroupOutput["nodegroup"],
    facts: Pick<CloudFacts, "launchTemplateVersions" | "images">,
): string | undefined {
    const template = nodegroup.launchTemplate;
    if (template?.id === undefined || template.version === undefined) return undefined;
    const runs = launchTemplateVersionData(facts.launchTemplateVersions?.[template.id] ?? [], {
        launchTemplateId: template.id,
        version: template.version,
    });
    return runs === undefined || runs.imageId === "" ? undefined : facts.images?.[runs.imageId]?.Architecture;
}

/**
 * The AL2023 target of every pool that replaces an AL2 node group, from the stack config and the facts: the
 * `describe-nodegroup` outputs (the AL2 group's AMI type and subnets; the AL2023 group, tagged with its pool, once it
 * exists), for a CUSTOM AL2 group its AMI's architecture (launch template version and `describe-images`), and the
 * subnets' zones.
 */
export function stackTargets(
    config: Pick<StackConfig, "pools">,
    facts: Pick<CloudFacts, "nodegroups" | "launchTemplateVersions" | "images">,
    subnetZones: Readonly<Record<string, string>>,
): PoolTarget[] {
    const { nodegroups } = facts;
    const groups = Object.values(nodegroups).map((output) => output.nodegroup);
    return config.pools
        .filter((pool) => pool.legacyNodeGroup !== undefined)
        .map((pool) => {
            const legacy = nodegroups[pool.legacyNodeGroup!]?.nodegroup;
            const imageArchitecture = legacy?.amiType === "CUSTOM" ? customImageArchitecture(legacy, facts) : undefined;
            const al2023 = groups
                .filter((ng) => ng.tags?.[POOL_TAG] === pool.name && ng.amiType.startsWith("AL2023_"))
                .sort((a, b) => a.nodegroupName.localeCompare(b.nodegroupName))[0];
            return poolTarget({
                pool,
                ...(legacy !== undefined && {
                    legacy: {
                        amiType: legacy.amiType,
                        subnets: legacy.subnets,
                        ...(imageArchitecture !== undefined && { imageArchitecture }),
                    },
                }),
                ...(al2023 !== undefined && { nodeGroupName: al2023.nodegroupName }),
                subnetZones,
            });
        });
}
