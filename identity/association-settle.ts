import * as pulumi from "@pulumi/pulumi";

// A Pulumi dynamic resource (type token `pulumi-nodejs:dynamic:Resource`) that waits after a Pod Identity association
// is created or changed, so the workloads restarted after it get their credentials: associations are eventually
// consistent for a few seconds (common/aws-limits.ts, POD_IDENTITY_SETTLE_SECONDS). Its `diff` compares only the
// association's id and role: a re-run that changes neither changes nothing and waits for nothing; the wait runs in
// create and update only. Its outputs are its inputs (no timestamp), so a dependent's inputs never change because of
// it. Like the drain (cutover/drain/node-group-drain.ts) the engine calls this provider's own `diff`, never comparing
// the serialized `__provider` itself.

/** Inputs (and state) of AssociationSettle as the provider receives them. */
export interface SettleInputs {
    readonly associationId: string;
    readonly roleArn: string;
    readonly settleSeconds: number;
}

/** What the settle provider runs with; tests replace the sleeper. The default is resolved when called. */
export interface SettleRuntime {
    readonly sleep?: (ms: number) => Promise<void>;
}

/** The settle provider: create and update wait `settleSeconds`; diff only on the association's id and role. */
export function settleProviderWith(
    runtime: SettleRuntime,
): pulumi.dynamic.ResourceProvider<SettleInputs, SettleInputs> {
    const wait = (seconds: number) =>
        (runtime.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms))))(seconds * 1000);
    return {
        async diff(_id, olds, news) {
            return { changes: olds.associationId !== news.associationId || olds.roleArn !== news.roleArn };
        },
        async create(inputs) {
            await wait(inputs.settleSeconds);
            return { id: `settle/${inputs.associationId}`, outs: { ...inputs } };
        },
        async update(_id, _olds, news) {
            await wait(news.settleSeconds);
            return { outs: { ...news } };
        },
    };
}

/** The settle provider as deployed. */
export const settleProvider = settleProviderWith({});

/** Arguments of AssociationSettle. */
export interface AssociationSettleArgs {
    /** The association's id (`aws.eks.PodIdentityAssociation.associationId`): a new association is a change. */
    readonly associationId: pulumi.Input<string>;
    /** The role it binds: a role change is an update of the association, and a change here. */
    readonly roleArn: pulumi.Input<string>;
    /** How long to wait after a create or a change. */
    readonly settleSeconds: number;
}

/**
 * Waits `settleSeconds` once after its Pod Identity association is created or changes (never on a re-run that
 * changes nothing); restarts depend on it, so restarted pods find the association effective.
 */
export class AssociationSettle extends pulumi.dynamic.Resource {
    constructor(name: string, args: AssociationSettleArgs, opts?: pulumi.CustomResourceOptions) {
        super(settleProvider, name, { ...args }, opts);
    }
}
