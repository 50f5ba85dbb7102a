import { al2023Variant } from "./ami-variant";
import { AL2023_ROOT_SNAPSHOT_GIB } from "../common/aws-limits";
import type { NodeTaint, PoolConfig } from "./pools";
import { MANAGED_LABEL_PREFIXES } from "./userdata-translation/kubelet-args";

/** What is known about the AL2 node group a pool replaces (DescribeNodegroup, plus its launch template version). */
export interface Al2NodeGroupFacts {
    readonly amiType: string;
    readonly instanceTypes: readonly string[];
    readonly capacityType: string;
    /** `diskSize` of a node group without a launch template (GiB). */
    readonly diskSize?: number;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly NodeTaint[];
    readonly update?: { readonly maxUnavailable?: number; readonly maxUnavailablePercentage?: number };
    /** Its node auto repair setting (DescribeNodegroup `nodeRepairConfig`), when EKS reports one. */
    readonly nodeRepair?: { readonly enabled: boolean };
    /** The launch template version the node group runs, when it uses one. */
    readonly launchTemplate?: {
        readonly rootVolume?: { readonly sizeGiB?: number; readonly type?: string; readonly kmsKeyId?: string };
        readonly securityGroupIds?: readonly string[];
    };
}

/** Where a pool setting came from. */
export type Provenance = "set" | "inherited" | "default";

/** The settings inheritance may fill, by their pool config key. */
export const INHERITED_KEYS = [
    "amiType",
    "instanceTypes",
    "capacityType",
    "labels",
    "taints",
    "rootVolume",
    "securityGroupIds",
    "maxUnavailable",
    "nodeRepair",
] as const;
export type InheritedKey = (typeof INHERITED_KEYS)[number];

/** The inputs of `inheritPool`. */
export interface InheritanceInput {
    readonly pool: PoolConfig;
    /** The keys the pool's config sets itself (`pools[i]` as written): those are never inherited. */
    readonly explicitKeys: ReadonlySet<string>;
    readonly al2: Al2NodeGroupFacts;
}

/** The pool with what it inherits, where each setting came from, and how it differs from the AL2 node group. */
export interface InheritanceResult {
    readonly pool: PoolConfig;
    readonly provenance: Readonly<Record<InheritedKey, Provenance>>;
    /** What the AL2023 pool drops or changes relative to the AL2 one, in words. */
    readonly changes: readonly string[];
    readonly notes: readonly string[];
}

const taintId = (taint: NodeTaint) => `${taint.key}:${taint.effect}`;

/** The AL2 node group's labels without the ones EKS or eksctl manage. */
function al2Labels(al2: Al2NodeGroupFacts): Record<string, string> {
    return Object.fromEntries(
        Object.entries(al2.labels).filter(([key]) => !MANAGED_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix))),
    );
}

/**
 * What the pool drops or changes of the labels and taints the AL2 nodes had, in words; `from` (when given) names
 * where the AL2 ones came from, after each line (for example `AL2 user data --node-labels`).
 */
export function labelTaintChanges(args: {
    readonly pool: Pick<PoolConfig, "labels" | "taints">;
    readonly al2Labels: Readonly<Record<string, string>>;
    readonly al2Taints: readonly NodeTaint[];
    readonly from?: { readonly labels: string; readonly taints: string };
}): string[] {
    const { pool } = args;
    const labelsFrom = args.from === undefined ? "" : ` (${args.from.labels})`;
    const taintsFrom = args.from === undefined ? "" : ` (${args.from.taints})`;
    const changes: string[] = [];
    for (const [key, value] of Object.entries(args.al2Labels)) {
        if (!(key in pool.labels)) changes.push(`label ${key}=${value} dropped${labelsFrom}`);
        else if (pool.labels[key] !== value)
            changes.push(`label ${key} changed from ${value} to ${pool.labels[key]}${labelsFrom}`);
    }
    const poolTaints = new Map(pool.taints.map((taint) => [taintId(taint), taint]));
    for (const taint of args.al2Taints) {
        const kept = poolTaints.get(taintId(taint));
        if (kept === undefined)
            changes.push(`taint ${taint.key}=${taint.value ?? ""}:${taint.effect} dropped${taintsFrom}`);
        else if ((kept.value ?? "") !== (taint.value ?? ""))
            changes.push(
                `taint ${taint.key}:${taint.effect} value changed from ${taint.value ?? ""} to ${kept.value ?? ""}${taintsFrom}`,
            );
    }
    return changes;
}

