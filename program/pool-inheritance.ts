import type { PoolCutoverRecord } from "../cutover/cutover-record";
import type { LegacyNodeGroupState } from "../cutover/live-node-groups";
import { LEGACY_TAINT } from "../cutover/phase-plan";
import {
    INHERITED_KEYS,
    inheritPool,
    type Al2NodeGroupFacts,
    type InheritanceResult,
    type Provenance,
} from "../nodes/inheritance";
import type { NodeTaint, PoolConfig } from "../nodes/pools";
import type { NodeRepairReader, NodeRepairSetting } from "../cutover/nodegroup-repair";
import type { LaunchTemplateVersionData } from "../cutover/launch-template-version";
import { readAl2LaunchTemplateVersion } from "./al2-launch-template";

/** The AL2 EKS AMI's root device (the block device mapping a launch template sizes the root volume with). */
const AL2_ROOT_DEVICE = "/dev/xvda";

/**
 * The AL2 node group as inheritance sees it: its EKS settings without this program's own NoSchedule taint (which
 * `shift` adds), and, with a launch template, the root volume and security groups of the version it runs; its node
 * repair setting when EKS reports one (DescribeNodegroup).
 */
export function al2NodeGroupFacts(
    live: LegacyNodeGroupState,
    template?: LaunchTemplateVersionData,
    nodeRepair?: NodeRepairSetting,
): Al2NodeGroupFacts {
    const update = live.updateConfigs[0];
    const root = template?.blockDeviceMappings.find((mapping) => mapping.deviceName === AL2_ROOT_DEVICE)?.ebs;
    const taints: NodeTaint[] = live.taints
        .filter((taint) => taint.key !== LEGACY_TAINT.key)
        .map((taint) => ({
            key: taint.key,
            ...(taint.value ? { value: taint.value } : {}),
            effect: taint.effect as NodeTaint["effect"],
        }));
    const launchTemplate =
        template === undefined
            ? undefined
            : {
                  ...(root !== undefined && {
                      rootVolume: {
                          ...(root.volumeSize !== undefined && root.volumeSize > 0 && { sizeGiB: root.volumeSize }),
                          ...(root.volumeType !== undefined && root.volumeType !== "" && { type: root.volumeType }),
                          ...(root.kmsKeyId !== undefined && root.kmsKeyId !== "" && { kmsKeyId: root.kmsKeyId }),
                      },
                  }),
                  ...(template.securityGroupIds.length > 0 && {
                      securityGroupIds: [...template.securityGroupIds],
                  }),
              };
    return {
        amiType: live.amiType,
        instanceTypes: [...live.instanceTypes],
        capacityType: live.capacityType,
        ...(live.launchTemplates.length === 0 && live.diskSize > 0 && { diskSize: live.diskSize }),
        labels: { ...live.labels },
        taints,
        ...(update !== undefined &&
            (update.maxUnavailable > 0 || update.maxUnavailablePercentage > 0) && {
                update:
                    update.maxUnavailablePercentage > 0
                        ? { maxUnavailablePercentage: update.maxUnavailablePercentage }
                        : { maxUnavailable: update.maxUnavailable },
            }),
        ...(nodeRepair !== undefined && { nodeRepair: { enabled: nodeRepair.enabled } }),
        ...(launchTemplate !== undefined && { launchTemplate }),
    };
}

/** Where a pool's inherited settings come from in this deployment, or why it inherits nothing. */
export type InheritanceSource =
    | { readonly from: "record" | "legacy"; readonly al2: Al2NodeGroupFacts }
    | { readonly from: "none"; readonly reason: "greenfield" | "not found" | "deployed before inheritance" };

/**
 * The AL2 node group a pool inherits from. Inheritance happens once, when the AL2023 pool is first declared: the
 * live AL2 node group then, recorded in the cutover record and read back from it on every later run (after
 * `decommission` too, and unchanged by what `shift` does to the AL2 node group), so a re-run declares the same
 * inputs. A pool whose AL2023 node group was deployed before the record carried it inherits nothing: taking settings
 * now would change (or replace) a running node group.
 */
