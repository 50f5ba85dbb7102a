import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ScalingConfig } from "../nodes/pools";
import type { LegacyNodeGroupState } from "./live-node-groups";
import { LEGACY_TAINT, legacyResourceOptions, type LegacyPresentPlan } from "./phase-plan";
import { TYPE_TOKENS } from "../common/project";
import { CHILD_NAMES } from "../common/child-names";

/**
 * The live node group fields adoption copies (`aws.eks.getNodeGroup`'s result, a plain object; or, in rehearsal, the
 * definition of the node group the stack creates, whose role and subnets are Outputs).
 */
export type LiveLegacyNodeGroup = Pick<
    LegacyNodeGroupState,
    | "id"
    | "clusterName"
    | "nodeGroupName"
    | "nodeRoleArn"
    | "subnetIds"
    | "scalingConfigs"
    | "instanceTypes"
    | "amiType"
    | "capacityType"
    | "diskSize"
    | "labels"
    | "taints"
    | "launchTemplates"
    | "releaseVersion"
    | "version"
    | "updateConfigs"
    | "remoteAccesses"
    | "tags"
>;

/**
 * `aws.eks.NodeGroup` inputs from the live node group and the plan: plain values, except the role and subnets of a
 * node group the stack creates (rehearsal).
 */
export interface LegacyNodeGroupInputs {
    readonly clusterName: string;
    readonly nodeGroupName: string;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly scalingConfig: { readonly minSize: number; readonly desiredSize: number; readonly maxSize: number };
    readonly amiType: string;
    readonly capacityType: string;
    readonly instanceTypes?: string[];
    readonly diskSize?: number;
    readonly labels: Record<string, string>;
    readonly taints: { readonly key: string; readonly value?: string; readonly effect: string }[];
    readonly launchTemplate?: { readonly id?: string; readonly name?: string; readonly version: string };
    readonly releaseVersion: string;
    readonly version: string;
    readonly updateConfig?: {
        readonly maxUnavailable?: number;
        readonly maxUnavailablePercentage?: number;
        readonly updateStrategy?: string;
    };
    readonly remoteAccess?: { readonly ec2SshKey?: string; readonly sourceSecurityGroupIds?: string[] };
    readonly tags: Record<string, string>;
}

/** The update config as read back: EKS returns the one that is set, the data source reports the other as 0. */
function updateConfigInput(live: LiveLegacyNodeGroup): LegacyNodeGroupInputs["updateConfig"] {
    const read = live.updateConfigs[0];
    if (read === undefined) return undefined;
    return {
        ...(read.maxUnavailable > 0 ? { maxUnavailable: read.maxUnavailable } : {}),
        ...(read.maxUnavailablePercentage > 0 ? { maxUnavailablePercentage: read.maxUnavailablePercentage } : {}),
        ...(read.updateStrategy ? { updateStrategy: read.updateStrategy } : {}),
    };
}

/**
 * The AL2 node group's inputs: exactly the live node group (what `pulumi import` reads back, so adoption shows no
 * diff), with the plan's scaling and, in `shift` and `drain`, LEGACY_TAINT added to the node group's own taints
 * (any earlier copy of it is replaced; the user's taints are kept). Fields EKS left unset stay absent: `diskSize`
 * with a launch template, `instanceTypes` when the launch template names the type, `remoteAccess`, `launchTemplate`.
 */
export function legacyNodeGroupInputs(live: LiveLegacyNodeGroup, plan: LegacyPresentPlan): LegacyNodeGroupInputs {
    const template = live.launchTemplates[0];
    const remote = live.remoteAccesses[0];
    const updateConfig = updateConfigInput(live);
    const kept: { key: string; value?: string; effect: string }[] = live.taints.filter(
        (taint) => taint.key !== LEGACY_TAINT.key,
    );
    const taints = [...kept, ...(plan.taintNoSchedule ? [LEGACY_TAINT] : [])].map((taint) => ({
        key: taint.key,
        ...(taint.value ? { value: taint.value } : {}),
        effect: taint.effect,
    }));
    return {
        clusterName: live.clusterName,
        nodeGroupName: live.nodeGroupName,
        nodeRoleArn: live.nodeRoleArn,
        subnetIds: [...live.subnetIds],
        scalingConfig: { minSize: plan.scaling.min, desiredSize: plan.scaling.desired, maxSize: plan.scaling.max },
        amiType: live.amiType,
        capacityType: live.capacityType,
        ...(live.instanceTypes.length > 0 ? { instanceTypes: [...live.instanceTypes] } : {}),
        ...(template === undefined && live.diskSize > 0 ? { diskSize: live.diskSize } : {}),
        labels: { ...live.labels },
        taints,
        ...(template !== undefined
            ? {
                  launchTemplate: template.id
                      ? { id: template.id, version: template.version }
                      : { name: template.name, version: template.version },
              }
            : {}),
        releaseVersion: live.releaseVersion,
        version: live.version,
        ...(updateConfig !== undefined ? { updateConfig } : {}),
        ...(remote !== undefined
            ? {
                  remoteAccess: {
                      ...(remote.ec2SshKey ? { ec2SshKey: remote.ec2SshKey } : {}),
                      ...(remote.sourceSecurityGroupIds.length > 0
                          ? { sourceSecurityGroupIds: [...remote.sourceSecurityGroupIds] }
                          : {}),
                  },
              }
            : {}),
        tags: { ...live.tags },
    };
}

