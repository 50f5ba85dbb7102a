import * as pulumi from "@pulumi/pulumi";
import { clientNode } from "../../common/kubernetes-client";
import { cordonNodeGroup, drainNodeGroup, handOverCordon, kubeApi, uncordonNodes, type KubeApi } from "./node-drain";

// Two Pulumi dynamic resources (type token `pulumi-nodejs:dynamic:Resource`) around node-drain.ts:
//
// - NodeGroupCordon: create cordons the node group's nodes and stores the names it cordoned; delete uncordons exactly
//   those (the rollback from `shift` to `canary`); an update (only when nodeGroupName changes) cordons the new node
//   group's nodes first, then uncordons the nodes it had cordoned that are not in it.
// - NodeGroupDrain: create/update drain; delete does nothing (a drain cannot be undone: a rollback from `drain` to
//   `shift` raises the AL2 node group's size again, and its new nodes carry shift's NoSchedule taint, so the pods
//   stay on AL2023 until the rollback to `canary` removes it).
//
// How they behave in the engine (read from @pulumi/pulumi 3.248 `dynamic/index.js` and
// `cmd/dynamic-provider/index.js`, and pulumi/pulumi#1935, #12401, #16826):
// - The provider object is serialized into the `__provider` input at every `pulumi up`. Local modules are captured
//   by value (the functions used from this file and node-drain.ts are compiled into the text: about 10 KB for cordon,
//   23 KB for drain). @kubernetes/client-node is loaded with `require` inside the functions (`clientNode()`), which
//   the serializer keeps verbatim; the dynamic provider process compiles the text as a module (require-from-string)
//   and resolves it from the project's node_modules (Node >= 20.19 loads this ESM package through `require`). That
//   process has no TypeScript loader, so the algorithm cannot be `require`d from its .ts file there. The text holds
//   no absolute path and no input value (the kubeconfig is an input, never captured), so it is the same on every
//   machine with the same compiler.
// - The engine calls the provider's own `diff` and never compares `__provider` itself: since `diff` is defined here, a
//   different serialization (another machine, another compiler) is no change. Without `diff`, the engine would diff
//   all inputs and update on every `~__provider` (#12401). `diff` also ignores the kubeconfig text and the timeout, so
//   a re-run with equal node group names changes nothing and never drains again. `evictUnmanagedPods` turning from
//   false to true is a change (the drain it allows is the one that failed before); true to false is none.
// - When `diff` reports no change, the state keeps the outputs (and `__provider`) of the last create/update (#16826):
//   a later delete uncordons with that stored kubeconfig and code. With an `exec` user (`aws eks get-token`) the stored
//   kubeconfig holds no credential and keeps working with whatever AWS credentials the delete runs with.

/** Inputs of NodeGroupCordon as the provider receives them. */
export interface CordonInputs {
    readonly kubeconfig: string;
    readonly nodeGroupName: string;
}

/** State of NodeGroupCordon. */
export interface CordonOutputs extends CordonInputs {
    /** Nodes this resource cordoned; delete uncordons exactly these. */
    readonly cordonedNodes: string[];
    /** Nodes that were cordoned before; delete leaves them cordoned. */
    readonly alreadyCordonedNodes: string[];
}

/** Inputs of NodeGroupDrain as the provider receives them. */
export interface DrainInputs {
    readonly kubeconfig: string;
    readonly nodeGroupName: string;
    readonly readyNodeGroupName: string;
    readonly minReadyNodes: number;
    readonly timeoutMinutes: number;
    /** Evict pods without a controller too (absent in the state of drains made before it existed). */
    readonly evictUnmanagedPods?: boolean;
}

/** State of NodeGroupDrain: what the last drain did. */
export interface DrainOutputs extends DrainInputs {
    readonly cordonedNodes: string[];
    readonly evictedPods: string[];
    readonly skippedPods: string[];
    readonly emptyDirPods: string[];
    readonly unmanagedPods: string[];
}

