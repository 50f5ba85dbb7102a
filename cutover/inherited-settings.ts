import type * as pulumi from "@pulumi/pulumi";
import type { InheritedNodeSettings } from "./cutover-record";

/** A node role and subnets as one source holds them (the rehearsal's AL2 node group has them as Outputs). */
export interface NodeSettingsSource {
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetIds: readonly pulumi.Input<string>[];
}

/** Where a pool's inherited node role and subnets came from in this deployment. */
export type InheritedFrom = "record" | "legacy" | "al2023";

/** The node role and subnets a pool takes from its AL2 node group, and where they were read. */
export interface InheritedSettings {
    readonly from: InheritedFrom;
    readonly settings: NodeSettingsSource;
}

/**
 * What an AL2023 node group inherits from the AL2 node group it replaces, in this order: the cutover record (written
 * at adoption, so it survives the AL2 node group's deletion and a later change of that group), the live AL2 node
 * group (first adoption, or a record from before `inherited` existed), the live AL2023 node group itself (an old
 * record after `decommission`: the values it was created with). Undefined when none is known.
 */
export function inheritedNodeSettings(sources: {
    readonly recorded?: InheritedNodeSettings;
    readonly legacy?: NodeSettingsSource;
    readonly al2023?: { readonly nodeRoleArn: string; readonly subnetIds: readonly string[] };
}): InheritedSettings | undefined {
    if (sources.recorded !== undefined) return { from: "record", settings: sources.recorded };
    if (sources.legacy !== undefined) return { from: "legacy", settings: sources.legacy };
    if (sources.al2023 !== undefined) return { from: "al2023", settings: sources.al2023 };
    return undefined;
}

/**
 * A pool that replaces an AL2 node group and leaves `nodeRoleArn` or `subnetIds` unset needs them from somewhere:
 * the message names the keys and why setting them now would replace the AL2023 node group.
 */
export function inheritanceProblems(
    pool: {
        readonly name: string;
        readonly legacyNodeGroup?: string;
        readonly nodeRoleArn?: string;
        readonly subnetIds?: readonly string[];
    },
    poolIndex: number,
    inherited: InheritedSettings | undefined,
): string[] {
    if (pool.legacyNodeGroup === undefined || inherited !== undefined) return [];
    if (pool.nodeRoleArn !== undefined && pool.subnetIds !== undefined) return [];
    return [
        `pools[${poolIndex}].legacyNodeGroup: "${pool.legacyNodeGroup}" is not allowed; pool "${pool.name}" takes its ` +
            `node role and subnets from it, but it is gone and neither the cutover record nor a live AL2023 node ` +
            `group holds them; set pools[${poolIndex}].nodeRoleArn and pools[${poolIndex}].subnetIds to the AL2023 ` +
            `node group's own (aws eks describe-nodegroup ... --query 'nodegroup.[nodeRole,subnets]'), or a ` +
            `different value replaces it`,
    ];
}
