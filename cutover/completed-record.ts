import * as pulumi from "@pulumi/pulumi";
import { poolCutoverRecord, type PoolCutoverRecord } from "./cutover-record";
import type { NodeSettingsSource } from "./inherited-settings";
import type { Al2NodeGroupFacts } from "../nodes/inheritance";
import type { RecordedAl2LaunchTemplate } from "./al2-snapshot";

/** What a pool's record holds apart from the values only its resources know. */
export type PoolRecordFields = Omit<Parameters<typeof poolCutoverRecord>[0], "al2023NodeGroupName" | "inherited">;

/**
 * A pool's cutover record as an Output that resolves only once every resource proving the phase has been created or
 * updated in this deployment: `proofs` are outputs of those resources (the AL2 node group in the phase's state,
 * import included; the cordon; the drain; the launch template and the AL2023 node group). The engine answers a
 * resource's registration only after its create or update succeeded; when one fails, its outputs never resolve, so
 * neither does this record, the stack outputs are not registered, and the state keeps the last completed record
 * (https://www.pulumi.com/docs/iac/concepts/inputs-outputs/). The next run then resumes the same phase.
 */
export function completedPoolRecord(args: {
    readonly fields: PoolRecordFields;
    readonly al2023NodeGroupName: pulumi.Output<string>;
    /** What the pool took from its AL2 node group, recorded so it survives the group's deletion. */
    readonly inherited?: NodeSettingsSource;
    /** The AL2 node group the pool inherited from (`inherited.al2` in the record). */
    readonly al2?: Al2NodeGroupFacts;
    /** The AL2 node group's launch template source its user data translation read (`inherited.al2LaunchTemplate`). */
    readonly al2LaunchTemplate?: RecordedAl2LaunchTemplate;
    readonly proofs: readonly pulumi.Output<unknown>[];
}): pulumi.Output<PoolCutoverRecord> {
    const inherited =
        args.inherited === undefined
            ? undefined
            : pulumi.all([pulumi.output(args.inherited.nodeRoleArn), pulumi.all([...args.inherited.subnetIds])]);
    return pulumi
        .all([args.al2023NodeGroupName, pulumi.output(inherited), pulumi.all([...args.proofs])])
        .apply(([al2023NodeGroupName, settings]) =>
            poolCutoverRecord({
                ...args.fields,
                al2023NodeGroupName,
                ...(settings !== undefined && {
                    inherited: {
                        nodeRoleArn: settings[0],
                        subnetIds: settings[1],
                        ...(args.al2 !== undefined && { al2: args.al2 }),
                        ...(args.al2LaunchTemplate !== undefined && { al2LaunchTemplate: args.al2LaunchTemplate }),
                    },
                }),
            }),
        );
}
