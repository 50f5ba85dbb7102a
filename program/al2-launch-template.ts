import * as pulumi from "@pulumi/pulumi";
import { launchTemplateVersionReader, type LaunchTemplateVersionData } from "../cutover/launch-template-version";

/** The launch template an AL2 node group runs (`aws.eks.getNodeGroup` → `launchTemplates`). */
export interface NodeGroupLaunchTemplate {
    readonly id: string;
    readonly version: string;
}

/**
 * The launch template version a pool's AL2 node group runs, exactly that version (DescribeLaunchTemplateVersions
 * through the reader in use: cutover/launch-template-version.ts), for its user data translation and its inheritance.
 * When it cannot be read (the version does not exist, access denied), the run fails naming `pools[i].legacyNodeGroup`,
 * the template and the version: no other version stands in for it.
 */
export async function readAl2LaunchTemplateVersion(args: {
    readonly poolIndex: number;
    readonly legacy: { readonly nodeGroupName: string; readonly region: string };
    readonly template: NodeGroupLaunchTemplate;
}): Promise<LaunchTemplateVersionData> {
    const { poolIndex, legacy, template } = args;
    try {
        return await launchTemplateVersionReader()({
            launchTemplateId: template.id,
            version: template.version,
            region: legacy.region,
        });
    } catch (error) {
        throw new pulumi.RunError(
            `pools[${poolIndex}].legacyNodeGroup: AL2 node group "${legacy.nodeGroupName}" runs launch template ` +
                `${template.id} version ${template.version}, which the AL2023 pool's node configuration is carried ` +
                `over from, and it cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
}
