import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RehearsalCluster, type PlannedClusterFacts } from "../rehearsal/rehearsal-cluster";
import { lookupClusterFacts, type ClusterFacts } from "../common/cluster-facts";
import type { StackConfig } from "../config/read-config";
import {
    REHEARSAL_SERVICE_CIDR,
    type RehearsalConfig,
    type RehearsalLegacyNodeGroup,
} from "../rehearsal/rehearsal-schema";
import { lookupNodeGroup, type LegacyNodeGroupReader, type LegacyNodeGroupState } from "../cutover/live-node-groups";

/**
 * Where the cluster and its AL2 node groups come from. The cutover reads only this, so it runs the same code against
 * an existing cluster (`existingClusterSource`) and against a cluster the stack creates (`rehearsalClusterSource`).
 */
export interface ClusterSource {
    /** The cluster as the cutover sees it. */
    readonly facts: ClusterFacts;
    /** A pool's AL2 node group by name, shaped like `aws.eks.getNodeGroup`'s result; undefined when there is none. */
    readonly legacyNodeGroup: LegacyNodeGroupReader;
    /**
     * `import`: the AL2 node groups run already; the cutover adopts each by import on its first deployment.
     * `create`: the source only defines them; the cutover creates them (no import), then moves them like adopted ones.
     */
    readonly legacyNodeGroups: "import" | "create";
    /** Resources every node group waits for and outlives on `pulumi destroy` (a created cluster); none otherwise. */
    readonly nodeGroupDependsOn: readonly pulumi.Resource[];
    /** The IAM OIDC provider, when the source created it (no lookup); undefined: per `oidcProvider` config. */
    readonly oidcProviderArn?: pulumi.Output<string>;
    /** The Kubernetes provider of the identity step; undefined: built from the facts and `kubernetes` config. */
    readonly kubernetesProvider?: k8s.Provider;
}

/** An existing cluster: read with `aws.eks.getCluster`, its AL2 node groups with `aws.eks.getNodeGroup`. */
export async function existingClusterSource(clusterName: string): Promise<ClusterSource> {
    return {
        facts: await lookupClusterFacts(clusterName),
        legacyNodeGroup: lookupNodeGroup,
        legacyNodeGroups: "import",
        nodeGroupDependsOn: [],
    };
}