function apiFor(kubeconfig: string): KubeApi {
    const kubeConfig = new (clientNode().KubeConfig)();
    kubeConfig.loadFromString(kubeconfig);
    return kubeApi(kubeConfig);
}

/** The cordon provider: create cordons, delete uncordons what it cordoned, diff only on the node group's name. */
export const cordonProvider: pulumi.dynamic.ResourceProvider<CordonInputs, CordonOutputs> = {
    async diff(_id, olds, news) {
        return { changes: olds.nodeGroupName !== news.nodeGroupName };
    },
    async create(inputs) {
        const result = await cordonNodeGroup(apiFor(inputs.kubeconfig), inputs.nodeGroupName);
        const outs = { ...inputs, cordonedNodes: result.cordoned, alreadyCordonedNodes: result.alreadyCordoned };
        return { id: `cordon/${inputs.nodeGroupName}`, outs };
    },
    async update(_id, olds, news) {
        const api = apiFor(news.kubeconfig);
        const next = handOverCordon(olds.cordonedNodes, await cordonNodeGroup(api, news.nodeGroupName));
        await uncordonNodes(api, next.release);
        return { outs: { ...news, cordonedNodes: next.cordoned, alreadyCordonedNodes: next.alreadyCordoned } };
    },
    async delete(_id, props) {
        await uncordonNodes(apiFor(props.kubeconfig), props.cordonedNodes);
    },
};

async function drainOutputs(inputs: DrainInputs): Promise<DrainOutputs> {
    const summary = await drainNodeGroup(apiFor(inputs.kubeconfig), {
        nodeGroupName: inputs.nodeGroupName,
        readyNodeGroupName: inputs.readyNodeGroupName,
        minReadyNodes: inputs.minReadyNodes,
        timeoutMs: inputs.timeoutMinutes * 60_000,
        evictUnmanagedPods: inputs.evictUnmanagedPods === true,
    });
    return {
        ...inputs,
        cordonedNodes: summary.cordoned,
        evictedPods: summary.evicted,
        skippedPods: summary.skipped.map((s) => `${s.pod} (${s.reason})`),
        emptyDirPods: summary.emptyDirPods,
        unmanagedPods: summary.unmanaged,
    };
}

/**
 * The drain provider: create and update drain, delete does nothing, diff only on the node groups, readiness and
 * `evictUnmanagedPods` being turned on.
 */
export const drainProvider: pulumi.dynamic.ResourceProvider<DrainInputs, DrainOutputs> = {
    async diff(_id, olds, news) {
        const changes =
            olds.nodeGroupName !== news.nodeGroupName ||
            olds.readyNodeGroupName !== news.readyNodeGroupName ||
            olds.minReadyNodes !== news.minReadyNodes ||
            (olds.evictUnmanagedPods !== true && news.evictUnmanagedPods === true);
        return { changes };
    },
    async create(inputs) {
        return { id: `drain/${inputs.nodeGroupName}`, outs: await drainOutputs(inputs) };
    },
    async update(_id, _olds, news) {
        return { outs: await drainOutputs(news) };
    },
    async delete() {
        // A drain cannot be undone; the rollback raises the node group's size again.
    },
};

/** Arguments of NodeGroupCordon. */
export interface NodeGroupCordonArgs {
    /** Kubeconfig of the cluster (stored as a secret); an `exec` user running `aws eks get-token` is expected. */
    readonly kubeconfig: pulumi.Input<string>;
    /** The managed node group whose nodes are cordoned (label `eks.amazonaws.com/nodegroup`). */
    readonly nodeGroupName: pulumi.Input<string>;
}

/**
 * Cordons the running nodes of a managed node group (`shift`): no new pods land there, running pods stay. Deleting
 * it uncordons exactly the nodes it cordoned (the rollback to `canary`).
 */
