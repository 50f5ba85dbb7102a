import * as pulumi from "@pulumi/pulumi";
import { NodeGroupCordon, NodeGroupDrain } from "../cutover/drain/node-group-drain";
import { NodeGroupRetirement } from "../cutover/drain/node-group-retirement";
import { liveGateInputs } from "../preflight/live-gate";
import { subnetZones } from "./subnet-zones";
import { NodeLaunchTemplate } from "../nodes/launch-template";
import { LegacyNodeGroup } from "../cutover/legacy-node-group";
import { Al2023NodeGroup } from "../nodes/node-group";
import { launchTemplateArgs, nodeGroupArgs } from "../nodes/pool-args";
import { instanceTypePlacement, type InstanceTypesIn } from "../nodes/instance-type-placement";
import { completedPoolRecord } from "../cutover/completed-record";
import type { InheritedSettings } from "../cutover/inherited-settings";
import type { ClusterFacts } from "../common/cluster-facts";
import type { LiveNodeGroupIdentity } from "../nodes/replacement-guard";
import type { ClusterSource } from "./cluster-source";
import type { NodeConfigExtraSpec } from "../nodes/nodeadm-user-data";
import type { StackConfig } from "../config/read-config";
import type { PoolCutoverRecord } from "../cutover/cutover-record";
import type { LegacyNodeGroupState } from "../cutover/live-node-groups";
import type { PoolCutoverFacts } from "../cutover/guards";
import type { GateResult } from "../cutover/readiness-gate";
import { nextStep, type NextStep } from "../cutover/runbook";
import { holdsAl2023AtFullSize, ignoreDesiredSizeChanges, type PhasePlan } from "../cutover/phase-plan";
import { CHILD_NAMES } from "../common/child-names";
import { inheritanceOutput, type InheritanceOutput, type PoolInheritance } from "./pool-inheritance";
import type { Al2LaunchTemplateRead } from "./al2-user-data";

/** What the stack exports for one pool: the phase, both node groups, the gate, and what to do next. */
export interface PoolOutputs {
    readonly phase: string;
    readonly al2023: {
        readonly nodeGroupName: pulumi.Output<string>;
        readonly amiType?: string;
        readonly customAmi?: string;
        readonly instanceTypes: readonly string[];
        readonly scaling: PhasePlan["al2023"]["scaling"];
        readonly launchTemplateId: pulumi.Output<string>;
        readonly launchTemplateVersion: pulumi.Output<number>;
    };
    readonly legacy?: {
        readonly nodeGroupName: string;
        readonly present: boolean;
        readonly amiType?: string;
        readonly sizeAtAdoption?: PhasePlan["al2023"]["scaling"];
        readonly scaling?: PhasePlan["al2023"]["scaling"];
        readonly noScheduleTaint: boolean;
        readonly cordoned: boolean;
        readonly drained: boolean;
        readonly protected: boolean;
    };
    readonly gate?: GateResult;
    /** Where the pool's settings came from (its AL2 node group, its config, defaults); pools with an AL2 node group. */
    readonly inheritance?: InheritanceOutput;
    readonly next: pulumi.Output<NextStep>;
}

/** One pool with everything read about it before any resource is declared. */
export interface PoolContext extends PoolCutoverFacts {
    readonly plan: PhasePlan;
    /** The live AL2 node group, all of it (adoption copies its inputs). */
    readonly liveLegacy?: LegacyNodeGroupState;
    /** The AL2023 node group the last deployment recorded, as it is live (the replacement guard compares it). */
    readonly liveAl2023?: LiveNodeGroupIdentity;
    /** Where the AL2023 node group's instance types go (`instanceTypesIn`: recorded, or decided at first declaration). */
    readonly instanceTypesIn: InstanceTypesIn;
    /** The node role and subnets the pool takes from its AL2 node group (recorded, live, or the AL2023 group's). */
    readonly inherited?: InheritedSettings;
    /** NodeConfig fields translated from the AL2 node group's user data that the pool has no key for. */
    readonly extraSpec?: NodeConfigExtraSpec;
    /** What the pool inherited from its AL2 node group, and from where (`inheritedPool`). */
    readonly inheritance?: PoolInheritance;
    /** The AL2 node group's launch template source this run translated (recorded, or live and recorded now). */
    readonly al2LaunchTemplate?: Al2LaunchTemplateRead;
}