/** Arguments of LegacyNodeGroup. */
export interface LegacyNodeGroupArgs {
    /** The AL2 node group as `aws.eks.getNodeGroup` read it in this deployment. */
    readonly live: LiveLegacyNodeGroup;
    /** This phase's desired state of the AL2 node group (`planPhase(...).legacy`, present). */
    readonly plan: LegacyPresentPlan;
    /** Import the node group (first adoption: the last cutover record does not show it adopted). */
    readonly adopt: boolean;
    /** Keep the autoscaler's desired size (`ignoreDesiredSizeChanges({ role: "legacy", ... })`). @default false */
    readonly ignoreDesiredSizeChanges?: boolean;
    /**
     * The node group's sizes when the stack adopted it (`legacySizeAtAdoption`). Recorded as the component's props, so
     * the policy pack's `ng-legacy-never-grows` can hold the node group to it without a tag in AWS.
     */
    readonly sizeAtAdoption: ScalingConfig;
    /**
     * The pool is autoscaled (`pool.autoscaled`): the cluster autoscaler owns the desired size, which a refresh reads
     * back. Recorded as the component's props, so `ng-legacy-never-grows` holds the desired size to the size at
     * adoption's max instead of its desired. @default false
     */
    readonly autoscaled?: boolean;
}

/**
 * The AL2 managed node group the stack adopts and then moves through the cutover phases. Its inputs are the live node
 * group's, so adoption changes nothing in AWS (no tag either: the policy pack knows the group by this component, its
 * parent, and reads the size at adoption from the component's props); then only the phase's scaling and NoSchedule
 * taint change. Protected
 * while it runs workloads (per phase: do not pass `protect` to the component); `dependsOn` (the drain resource, from
 * the caller) is passed to the node group, so its size is lowered only after the drain.
 */
export class LegacyNodeGroup extends pulumi.ComponentResource {
    /** The node group's name in EKS. */
    public readonly nodeGroupName: pulumi.Output<string>;
    /** The node group's sizes after this deployment. */
    public readonly scalingConfig: pulumi.Output<{ minSize: number; desiredSize: number; maxSize: number }>;

    constructor(name: string, args: LegacyNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        if (opts?.protect !== undefined) {
            // A protected component could not be deleted in decommission; the node group's protection is per phase.
            throw new Error(
                `LegacyNodeGroup ${name}: do not pass protect; it comes from the phase plan (plan.protect)`,
            );
        }
        // What the policy pack reads through the node group's parent: which group this is, its ceiling, and whether
        // the autoscaler owns its desired size.
        const marker = {
            nodeGroupName: args.live.nodeGroupName,
            sizeAtAdoption: {
                min: args.sizeAtAdoption.min,
                desired: args.sizeAtAdoption.desired,
                max: args.sizeAtAdoption.max,
            },
            autoscaled: args.autoscaled ?? false,
        };
        super(TYPE_TOKENS.LegacyNodeGroup, name, marker, opts);
        const options = legacyResourceOptions(args.plan, {
            adopt: args.adopt,
            importId: `${args.live.clusterName}:${args.live.nodeGroupName}`,
            ignoreDesiredSizeChanges: args.ignoreDesiredSizeChanges ?? false,
        });
        const nodeGroup = new aws.eks.NodeGroup(
            CHILD_NAMES.legacyNodeGroup(name),
            legacyNodeGroupInputs(args.live, args.plan),
            {
                parent: this,
                dependsOn: opts?.dependsOn,
                ...options,
            },
        );
        this.nodeGroupName = nodeGroup.nodeGroupName;
        this.scalingConfig = nodeGroup.scalingConfig.apply((scaling) => ({
            minSize: scaling.minSize,
            desiredSize: scaling.desiredSize,
            maxSize: scaling.maxSize,
        }));
        // The engine replaces a component's outputs with these, and stack policies read outputs: keep the marker here.
        this.registerOutputs({
            nodeGroupName: this.nodeGroupName,
            sizeAtAdoption: marker.sizeAtAdoption,
            autoscaled: marker.autoscaled,
            scalingConfig: this.scalingConfig,
        });
    }
}
