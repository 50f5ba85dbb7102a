import type { CloudFacts, DescribeNodegroupOutput } from "../plan/cloud-facts";

/** The size of one generated scale config. */
export interface ScaleSize {
    readonly pools: number;
    readonly serviceAccounts: number;
}

/** A generated stack: raw config (as `Pulumi.<stack>.yaml` would hold it, without the project prefix) and facts. */
export interface ScaleStack {
    readonly config: Record<string, unknown>;
    readonly facts: CloudFacts;
}

/** The sizes `npm run bench` measures: pools × service accounts, plus 50 × 100 to compare growth with 50 × 1,000. */
export const SCALE_SIZES: readonly ScaleSize[] = [
    { pools: 1, serviceAccounts: 10 },
    { pools: 10, serviceAccounts: 100 },
    { pools: 50, serviceAccounts: 100 },
    { pools: 50, serviceAccounts: 1000 },
];

/** Namespaces the generated service accounts spread over. */
const NAMESPACES = 10;

/** The name of generated pool `i` (and, with `-al2`, of the AL2 node group it replaces). */
export function scalePoolName(i: number): string {
    return `pool-${String(i).padStart(3, "0")}`;
}

/**
 * A stack config with `size.pools` pools, each replacing its own AL2 node group, and `size.serviceAccounts` IRSA
 * service accounts (own role, one managed policy, one Deployment restart), built on `base` (the prod stack's
 * config: cluster, phase, tags). The facts are `template`'s cluster plus one `describe-nodegroup` per legacy node
 * group, copied from the template's first AL2 node group with the name, ARN and Auto Scaling group changed.
 */
export function generateScaleStack(
    size: ScaleSize,
    template: CloudFacts,
    base: Readonly<Record<string, unknown>> = {},
): ScaleStack {
    const cluster = template.cluster.cluster;
    const sample = Object.values(template.nodegroups).find((ng) => ng.nodegroup.amiType.startsWith("AL2_"));
    if (sample === undefined) throw new Error("the template facts need a describe-nodegroup of an AL2 node group");
    const partition = cluster.arn.split(":")[1];
    const nodegroups: Record<string, DescribeNodegroupOutput> = {};
    const pools = Array.from({ length: size.pools }, (_, i) => {
        const name = scalePoolName(i);
        const legacyNodeGroup = `${name}-al2`;
        const arnPrefix = sample.nodegroup.nodegroupArn.split("/").slice(0, 2).join("/");
        const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
        nodegroups[legacyNodeGroup] = {
            ...sample,
            nodegroup: {
                ...sample.nodegroup,
                nodegroupName: legacyNodeGroup,
                nodegroupArn: `${arnPrefix}/${legacyNodeGroup}/${uuid}`,
                resources: { autoScalingGroups: [{ name: `eks-${legacyNodeGroup}-${uuid}` }] },
            },
        };
        return {
            name,
            legacyNodeGroup,
            instanceTypes: sample.nodegroup.instanceTypes ?? ["m6i.large"],
            scaling: { min: 1, desired: 2, max: 4 },
            subnetIds: sample.nodegroup.subnets,
            labels: { workload: name },
        };
    });
    const serviceAccounts = Array.from({ length: size.serviceAccounts }, (_, i) => ({
        namespace: `team-${i % NAMESPACES}`,
        name: `app-${String(i).padStart(4, "0")}`,
        identity: "irsa",
        managedPolicyArns: [`arn:${partition}:iam::aws:policy/AmazonS3ReadOnlyAccess`],
        restart: [{ kind: "Deployment", name: `app-${String(i).padStart(4, "0")}` }],
    }));
    return {
        config: { ...base, clusterName: cluster.name, pools, serviceAccounts },
        facts: { ...template, nodegroups },
    };
}
