import type { ClusterDump } from "../cluster-dump";
import type { Finding, WorkloadRef } from "../finding";
import type { PoolTarget } from "../pool-target";
import { podsOnNodeGroup } from "../workloads";
import { workloadFinding } from "./context";

// Add-ons the AL2023 nodes depend on.

/** The first VPC CNI release that supports AL2023 nodes (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html). */
export const MIN_VPC_CNI_VERSION = "1.16.2";

/** `v1.16.2-eksbuild.1` → [1, 16, 2]; undefined when the text holds no version. */
export function parseVersion(text: string): number[] | undefined {
    const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Whether version `a` is older than `b` (both `major.minor.patch`). */
export function olderThan(a: readonly number[], b: readonly number[]): boolean {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
}

function daemonSet(dump: ClusterDump, namespace: string, name: string) {
    return dump.daemonSets.find((d) => d.metadata?.namespace === namespace && d.metadata?.name === name);
}

/** The VPC CNI version: the `vpc-cni` add-on's, else the image tag of DaemonSet kube-system/aws-node. */
export function vpcCniVersion(dump: ClusterDump): string | undefined {
    const addon = (dump.addons ?? []).find((a) => a.name === "vpc-cni");
    if (addon !== undefined) return addon.version;
    const image = daemonSet(dump, "kube-system", "aws-node")?.spec?.template.spec?.containers.find(
        (c) => c.name === "aws-node",
    )?.image;
    return image?.slice(image.lastIndexOf(":") + 1);
}

const AWS_NODE: WorkloadRef = { namespace: "kube-system", kind: "DaemonSet", name: "aws-node" };
const COREDNS: WorkloadRef = { namespace: "kube-system", kind: "Deployment", name: "coredns" };

function vpcCniFindings(dump: ClusterDump): Finding[] {
    const text = vpcCniVersion(dump);
    const version = text === undefined ? undefined : parseVersion(text);
    if (version === undefined) {
        return [
            workloadFinding(AWS_NODE, {
                id: "addon-vpc-cni-unknown",
                severity: "info",
                what: "the VPC CNI version is not in the dump (no vpc-cni add-on, no kube-system/aws-node DaemonSet)",
                why: `AL2023 nodes need VPC CNI ${MIN_VPC_CNI_VERSION} or later (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html)`,
                fix: "add `aws eks describe-addon --addon-name vpc-cni` and the kube-system DaemonSets to the dump",
            }),
        ];
    }
    if (!olderThan(version, parseVersion(MIN_VPC_CNI_VERSION)!)) return [];
    return [
        workloadFinding(AWS_NODE, {
            id: "addon-vpc-cni-version",
            severity: "blocker",
            what: `VPC CNI ${text} is older than ${MIN_VPC_CNI_VERSION}`,
            why: `AL2023 nodes need VPC CNI ${MIN_VPC_CNI_VERSION} or later: older releases leave them without pod networking (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html)`,
            fix: "update the vpc-cni add-on (aws eks update-addon --addon-name vpc-cni --addon-version <v1.16.2 or later>) before prepare",
        }),
    ];
}

function corednsFindings(dump: ClusterDump): Finding[] {
    const coredns = dump.deployments.find(
        (d) => d.metadata?.namespace === "kube-system" && d.metadata?.name === "coredns",
    );
    const replicas = coredns?.spec?.replicas ?? 1;
    if (coredns === undefined || replicas >= 2) return [];
    return [
        workloadFinding(COREDNS, {
            id: "addon-coredns-replicas",
            severity: "warning",
            what: `CoreDNS runs ${replicas} replica`,
            why: "while its only pod moves, name resolution fails in the whole cluster; AWS's migration runbook asks for at least 2 (https://docs.aws.amazon.com/eks/latest/userguide/migrate-stack.html)",
            fix: "kubectl scale deployment coredns -n kube-system --replicas=2 (or the add-on's replicaCount)",
        }),
    ];
}

/** Whether the NVIDIA device plugin runs as a DaemonSet (its own chart, or the GPU operator's). */
function hasNvidiaDevicePlugin(dump: ClusterDump): boolean {
    return dump.daemonSets.some((d) =>
        [d.metadata?.name ?? "", ...(d.spec?.template.spec?.containers ?? []).map((c) => c.image ?? "")].some((text) =>
            text.includes("nvidia-device-plugin"),
        ),
    );
}

function nvidiaFindings(dump: ClusterDump, targets: readonly PoolTarget[]): Finding[] {
    if (hasNvidiaDevicePlugin(dump)) return [];
    return targets
        .filter((target) => target.accelerator === "nvidia")
        .map((target) =>
            workloadFinding(
                { namespace: "", kind: "NodeGroup", name: target.legacyNodeGroup },
                {
                    id: "addon-nvidia-device-plugin",
                    severity: "blocker",
                    what: `pool "${target.pool}" uses an NVIDIA AMI type, and no NVIDIA device plugin DaemonSet runs in the cluster`,
                    why: "without the device plugin the nodes advertise no nvidia.com/gpu, so GPU pods stay Pending (https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html)",
                    fix: "install the NVIDIA device plugin (https://github.com/NVIDIA/k8s-device-plugin) or the GPU operator before canary",
                },
                target.pool,
            ),
        );
}

/** Whether the EBS CSI driver is installed: the `aws-ebs-csi-driver` add-on, or its node DaemonSet. */
function hasEbsCsiDriver(dump: ClusterDump): boolean {
    const names = [...(dump.addonNames ?? []), ...(dump.addons ?? []).map((a) => a.name)];
    return names.includes("aws-ebs-csi-driver") || dump.daemonSets.some((d) => d.metadata?.name === "ebs-csi-node");
}

function ebsFindings(dump: ClusterDump, targets: readonly PoolTarget[]): Finding[] {
    if (hasEbsCsiDriver(dump)) return [];
    const moved = new Set(targets.flatMap((t) => podsOnNodeGroup(dump, t.legacyNodeGroup)));
    const claims = new Set(
        [...moved].flatMap((pod) =>
            (pod.spec?.volumes ?? [])
                .map((v) => v.persistentVolumeClaim?.claimName)
                .filter((name): name is string => name !== undefined)
                .map((name) => `${pod.metadata?.namespace}/${name}`),
        ),
    );
    const ebs = dump.persistentVolumes.filter(
        (pv) =>
            (pv.spec?.csi?.driver === "ebs.csi.aws.com" || pv.spec?.awsElasticBlockStore !== undefined) &&
            claims.has(`${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name}`),
    );
    if (ebs.length === 0) return [];
    return [
        workloadFinding(
            { namespace: "kube-system", kind: "Addon", name: "aws-ebs-csi-driver" },
            {
                id: "addon-ebs-csi-driver",
                severity: "blocker",
                what: `pods that move mount EBS volumes (${ebs.map((pv) => pv.metadata?.name).join(", ")}) and the EBS CSI driver is not installed`,
                why: "EBS volumes attach through the EBS CSI driver (in-tree aws-ebs volumes are migrated to it); without it on the new nodes the pods stay ContainerCreating (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html)",
                fix: "install the aws-ebs-csi-driver add-on with an IRSA or Pod Identity role before the move",
            },
        ),
    ];
}

/** Add-on findings for the cluster and the pools that move. */
export function addonFindings(dump: ClusterDump, targets: readonly PoolTarget[]): Finding[] {
    return [
        ...vpcCniFindings(dump),
        ...corednsFindings(dump),
        ...nvidiaFindings(dump, targets),
        ...ebsFindings(dump, targets),
    ];
}
