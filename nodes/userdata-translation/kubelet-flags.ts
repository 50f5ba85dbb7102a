import { KUBELET_CONFIGURATION_KEYS } from "../kubelet-configuration-keys";

/** A KubeletConfiguration field name, checked against the one list of them (`KUBELET_CONFIGURATION_KEYS`). */
export type KubeletConfigurationKey = (typeof KUBELET_CONFIGURATION_KEYS)[number];

/** How a flag's text becomes the field's value. */
type ValueKind =
    | "int"
    | "bool"
    | "string"
    | "list" // comma-separated: --cluster-dns=10.0.0.10,10.0.0.11
    | "map" // key=value pairs: --kube-reserved=cpu=250m,memory=1Gi
    | "boolMap" // key=bool pairs: --feature-gates=A=true,B=false
    | "thresholds"; // signal<quantity pairs: --eviction-hard=memory.available<100Mi

/**
 * kubelet flags that have a KubeletConfiguration field (kubelet.config.k8s.io/v1beta1), from the kubelet command
 * reference (https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/, each flag marked
 * "DEPRECATED: This parameter should be set via the config file specified by the kubelet's --config flag") and the
 * field list (https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/). nodeadm writes
 * `spec.kubelet.config` into a kubelet config drop-in, so these move there; every other flag goes to
 * `spec.kubelet.flags` (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/api/).
 */
export const KUBELET_FLAG_FIELDS: Readonly<Record<string, { field: KubeletConfigurationKey; kind: ValueKind }>> = {
    "--max-pods": { field: "maxPods", kind: "int" },
    "--pods-per-core": { field: "podsPerCore", kind: "int" },
    "--pod-max-pids": { field: "podPidsLimit", kind: "int" },
    "--cluster-dns": { field: "clusterDNS", kind: "list" },
    "--cluster-domain": { field: "clusterDomain", kind: "string" },
    "--eviction-hard": { field: "evictionHard", kind: "thresholds" },
    "--eviction-soft": { field: "evictionSoft", kind: "thresholds" },
    "--eviction-soft-grace-period": { field: "evictionSoftGracePeriod", kind: "thresholds" },
    "--eviction-minimum-reclaim": { field: "evictionMinimumReclaim", kind: "map" },
    "--eviction-max-pod-grace-period": { field: "evictionMaxPodGracePeriod", kind: "int" },
    "--eviction-pressure-transition-period": { field: "evictionPressureTransitionPeriod", kind: "string" },
    "--kube-reserved": { field: "kubeReserved", kind: "map" },
    "--system-reserved": { field: "systemReserved", kind: "map" },
    "--kube-reserved-cgroup": { field: "kubeReservedCgroup", kind: "string" },
    "--system-reserved-cgroup": { field: "systemReservedCgroup", kind: "string" },
    "--enforce-node-allocatable": { field: "enforceNodeAllocatable", kind: "list" },
    "--reserved-cpus": { field: "reservedSystemCPUs", kind: "string" },
    "--image-gc-high-threshold": { field: "imageGCHighThresholdPercent", kind: "int" },
    "--image-gc-low-threshold": { field: "imageGCLowThresholdPercent", kind: "int" },
    "--image-minimum-gc-age": { field: "imageMinimumGCAge", kind: "string" },
    "--image-maximum-gc-age": { field: "imageMaximumGCAge", kind: "string" },
    "--feature-gates": { field: "featureGates", kind: "boolMap" },
    "--serialize-image-pulls": { field: "serializeImagePulls", kind: "bool" },
    "--max-parallel-image-pulls": { field: "maxParallelImagePulls", kind: "int" },
    "--registry-qps": { field: "registryPullQPS", kind: "int" },
    "--registry-burst": { field: "registryBurst", kind: "int" },
    "--event-qps": { field: "eventRecordQPS", kind: "int" },
    "--event-burst": { field: "eventBurst", kind: "int" },
    "--kube-api-qps": { field: "kubeAPIQPS", kind: "int" },
    "--kube-api-burst": { field: "kubeAPIBurst", kind: "int" },
    "--container-log-max-size": { field: "containerLogMaxSize", kind: "string" },
    "--container-log-max-files": { field: "containerLogMaxFiles", kind: "int" },
    "--cpu-manager-policy": { field: "cpuManagerPolicy", kind: "string" },
    "--cpu-manager-reconcile-period": { field: "cpuManagerReconcilePeriod", kind: "string" },
    "--cpu-manager-policy-options": { field: "cpuManagerPolicyOptions", kind: "map" },
    "--cpu-cfs-quota": { field: "cpuCFSQuota", kind: "bool" },
    "--cpu-cfs-quota-period": { field: "cpuCFSQuotaPeriod", kind: "string" },
    "--memory-manager-policy": { field: "memoryManagerPolicy", kind: "string" },
    "--topology-manager-policy": { field: "topologyManagerPolicy", kind: "string" },
    "--topology-manager-scope": { field: "topologyManagerScope", kind: "string" },
    "--allowed-unsafe-sysctls": { field: "allowedUnsafeSysctls", kind: "list" },
    "--shutdown-grace-period": { field: "shutdownGracePeriod", kind: "string" },
    "--shutdown-grace-period-critical-pods": { field: "shutdownGracePeriodCriticalPods", kind: "string" },
    "--protect-kernel-defaults": { field: "protectKernelDefaults", kind: "bool" },
    "--read-only-port": { field: "readOnlyPort", kind: "int" },
    "--streaming-connection-idle-timeout": { field: "streamingConnectionIdleTimeout", kind: "string" },
    "--node-status-update-frequency": { field: "nodeStatusUpdateFrequency", kind: "string" },
    "--node-status-max-images": { field: "nodeStatusMaxImages", kind: "int" },
    "--max-open-files": { field: "maxOpenFiles", kind: "int" },
    "--fail-swap-on": { field: "failSwapOn", kind: "bool" },
    "--runtime-request-timeout": { field: "runtimeRequestTimeout", kind: "string" },
    "--tls-cipher-suites": { field: "tlsCipherSuites", kind: "list" },
    "--tls-min-version": { field: "tlsMinVersion", kind: "string" },
    "--rotate-certificates": { field: "rotateCertificates", kind: "bool" },
    "--volume-stats-agg-period": { field: "volumeStatsAggPeriod", kind: "string" },
    "--make-iptables-util-chains": { field: "makeIPTablesUtilChains", kind: "bool" },
    "--seccomp-default": { field: "seccompDefault", kind: "bool" },
    "--kubelet-cgroups": { field: "kubeletCgroups", kind: "string" },
    "--system-cgroups": { field: "systemCgroups", kind: "string" },
    "--cgroup-root": { field: "cgroupRoot", kind: "string" },
    "--cgroup-driver": { field: "cgroupDriver", kind: "string" },
    "--hairpin-mode": { field: "hairpinMode", kind: "string" },
    "--resolv-conf": { field: "resolvConf", kind: "string" },
    "--healthz-port": { field: "healthzPort", kind: "int" },
    "--healthz-bind-address": { field: "healthzBindAddress", kind: "string" },
    "--oom-score-adj": { field: "oomScoreAdj", kind: "int" },
    "--container-log-max-workers": { field: "containerLogMaxWorkers", kind: "int" },
    "--container-log-monitor-interval": { field: "containerLogMonitorInterval", kind: "string" },
    "--local-storage-capacity-isolation": { field: "localStorageCapacityIsolation", kind: "bool" },
};