/** The SSM parameter with the last AL2 EKS AMI release of a Kubernetes version (e.g. `1.32.9-20251209`). */
export function al2ReleaseVersionParameter(kubernetesVersion: string): string {
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2/recommended/release_version`;
}

/** What the rehearsal's AL2 node group definition is built from. */
export interface RehearsalLegacyNodeGroupArgs {
    readonly cluster: Pick<ClusterFacts, "name" | "kubernetesVersion" | "partition" | "region" | "accountId">;
    readonly legacyNodeGroup: RehearsalLegacyNodeGroup;
    /** The AL2 AMI release to create it with. */
    readonly releaseVersion: string;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetIds: readonly pulumi.Input<string>[];
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The AL2 managed node group a rehearsal creates, in the shape of `aws.eks.getNodeGroup`'s result: what a small AL2
 * pool on a real cluster looks like (EKS AMI type AL2_x86_64, no launch template, 20 GiB disk, on-demand, no labels,
 * taints or update config). The cutover's LegacyNodeGroup turns it into the node group's inputs exactly as it does
 * for a live one.
 */
export function rehearsalLegacyNodeGroup(args: RehearsalLegacyNodeGroupArgs): LegacyNodeGroupState {
    const { cluster, legacyNodeGroup: legacy } = args;
    const arn = `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:nodegroup/${cluster.name}/${legacy.name}`;
    return {
        id: `${cluster.name}:${legacy.name}`,
        arn,
        clusterName: cluster.name,
        nodeGroupName: legacy.name,
        amiType: "AL2_x86_64",
        capacityType: "ON_DEMAND",
        diskSize: 20,
        instanceTypes: [...legacy.instanceTypes],
        labels: {},
        launchTemplates: [],
        nodeRoleArn: args.nodeRoleArn,
        region: cluster.region,
        releaseVersion: args.releaseVersion,
        remoteAccesses: [],
        resources: [],
        scalingConfigs: [
            { minSize: legacy.scaling.min, desiredSize: legacy.scaling.desired, maxSize: legacy.scaling.max },
        ],
        status: "ACTIVE",
        subnetIds: [...args.subnetIds],
        tags: { ...args.tags },
        taints: [],
        updateConfigs: [],
        version: cluster.kubernetesVersion,
        warmPoolConfigs: [],
    };
}

/**
 * Rehearsal mode: declares a RehearsalCluster named `clusterName` and describes it as a ClusterSource. Partition,
 * region and account come from the AWS provider (`aws.getPartition`, `aws.getRegion`, `aws.getCallerIdentity`), the
 * VPC's two AZs from `aws.getAvailabilityZones` (the first two by name, default zones only), the AL2 AMI release
 * from SSM unless configured. The cluster is declared before the guards run; a refused phase leaves it unchanged.
 */
export async function rehearsalClusterSource(
    config: Pick<StackConfig, "clusterName" | "tags">,
    rehearsal: RehearsalConfig,
): Promise<ClusterSource> {
    const [partition, region, caller] = await Promise.all([
        aws.getPartition(),
        aws.getRegion(),
        aws.getCallerIdentity(),
    ]);
    const planned: PlannedClusterFacts = {
        name: config.clusterName,
        kubernetesVersion: rehearsal.kubernetesVersion,
        serviceCidr: REHEARSAL_SERVICE_CIDR,
        partition: partition.partition,
        region: region.region,
        accountId: caller.accountId,
    };
    const releaseVersion =
        rehearsal.legacyNodeGroup.releaseVersion ??
        (await aws.ssm.getParameter({ name: al2ReleaseVersionParameter(rehearsal.kubernetesVersion) })).value;
    const network =
        rehearsal.network ??
        ({ availabilityZones: await twoAvailabilityZones() } satisfies { availabilityZones: [string, string] });

    const cluster = new RehearsalCluster("rehearsal", {
        cluster: planned,
        network,
        sampleWorkload: rehearsal.sampleWorkload,
        tags: config.tags,
    });
    const legacy = rehearsalLegacyNodeGroup({
        cluster: planned,
        legacyNodeGroup: rehearsal.legacyNodeGroup,
        releaseVersion,
        nodeRoleArn: cluster.nodeRoleArn,
        subnetIds: cluster.nodeSubnetIds,
        tags: config.tags,
    });
    return {
        facts: cluster.facts,
        legacyNodeGroup: async (_clusterName, nodeGroupName) =>
            nodeGroupName === legacy.nodeGroupName ? legacy : undefined,
        legacyNodeGroups: "create",
        nodeGroupDependsOn: cluster.nodeGroupDependsOn,
        oidcProviderArn: cluster.oidcProviderArn,
        kubernetesProvider: cluster.kubernetesProvider,
    };
}

/** The region's first two default availability zones by name. */
async function twoAvailabilityZones(): Promise<[string, string]> {
    const zones = await aws.getAvailabilityZones({
        state: "available",
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const names = [...zones.names].sort();
    if (names.length < 2)
        throw new pulumi.RunError(`rehearsal: the region has ${names.length} availability zone(s); EKS needs 2`);
    return [names[0], names[1]];
}

/** The cluster source of a stack: the rehearsal cluster in rehearsal mode, else the existing cluster. */
export async function openClusterSource(config: StackConfig): Promise<ClusterSource> {
    return config.rehearsal !== undefined
        ? rehearsalClusterSource(config, config.rehearsal)
        : existingClusterSource(config.clusterName);
}
