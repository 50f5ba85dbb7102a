import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ScalingConfig } from "./pools";
import type { NodeGroupPoolArgs } from "./pool-args";
import { TYPE_TOKENS } from "../common/project";
import { CHILD_NAMES } from "../common/child-names";

/** Arguments of an Al2023NodeGroup. */
export interface Al2023NodeGroupArgs {
    /** The EKS cluster the node group joins. */
    readonly clusterName: string;
    /** The pool's settings the node group uses (`nodeGroupArgs`): AMI, instance and capacity types, labels, taints. */
    readonly pool: NodeGroupPoolArgs;
    /** The pool's launch template; the node group always uses its latest version. */
    readonly launchTemplate: { readonly id: pulumi.Input<string>; readonly version: pulumi.Input<number> };
    /** The node IAM role. */
    readonly nodeRoleArn: pulumi.Input<string>;
    /** Subnets for the nodes (the pool's, or the legacy node group's). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The size for this phase (may be 0/0 in prepare; max stays ≥ 1, an EKS rule). */
    readonly scaling: ScalingConfig;
    /**
     * Let the cluster autoscaler own the desired size: the node group ignores `scalingConfig.desiredSize` changes
     * (for autoscaled pools on a re-run of the same phase). @default false
     */
    readonly ignoreDesiredSizeChanges?: boolean;
}

/**
 * An AL2023 EKS managed node group built from a NodeLaunchTemplate. It is auto-named from a prefix, so a change that
 * EKS can only make by replacement (subnets, `instanceTypes`, capacity type, AMI type) creates the new group before
 * the old one is deleted (Pulumi's default create-before-replace) without a name collision. A pool's one instance
 * type is in the launch template instead where it can be (`instanceTypesIn` decides, from the record), so changing
 * it is a new launch template version: a rolling update.
 */
export class Al2023NodeGroup extends pulumi.ComponentResource {
    /** The node group name EKS knows (prefix + unique suffix). */
    public readonly nodeGroupName: pulumi.Output<string>;
    public readonly arn: pulumi.Output<string>;
    /** `<cluster>:<node group>`. */
    public readonly id: pulumi.Output<string>;

    constructor(name: string, args: Al2023NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before registering anything, so a bad size leaves no half-declared component behind.
        checkScaling(args.scaling);
        super(TYPE_TOKENS.Al2023NodeGroup, name, {}, opts);
        const { pool, scaling } = args;

        // With an image id in the launch template, EKS rejects amiType, version and releaseVersion (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html).
        const ami = pool.ami === undefined ? {} : { amiType: pool.ami.amiType, version: pool.ami.version };
        const nodeGroup = new aws.eks.NodeGroup(
            CHILD_NAMES.al2023NodeGroup(name),
            {
                clusterName: args.clusterName,
                nodeGroupNamePrefix: `${pool.poolName}-`,
                launchTemplate: {
                    id: args.launchTemplate.id,
                    version: pulumi.output(args.launchTemplate.version).apply((version) => String(version)),
                },
                ...ami,
                ...(pool.instanceTypes !== undefined && { instanceTypes: [...pool.instanceTypes] }),
                capacityType: pool.capacityType,
                scalingConfig: { minSize: scaling.min, desiredSize: scaling.desired, maxSize: scaling.max },
                updateConfig: { ...pool.update },
                labels: { ...pool.labels },
                taints: pool.taints.map((taint) => ({ ...taint })),
                subnetIds: args.subnetIds,
                nodeRoleArn: args.nodeRoleArn,
                tags: { ...pool.tags },
                ...(pool.nodeRepair !== undefined && { nodeRepairConfig: { enabled: pool.nodeRepair.enabled } }),
            },
            {
                parent: this,
                // What the caller makes the component wait for (a created cluster) holds for the node group itself.
                dependsOn: opts?.dependsOn,
                ...(args.ignoreDesiredSizeChanges && { ignoreChanges: ["scalingConfig.desiredSize"] }),
            },
        );

        this.nodeGroupName = nodeGroup.nodeGroupName;
        this.arn = nodeGroup.arn;
        this.id = nodeGroup.id;
        this.registerOutputs({ nodeGroupName: this.nodeGroupName, arn: this.arn, id: this.id });
    }
}

/** EKS NodegroupScalingConfig: min ≥ 0, desired ≥ 0, max ≥ 1, min ≤ desired ≤ max, whole numbers. */
function checkScaling(scaling: ScalingConfig): void {
    const errors: { propertyPath: string; reason: string }[] = [];
    for (const field of ["min", "desired", "max"] as const) {
        const value = scaling[field];
        const lowest = field === "max" ? 1 : 0;
        if (!Number.isInteger(value) || value < lowest) {
            errors.push({
                propertyPath: `scaling.${field}`,
                reason: `${value} is not allowed; a whole number ≥ ${lowest}`,
            });
        }
    }
    if (scaling.min > scaling.desired || scaling.desired > scaling.max) {
        errors.push({
            propertyPath: "scaling",
            reason: `min ${scaling.min}, desired ${scaling.desired}, max ${scaling.max}: need min ≤ desired ≤ max`,
        });
    }
    if (errors.length > 0) throw new pulumi.InputPropertiesError({ message: "invalid node group scaling", errors });
}