export class NodeGroupCordon extends pulumi.dynamic.Resource {
    /** Nodes this resource cordoned. */
    declare public readonly cordonedNodes: pulumi.Output<string[]>;
    /** Nodes that were already cordoned (not ours to uncordon). */
    declare public readonly alreadyCordonedNodes: pulumi.Output<string[]>;

    constructor(name: string, args: NodeGroupCordonArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            kubeconfig: pulumi.secret(args.kubeconfig),
            nodeGroupName: args.nodeGroupName,
            cordonedNodes: undefined,
            alreadyCordonedNodes: undefined,
        };
        // Replacing (`pulumi up --replace`) must uncordon before cordoning, or the new one would find the nodes
        // cordoned, own none of them, and the old one's delete would uncordon them.
        const own: pulumi.CustomResourceOptions = {
            additionalSecretOutputs: ["kubeconfig"],
            deleteBeforeReplace: true,
        };
        super(cordonProvider, name, props, pulumi.mergeOptions(opts, own));
    }
}

/** Arguments of NodeGroupDrain. */
export interface NodeGroupDrainArgs {
    /** Kubeconfig of the cluster (stored as a secret); an `exec` user running `aws eks get-token` is expected. */
    readonly kubeconfig: pulumi.Input<string>;
    /** The AL2 managed node group to empty. */
    readonly nodeGroupName: pulumi.Input<string>;
    /** The AL2023 node group that takes the pods. */
    readonly readyNodeGroupName: pulumi.Input<string>;
    /** Ready, schedulable nodes `readyNodeGroupName` must have before anything is evicted. */
    readonly minReadyNodes: pulumi.Input<number>;
    /** How long the drain waits for pods to leave before `pulumi up` fails (config `drainTimeoutMinutes`). */
    readonly timeoutMinutes: pulumi.Input<number>;
    /**
     * Evict pods that have no controller, which nothing recreates (`kubectl drain --force`; config
     * `drainEvictUnmanagedPods`). Without it the drain refuses, naming them, when such pods are on the nodes.
     * @default false
     */
    readonly evictUnmanagedPods?: pulumi.Input<boolean>;
}

/**
 * Drains an AL2 managed node group through the Eviction API (PodDisruptionBudgets honoured) during `pulumi up`; make
 * the node group's scale-down depend on it. Fails the update, naming the pods that could not move, on timeout; naming
 * the pods without a controller unless `evictUnmanagedPods`; and naming the pod and the budgets when more than one
 * PodDisruptionBudget selects a pod (the Eviction API refuses such a pod).
 */
export class NodeGroupDrain extends pulumi.dynamic.Resource {
    /** Nodes the drain cordoned (those not already cordoned by `shift`). */
    declare public readonly cordonedNodes: pulumi.Output<string[]>;
    /** Pods evicted, `namespace/name`. */
    declare public readonly evictedPods: pulumi.Output<string[]>;
    /** DaemonSet and mirror pods left in place, `namespace/name (reason)`. */
    declare public readonly skippedPods: pulumi.Output<string[]>;
    /** Evicted pods whose emptyDir data is gone. */
    declare public readonly emptyDirPods: pulumi.Output<string[]>;
    /** Evicted pods that had no controller (only with `evictUnmanagedPods`); nothing recreates them. */
    declare public readonly unmanagedPods: pulumi.Output<string[]>;

    constructor(name: string, args: NodeGroupDrainArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            kubeconfig: pulumi.secret(args.kubeconfig),
            nodeGroupName: args.nodeGroupName,
            readyNodeGroupName: args.readyNodeGroupName,
            minReadyNodes: args.minReadyNodes,
            timeoutMinutes: args.timeoutMinutes,
            evictUnmanagedPods: args.evictUnmanagedPods ?? false,
            cordonedNodes: undefined,
            evictedPods: undefined,
            skippedPods: undefined,
            emptyDirPods: undefined,
            unmanagedPods: undefined,
        };
        super(drainProvider, name, props, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig"] }));
    }
}
