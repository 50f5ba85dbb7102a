import type { StackConfig } from "../config/read-config";
import { effectivePhase, planPhase } from "../cutover/phase-plan";
import type { CutoverPhase } from "../cutover/phases";
import { POOL_TAG } from "../nodes/pool-tags";
import type { ScalingConfig } from "../nodes/pools";
import type { CloudFacts, DescribeNodegroupOutput } from "./cloud-facts";

/** What the rehearsal facts are built from. */
export interface RehearsalFactsInput {
    readonly config: StackConfig;
    readonly facts: CloudFacts;
    /** The phase each pool was last deployed in (`none`: never). */
    readonly previousPhase: (pool: string, phase: CutoverPhase) => CutoverPhase | "none";
}

/** The facts with the node groups an earlier rehearsal deployment created, and the assumption in words. */
export interface RehearsalFacts {
    readonly facts: CloudFacts;
    readonly assumptions: readonly string[];
}

/** The name the offline plan gives an AL2023 node group a rehearsal created (EKS appends a 26-digit suffix). */
export function simulatedAl2023Name(pool: string): string {
    return `${pool}-${"0".repeat(25)}1`;
}

function nodeGroup(args: {
    readonly facts: CloudFacts;
    readonly name: string;
    readonly amiType: string;
    readonly scaling: ScalingConfig;
    readonly instanceTypes: readonly string[];
    readonly tags: Readonly<Record<string, string>>;
}): DescribeNodegroupOutput {
    const cluster = args.facts.cluster.cluster;
    const [, partition, , region, account] = cluster.arn.split(":");
    return {
        nodegroup: {
            nodegroupName: args.name,
            nodegroupArn: `arn:${partition}:eks:${region}:${account}:nodegroup/${cluster.name}/${args.name}/simulated`,
            clusterName: cluster.name,
            version: cluster.version,
            releaseVersion: "simulated",
            status: "ACTIVE",
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: args.scaling.min, maxSize: args.scaling.max, desiredSize: args.scaling.desired },
            instanceTypes: [...args.instanceTypes],
            subnets: [],
            amiType: args.amiType,
            nodeRole: `arn:${partition}:iam::${account}:role/simulated`,
            tags: { ...args.tags },
        },
    };
}

/**
 * A rehearsal stack creates its cluster's node groups itself, so no `describe-nodegroup` file can show them before
 * the stack runs. To plan a phase after `prepare`, the plan adds what the assumed last deployment created: the AL2
 * node group as the rehearsal defines it (`rehearsal.legacyNodeGroup`), and for each pool deployed before, its AL2023
 * node group (tagged with the pool) at the size that phase planned. Not a rehearsal, or nothing deployed: unchanged.
 */
export function withRehearsalNodeGroups(input: RehearsalFactsInput): RehearsalFacts {
    const { config, facts } = input;
    const rehearsal = config.rehearsal;
    if (rehearsal === undefined) return { facts, assumptions: [] };
    const legacy = rehearsal.legacyNodeGroup;
    const nodegroups: Record<string, DescribeNodegroupOutput> = { ...facts.nodegroups };
    const created: string[] = [];
    for (const pool of config.pools) {
        const phase = effectivePhase(pool, config.cutoverPhase);
        const previous = input.previousPhase(pool.name, phase);
        if (previous === "none") continue;
        const legacyAlive = pool.legacyNodeGroup === legacy.name && previous !== "decommission";
        if (legacyAlive && nodegroups[legacy.name] === undefined) {
            nodegroups[legacy.name] = nodeGroup({
                facts,
                name: legacy.name,
                amiType: "AL2_x86_64",
                scaling: legacy.scaling,
                instanceTypes: legacy.instanceTypes,
                tags: config.tags,
            });
            created.push(`AL2 node group ${legacy.name} (as rehearsal.legacyNodeGroup defines it)`);
        }
        const atAdoption = pool.legacyNodeGroup === legacy.name ? legacy.scaling : undefined;
        const al2023 = planPhase({ phase: previous, pool, legacyAtAdoption: atAdoption }).al2023.scaling;
        const name = simulatedAl2023Name(pool.name);
        nodegroups[name] = nodeGroup({
            facts,
            name,
            amiType: pool.amiType ?? "AL2023_x86_64_STANDARD",
            scaling: al2023,
            instanceTypes: pool.instanceTypes,
            tags: { ...config.tags, [POOL_TAG]: pool.name },
        });
        created.push(
            `AL2023 node group ${name} of pool "${pool.name}" (as ${previous} planned it: min ${al2023.min}, ` +
                `desired ${al2023.desired}, max ${al2023.max})`,
        );
    }
    if (created.length === 0) return { facts, assumptions: [] };
    return {
        facts: { ...facts, nodegroups },
        assumptions: [
            `rehearsal: the last deployment created ${created.join(" and ")}; they are added to the facts, ACTIVE`,
        ],
    };
}
