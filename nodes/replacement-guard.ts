import type * as aws from "@pulumi/aws";
import type { PoolConfig } from "./pools";
import type { InstanceTypesIn } from "./instance-type-placement";

/** The AL2023 node group's settings this deployment plans that EKS cannot change in place. */
export interface PlannedNodeGroupIdentity {
    /** The node role; undefined when not known before deployment (the stack's own role, a rehearsal Output). */
    readonly nodeRoleArn?: string;
    /** The subnets; undefined when not known before deployment. */
    readonly subnetIds?: readonly string[];
    /** Where the role and subnets come from, for the message: the pool's own keys, or the AL2 node group. */
    readonly inherited: { readonly nodeRoleArn: boolean; readonly subnetIds: boolean };
}

/** A live node group as `aws.eks.getNodeGroup` reads it (the fields EKS cannot update). */
export type LiveNodeGroupIdentity = Pick<
    aws.eks.GetNodeGroupResult,
    "nodeGroupName" | "nodeRoleArn" | "subnetIds" | "capacityType" | "amiType" | "instanceTypes"
>;

const UPDATE_API = "https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html";

function sameSet(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}

/**
 * Changes that would replace the pool's live AL2023 node group, as problems. EKS updates a managed node group's
 * labels, taints, sizes, update config (UpdateNodegroupConfig) and its version, AMI release and launch template
 * version (UpdateNodegroupVersion: a rolling update that honours PodDisruptionBudgets), so an instance type in the
 * launch template changes in place; its node role, subnets, capacity type, AMI type and `instanceTypes` cannot change
 * ({@link UPDATE_API}), nor can a group with its type in the launch template get several, so Pulumi would create a new node
 * group and delete the old one, and a deleted node group's nodes are terminated without honouring
 * PodDisruptionBudgets (https://docs.aws.amazon.com/eks/latest/userguide/delete-managed-node-group.html). Refused
 * before anything changes, unless `pools[i].allowReplacement` and the last record shows the node group's retirement
 * resource (which drains it through the Eviction API before it is deleted); nothing is compared on a first
 * deployment (no live AL2023 node group).
 */
export function replacementProblems(args: {
    readonly pool: Pick<
        PoolConfig,
        "name" | "amiType" | "customAmi" | "capacityType" | "instanceTypes" | "allowReplacement"
    >;
    readonly poolIndex: number;
    readonly planned: PlannedNodeGroupIdentity;
    readonly live: LiveNodeGroupIdentity | undefined;
    /** Where the live node group has its instance types (`instanceTypesIn`, the one decision the program declares). */
    readonly instanceTypesIn: InstanceTypesIn;
    /** The last run's record shows the node group's NodeGroupRetirement (`al2023Retirement`). */
    readonly retirementRecorded: boolean;
    /** Config `protectNodeGroups`: the engine replaces no protected resource. */
    readonly protectedNodeGroups: boolean;
}): string[] {
    const problems = replacingChanges(args);
    if (problems.length === 0 || !args.pool.allowReplacement) return problems;
    if (args.protectedNodeGroups) {
        return [
            `pools[${args.poolIndex}].allowReplacement: true is not allowed with protectNodeGroups: true; Pulumi ` +
                `cannot replace the protected AL2023 node group "${args.live!.nodeGroupName}": set protectNodeGroups: ` +
                "false for the run that replaces it",
        ];
    }
    // Allowed: the new node group is created first, and the old one's retirement drains it before EKS deletes it.
    if (args.retirementRecorded) return [];
    return [
        `pools[${args.poolIndex}].allowReplacement: true is not allowed yet; the last run's record shows no ` +
            `retirement resource for AL2023 node group "${args.live!.nodeGroupName}" (a stack deployed before it ` +
            "existed), so nothing would drain it before EKS deletes it: run pulumi up once first without the " +
            "replacing change (it declares the retirement resource), then again with it",
    ];
}

/** The changes that would replace the live node group, as problems (`replacementProblems`). */
function replacingChanges(
    args: Omit<Parameters<typeof replacementProblems>[0], "retirementRecorded" | "protectedNodeGroups">,
): string[] {
    const { pool, poolIndex, planned, live, instanceTypesIn } = args;
    if (live === undefined) return [];
    const key = (field: string) => `pools[${poolIndex}].${field}`;
    const refuse = (change: {
        readonly field: string;
        readonly value: unknown;
        readonly liveValue: unknown;
        /** What to do instead; by default keep the live value. */
        readonly how?: string | undefined;
        /** How the message names the live value; by default as JSON. */
        readonly has?: string;
    }) =>
        `${key(change.field)}: ${JSON.stringify(change.value)} is not allowed; it would replace AL2023 node group ` +
        `"${live.nodeGroupName}" (which has ${change.has ?? JSON.stringify(change.liveValue)}): EKS cannot change it ` +
        `in place (${UPDATE_API}) and deletes the old node group without honouring PodDisruptionBudgets; ` +
        `${change.how ?? `keep ${JSON.stringify(change.liveValue)}`}, or add a new pool with the new value, move the ` +
        `workloads to it, then remove this one, or set ${key("allowReplacement")}: true ` +
        "(a new node group first, then the program drains the old one)";
    const problems: string[] = [];
    if (planned.nodeRoleArn !== undefined && planned.nodeRoleArn !== live.nodeRoleArn) {
        const how = planned.inherited.nodeRoleArn ? `set ${key("nodeRoleArn")} to ${live.nodeRoleArn}` : undefined;
        problems.push(refuse({ field: "nodeRoleArn", value: planned.nodeRoleArn, liveValue: live.nodeRoleArn, how }));
    }
    if (planned.subnetIds !== undefined && !sameSet(planned.subnetIds, live.subnetIds)) {
        const how = planned.inherited.subnetIds ? `set ${key("subnetIds")} to the live ones` : undefined;
        problems.push(refuse({ field: "subnetIds", value: planned.subnetIds, liveValue: live.subnetIds, how }));
    }
    if (pool.capacityType !== live.capacityType) {
        problems.push(refuse({ field: "capacityType", value: pool.capacityType, liveValue: live.capacityType }));
    }
    const amiType = pool.customAmi === undefined ? pool.amiType : "CUSTOM";
    if (amiType !== live.amiType) {
        const field = pool.customAmi === undefined ? "amiType" : "customAmi";
        problems.push(refuse({ field, value: amiType, liveValue: live.amiType }));
    }
    if (instanceTypesIn === "launchTemplate" && pool.instanceTypes.length > 1) {
        // Its one type is in the launch template (`instanceTypesIn`), which holds only one.
        const how = "keep one instance type (a change of it is a rolling update of the launch template)";
        const has = "its one instance type in its launch template";
        problems.push(refuse({ field: "instanceTypes", value: pool.instanceTypes, liveValue: [], how, has }));
    } else if (
        instanceTypesIn === "nodeGroup" &&
        live.instanceTypes.length > 0 &&
        pool.instanceTypes.join(",") !== live.instanceTypes.join(",")
    ) {
        // DescribeNodegroup may read them as null for a node group with a launch template: then nothing to compare.
        problems.push(refuse({ field: "instanceTypes", value: pool.instanceTypes, liveValue: live.instanceTypes }));
    }
    return problems;
}