/** Flags whose value says nothing by itself being present (`--flag` alone means true). */
const BOOL_KINDS = new Set<ValueKind>(["bool"]);

/** Whether `flag` takes no value when written alone (`--fail-swap-on`). */
export function isBooleanKubeletFlag(flag: string): boolean {
    const known = KUBELET_FLAG_FIELDS[flag];
    return known !== undefined && BOOL_KINDS.has(known.kind);
}

function pairs(text: string, separator: string | RegExp): [string, string][] | undefined {
    const result: [string, string][] = [];
    for (const item of text.split(",").filter((piece) => piece !== "")) {
        const match = typeof separator === "string" ? item.indexOf(separator) : item.search(separator);
        if (match <= 0) return undefined;
        result.push([item.slice(0, match), item.slice(match + 1)]);
    }
    return result;
}

/**
 * The KubeletConfiguration value of a kubelet flag's text, or undefined when the text does not parse as that
 * field's type (the caller then reports the flag rather than guess).
 */
export function kubeletFieldValue(flag: string, text: string): unknown {
    const known = KUBELET_FLAG_FIELDS[flag];
    if (known === undefined) return undefined;
    switch (known.kind) {
        case "int":
            return /^-?\d+$/.test(text) ? Number(text) : undefined;
        case "bool":
            return text === "true" ? true : text === "false" ? false : undefined;
        case "string":
            return text;
        case "list":
            return text.split(",").filter((item) => item !== "");
        case "map": {
            const entries = pairs(text, "=");
            return entries && Object.fromEntries(entries);
        }
        case "thresholds": {
            const entries = pairs(text, known.field === "evictionSoftGracePeriod" ? "=" : "<");
            return entries && Object.fromEntries(entries);
        }
        case "boolMap": {
            const entries = pairs(text, "=");
            if (entries === undefined || entries.some(([, value]) => value !== "true" && value !== "false")) {
                return undefined;
            }
            return Object.fromEntries(entries.map(([key, value]) => [key, value === "true"]));
        }
    }
}
