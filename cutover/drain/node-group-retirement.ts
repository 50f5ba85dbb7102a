import * as pulumi from "@pulumi/pulumi";
import { DrainFailed, drainNodeGroup } from "./drain-run";
import { callApi } from "./api-calls";
import { isReadySchedulable, NODE_GROUP_LABEL } from "./node-drain";
import { callContext, runtimeLog, type ProviderRuntime } from "./provider-runtime";

// A Pulumi dynamic resource (type token `pulumi-nodejs:dynamic:Resource`) declared with every AL2023 node group, which
// it depends on. Create and update do nothing. A change of the node group's name (the node group was replaced: it is
// auto-named from the pool's prefix) replaces it, so the engine deletes the old one after the new node group and the
// new retirement exist, and before the old node group (replaced resources are deleted in reverse dependency order,
// https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/). Its delete drains the old node group through
// the Eviction API (drain-run.ts: PodDisruptionBudgets honoured) into another node group of the same pool, so that
// EKS's delete, which does not honour them (https://docs.aws.amazon.com/eks/latest/userguide/delete-managed-node-group.html),
// finds it empty. With no other node group of the pool with Ready nodes (the pool or the stack is removed) it evicts
// nothing: there is nowhere to run. The provider is serialized as the cordon's and drain's are (node-group-drain.ts).

/** Inputs of NodeGroupRetirement as the provider receives them. */
export interface RetirementInputs {
    readonly kubeconfig: string;
    /** The AL2023 node group this resource retires when deleted. */
    readonly nodeGroupName: string;
    /** The pool's node group name prefix: its other node groups are `<prefix><26-character suffix>`. */
    readonly nodeGroupNamePrefix: string;
    /** Ready, schedulable nodes the replacement node group needs before anything is evicted. */
    readonly minReadyNodes: number;
    readonly timeoutMinutes: number;
    readonly evictUnmanagedPods: boolean;
    readonly maxConcurrentEvictions: number;
}

/** Node group names the provider generates from a prefix: the prefix and a 26-character suffix (PrefixedUniqueId). */
function isPoolNodeGroup(name: string, prefix: string): boolean {
    return name.startsWith(prefix) && /^[0-9a-f]{26}$/.test(name.slice(prefix.length));
}

/**
 * The other node groups of the pool with their Ready, schedulable node counts, most first (then by name): read from
 * the nodes' `eks.amazonaws.com/nodegroup` label.
 */
async function otherPoolNodeGroups(
    context: Parameters<typeof callApi>[0],
    inputs: Pick<RetirementInputs, "nodeGroupName" | "nodeGroupNamePrefix">,
): Promise<{ name: string; ready: number }[]> {
    const nodes = await callApi(context, {
        label: "listing the nodes",
        request: async (api, options) => (await api.core.listNode({ labelSelector: NODE_GROUP_LABEL }, options)).items,
    });
    const ready = new Map<string, number>();
    for (const node of nodes) {
        const group = node.metadata?.labels?.[NODE_GROUP_LABEL];
        if (group === undefined || group === inputs.nodeGroupName) continue;
        if (!isPoolNodeGroup(group, inputs.nodeGroupNamePrefix)) continue;
        ready.set(group, (ready.get(group) ?? 0) + (isReadySchedulable(node) ? 1 : 0));
    }
    return [...ready.entries()]
        .map(([name, count]) => ({ name, ready: count }))
        .sort((a, b) => b.ready - a.ready || a.name.localeCompare(b.name));
}

/** The retirement provider: create and update do nothing; delete drains into another node group of the pool. */
export function retirementProviderWith(runtime: ProviderRuntime): pulumi.dynamic.ResourceProvider<RetirementInputs> {
    return {
        async diff(_id, olds, news) {
            // Another node group is another retirement: the old one is deleted (and drains) before its node group.
            return olds.nodeGroupName === news.nodeGroupName
                ? { changes: false }
                : { changes: true, replaces: ["nodeGroupName"], deleteBeforeReplace: false };
        },
        async create(inputs) {
            return { id: `retirement/${inputs.nodeGroupName}`, outs: inputs };
        },
        async delete(_id, props) {
            const log = runtimeLog(runtime);
            const context = callContext(props.kubeconfig, runtime);
            const name = props.nodeGroupName;
            const [target] = (await otherPoolNodeGroups(context, props)).filter((group) => group.ready > 0);
            if (target === undefined) {
                log(
                    `retirement of node group "${name}": no other node group of the pool ("${props.nodeGroupNamePrefix}…") ` +
                        "has Ready nodes (the pool or the stack is removed): nothing evicted, EKS deletes the nodes",
                );
                return;
            }
            log(`retirement of node group "${name}": draining it into "${target.name}" before EKS deletes it`);
            try {
                const summary = await drainNodeGroup(context, {
                    nodeGroupName: name,
                    readyNodeGroupName: target.name,
                    minReadyNodes: props.minReadyNodes,
                    timeoutMs: props.timeoutMinutes * 60_000,
                    evictUnmanagedPods: props.evictUnmanagedPods,
                    maxConcurrentEvictions: props.maxConcurrentEvictions,
                    log,
                    ...(runtime.backoff !== undefined && { backoff: runtime.backoff }),
                    ...(runtime.progressIntervalMs !== undefined && { progressIntervalMs: runtime.progressIntervalMs }),
                });
                log(`retirement of node group "${name}": ${summary.evicted.length} pod(s) evicted; EKS deletes it now`);
            } catch (error) {
                // The delete fails and the node group stays: the next `pulumi up` retries the drain.
                if (error instanceof DrainFailed)
                    throw new Error(`retirement of node group "${name}": ${error.message}`);
                throw error;
            }
        },
    };
}

/** The retirement provider as deployed. */
export const retirementProvider = retirementProviderWith({});

/** Arguments of NodeGroupRetirement. */
export interface NodeGroupRetirementArgs {
    /** Kubeconfig of the cluster (stored as a secret); an `exec` user running `aws eks get-token` is expected. */
    readonly kubeconfig: pulumi.Input<string>;
    /** The AL2023 node group to drain before it is deleted. */
    readonly nodeGroupName: pulumi.Input<string>;
    /** The pool's node group name prefix (`<pool>-`). */
    readonly nodeGroupNamePrefix: string;
    /** Ready, schedulable nodes the replacement node group needs before anything is evicted. */
    readonly minReadyNodes: number;
    /** How long the drain waits (config `drainTimeoutMinutes`). */
    readonly timeoutMinutes: number;
    /** Evict pods without a controller too (config `drainEvictUnmanagedPods`). */
    readonly evictUnmanagedPods: boolean;
    /** Eviction requests in flight at once (config `drainMaxConcurrentEvictions`). */
    readonly maxConcurrentEvictions: number;
}

/**
 * Drains an AL2023 node group through the Eviction API when Pulumi deletes it after a replacement (`allowReplacement`):
 * declare it with `dependsOn` the node group. Does nothing on create or update.
 */
export class NodeGroupRetirement extends pulumi.dynamic.Resource {
    constructor(name: string, args: NodeGroupRetirementArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            kubeconfig: pulumi.secret(args.kubeconfig),
            nodeGroupName: args.nodeGroupName,
            nodeGroupNamePrefix: args.nodeGroupNamePrefix,
            minReadyNodes: args.minReadyNodes,
            timeoutMinutes: args.timeoutMinutes,
            evictUnmanagedPods: args.evictUnmanagedPods,
            maxConcurrentEvictions: args.maxConcurrentEvictions,
        };
        super(retirementProvider, name, props, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig"] }));
    }
}