/** Declares one pool's resources for its phase plan. */
export function declarePool(
    context: PoolContext,
    shared: {
        readonly config: StackConfig;
        readonly cluster: ClusterFacts;
        readonly source: Pick<ClusterSource, "legacyNodeGroups" | "nodeGroupDependsOn">;
        readonly kubeconfig: pulumi.Output<string>;
        readonly nodeRoleArn: pulumi.Input<string>;
        readonly gate?: GateResult;
    },
): { outputs: PoolOutputs; record: pulumi.Output<PoolCutoverRecord> } {
    const { pool, plan, phase, liveLegacy, legacyAtAdoption } = context;
    const held = holdsAl2023AtFullSize(phase, context.previous);
    const { config, cluster, kubeconfig } = shared;
    // A created cluster (rehearsal) and its network must outlive the node groups on destroy.
    const clusterDependsOn = [...shared.source.nodeGroupDependsOn];
    const nodeGroupOptions = { protect: config.protectNodeGroups, dependsOn: clusterDependsOn };

    // One instance type goes in the launch template (a change rolls the nodes), unless recorded on the node group.
    const placement = instanceTypePlacement({ instanceTypes: pool.instanceTypes, in: context.instanceTypesIn });
    const launchTemplate = new NodeLaunchTemplate(pool.name, {
        pool: launchTemplateArgs({
            pool,
            clusterName: cluster.name,
            placement,
            stackTags: config.tags,
            ...(context.extraSpec !== undefined && { extraSpec: context.extraSpec }),
        }),
        cluster,
    });
    const al2023SubnetIds = [...(pool.subnetIds ?? context.inherited?.settings.subnetIds ?? [])];
    const al2023 = new Al2023NodeGroup(
        pool.name,
        {
            clusterName: cluster.name,
            pool: nodeGroupArgs({ pool, cluster, stackTags: config.tags, placement }),
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion },
            nodeRoleArn: shared.nodeRoleArn,
            subnetIds: al2023SubnetIds,
            scaling: plan.al2023.scaling,
            ignoreDesiredSizeChanges: ignoreDesiredSizeChanges({
                role: "al2023",
                pool,
                phase,
                previousPhase: context.previous?.phase,
                legacyAtAdoption,
                held: { previous: context.previous?.al2023HeldAtFullSize === true, now: held },
            }),
        },
        nodeGroupOptions,
    );

    const minReadyNodes = Math.max(1, pool.autoscaled ? pool.scaling.min : pool.scaling.desired);
    // Drains the node group before a replacement (`allowReplacement`) deletes it; in the state before any replacement.
    const retirement = new NodeGroupRetirement(
        CHILD_NAMES.al2023Retirement(pool.name),
        {
            kubeconfig,
            nodeGroupName: al2023.nodeGroupName,
            nodeGroupNamePrefix: `${pool.name}-`,
            minReadyNodes,
            timeoutMinutes: config.drainTimeoutMinutes,
            evictUnmanagedPods: config.drainEvictUnmanagedPods,
            maxConcurrentEvictions: config.drainMaxConcurrentEvictions,
        },
        { parent: al2023 },
    );

    // Outputs of every resource that proves this phase: the record waits for all of them.
    const proofs: pulumi.Output<unknown>[] = [launchTemplate.id, al2023.id, retirement.id];
    const legacyPlan = plan.legacy?.present ? plan.legacy : undefined;
    if (legacyPlan !== undefined && liveLegacy !== undefined) {
        // The pre-flight live gate the cordon (shift) and the drain run before they change anything.
        const preflight = pulumi
            .all([al2023.nodeGroupName, subnetZones(al2023SubnetIds)])
            .apply(([nodeGroupName, subnets]) =>
                liveGateInputs({
                    pool,
                    legacyAmiType: liveLegacy.amiType,
                    ...(context.legacyCustomAmi?.image && {
                        legacyImageArchitecture: context.legacyCustomAmi.image.architecture,
                    }),
                    nodeGroupName,
                    subnetIds: subnets.subnetIds,
                    subnetZones: subnets.zones,
                    config: {
                        serviceAccounts: config.identity.serviceAccounts,
                        evictUnmanagedPods: config.drainEvictUnmanagedPods,
                        acknowledged: config.preflightAcknowledge,
                    },
                }),
            );
        const cordon = legacyPlan.cordon
            ? new NodeGroupCordon(CHILD_NAMES.legacyCordon(pool.name), {
                  kubeconfig,
                  nodeGroupName: liveLegacy.nodeGroupName,
                  // A cordon created together with the drain (a skip to drain) first checks what the drain checks.
                  ...(legacyPlan.drain && { readiness: { readyNodeGroupName: al2023.nodeGroupName, minReadyNodes } }),
                  preflight,
              })
            : undefined;
        // The drain runs after the AL2023 node group is at full size and before the AL2 node group shrinks.
        const drain = legacyPlan.drain
            ? new NodeGroupDrain(
                  CHILD_NAMES.legacyDrain(pool.name),
                  {
                      kubeconfig,
                      nodeGroupName: liveLegacy.nodeGroupName,
                      readyNodeGroupName: al2023.nodeGroupName,
                      minReadyNodes,
                      timeoutMinutes: config.drainTimeoutMinutes,
                      evictUnmanagedPods: config.drainEvictUnmanagedPods,
                      maxConcurrentEvictions: config.drainMaxConcurrentEvictions,
                      preflight,
                  },
                  { dependsOn: [al2023, ...(cordon ? [cordon] : [])] },
              )
            : undefined;
        const legacy = new LegacyNodeGroup(
            pool.name,
            {
                live: liveLegacy,
                plan: legacyPlan,
                // A node group the source only defines (rehearsal) is created, never imported.
                adopt: shared.source.legacyNodeGroups === "import" && context.previous?.adopted !== true,
                ignoreDesiredSizeChanges: ignoreDesiredSizeChanges({
                    role: "legacy",
                    pool,
                    phase,
                    previousPhase: context.previous?.phase,
                    legacyAtAdoption,
                }),
                // Defined whenever the live AL2 node group is: it falls back to the live sizes.
                sizeAtAdoption: legacyAtAdoption!,
                autoscaled: pool.autoscaled,
            },
            { dependsOn: [...clusterDependsOn, ...(drain ? [drain] : [])] },
        );
        proofs.push(
            legacy.nodeGroupName,
            legacy.scalingConfig,
            ...(cordon ? [cordon.id] : []),
            ...(drain ? [drain.id] : []),
        );
    }

    const record = completedPoolRecord({
        fields: {
            phase,
            ...(pool.legacyNodeGroup !== undefined && { legacyNodeGroupName: pool.legacyNodeGroup }),
            ...(legacyAtAdoption !== undefined && { legacySizeAtAdoption: legacyAtAdoption }),
            al2023HeldAtFullSize: held,
            al2023Retirement: true,
            instanceTypesIn: placement.in,
        },
        al2023NodeGroupName: al2023.nodeGroupName,
        ...(context.inherited !== undefined && { inherited: context.inherited.settings }),
        ...(context.inheritance?.source.from === "record" || context.inheritance?.source.from === "legacy"
            ? { al2: context.inheritance.source.al2 }
            : {}),
        ...(context.al2LaunchTemplate !== undefined &&
            "source" in context.al2LaunchTemplate && { al2LaunchTemplate: context.al2LaunchTemplate.source }),
        proofs,
    });

    const outputs: PoolOutputs = {
        phase,
        al2023: {
            nodeGroupName: al2023.nodeGroupName,
            ...(pool.customAmi === undefined ? { amiType: pool.amiType } : { customAmi: pool.customAmi }),
            instanceTypes: pool.instanceTypes,
            scaling: plan.al2023.scaling,
            launchTemplateId: launchTemplate.id,
            launchTemplateVersion: launchTemplate.latestVersion,
        },
        ...(pool.legacyNodeGroup !== undefined && {
            legacy: {
                nodeGroupName: pool.legacyNodeGroup,
                present: legacyPlan !== undefined,
                ...(liveLegacy !== undefined && { amiType: liveLegacy.amiType }),
                ...(legacyAtAdoption !== undefined && { sizeAtAdoption: legacyAtAdoption }),
                ...(legacyPlan !== undefined && { scaling: legacyPlan.scaling }),
                noScheduleTaint: legacyPlan?.taintNoSchedule ?? false,
                cordoned: legacyPlan?.cordon ?? false,
                drained: legacyPlan?.drain ?? false,
                protected: legacyPlan?.protect ?? false,
            },
        }),
        ...(shared.gate !== undefined && { gate: shared.gate }),
        ...(pool.legacyNodeGroup !== undefined &&
            context.inheritance !== undefined && { inheritance: inheritanceOutput(context.inheritance) }),
        next: al2023.nodeGroupName.apply((al2023NodeGroupName) =>
            nextStep(context, { clusterName: cluster.name, al2023NodeGroupName }),
        ),
    };
    return { outputs, record };
}
