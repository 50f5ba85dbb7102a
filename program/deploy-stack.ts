import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterKubeconfig, contextKubeconfig } from "../common/kubernetes-access";
import { NodeRole } from "../nodes/node-role";
import { WorkloadIdentities, type WorkloadIdentityOutput } from "../identity/workload-identities";
import { inheritanceProblems, inheritedNodeSettings } from "../cutover/inherited-settings";
import { agentManagedBefore, POD_IDENTITY_AGENT_OUTPUT, type AgentRecord } from "../identity/pod-identity-agent";
import type { ClusterFacts } from "../common/cluster-facts";
import { replacementProblems, type PlannedNodeGroupIdentity } from "../nodes/replacement-guard";
import { instanceTypesIn } from "../nodes/instance-type-placement";
import { openClusterSource, type ClusterSource } from "./cluster-source";
import { readAl2LaunchTemplateSource, translateAl2UserData, type PoolTranslation } from "./al2-user-data";
import { readCustomAmiFacts } from "./custom-al2-ami";
import type { StackConfig } from "../config/read-config";
import { poolWarnings, type PoolConfig } from "../nodes/pools";
import {
    CUTOVER_OUTPUT,
    CUTOVER_RECORD_VERSION,
    legacySizeAtAdoption,
    readPreviousDeployment,
    type CutoverRecord,
    type PoolCutoverRecord,
} from "../cutover/cutover-record";
import { readPoolNodeGroups } from "../cutover/live-node-groups";
import { guardCutover, type PoolCutoverFacts } from "../cutover/guards";
import { effectivePhase, holdsAl2023AtFullSize, phaseKey, planPhase } from "../cutover/phase-plan";
import { checkPromotion, readDevCutover } from "../cutover/promotion-gate";
import { ConfigError } from "../common/config-error";
import { CHILD_NAMES } from "../common/child-names";
import { declarePool, type PoolContext, type PoolOutputs } from "./deploy-pool";
import { readPoolInheritance } from "./pool-inheritance";
import { nodeRepairReader } from "../cutover/nodegroup-repair";
import { poolInstanceTypeProblems } from "./instance-types";

export type { PoolOutputs } from "./deploy-pool";

/** The stack outputs. `cutover` is read back by the next deployment (phase order, size at adoption). */
export interface StackOutputs {
    readonly cluster: { readonly name: string; readonly kubernetesVersion: string };
    readonly [CUTOVER_OUTPUT]: pulumi.Output<CutoverRecord>;
    readonly pools: Readonly<Record<string, PoolOutputs>>;
    readonly serviceAccounts: pulumi.Output<WorkloadIdentityOutput[]>;
    /** Present when the stack manages the agent add-on: read back so an adopted add-on is imported only once. */
    readonly [POD_IDENTITY_AGENT_OUTPUT]?: pulumi.Output<AgentRecord>;
    readonly warnings: readonly string[];
}

