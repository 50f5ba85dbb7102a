import type { V1Node, V1Pod, V1PodSpec } from "@kubernetes/client-node";
import { EMPTY_DUMP, type ClusterDump } from "../../preflight/cluster-dump";
import type { PoolTarget } from "../../preflight/pool-target";
import type { PoolRuleContext } from "../../preflight/rules/context";

/** The AL2 node group the test pods run on. */
export const AL2 = "prod-general-al2";

/** A pool target like prod's `general`: x86, on-demand m6i.xlarge in three zones, hop limit 2, no taints. */
export const TARGET: PoolTarget = {
    pool: "general",
    legacyNodeGroup: AL2,
    legacyArchitecture: "amd64",
    labels: { workload: "general" },
    taints: [],
    architecture: "amd64",
    zones: ["eu-west-1a", "eu-west-1b"],
    instanceTypes: ["m6i.xlarge"],
    capacityType: "ON_DEMAND",
    hopLimit: 2,
};

/** An AL2 node of the test node group. */
export function al2Node(name = "ip-10-0-1-1"): V1Node {
    return { metadata: { name, labels: { "eks.amazonaws.com/nodegroup": AL2 } } };
}

/** A running pod of Deployment `web` (through ReplicaSet `web-1`) on the AL2 node, with the given spec fields. */
export function pod(spec: Partial<V1PodSpec> = {}, meta: Partial<NonNullable<V1Pod["metadata"]>> = {}): V1Pod {
    return {
        metadata: {
            name: "web-1-abc",
            namespace: "shop",
            labels: { app: "web" },
            ownerReferences: [
                { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u1", controller: true },
            ],
            ...meta,
        },
        spec: { nodeName: "ip-10-0-1-1", containers: [{ name: "app", image: "shop/web:1.0" }], ...spec },
        status: { phase: "Running" },
    };
}

/** The ReplicaSet `web-1` of Deployment `web`, so pods resolve to the Deployment. */
export const WEB_REPLICA_SET = {
    metadata: {
        name: "web-1",
        namespace: "shop",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "u0", controller: true }],
    },
};

/** A dump with the AL2 node, the ReplicaSet and the given pods and extras. */
export function dumpWith(pods: readonly V1Pod[], extra: Partial<ClusterDump> = {}): ClusterDump {
    return { ...EMPTY_DUMP, nodes: [al2Node()], replicaSets: [WEB_REPLICA_SET], pods, ...extra };
}

/** The rule context of one pool over a dump (every given pod is on the AL2 node). */
export function contextOf(dump: ClusterDump, target: PoolTarget = TARGET): PoolRuleContext {
    return { dump, target, pods: dump.pods };
}

/** The Deployment `web` as findings name it. */
export const WEB = { namespace: "shop", kind: "Deployment", name: "web" };
