import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NodeGroupCordon, NodeGroupDrain } from "../cutover/drain/node-group-drain";
import { liveGateInputs } from "../preflight/live-gate";
import { subnetZones } from "./subnet-zones";
import { clusterKubeconfig, contextKubeconfig } from "../common/kubernetes-access";
import { NodeLaunchTemplate } from "../nodes/launch-template";
import { LegacyNodeGroup } from "../cutover/legacy-node-group";
import { Al2023NodeGroup } from "../nodes/node-group";
import { NodeRole } from "../nodes/node-role";
import { WorkloadIdentities, type WorkloadIdentityOutput } from "../identity/workload-identities";
import { completedPoolRecord } from "../cutover/completed-record";
import { inheritanceProblems, inheritedNodeSettings, type InheritedSettings } from "../cutover/inherited-settings";
import type { ClusterFacts } from "../common/cluster-facts";
import {
    replacementProblems,
    type LiveNodeGroupIdentity,
    type PlannedNodeGroupIdentity,
} from "../nodes/replacement-guard";
import { openClusterSource, type ClusterSource } from "./cluster-source";
import { translateAl2UserData, type PoolTranslation } from "./al2-user-data";
import type { NodeConfigExtraSpec } from "../nodes/nodeadm-user-data";
import type { StackConfig } from "../config/read-config";
import { poolWarnings, type PoolConfig } from "../nodes/pools";
import {
    CUTOVER_OUTPUT,
    CUTOVER_RECORD_VERSION,
    legacySizeAtAdoption,
    readPreviousCutover,
    type CutoverRecord,
    type PoolCutoverRecord,
} from "../cutover/cutover-record";
import { type LegacyNodeGroupState, readPoolNodeGroups } from "../cutover/live-node-groups";
import { guardCutover, type GateResult, type PoolCutoverFacts } from "../cutover/guards";
import { nextStep, type NextStep } from "../cutover/runbook";
import {
    effectivePhase,
    holdsAl2023AtFullSize,
    ignoreDesiredSizeChanges,
    phaseKey,
    planPhase,
    type PhasePlan,
} from "../cutover/phase-plan";
import { checkPromotion, readDevCutover } from "../cutover/promotion-gate";
import { ConfigError } from "../common/config-error";
import { CHILD_NAMES } from "../common/child-names";

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
    readonly next: pulumi.Output<NextStep>;
}

/** The stack outputs. `cutover` is read back by the next deployment (phase order, size at adoption). */
export interface StackOutputs {
    readonly cluster: { readonly name: string; readonly kubernetesVersion: string };
    readonly [CUTOVER_OUTPUT]: pulumi.Output<CutoverRecord>;
    readonly pools: Readonly<Record<string, PoolOutputs>>;
    readonly serviceAccounts: pulumi.Output<WorkloadIdentityOutput[]>;
    readonly warnings: readonly string[];
}

export type { ClusterSource } from "./cluster-source";

/** One pool with everything read about it before any resource is declared. */
interface PoolContext extends PoolCutoverFacts {
    readonly plan: PhasePlan;
    /** The live AL2 node group, all of it (adoption copies its inputs). */
    readonly liveLegacy?: LegacyNodeGroupState;
    /** The AL2023 node group the last deployment recorded, as it is live (the replacement guard compares it). */
    readonly liveAl2023?: LiveNodeGroupIdentity;
    /** The node role and subnets the pool takes from its AL2 node group (recorded, live, or the AL2023 group's). */
    readonly inherited?: InheritedSettings;
    /** NodeConfig fields translated from the AL2 node group's user data that the pool has no key for. */
    readonly extraSpec?: NodeConfigExtraSpec;
}

/**
 * Reads the cluster, the last deployment's cutover record and the live node groups, runs every guard, and only then
 * declares resources: per pool a launch template, an AL2023 node group and (while a cutover runs) the adopted AL2 node
 * group with its cordon and drain; then the workload identities. Returns the stack outputs.
 */