export function inheritanceSource(args: {
    readonly pool: Pick<PoolConfig, "legacyNodeGroup">;
    readonly previous?: PoolCutoverRecord;
    readonly live?: Al2NodeGroupFacts;
}): InheritanceSource {
    if (args.pool.legacyNodeGroup === undefined) return { from: "none", reason: "greenfield" };
    const recorded = args.previous?.inherited?.al2;
    if (recorded !== undefined) return { from: "record", al2: recorded };
    if (args.previous?.al2023NodeGroupName !== undefined)
        return { from: "none", reason: "deployed before inheritance" };
    return args.live === undefined ? { from: "none", reason: "not found" } : { from: "legacy", al2: args.live };
}

/**
 * A pool's inheritance in this deployment: the record's AL2 node group, else, when the AL2023 pool is first
 * declared, the live AL2 node group (an AL2 AMI type; the guards refuse any other) with the launch template version
 * it runs (`readAl2LaunchTemplateVersion`: exactly that version, or the run fails naming `pools[poolIndex]`) and,
 * with `readNodeRepair` (an AL2 node group that exists: not a rehearsal's, created with the stack), its node repair
 * setting.
 */
export async function readPoolInheritance(args: {
    readonly pool: PoolConfig;
    readonly poolIndex: number;
    readonly previous?: PoolCutoverRecord;
    readonly legacy?: LegacyNodeGroupState;
    readonly readNodeRepair?: NodeRepairReader;
}): Promise<PoolInheritance> {
    const { pool, poolIndex, previous, legacy } = args;
    const first = previous?.inherited?.al2 === undefined && previous?.al2023NodeGroupName === undefined;
    const template = legacy?.launchTemplates[0];
    const live =
        first && legacy !== undefined && legacy.amiType.startsWith("AL2_")
            ? al2NodeGroupFacts(
                  legacy,
                  template === undefined || template.id === ""
                      ? undefined
                      : await readAl2LaunchTemplateVersion({ poolIndex, legacy, template }),
                  await args.readNodeRepair?.({
                      clusterName: legacy.clusterName,
                      nodeGroupName: legacy.nodeGroupName,
                      region: legacy.region,
                  }),
              )
            : undefined;
    return inheritedPool(
        pool,
        inheritanceSource({
            pool,
            ...(previous !== undefined && { previous }),
            ...(live !== undefined && { live }),
        }),
    );
}

/** A pool after inheritance, with where its settings came from (for the plan). */
export interface PoolInheritance {
    readonly source: InheritanceSource;
    readonly result?: InheritanceResult;
    /** What the pool drops or changes of the AL2 user data's labels and taints (`applyTranslation`). */
    readonly userDataChanges?: readonly string[];
}

/**
 * Applies `inheritPool` to a pool from its source. The keys `pools[i]` sets itself (`setKeys`) are never inherited;
 * a pool without `setKeys` (not read from config) counts as setting every key.
 */
export function inheritedPool(pool: PoolConfig, source: InheritanceSource): PoolInheritance {
    if (source.from === "none") return { source };
    const explicitKeys = new Set<string>(pool.setKeys ?? [...INHERITED_KEYS, "customAmi"]);
    return { source, result: inheritPool({ pool, explicitKeys, al2: source.al2 }) };
}

/** The `pools.<name>.inheritance` stack output: where each inheritable setting came from, and what differs. */
export interface InheritanceOutput {
    /** `record`, `legacy` (the live AL2 node group, first declaration), or `none`. */
    readonly from: InheritanceSource["from"];
    /** Why nothing was inherited (`from: none`). */
    readonly reason?: string;
    /** Per inheritable key: `inherited`, `set` (the pool's config) or `default`. */
    readonly settings: Readonly<Record<string, Provenance>>;
    /** What the AL2023 pool drops or changes relative to the AL2 node group (a label, a taint, a smaller disk). */
    readonly changes: readonly string[];
    readonly notes: readonly string[];
}

/** The stack output of a pool's inheritance (pure): the node group's changes, then the user data's. */
export function inheritanceOutput(inheritance: PoolInheritance): InheritanceOutput {
    const { source, result } = inheritance;
    return {
        from: source.from,
        ...(source.from === "none" && { reason: source.reason }),
        settings: result === undefined ? {} : { ...result.provenance },
        changes: [...(result?.changes ?? []), ...(inheritance.userDataChanges ?? [])],
        notes: [...(result?.notes ?? [])],
    };
}
