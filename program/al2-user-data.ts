import * as aws from "@pulumi/aws";
import type { ClusterFacts } from "../common/cluster-facts";
import { applyTranslation, type TranslatedPool } from "../nodes/apply-translation";
import type { PoolConfig } from "../nodes/pools";
import { acknowledgementProblems } from "../nodes/translation-config";
import { translateUserData } from "../nodes/userdata-translation/translate";
import type { Al2Translation } from "../nodes/userdata-translation/translation";

/** The launch template an AL2 node group runs (`aws.eks.getNodeGroup` → `launchTemplates`). */
export interface NodeGroupLaunchTemplate {
    readonly id: string;
    readonly version: string;
}

/**
 * The user data and image id of the launch template version the AL2 node group runs. `aws.ec2.getLaunchTemplate`
 * reads the template's default version only (it takes no version argument:
 * https://www.pulumi.com/registry/packages/aws/api-docs/ec2/getlaunchtemplate/), so a node group on another version
 * is a problem that names the command making it the default, never a silent read of the wrong version.
 */
export async function readLaunchTemplate(
    nodeGroupName: string,
    template: NodeGroupLaunchTemplate,
): Promise<{ userData: string; imageId: string } | { problem: string }> {
    const found = await aws.ec2.getLaunchTemplate({ id: template.id });
    if (String(found.defaultVersion) !== template.version) {
        return {
            problem: `AL2 node group "${nodeGroupName}" runs launch template ${template.id} version ${template.version}, but only its default version (${found.defaultVersion}) can be read: make ${template.version} the default (aws ec2 modify-launch-template --launch-template-id ${template.id} --default-version ${template.version}) or plan offline with its describe-launch-template-versions output`,
        };
    }
    return { userData: found.userData, imageId: found.imageId };
}

/** One pool and its live AL2 node group, as deployStack has read them. */
export interface PoolWithLegacy {
    readonly pool: PoolConfig;
    readonly poolIndex: number;
    readonly liveLegacy?: {
        readonly nodeGroupName: string;
        readonly launchTemplates: readonly NodeGroupLaunchTemplate[];
    };
}

/** A pool with its AL2 user data applied, and the translation (for warnings and the plan). */
export type PoolTranslation = TranslatedPool & { readonly translation: Al2Translation };

/** What the AL2 user data gave each pool, and every problem that stops the run. */
export interface PoolTranslations {
    readonly byPool: ReadonlyMap<string, PoolTranslation>;
    readonly problems: readonly string[];
}

/**
 * For every pool whose AL2 node group uses a launch template: reads the user data of the version it runs, translates
 * it (the live cluster's values replace the connection flags), and applies what translates; what cannot move and is
 * not acknowledged in `pools[i].al2Migration.acknowledge` is a problem. Pools without a launch template are unchanged.
 */
export async function translateAl2UserData(
    pools: readonly PoolWithLegacy[],
    cluster: ClusterFacts,
): Promise<PoolTranslations> {
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
    for (const { pool, poolIndex, liveLegacy } of pools) {
        const template = liveLegacy?.launchTemplates[0];
        if (liveLegacy === undefined || template === undefined || template.id === "") continue;
        const read = await readLaunchTemplate(liveLegacy.nodeGroupName, template);
        if ("problem" in read) {
            problems.push(`pools[${poolIndex}].legacyNodeGroup: ${read.problem}`);
            continue;
        }
        const translation = translateUserData({ userData: read.userData, ...(live && { cluster: live }) });
        problems.push(
            ...acknowledgementProblems({
                poolKey: `pools[${poolIndex}]`,
                nodeGroupName: liveLegacy.nodeGroupName,
                items: translation.items,
                acknowledge: pool.al2Migration?.acknowledge ?? [],
            }),
        );
        byPool.set(pool.name, { ...applyTranslation(pool, translation), translation });
    }
    return { byPool, problems };
}