export async function deployStack(config: StackConfig, clusterSource?: ClusterSource): Promise<StackOutputs> {
    const warnings = [...poolWarnings(config.pools)];
    // The existing cluster, or in rehearsal mode the cluster this stack creates: the rest does not tell them apart.
    const source = clusterSource ?? (await openClusterSource(config));
    const cluster = source.facts;
    const previous = await readPreviousCutover();

    const read: Omit<PoolContext, "plan">[] = await Promise.all(
        config.pools.map(async (pool, poolIndex) => {
            const phase = effectivePhase(pool, config.cutoverPhase);
            const previousPool = previous.pools[pool.name];
            const live = await readPoolNodeGroups(cluster.name, pool, previousPool, source.legacyNodeGroup);
            const legacyAtAdoption = legacySizeAtAdoption(previousPool, live.legacy);
            const missing = pool.legacyNodeGroup !== undefined && live.legacy === undefined;
            const clusterNodeGroups =
                missing && source.legacyNodeGroups === "import"
                    ? (await aws.eks.getNodeGroups({ clusterName: cluster.name })).names
                    : undefined;
            const context: PoolCutoverFacts = {
                pool,
                poolIndex,
                phase,
                ...(previousPool !== undefined && { previous: previousPool }),
                ...(live.legacy !== undefined && { legacyLive: live.legacy }),
                ...(live.al2023 !== undefined && { al2023Live: live.al2023 }),
                ...(legacyAtAdoption !== undefined && { legacyAtAdoption }),
                ...(clusterNodeGroups !== undefined && { clusterNodeGroups }),
                acceptReducedCapacity: pool.acceptReducedCapacity,
            };
            const inherited =
                pool.legacyNodeGroup === undefined
                    ? undefined
                    : inheritedNodeSettings({
                          ...(previousPool?.inherited !== undefined && { recorded: previousPool.inherited }),
                          ...(live.legacy !== undefined && { legacy: live.legacy }),
                          ...(live.al2023 !== undefined && { al2023: live.al2023 }),
                      });
            return {
                ...context,
                ...(live.legacy !== undefined && { liveLegacy: live.legacy }),
                ...(live.al2023 !== undefined && { liveAl2023: live.al2023 }),
                ...(inherited !== undefined && { inherited }),
            };
        }),
    );

    const findings = guardCutover({ pools: read, previous, allowSkip: config.cutoverAllowSkip, cluster });
    const problems = [
        ...findings.problems,
        // A pool whose AL2 node group the guards already refused (not found, not AL2) gets no second problem for it.
        ...read
            .filter(
                ({ poolIndex }) => !findings.problems.some((p) => p.startsWith(`pools[${poolIndex}].legacyNodeGroup:`)),
            )
            .flatMap((context) => inheritanceProblems(context.pool, context.poolIndex, context.inherited)),
        ...read.flatMap((context) =>
            replacementProblems({
                pool: context.pool,
                poolIndex: context.poolIndex,
                planned: plannedIdentity(context),
                live: context.liveAl2023,
            }),
        ),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
    // The AL2 node groups' launch template user data, translated; what cannot move stops the run here.
    const translations = await translateAl2UserData(read, cluster);
    if (translations.problems.length > 0) throw new ConfigError([...translations.problems]);
    // Planned only after the guards: a missing AL2 node group has no size at adoption to plan with.
    const pools: PoolContext[] = read.map((context) => ({
        ...context,
        ...translatedPool(translations.byPool.get(context.pool.name), warnings),
        plan: planPhase(
            context.phase,
            context.pool,
            context.legacyAtAdoption,
            holdsAl2023AtFullSize(context.phase, context.previous),
        ),
    }));
    warnings.push(...findings.warnings);

    if (config.promotion !== undefined) {
        const required = await readDevCutover(pulumi.getOrganization(), config.promotion.requireStack);
        checkPromotion(
            pools.map((p) => ({ pool: p.pool.name, phase: p.phase, key: phaseKey(p.pool, p.poolIndex) })),
            required.cutover,
            config.promotion,
            required.stackName,
        );
    }

    // Reads the kubeconfig context (when configured) before anything is declared: a missing context is a config error.
    const kubeconfig = drainKubeconfig(config, cluster);

    // Validates the identities (OIDC provider lookup, trust-policy quota) before declaring anything of its own; it
    // runs before the pools so that a failure leaves nothing declared.
    const identities = await WorkloadIdentities.create(CHILD_NAMES.workloadIdentities, {
        identity: config.identity,
        cluster,
        tags: config.tags,
        ...(source.oidcProviderArn !== undefined && { oidcProviderArn: source.oidcProviderArn }),
        ...(source.kubernetesProvider !== undefined && { kubernetesProvider: source.kubernetesProvider }),
    });

    for (const warning of warnings) pulumi.log.warn(warning);

    const sharedNodeRole = pools.some((p) => needsCreatedNodeRole(p.pool))
        ? new NodeRole("nodes", { cluster, tags: config.tags })
        : undefined;

    const poolOutputs: Record<string, PoolOutputs> = {};
    const records: Record<string, pulumi.Output<PoolCutoverRecord>> = {};
    for (const context of pools) {
        const { outputs, record } = declarePool(context, {
            config,
            cluster,
            source,
            kubeconfig,
            nodeRoleArn: context.pool.nodeRoleArn ?? context.inherited?.settings.nodeRoleArn ?? sharedNodeRole!.arn,
            gate: findings.gates[context.pool.name]?.required ? findings.gates[context.pool.name] : undefined,
        });
        poolOutputs[context.pool.name] = outputs;
        records[context.pool.name] = record;
    }

    return {
        cluster: { name: cluster.name, kubernetesVersion: cluster.kubernetesVersion },
        [CUTOVER_OUTPUT]: pulumi
            .output(records)
            .apply((byPool) => ({ version: CUTOVER_RECORD_VERSION, pools: byPool })),
        pools: poolOutputs,
        serviceAccounts: identities.serviceAccounts,
        warnings,
    };
}

/** The node role and subnets the AL2023 node group gets, where known before deployment (plain strings). */
function plannedIdentity(context: Pick<PoolContext, "pool" | "inherited">): PlannedNodeGroupIdentity {
    const inherited = context.inherited?.settings;
    const role = context.pool.nodeRoleArn ?? inherited?.nodeRoleArn;
    const subnets = context.pool.subnetIds ?? inherited?.subnetIds;
    return {
        ...(typeof role === "string" && { nodeRoleArn: role }),
        ...(subnets !== undefined &&
            subnets.every((id): id is string => typeof id === "string") && { subnetIds: subnets }),
        inherited: {
            nodeRoleArn: context.pool.nodeRoleArn === undefined,
            subnetIds: context.pool.subnetIds === undefined,
        },
    };
}

/** The translated pool and its extra NodeConfig fields, with the translation's warnings added to `warnings`. */
function translatedPool(
    translated: PoolTranslation | undefined,
    warnings: string[],
): Partial<Pick<PoolContext, "pool" | "extraSpec">> {
    if (translated === undefined) return {};
    for (const item of translated.translation.items.filter((found) => found.warning)) {
        warnings.push(`pools: AL2 user data ${item.source}: ${item.note}`);
    }
    return { pool: translated.pool, ...(translated.extraSpec !== undefined && { extraSpec: translated.extraSpec }) };
}

/** A pool gets the stack's created node role only when it names none and has no AL2 node group to take it from. */
function needsCreatedNodeRole(pool: PoolConfig): boolean {
    return pool.nodeRoleArn === undefined && pool.legacyNodeGroup === undefined;
}

/** The kubeconfig the cordon and drain use: the same access as the Kubernetes provider. */
function drainKubeconfig(config: StackConfig, cluster: ClusterFacts): pulumi.Output<string> {
    const context = config.identity.kubernetes.context;
    return context === undefined ? clusterKubeconfig(cluster) : contextKubeconfig(context);
}

/** Declares one pool's resources for its phase plan. */
function declarePool(
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

    const launchTemplate = new NodeLaunchTemplate(pool.name, {
        pool,
        cluster,
        tags: config.tags,
        ...(context.extraSpec !== undefined && { extraSpec: context.extraSpec }),
    });
    const al2023SubnetIds = [...(pool.subnetIds ?? context.inherited?.settings.subnetIds ?? [])];
    const al2023 = new Al2023NodeGroup(
        pool.name,
        {
            clusterName: cluster.name,
            kubernetesVersion: cluster.kubernetesVersion,
            pool,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion },
            nodeRoleArn: shared.nodeRoleArn,
            subnetIds: al2023SubnetIds,
            scaling: plan.al2023.scaling,
            ignoreDesiredSizeChanges: ignoreDesiredSizeChanges(
                "al2023",
                pool,
                phase,
                context.previous?.phase,
                legacyAtAdoption,
                { previous: context.previous?.al2023HeldAtFullSize === true, now: held },
            ),
            tags: config.tags,
        },
        nodeGroupOptions,
    );

    // Outputs of every resource that proves this phase: the record waits for all of them.
    const proofs: pulumi.Output<unknown>[] = [launchTemplate.id, al2023.id];
    const legacyPlan = plan.legacy?.present ? plan.legacy : undefined;
    if (legacyPlan !== undefined && liveLegacy !== undefined) {
        const minReadyNodes = Math.max(1, pool.autoscaled ? pool.scaling.min : pool.scaling.desired);
        // The pre-flight live gate the cordon (shift) and the drain run before they change anything.
        const preflight = pulumi
            .all([al2023.nodeGroupName, subnetZones(al2023SubnetIds)])
            .apply(([nodeGroupName, subnets]) =>
                liveGateInputs({
                    pool,
                    legacyAmiType: liveLegacy.amiType,
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
                ignoreDesiredSizeChanges: ignoreDesiredSizeChanges(
                    "legacy",
                    pool,
                    phase,
                    context.previous?.phase,
                    legacyAtAdoption,
                ),
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
        },
        al2023NodeGroupName: al2023.nodeGroupName,
        ...(context.inherited !== undefined && { inherited: context.inherited.settings }),
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
        next: al2023.nodeGroupName.apply((al2023NodeGroupName) =>
            nextStep(context, { clusterName: cluster.name, al2023NodeGroupName }),
        ),
    };
    return { outputs, record };
}
