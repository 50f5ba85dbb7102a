import { didYouMean } from "../common/suggest";
import { eksctlOwnership, eksctlOwnershipWarning } from "./eksctl-ownership";
import { kubernetesMinor, type ClusterFacts } from "../common/cluster-facts";
import { managesLegacy, problem, type GuardFindings, type LiveNodeGroup, type PoolGuardContext } from "./guard-context";
import { customAl2AmiFindings } from "./custom-al2-ami";

/** The AMI types of AL2 EKS-optimized AMIs: the only node groups this program replaces. */
export const AL2_AMI_TYPES = ["AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64"] as const;

/** The first Kubernetes minor without AL2 AMIs [https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html]. */
export const FIRST_MINOR_WITHOUT_AL2 = 33;

/**
 * The AL2 node group named by `legacyNodeGroup`:
 * - it must exist, except in `decommission` (deleted by an earlier run, or about to be);
 * - its `amiType` must be an AL2 EKS AMI type (AL2_x86_64, AL2_x86_64_GPU, AL2_ARM_64), or CUSTOM with an AMI
 *   recognised as AL2 (`cutover/custom-al2-ami.ts`; the pool then chooses its AL2023 image itself); another custom
 *   AMI moves to AL2023 in place by changing the AMI in its launch template [https://docs.aws.amazon.com/eks/latest/userguide/al2023.html];
 * - on Kubernetes 1.33 or newer (no AL2 AMIs [https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html]) a present AL2 node group is a warning: it can no longer be
 *   updated (version, AMI release), only scaled and drained; the phases do only that, so the cutover may proceed;
 * - a node group `DEGRADED` or `UPDATING` when the stack adopts it is a warning (its nodes carry the pods until drain).
 */
export function checkLegacyNodeGroup(
    context: PoolGuardContext,
    cluster: Pick<ClusterFacts, "name" | "kubernetesVersion">,
    live: LiveNodeGroup | undefined,
): GuardFindings {
    const { pool, poolIndex, phase } = context;
    const name = pool.legacyNodeGroup;
    const key = `pools[${poolIndex}].legacyNodeGroup`;
    if (name === undefined) return { problems: [], warnings: [] };
    if (live === undefined) {
        if (phase === "decommission") return { problems: [], warnings: [] };
        const list = `aws eks list-nodegroups --cluster-name ${cluster.name}`;
        return {
            problems: [
                problem(
                    key,
                    name,
                    `no managed node group "${name}" in cluster "${cluster.name}"` +
                        `${didYouMean(name, context.clusterNodeGroups ?? [])} (see \`${list}\`)`,
                ),
            ],
            warnings: [],
        };
    }
    const problems: string[] = [];
    const warnings: string[] = [];
    if (live.amiType === "CUSTOM") {
        const custom = customAl2AmiFindings({ pool, poolIndex, nodeGroupName: name, facts: context.legacyCustomAmi });
        problems.push(...custom.problems);
        warnings.push(...custom.warnings);
    } else if (!(AL2_AMI_TYPES as readonly string[]).includes(live.amiType)) {
        problems.push(
            problem(
                key,
                name,
                `its amiType is ${live.amiType}; this program replaces AL2 node groups (amiType ${AL2_AMI_TYPES.join(", ")}, or CUSTOM with an AL2 AMI)`,
            ),
        );
    }
    const ownership = eksctlOwnership({ clusterName: cluster.name, nodeGroupName: name, tags: live.tags });
    if (ownership !== undefined) {
        warnings.push(
            eksctlOwnershipWarning({
                key,
                nodeRoleKey: `pools[${poolIndex}].nodeRoleArn`,
                nodeGroupName: name,
                ownership,
            }),
        );
    }
    if (!managesLegacy(context.previous) && (live.status === "DEGRADED" || live.status === "UPDATING")) {
        warnings.push(
            `${key}: AL2 node group "${name}" is ${live.status} at adoption: ` +
                (live.status === "DEGRADED"
                    ? `check \`aws eks describe-nodegroup --cluster-name ${cluster.name} --nodegroup-name ${name} --query nodegroup.health.issues\` and fix them first, since its nodes carry the pods until drain`
                    : "an update (version, AMI release, config) is running; let it finish before the cutover changes the node group"),
        );
    }
    if (kubernetesMinor(cluster) >= FIRST_MINOR_WITHOUT_AL2) {
        warnings.push(
            `${key}: AL2 node group "${name}" runs on Kubernetes ${cluster.kubernetesVersion}, which has no AL2 AMIs ` +
                `(1.32 is the last): it cannot be updated any more (version, AMI release), only scaled and drained; ` +
                `take pool "${pool.name}" through drain to decommission`,
        );
    }
    return { problems, warnings };
}