export type { ClusterSource } from "./cluster-source";

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
    const previousDeployment = await readPreviousDeployment([POD_IDENTITY_AGENT_OUTPUT]);
    const previous = previousDeployment.cutover;

    const read: Omit<PoolContext, "plan">[] = await Promise.all(
        config.pools.map(async (pool, poolIndex) => {
            const phase = effectivePhase(pool, config.cutoverPhase);
            const previousPool = previous.pools[pool.name];
            const live = await readPoolNodeGroups({
                clusterName: cluster.name,
                pool,
                previous: previousPool,
                readLegacy: source.legacyNodeGroup,
            });
            const legacyAtAdoption = legacySizeAtAdoption(previousPool, live.legacy);
            // Inherited once, when the AL2023 pool is first declared; from then on from the record.
            const inheritance = await readPoolInheritance({
                pool,
                poolIndex,
                ...(previousPool !== undefined && { previous: previousPool }),
                ...(live.legacy !== undefined && { legacy: live.legacy }),
                ...(source.legacyNodeGroups === "import" && { readNodeRepair: nodeRepairReader() }),
            });
            const missing = pool.legacyNodeGroup !== undefined && live.legacy === undefined;
            const clusterNodeGroups =
                missing && source.legacyNodeGroups === "import"
                    ? (await aws.eks.getNodeGroups({ clusterName: cluster.name })).names
                    : undefined;
            // The launch template version the AL2 node group ran: recorded once, read live only when not recorded.
            const al2LaunchTemplate = await readAl2LaunchTemplateSource({
                pool,
                poolIndex,
                ...(previousPool !== undefined && { previous: previousPool }),
                ...(live.legacy !== undefined && { legacy: live.legacy }),
            });
            const legacyCustomAmi = live.legacy && (await readCustomAmiFacts(live.legacy, al2LaunchTemplate));
            const context: PoolCutoverFacts = {
                pool: inheritance.result?.pool ?? pool,
                poolIndex,
                phase,
                ...(previousPool !== undefined && { previous: previousPool }),
                ...(live.legacy !== undefined && { legacyLive: live.legacy }),
                ...(live.al2023 !== undefined && { al2023Live: live.al2023 }),
                ...(legacyAtAdoption !== undefined && { legacyAtAdoption }),
                ...(clusterNodeGroups !== undefined && { clusterNodeGroups }),
                ...(legacyCustomAmi !== undefined && { legacyCustomAmi }),
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
            // Where the node group's instance types are: recorded at its first declaration, never read live.
            const typesIn = instanceTypesIn({
                instanceTypes: context.pool.instanceTypes,
                recorded: previousPool?.instanceTypesIn,
                al2023Exists: previousPool?.al2023NodeGroupName !== undefined || live.al2023 !== undefined,
            });
            return {
                ...context,
                instanceTypesIn: typesIn,
                ...(live.legacy !== undefined && { liveLegacy: live.legacy }),
                ...(live.al2023 !== undefined && { liveAl2023: live.al2023 }),
                ...(inherited !== undefined && { inherited }),
                ...(al2LaunchTemplate !== undefined && { al2LaunchTemplate }),
                inheritance,
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
                instanceTypesIn: context.instanceTypesIn,
                retirementRecorded: context.previous?.al2023Retirement === true,
                protectedNodeGroups: config.protectNodeGroups,
            }),
        ),
    ];
    problems.push(...(await poolInstanceTypeProblems(read)));
    if (problems.length > 0) throw new ConfigError(problems);
    // The AL2 node groups' launch template user data, translated; what cannot move stops the run here.
    const translations = translateAl2UserData(read, cluster);
    if (translations.problems.length > 0) throw new ConfigError([...translations.problems]);
    // Planned only after the guards: a missing AL2 node group has no size at adoption to plan with.
    const pools: PoolContext[] = read.map((context) => ({
        ...context,
        ...translatedPool({ context, translated: translations.byPool.get(context.pool.name), warnings }),
        plan: planPhase({
            phase: context.phase,
            pool: context.pool,
            legacyAtAdoption: context.legacyAtAdoption,
            holdAl2023AtFullSize: holdsAl2023AtFullSize(context.phase, context.previous),
        }),
    }));
    warnings.push(...findings.warnings);

    if (config.promotion !== undefined) {
        const required = await readDevCutover(pulumi.getOrganization(), config.promotion.requireStack);
        checkPromotion({
            requested: pools.map((p) => ({ pool: p.pool.name, phase: p.phase, key: phaseKey(p.pool, p.poolIndex) })),
            recorded: required.cutover,
            gate: config.promotion,
            requiredStackName: required.stackName,
        });
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
        podIdentityAgentManagedBefore: agentManagedBefore(previousDeployment.others[POD_IDENTITY_AGENT_OUTPUT]),
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
        ...(identities.podIdentityAgent !== undefined && { [POD_IDENTITY_AGENT_OUTPUT]: identities.podIdentityAgent }),
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

/**
 * The translated pool, its extra NodeConfig fields and its inheritance with what it drops or changes of the user
 * data's labels and taints, with the translation's warnings added to `warnings`.
 */
function translatedPool(args: {
    readonly context: Pick<PoolContext, "inheritance">;
    readonly translated: PoolTranslation | undefined;
    readonly warnings: string[];
}): Partial<Pick<PoolContext, "pool" | "extraSpec" | "inheritance">> {
    const { context, translated, warnings } = args;
    if (translated === undefined) return {};
    for (const item of translated.translation.items.filter((found) => found.warning)) {
        warnings.push(`pools: AL2 user data ${item.source}: ${item.note}`);
    }
    return {
        pool: translated.pool,
        ...(translated.extraSpec !== undefined && { extraSpec: translated.extraSpec }),
        ...(context.inheritance !== undefined && {
            inheritance: { ...context.inheritance, userDataChanges: translated.changes },
        }),
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
