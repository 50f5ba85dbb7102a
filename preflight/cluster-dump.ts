import type {
    V1DaemonSet,
    V1Deployment,
    V1Job,
    V1Node,
    V1PersistentVolume,
    V1PersistentVolumeClaim,
    V1Pod,
    V1PodDisruptionBudget,
    V1ReplicaSet,
    V1ServiceAccount,
    V1StatefulSet,
    V1StorageClass,
} from "@kubernetes/client-node";

/** One EKS add-on as `aws eks describe-addon` prints it (`addon.addonName`, `addon.addonVersion`). */
export interface AddonFacts {
    readonly name: string;
    readonly version: string;
}

/** An EKS Pod Identity association (`aws eks list-pod-identity-associations`): which service account has one. */
export interface PodIdentityAssociationFacts {
    readonly namespace: string;
    readonly serviceAccount: string;
}

/**
 * What the pre-flight rules read about a cluster: the Kubernetes objects (`kubectl get ... -o json`) and the EKS and
 * EC2 facts (`aws eks describe-addon`, `list-addons`, `list-pod-identity-associations`, `aws ec2 describe-subnets`).
 * The live gates build the same shape from the API server, so both run the same rules.
 */
export interface ClusterDump {
    readonly pods: readonly V1Pod[];
    readonly deployments: readonly V1Deployment[];
    readonly statefulSets: readonly V1StatefulSet[];
    readonly daemonSets: readonly V1DaemonSet[];
    readonly replicaSets: readonly V1ReplicaSet[];
    readonly jobs: readonly V1Job[];
    readonly podDisruptionBudgets: readonly V1PodDisruptionBudget[];
    readonly serviceAccounts: readonly V1ServiceAccount[];
    readonly nodes: readonly V1Node[];
    readonly persistentVolumes: readonly V1PersistentVolume[];
    readonly persistentVolumeClaims: readonly V1PersistentVolumeClaim[];
    readonly storageClasses: readonly V1StorageClass[];
    /** `kubectl version -o json` → `serverVersion.gitVersion` (`v1.32.9-eks-...`), when dumped. */
    readonly serverVersion?: string;
    /** EKS add-ons with their versions (`describe-addon`); undefined when none was dumped. */
    readonly addons?: readonly AddonFacts[];
    /** Names of the installed EKS add-ons (`list-addons`); undefined when not dumped. */
    readonly addonNames?: readonly string[];
    /** Pod Identity associations; undefined when not dumped. */
    readonly podIdentityAssociations?: readonly PodIdentityAssociationFacts[];
    /** Availability zone by subnet id (`aws ec2 describe-subnets`). @default {} */
    readonly subnetZones: Readonly<Record<string, string>>;
}

/** A dump with nothing in it, to build test dumps and live dumps from. */
export const EMPTY_DUMP: ClusterDump = {
    pods: [],
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    replicaSets: [],
    jobs: [],
    podDisruptionBudgets: [],
    serviceAccounts: [],
    nodes: [],
    persistentVolumes: [],
    persistentVolumeClaims: [],
    storageClasses: [],
    subnetZones: {},
};