/** Lists how the pool's labels, taints, disk, instance types and capacity type differ from the AL2 node group's. */
function differences(
    pool: PoolConfig,
    al2: { labels: Record<string, string>; taints: readonly NodeTaint[]; diskGiB?: number; facts: Al2NodeGroupFacts },
): string[] {
    const changes = labelTaintChanges({ pool, al2Labels: al2.labels, al2Taints: al2.taints });
    if (al2.diskGiB !== undefined && pool.rootVolume.sizeGiB < al2.diskGiB) {
        changes.push(`root volume smaller: ${pool.rootVolume.sizeGiB} GiB instead of ${al2.diskGiB} GiB`);
    }
    const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(",") === [...b].sort().join(",");
    if (al2.facts.instanceTypes.length > 0 && !same(pool.instanceTypes, al2.facts.instanceTypes)) {
        changes.push(
            `instance types ${al2.facts.instanceTypes.join(", ")} changed to ${pool.instanceTypes.join(", ")}`,
        );
    }
    if (al2.facts.capacityType !== "" && pool.capacityType !== al2.facts.capacityType) {
        changes.push(`capacity type ${al2.facts.capacityType} changed to ${pool.capacityType}`);
    }
    return changes;
}

/** The AL2 node group's update setting in the pool's shape (EKS allows one of the two). */
function al2UpdateConfig(update: Al2NodeGroupFacts["update"]): PoolConfig["update"] | undefined {
    if (update?.maxUnavailablePercentage !== undefined) {
        return { maxUnavailablePercentage: update.maxUnavailablePercentage };
    }
    return update?.maxUnavailable !== undefined ? { maxUnavailable: update.maxUnavailable } : undefined;
}

/**
 * Fills every setting the pool's config leaves out from the AL2 node group it replaces: the AMI variant, instance
 * types, capacity type, labels (without the ones EKS or eksctl manage) and taints of the node group (the user data's
 * are `applyTranslation`'s), the root volume (never smaller than the AL2 one; its KMS key), extra security groups and the update
 * setting, and node auto repair. Pure; the caller passes what it read from EKS and EC2.
 */
export function inheritPool(input: InheritanceInput): InheritanceResult {
    const { pool, explicitKeys, al2 } = input;
    const provenance = {} as Record<InheritedKey, Provenance>;
    const notes: string[] = [];
    const inherit = <T>(key: InheritedKey, value: T | undefined, current: T): T => {
        if (explicitKeys.has(key) || (key === "maxUnavailable" && explicitKeys.has("maxUnavailablePercentage"))) {
            provenance[key] = "set";
            return current;
        }
        provenance[key] = value === undefined ? "default" : "inherited";
        return value ?? current;
    };
    const variant = al2023Variant(al2.amiType, al2.instanceTypes);
    if (variant?.note !== undefined && !explicitKeys.has("amiType") && !explicitKeys.has("customAmi"))
        notes.push(variant.note);
    const labels = al2Labels(al2);
    const taints = al2.taints;
    const volume = al2.launchTemplate?.rootVolume;
    const diskGiB = volume?.sizeGiB ?? al2.diskSize;
    const rootVolume: PoolConfig["rootVolume"] = {
        ...pool.rootVolume,
        sizeGiB: Math.max(AL2023_ROOT_SNAPSHOT_GIB, diskGiB ?? AL2023_ROOT_SNAPSHOT_GIB),
        ...(volume?.kmsKeyId !== undefined && { kmsKeyId: volume.kmsKeyId }),
    };
    if (volume?.type !== undefined && volume.type !== "gp3" && !explicitKeys.has("rootVolume")) {
        notes.push(`root volume type ${volume.type} becomes gp3 (always encrypted)`);
    }
    const securityGroups = al2.launchTemplate?.securityGroupIds;
    const inherited: PoolConfig = {
        ...pool,
        amiType: explicitKeys.has("customAmi") ? pool.amiType : inherit("amiType", variant?.amiType, pool.amiType),
        instanceTypes: inherit(
            "instanceTypes",
            al2.instanceTypes.length > 0 ? [...al2.instanceTypes] : undefined,
            pool.instanceTypes,
        ),
        capacityType: inherit(
            "capacityType",
            al2.capacityType === "SPOT" || al2.capacityType === "ON_DEMAND" ? al2.capacityType : undefined,
            pool.capacityType,
        ),
        labels: inherit("labels", Object.keys(labels).length > 0 ? labels : undefined, pool.labels),
        taints: inherit("taints", taints.length > 0 ? [...taints] : undefined, pool.taints),
        rootVolume: inherit(
            "rootVolume",
            diskGiB !== undefined || volume?.kmsKeyId !== undefined ? rootVolume : undefined,
            pool.rootVolume,
        ),
        securityGroupIds: inherit(
            "securityGroupIds",
            securityGroups !== undefined && securityGroups.length > 0 ? [...securityGroups] : undefined,
            pool.securityGroupIds,
        ),
        update: inherit("maxUnavailable", al2UpdateConfig(al2.update), pool.update),
    };
    const nodeRepair = inherit("nodeRepair", al2.nodeRepair, pool.nodeRepair ?? undefined);
    const result = nodeRepair === undefined ? inherited : { ...inherited, nodeRepair: { enabled: nodeRepair.enabled } };
    if (explicitKeys.has("customAmi")) provenance.amiType = "set";
    return { pool: result, provenance, changes: differences(result, { labels, taints, diskGiB, facts: al2 }), notes };
}
