import type { V1NodeSelectorRequirement, V1PersistentVolume, V1Pod, V1Toleration } from "@kubernetes/client-node";
import type { Finding } from "../finding";
import { describeDomain, domainAllows, nodeLabelDomain, type PoolTarget, type TargetTaint } from "../pool-target";
import { isDaemonSetPod, podFinding, workloadFinding, type PoolRuleContext } from "./context";

// Scheduling compatibility: can each pod on the AL2 nodes be scheduled on the pool's AL2023 nodes?
// Node selectors and required node affinity: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
// Taints and tolerations: https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/

const ASSIGN = "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/";

/** GPU and Neuron extended resources, and the accelerator a pool's AMI type needs to offer them. */
const ACCELERATOR_RESOURCES: Readonly<Record<string, "nvidia" | "neuron">> = {
    "nvidia.com/gpu": "nvidia",
    "aws.amazon.com/neuron": "neuron",
    "aws.amazon.com/neuroncore": "neuron",
    "aws.amazon.com/neurondevice": "neuron",
};

/** Whether a required node-affinity expression can hold on some AL2023 node of the pool. */
export function expressionSatisfiable(target: PoolTarget, expression: V1NodeSelectorRequirement): boolean {
    const domain = nodeLabelDomain(target, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
        case "In":
            return values.some((value) => domainAllows(domain, value));
        case "NotIn":
            return !domain.present || domain.values === undefined || domain.values.some((v) => !values.includes(v));
        case "Exists":
            return domain.present;
        case "DoesNotExist":
            return !domain.present;
        default:
            // Gt and Lt compare integers: only their key's presence can be judged here.
            return domain.present;
    }
}

/** Whether one of the tolerations tolerates the taint (the matching rule of the taint-and-toleration docs). */
export function tolerates(tolerations: readonly V1Toleration[], taint: TargetTaint): boolean {
    return tolerations.some((t) => {
        const effectOk = t.effect === undefined || t.effect === "" || t.effect === taint.effect;
        if (!effectOk) return false;
        if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
        return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
    });
}

function describeExpression(e: V1NodeSelectorRequirement): string {
    return `${e.key} ${e.operator}${e.values && e.values.length > 0 ? ` [${e.values.join(", ")}]` : ""}`;
}

function selectorFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const { target } = context;
    const severity = isDaemonSetPod(pod) ? "warning" : "blocker";
    const lands = isDaemonSetPod(pod)
        ? "so the DaemonSet will not run on the AL2023 nodes"
        : "so once evicted it stays Pending";
    const findings: Finding[] = [];
    for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {}).sort()) {
        const domain = nodeLabelDomain(target, key);
        if (domainAllows(domain, value)) continue;
        findings.push(
            podFinding(context, pod, {
                id: "sched-node-selector",
                severity,
                what: `nodeSelector ${key}=${value}: on pool "${target.pool}" AL2023 nodes ${key} is ${describeDomain(domain)}`,
                why: `a pod is only scheduled on nodes with every nodeSelector label (${ASSIGN}), ${lands}`,
                fix: `select a label the AL2023 nodes carry (add it to pools[].labels of "${target.pool}", or select workload labels instead of ${key}), or remove the nodeSelector`,
            }),
        );
    }
    const terms =
        pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return findings;
    const satisfiable = terms.some((term) =>
        (term.matchExpressions ?? []).every((expression) => expressionSatisfiable(target, expression)),
    );
    if (!satisfiable) {
        const failing = terms
            .flatMap((term) => (term.matchExpressions ?? []).filter((e) => !expressionSatisfiable(target, e)))
            .map(describeExpression);
        findings.push(
            podFinding(context, pod, {
                id: "sched-node-affinity",
                severity,
                what: `required node affinity that no AL2023 node of pool "${target.pool}" satisfies (${[...new Set(failing)].join("; ")})`,
                why: `requiredDuringSchedulingIgnoredDuringExecution must hold for a node to take the pod (${ASSIGN}), ${lands}`,
                fix: `add a term the AL2023 nodes satisfy (labels of pools[].labels "${target.pool}", its zones, instance types and capacity type), or make the affinity preferred`,
            }),
        );
    }
    return findings;
}

function taintFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const tolerations = pod.spec?.tolerations ?? [];
    const missing = context.target.taints
        .filter((taint) => taint.effect !== "PreferNoSchedule")
        .filter((taint) => !tolerates(tolerations, taint));
    if (missing.length === 0) return [];
    const taints = missing.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${t.effect}`);
    return [
        podFinding(context, pod, {
            id: "sched-taint-not-tolerated",
            severity: isDaemonSetPod(pod) ? "warning" : "blocker",
            what: `no toleration for the taint(s) ${taints.join(", ")} of pool "${context.target.pool}"`,
            why: "a node with a NoSchedule or NoExecute taint takes only pods that tolerate it (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/)",
            fix: `add tolerations for ${taints.join(", ")} to the pod template, or remove the taint from pools[].taints of "${context.target.pool}"`,
        }),
    ];
}

function acceleratorFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const { target } = context;
    const resources = new Set<string>();
    for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        for (const amounts of [container.resources?.limits, container.resources?.requests]) {
            for (const name of Object.keys(amounts ?? {})) if (name in ACCELERATOR_RESOURCES) resources.add(name);
        }
    }
    return [...resources]
        .sort()
        .filter((name) => ACCELERATOR_RESOURCES[name] !== target.accelerator)
        .map((name) => {
            const nvidia = ACCELERATOR_RESOURCES[name] === "nvidia";
            return podFinding(context, pod, {
                id: nvidia ? "sched-gpu-missing" : "sched-neuron-missing",
                severity: "blocker",
                what: `requests ${name}, but pool "${target.pool}" has no ${nvidia ? "NVIDIA GPU" : "Neuron"} AMI type`,
                why: `only nodes that advertise ${name} can take the pod; AL2023 STANDARD AMIs have no accelerator drivers (https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html)`,
                fix: `set pools[].amiType of "${target.pool}" to ${nvidia ? "AL2023_x86_64_NVIDIA or AL2023_ARM_64_NVIDIA" : "AL2023_x86_64_NEURON"} with matching instanceTypes, or move the workload to such a pool`,
            });
        });
}

/** The zone a PersistentVolume is pinned to (its required node affinity on a zone label), if any. */
export function volumeZones(pv: V1PersistentVolume): string[] {
    const zones = new Set<string>();
    for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
        for (const e of term.matchExpressions ?? []) {
            const zonal = [
                "topology.kubernetes.io/zone",
                "topology.ebs.csi.aws.com/zone",
                "failure-domain.beta.kubernetes.io/zone",
            ];
            if (zonal.includes(e.key) && e.operator === "In") for (const v of e.values ?? []) zones.add(v);
        }
    }
    return [...zones].sort();
}

function volumeFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const { dump, target } = context;
    if (target.zones === undefined) return [];
    const namespace = pod.metadata?.namespace ?? "default";
    const findings: Finding[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
        const claimName = volume.persistentVolumeClaim?.claimName;
        if (claimName === undefined) continue;
        const claim = dump.persistentVolumeClaims.find(
            (c) => c.metadata?.namespace === namespace && c.metadata?.name === claimName,
        );
        const pv = dump.persistentVolumes.find((p) => p.metadata?.name === claim?.spec?.volumeName);
        if (pv === undefined) continue;
        const zones = volumeZones(pv);
        if (zones.length === 0 || zones.some((zone) => target.zones!.includes(zone))) continue;
        findings.push(
            podFinding(context, pod, {
                id: "sched-volume-zone",
                severity: "blocker",
                what: `mounts ${namespace}/${claimName} (volume ${pv.metadata?.name}) in ${zones.join(", ")}, but pool "${target.pool}" has subnets only in ${target.zones.join(", ")}`,
                why: "an EBS volume attaches only to an instance in its own availability zone (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volumes.html), so the pod stays Pending",
                fix: `give pool "${target.pool}" a subnet in ${zones.join(", ")} (pools[].subnetIds), or move the data to a volume in one of its zones`,
            }),
        );
    }
    return findings;
}

function architectureFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const { target } = context;
    if (target.legacyArchitecture === undefined || target.legacyArchitecture === target.architecture) return [];
    if (pod.spec?.nodeSelector?.["kubernetes.io/arch"] !== undefined) return [];
    return [
        podFinding(context, pod, {
            id: "sched-architecture-change",
            severity: "warning",
            what: `runs on ${target.legacyArchitecture} AL2 nodes; pool "${target.pool}" is ${target.architecture}`,
            why: "a container image built for one architecture fails to start on the other (exec format error)",
            fix: `check every image of the workload is published for ${target.architecture} (docker manifest inspect), or keep the pool's architecture`,
        }),
    ];
}

/** Scheduling compatibility of every pod on the pool's AL2 nodes with its AL2023 nodes. */
export function schedulingFindings(context: PoolRuleContext): Finding[] {
    const findings = context.pods.flatMap((pod) => [
        ...selectorFindings(context, pod),
        ...taintFindings(context, pod),
        ...acceleratorFindings(context, pod),
        ...volumeFindings(context, pod),
        ...architectureFindings(context, pod),
    ]);
    if (
        context.target.zones === undefined &&
        context.pods.some((pod) => (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim))
    ) {
        findings.push(
            workloadFinding(
                { namespace: "", kind: "NodeGroup", name: context.target.legacyNodeGroup },
                {
                    id: "sched-zones-unknown",
                    severity: "info",
                    what: `the zones of pool "${context.target.pool}"'s subnets are not in the dump: volume zones were not checked`,
                    why: "a zonal EBS volume can only follow its pod to a node in the same zone",
                    fix: "add `aws ec2 describe-subnets --subnet-ids <the pool's subnets>` output to the dump",
                },
                context.target.pool,
            ),
        );
    }
    return findings;
}
