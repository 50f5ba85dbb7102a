import type { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from "@kubernetes/client-node";
import { clientNode } from "../common/kubernetes-client";
import type { ServiceAccountRef } from "../identity/identity-config";
import { isAcknowledged, type Acknowledgement } from "./acknowledge";
import { EMPTY_DUMP, type ClusterDump } from "./cluster-dump";
import { normalizeFindings, workloadKey, type Finding } from "./finding";
import { poolTarget, type PoolTarget, type PoolTargetSource } from "./pool-target";
import { addonFindings } from "./rules/addons";
import { poolFindings } from "./run";

// The live gates: before `shift` cordons and before `drain` evicts, the blocking pre-flight rules run against the live
// cluster for the pods on the pool's AL2 nodes, inside the cordon and drain dynamic providers (cutover/drain/), with
// the stack's own Kubernetes access. Plain data in, so the providers' serialized closures can carry it.

/** What a live gate checks: one pool's AL2023 target and the stack settings the rules read. */
export interface LiveGateInputs {
    /**
     * The pool's target, with the zones of the AL2023 node group's subnets resolved when the program runs
     * (`aws.ec2.getSubnet`), so the volume-zone and zone-affinity rules run live.
     */
    readonly target: PoolTarget;
    readonly serviceAccounts: readonly ServiceAccountRef[];
    readonly evictUnmanagedPods: boolean;
    /** Config `preflightAcknowledge`. */
    readonly acknowledged: readonly Acknowledgement[];
}

/**
 * The read-only Kubernetes calls a live gate makes (RBAC: list nodes, pods, daemonsets, replicasets, jobs,
 * poddisruptionbudgets, serviceaccounts, persistentvolumes, persistentvolumeclaims). The add-on rules read the
 * DaemonSets: an EKS add-on runs as one too (`aws-node`'s image tag is the VPC CNI version, `ebs-csi-node` is the EBS
 * CSI driver's node plugin), so no EKS call is needed.
 */
export interface LiveGateApi {
    readonly core: Pick<
        CoreV1Api,
        | "listNode"
        | "listPodForAllNamespaces"
        | "listServiceAccountForAllNamespaces"
        | "listPersistentVolume"
        | "listPersistentVolumeClaimForAllNamespaces"
    >;
    readonly apps: Pick<AppsV1Api, "listReplicaSetForAllNamespaces" | "listDaemonSetForAllNamespaces">;
    readonly batch: Pick<BatchV1Api, "listJobForAllNamespaces">;
    readonly policy: Pick<PolicyV1Api, "listPodDisruptionBudgetForAllNamespaces">;
}

/** The API clients of a loaded KubeConfig. */
export function liveGateApi(kubeConfig: KubeConfig): LiveGateApi {
    const k8s = clientNode();
    return {
        core: kubeConfig.makeApiClient(k8s.CoreV1Api),
        apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
        batch: kubeConfig.makeApiClient(k8s.BatchV1Api),
        policy: kubeConfig.makeApiClient(k8s.PolicyV1Api),
    };
}

/** The part of the cluster the per-pool rules read, from the API server. */
export async function readLiveDump(api: LiveGateApi): Promise<ClusterDump> {
    const [nodes, pods, daemonSets, replicaSets, jobs, budgets, accounts, volumes, claims] = await Promise.all([
        api.core.listNode({}),
        api.core.listPodForAllNamespaces({}),
        api.apps.listDaemonSetForAllNamespaces({}),
        api.apps.listReplicaSetForAllNamespaces({}),
        api.batch.listJobForAllNamespaces({}),
        api.policy.listPodDisruptionBudgetForAllNamespaces({}),
        api.core.listServiceAccountForAllNamespaces({}),
        api.core.listPersistentVolume({}),
        api.core.listPersistentVolumeClaimForAllNamespaces({}),
    ]);
    return {
        ...EMPTY_DUMP,
        nodes: nodes.items,
        pods: pods.items,
        daemonSets: daemonSets.items,
        replicaSets: replicaSets.items,
        jobs: jobs.items,
        podDisruptionBudgets: budgets.items,
        serviceAccounts: accounts.items,
        persistentVolumes: volumes.items,
        persistentVolumeClaims: claims.items,
    };
}

/** What a gate decides on: the pool's blockers, split by whether config `preflightAcknowledge` accepts them. */
export interface GateFindings {
    /** Not acknowledged: any of them refuses the step. */
    readonly blockers: Finding[];
    /** Acknowledged: they pass. */
    readonly acknowledged: Finding[];
}

/**
 * The blocking findings of the pods on the pool's AL2 nodes and of the add-ons the pool's AL2023 nodes need (VPC CNI
 * version, NVIDIA device plugin, EBS CSI driver): what the live gates check before `shift` and `drain`, and what the
 * offline plan checks from a cluster dump (plan/preflight-gates.ts).
 */
export function gateFindings(dump: ClusterDump, inputs: LiveGateInputs): GateFindings {
    const request = {
        dump,
        targets: [inputs.target],
        serviceAccounts: inputs.serviceAccounts,
        evictUnmanagedPods: inputs.evictUnmanagedPods,
    };
    const found = normalizeFindings([
        ...poolFindings(request, inputs.target),
        ...addonFindings(dump, [inputs.target]),
    ]).filter((f) => f.severity === "blocker");
    return {
        blockers: found.filter((f) => !isAcknowledged(f, inputs.acknowledged)),
        acknowledged: found.filter((f) => isAcknowledged(f, inputs.acknowledged)),
    };
}

/** The refusal of a live gate, listing each workload, its pods, the rule and the fix. */
export function liveGateMessage(step: "shift" | "drain", inputs: LiveGateInputs, blockers: readonly Finding[]): string {
    const { pool, legacyNodeGroup } = inputs.target;
    const action = step === "shift" ? "cordon" : "drain";
    const lines = blockers.map(
        (f) =>
            `  - ${workloadKey(f.workload)} [${f.id}]: ${f.what}${f.pods ? ` (pods: ${f.pods.join(", ")})` : ""}; fix: ${f.fix}`,
    );
    return (
        `pre-flight gate: will not ${action} AL2 node group "${legacyNodeGroup}" of pool "${pool}": ` +
        `${blockers.length} workload(s) would not survive the move to AL2023:\n${lines.join("\n")}\n` +
        "Fix them (see `npm run preflight`), or accept one with preflightAcknowledge: " +
        "[{namespace, kind, name, rule}] in the stack config."
    );
}

/**
 * The inputs of a pool's live gates, from the stack config, the live AL2 node group, the AL2023 node group's name and
 * subnets, and the zone of each of those subnets (read when the program runs).
 */
export function liveGateInputs(args: {
    readonly pool: PoolTargetSource["pool"];
    readonly legacyAmiType: string;
    /** A CUSTOM AL2 node group's AMI architecture as EC2 gives it (`aws.ec2.getAmi`), when EC2 described it. */
    readonly legacyImageArchitecture?: string;
    readonly nodeGroupName: string;
    /** The AL2023 node group's subnets (the pool's `subnetIds`, or those it takes from the AL2 node group). */
    readonly subnetIds: readonly string[];
    /** Availability zone by subnet id, for `subnetIds`. */
    readonly subnetZones: Readonly<Record<string, string>>;
    readonly config: {
        readonly serviceAccounts: readonly ServiceAccountRef[];
        readonly evictUnmanagedPods: boolean;
        readonly acknowledged: readonly Acknowledgement[];
    };
}): LiveGateInputs {
    return {
        target: poolTarget({
            pool: { ...args.pool, subnetIds: [...args.subnetIds] },
            legacy: {
                amiType: args.legacyAmiType,
                subnets: [],
                ...(args.legacyImageArchitecture !== undefined && { imageArchitecture: args.legacyImageArchitecture }),
            },
            nodeGroupName: args.nodeGroupName,
            subnetZones: args.subnetZones,
        }),
        serviceAccounts: args.config.serviceAccounts.map((a) => ({ namespace: a.namespace, name: a.name })),
        evictUnmanagedPods: args.config.evictUnmanagedPods,
        acknowledged: args.config.acknowledged.map((a) => ({ ...a })),
    };
}

/**
 * The hook the cordon and drain providers call before they change anything: the live gate with a kubeconfig, when
 * the resource carries gate inputs (resources declared before the gate existed carry none).
 */
export async function preflightGate(
    step: "shift" | "drain",
    inputs: { readonly kubeconfig: string; readonly preflight?: LiveGateInputs },
): Promise<void> {
    if (inputs.preflight === undefined) return;
    const kubeConfig = new (clientNode().KubeConfig)();
    kubeConfig.loadFromString(inputs.kubeconfig);
    await runLiveGate(liveGateApi(kubeConfig), step, inputs.preflight);
}

/** Runs the live gate of one step; throws the refusal when there is an unacknowledged blocker. */
export async function runLiveGate(api: LiveGateApi, step: "shift" | "drain", inputs: LiveGateInputs): Promise<void> {
    const { blockers } = gateFindings(await readLiveDump(api), inputs);
    if (blockers.length > 0) throw new Error(liveGateMessage(step, inputs, blockers));
}
