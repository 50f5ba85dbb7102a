import * as pulumi from "@pulumi/pulumi";
import { NodeGroupCordon, NodeGroupDrain } from "../cutover/drain/node-group-drain";
import { clusterKubeconfig, contextKubeconfig } from "../common/kubernetes-access";
import { NodeLaunchTemplate } from "../nodes/launch-template";
import { LegacyNodeGroup } from "../cutover/legacy-node-group";
import { Al2023NodeGroup } from "../nodes/node-group";
import { NodeRole } from "../nodes/node-role";
import { WorkloadIdentities, type WorkloadIdentityOutput } from "../identity/workload-identities";
import type { ClusterFacts } from "../common/cluster-facts";
import { openClusterSource, type ClusterSource } from "./cluster-source";
import type { StackConfig } from "../config/read-config";
import { poolWarnings, type PoolConfig } from "../nodes/pools";
import {
    CUTOVER_OUTPUT,
    type LegacyNodeGroupState,
    legacySizeAtAdoption,
    poolCutoverRecord,
    readPoolNodeGroups,
    readPreviousCutover,
    type CutoverRecord,
} from "../cutover/cutover-record";
import { guardCutover, nextStep, type GateResult, type NextStep, type PoolCutoverFacts } from "../cutover/guards";
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
            const live = await readPoolNodeGroups(cluster.name, pool, phase, previousPool, source.legacyNodeGroup);
            const legacyAtAdoption = legacySizeAtAdoption(previousPool, live.legacy);
            const context: PoolCutoverFacts = {
                pool,
                poolIndex,
                phase,
                ...(previousPool !== undefined && { previous: previousPool }),
                ...(live.legacy !== undefined && { legacyLive: live.legacy }),
                ...(live.al2023 !== undefined && { al2023Live: live.al2023 }),
                ...(legacyAtAdoption !== undefined && { legacyAtAdoption }),
                acceptReducedCapacity: pool.acceptReducedCapacity,
            };
            return { ...context, ...(live.legacy !== undefined && { liveLegacy: live.legacy }) };
        }),
    );

    const findings = guardCutover({ pools: read, previous, allowSkip: config.cutoverAllowSkip, cluster });
    if (findings.problems.length > 0) throw new ConfigError(findings.problems);
    // Planned only after the guards: a missing AL2 node group has no size at adoption to plan with.
    const pools: PoolContext[] = read.map((context) => ({
        ...context,
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
    const records: Record<string, pulumi.Output<ReturnType<typeof poolCutoverRecord>>> = {};
    for (const context of pools) {
        const { outputs, record } = declarePool(context, {
            config,
            cluster,
            source,
            kubeconfig,
            nodeRoleArn: context.pool.nodeRoleArn ?? context.liveLegacy?.nodeRoleArn ?? sharedNodeRole!.arn,
            gate: findings.gates[context.pool.name]?.required ? findings.gates[context.pool.name] : undefined,
        });
        poolOutputs[context.pool.name] = outputs;
        records[context.pool.name] = record;
    }

    return {
        cluster: { name: cluster.name, kubernetesVersion: cluster.kubernetesVersion },
        [CUTOVER_OUTPUT]: pulumi.output(records).apply((byPool) => ({ version: 1 as const, pools: byPool })),
        pools: poolOutputs,
        serviceAccounts: identities.serviceAccounts,
        warnings,
    };
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
): { outputs: PoolOutputs; record: pulumi.Output<ReturnType<typeof poolCutoverRecord>> } {
    const { pool, plan, phase, liveLegacy, legacyAtAdoption } = context;
    const held = holdsAl2023AtFullSize(phase, context.previous);
    const { config, cluster, kubeconfig } = shared;
    // A created cluster (rehearsal) and its network must outlive the node groups on destroy.
    const clusterDependsOn = [...shared.source.nodeGroupDependsOn];
    const nodeGroupOptions = { protect: config.protectNodeGroups, dependsOn: clusterDependsOn };

    const launchTemplate = new NodeLaunchTemplate(pool.name, { pool, cluster, tags: config.tags });
    const al2023 = new Al2023NodeGroup(
        pool.name,
        {
            clusterName: cluster.name,
            kubernetesVersion: cluster.kubernetesVersion,
            pool,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion },
            nodeRoleArn: shared.nodeRoleArn,
            subnetIds: [...(pool.subnetIds ?? liveLegacy?.subnetIds ?? [])],
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

    const legacyPlan = plan.legacy?.present ? plan.legacy : undefined;
    if (legacyPlan !== undefined && liveLegacy !== undefined) {
        const cordon = legacyPlan.cordon
            ? new NodeGroupCordon(CHILD_NAMES.legacyCordon(pool.name), {
                  kubeconfig,
                  nodeGroupName: liveLegacy.nodeGroupName,
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
                      minReadyNodes: Math.max(1, pool.autoscaled ? pool.scaling.min : pool.scaling.desired),
                      timeoutMinutes: config.drainTimeoutMinutes,
                      evictUnmanagedPods: config.drainEvictUnmanagedPods,
                  },
                  { dependsOn: [al2023, ...(cordon ? [cordon] : [])] },
              )
            : undefined;
        new LegacyNodeGroup(
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
    }

    const record = al2023.nodeGroupName.apply((al2023NodeGroupName) =>
        poolCutoverRecord({
            phase,
            ...(pool.legacyNodeGroup !== undefined && { legacyNodeGroupName: pool.legacyNodeGroup }),
            ...(legacyAtAdoption !== undefined && { legacySizeAtAdoption: legacyAtAdoption }),
            al2023NodeGroupName,
            al2023HeldAtFullSize: held,
        }),
    );

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
