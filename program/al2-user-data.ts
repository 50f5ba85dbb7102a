import type { ClusterFacts } from "../common/cluster-facts";
import { applyTranslation, type TranslatedPool } from "../nodes/apply-translation";
import type { PoolConfig } from "../nodes/pools";
import { acknowledgementProblems, UNRECORDED_LAUNCH_TEMPLATE } from "../nodes/translation-config";
import { translateUserData } from "../nodes/userdata-translation/translate";
import type { Al2Translation } from "../nodes/userdata-translation/translation";
import type { RecordedAl2LaunchTemplate } from "../cutover/al2-snapshot";
import type { PoolCutoverRecord } from "../cutover/cutover-record";
import { readAl2LaunchTemplateVersion, type NodeGroupLaunchTemplate } from "./al2-launch-template";

/** Where a pool's AL2 launch template source comes from in this run: the record, the live AL2 node group, or why not. */
export type Al2LaunchTemplateRead =
    | { readonly from: "record" | "live"; readonly source: RecordedAl2LaunchTemplate }
    /** Why the record cannot stand in for it; `translateAl2UserData` reports it at `pools[i].legacyNodeGroup`. */
    | { readonly problem: string };

/**
 * The launch template source a pool's user data translation reads, once per run: the record's (written at the first
 * declaration, so it survives `decommission` and any later edit of the AL2 launch template), else the version the live
 * AL2 node group runs (`readAl2LaunchTemplateVersion`: exactly that version, or the run fails; for records written
 * before the source was recorded, and this run then records it). Once the AL2 node group is gone, a record without
 * the source is a problem (the AL2023 launch template was built from it: declaring it without would change its
 * NodeConfig and roll the nodes), unless the snapshot shows no launch template or the pool acknowledges it. Undefined: nothing to translate (greenfield, or the guards refuse the missing AL2 node group).
 */
export async function readAl2LaunchTemplateSource(args: {
    readonly pool: Pick<PoolConfig, "name" | "legacyNodeGroup" | "al2Migration">;
    readonly poolIndex: number;
    readonly previous?: PoolCutoverRecord;
    readonly legacy?: {
        readonly nodeGroupName: string;
        readonly region: string;
        readonly amiType: string;
        readonly launchTemplates: readonly NodeGroupLaunchTemplate[];
    };
}): Promise<Al2LaunchTemplateRead | undefined> {
    const { pool, poolIndex, previous, legacy } = args;
    if (pool.legacyNodeGroup === undefined) return undefined;
    const recorded = previous?.inherited?.al2LaunchTemplate;
    if (recorded !== undefined) return { from: "record", source: recorded };
    if (legacy !== undefined) {
        // The guards refuse an AL2 node group of another AMI type: nothing of it is read.
        if (!legacy.amiType.startsWith("AL2_") && legacy.amiType !== "CUSTOM") return undefined;
        const template = legacy.launchTemplates[0];
        if (template === undefined || template.id === "") return { from: "live", source: "none" };
        const { userData, imageId } = await readAl2LaunchTemplateVersion({ poolIndex, legacy, template });
        return { from: "live", source: { id: template.id, version: template.version, userData, imageId } };
    }
    if (previous === undefined) return undefined;
    const snapshot = previous.inherited?.al2;
    if (snapshot !== undefined && snapshot.launchTemplate === undefined) return { from: "record", source: "none" };
    if (pool.al2Migration?.acknowledge.includes(UNRECORDED_LAUNCH_TEMPLATE)) return undefined;
    const key = `pools[${poolIndex}]`;
    return {
        problem:
            `AL2 node group "${pool.legacyNodeGroup}" is gone, and the cutover record of pool ` +
            `"${pool.name}" (written before it recorded the AL2 launch template) does not hold the launch template ` +
            `version it ran${snapshot === undefined ? " (if any)" : ""}: the AL2023 launch template's NodeConfig was ` +
            "translated from that version's user data (kubelet config and flags, preBootstrapScripts, containerd, " +
            "local disks), and declaring it without them would change it and roll the nodes. Set what the AL2023 " +
            `nodes still need in ${key}.kubelet (and ${key}.preBootstrapScripts), then add ` +
            `"${UNRECORDED_LAUNCH_TEMPLATE}" to ${key}.al2Migration.acknowledge`,
    };
}

/** One pool and where its AL2 launch template source came from, as deployStack has read them. */
export interface PoolWithLegacy {
    readonly pool: PoolConfig;
    readonly poolIndex: number;
    readonly al2LaunchTemplate?: Al2LaunchTemplateRead;
}

/** A pool with its AL2 user data applied, and the translation (for warnings and the plan). */
export type PoolTranslation = TranslatedPool & { readonly translation: Al2Translation };

/** What the AL2 user data gave each pool, and every problem that stops the run. */
export interface PoolTranslations {
    readonly byPool: ReadonlyMap<string, PoolTranslation>;
    readonly problems: readonly string[];
}

/**
 * For every pool whose AL2 node group used a launch template: translates the user data of the version it ran (from
 * the record, else the live version: `readAl2LaunchTemplateSource`; the live cluster's values replace the connection
 * flags), and applies what translates; what cannot move and is not acknowledged in `pools[i].al2Migration.acknowledge`
 * is a problem, and so is a source that could not be read. Pools without a launch template are unchanged.
 */
export function translateAl2UserData(pools: readonly PoolWithLegacy[], cluster: ClusterFacts): PoolTranslations {
    const byPool = new Map<string, PoolTranslation>();
    const problems: string[] = [];
    const live =
        typeof cluster.endpoint === "string" && typeof cluster.certificateAuthority === "string"
            ? {
                  name: cluster.name,
                  endpoint: cluster.endpoint,
                  certificateAuthority: cluster.certificateAuthority,
                  serviceCidr: cluster.serviceCidr,
                  ipFamily: cluster.serviceCidr.includes(":") ? "ipv6" : "ipv4",
              }
            : undefined;
    for (const { pool, poolIndex, al2LaunchTemplate: read } of pools) {
        if (read === undefined) continue;
        if ("problem" in read) {
            problems.push(`pools[${poolIndex}].legacyNodeGroup: ${read.problem}`);
            continue;
        }
        if (read.source === "none") continue;
        const translation = translateUserData({ userData: read.source.userData, ...(live && { cluster: live }) });
        problems.push(
            ...acknowledgementProblems({
                poolKey: `pools[${poolIndex}]`,
                nodeGroupName: pool.legacyNodeGroup ?? pool.name,
                items: translation.items,
                acknowledge: pool.al2Migration?.acknowledge ?? [],
            }),
        );
        byPool.set(pool.name, { ...applyTranslation(pool, translation), translation });
    }
    return { byPool, problems };
}
