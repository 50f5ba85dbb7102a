import { describe, expect, it } from "vitest";
import type { V1NodeSelectorRequirement, V1PersistentVolume, V1Pod } from "@kubernetes/client-node";
import { expressionSatisfiable, schedulingFindings, tolerates, volumeZones } from "../../preflight/rules/scheduling";
import { contextOf, dumpWith, pod, TARGET, WEB } from "./builders";

const ids = (pods: V1Pod[], target = TARGET, extra = {}) =>
    schedulingFindings(contextOf(dumpWith(pods, extra), target)).map((f) => [f.id, f.severity]);

describe("nodeSelector against the AL2023 nodes' labels", () => {
    it.each([
        ["the pool's own label", { workload: "general" }, []],
        ["the pool label with another value", { workload: "batch" }, [["sched-node-selector", "blocker"]]],
        [
            "the AL2 node group's name",
            { "eks.amazonaws.com/nodegroup": "prod-general-al2" },
            [["sched-node-selector", "blocker"]],
        ],
        [
            "an AL2023 node group name of the pool",
            { "eks.amazonaws.com/nodegroup": "general-20261109101204556700000001" },
            [],
        ],
        [
            "an eksctl node group label",
            { "alpha.eksctl.io/nodegroup-name": "prod-general-al2" },
            [["sched-node-selector", "blocker"]],
        ],
        ["an instance type the pool has", { "node.kubernetes.io/instance-type": "m6i.xlarge" }, []],
        [
            "an instance type the pool lacks",
            { "node.kubernetes.io/instance-type": "c5.large" },
            [["sched-node-selector", "blocker"]],
        ],
        ["a zone of the pool's subnets", { "topology.kubernetes.io/zone": "eu-west-1b" }, []],
        [
            "a zone without a subnet",
            { "topology.kubernetes.io/zone": "eu-west-1c" },
            [["sched-node-selector", "blocker"]],
        ],
        ["the architecture", { "kubernetes.io/arch": "amd64" }, []],
        ["another architecture", { "kubernetes.io/arch": "arm64" }, [["sched-node-selector", "blocker"]]],
        [
            "SPOT capacity on an on-demand pool",
            { "eks.amazonaws.com/capacityType": "SPOT" },
            [["sched-node-selector", "blocker"]],
        ],
        ["an AL2 node's hostname", { "kubernetes.io/hostname": "ip-10-0-1-1" }, [["sched-node-selector", "blocker"]]],
        ["the OS", { "kubernetes.io/os": "linux" }, []],
    ])("%s", (_, nodeSelector, expected) => {
        expect(ids([pod({ nodeSelector })])).toStrictEqual(expected);
    });

    it("names the label, its value, what the AL2023 nodes have and the pool", () => {
        const [finding] = schedulingFindings(
            contextOf(dumpWith([pod({ nodeSelector: { "node.kubernetes.io/instance-type": "c5.large" } })])),
        );
        expect(finding).toMatchObject({
            id: "sched-node-selector",
            workload: WEB,
            pool: "general",
            pods: ["shop/web-1-abc"],
            what: 'nodeSelector node.kubernetes.io/instance-type=c5.large: on pool "general" AL2023 nodes node.kubernetes.io/instance-type is one of m6i.xlarge',
        });
    });

    it("is only a warning for a DaemonSet pod (never evicted; it just does not cover the new nodes)", () => {
        const daemon = pod(
            { nodeSelector: { "eks.amazonaws.com/nodegroup": "prod-general-al2" } },
            {
                ownerReferences: [
                    { apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "d", controller: true },
                ],
            },
        );
        expect(ids([daemon])).toStrictEqual([["sched-node-selector", "warning"]]);
    });
});

describe("required node affinity", () => {
    const expr = (key: string, operator: string, values?: string[]): V1NodeSelectorRequirement => ({
        key,
        operator,
        ...(values && { values }),
    });
    it.each([
        [expr("topology.kubernetes.io/zone", "In", ["eu-west-1c", "eu-west-1a"]), true],
        [expr("topology.kubernetes.io/zone", "In", ["eu-west-1c"]), false],
        [expr("topology.kubernetes.io/zone", "NotIn", ["eu-west-1a"]), true],
        [expr("topology.kubernetes.io/zone", "NotIn", ["eu-west-1a", "eu-west-1b"]), false],
        [expr("eks.amazonaws.com/nodegroup", "NotIn", ["prod-general-al2"]), true],
        [expr("alpha.eksctl.io/nodegroup-name", "Exists"), false],
        [expr("alpha.eksctl.io/nodegroup-name", "DoesNotExist"), true],
        [expr("workload", "Exists"), true],
        [expr("workload", "DoesNotExist"), false],
        [expr("eks.amazonaws.com/capacityType", "In", ["ON_DEMAND"]), true],
    ])("%j satisfiable: %s", (expression, expected) => {
        expect(expressionSatisfiable(TARGET, expression)).toBe(expected);
    });

    it("passes when one term holds, fails when none does", () => {
        const affinity = (terms: V1NodeSelectorRequirement[][]) => ({
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })),
                },
            },
        });
        const al2Only = [expr("eks.amazonaws.com/nodegroup", "In", ["prod-general-al2"])];
        const general = [expr("workload", "In", ["general"])];
        expect(ids([pod({ affinity: affinity([al2Only, general]) })])).toStrictEqual([]);
        const [finding] = schedulingFindings(contextOf(dumpWith([pod({ affinity: affinity([al2Only]) })])));
        expect(finding.id).toBe("sched-node-affinity");
        expect(finding.severity).toBe("blocker");
        expect(finding.what).toContain("eks.amazonaws.com/nodegroup In [prod-general-al2]");
    });
});

describe("taints", () => {
    const batch = { ...TARGET, taints: [{ key: "workload", value: "batch", effect: "NoSchedule" as const }] };
    it.each([
        ["Equal with the value", [{ key: "workload", operator: "Equal", value: "batch", effect: "NoSchedule" }], true],
        ["Equal without an effect", [{ key: "workload", operator: "Equal", value: "batch" }], true],
        ["Exists on the key", [{ key: "workload", operator: "Exists" }], true],
        ["Exists on everything", [{ operator: "Exists" }], true],
        ["another value", [{ key: "workload", operator: "Equal", value: "general" }], false],
        ["another effect", [{ key: "workload", operator: "Exists", effect: "NoExecute" }], false],
        ["none", [], false],
    ])("%s tolerates workload=batch:NoSchedule: %s", (_, tolerations, expected) => {
        expect(tolerates(tolerations, batch.taints[0])).toBe(expected);
        expect(ids([pod({ tolerations })], batch)).toStrictEqual(
            expected ? [] : [["sched-taint-not-tolerated", "blocker"]],
        );
    });
    it("ignores PreferNoSchedule taints", () => {
        const soft = { ...TARGET, taints: [{ key: "spot", effect: "PreferNoSchedule" as const }] };
        expect(ids([pod()], soft)).toStrictEqual([]);
    });
});

describe("accelerators", () => {
    const gpu = pod({ containers: [{ name: "ml", image: "ml:1", resources: { limits: { "nvidia.com/gpu": "1" } } }] });
    const neuron = pod({
        containers: [{ name: "ml", image: "ml:1", resources: { requests: { "aws.amazon.com/neuroncore": "2" } } }],
    });
    it.each([
        ["GPU pod on a STANDARD pool", gpu, TARGET, [["sched-gpu-missing", "blocker"]]],
        ["GPU pod on an NVIDIA pool", gpu, { ...TARGET, accelerator: "nvidia" as const }, []],
        [
            "Neuron pod on an NVIDIA pool",
            neuron,
            { ...TARGET, accelerator: "nvidia" as const },
            [["sched-neuron-missing", "blocker"]],
        ],
        ["Neuron pod on a Neuron pool", neuron, { ...TARGET, accelerator: "neuron" as const }, []],
        ["plain pod on an NVIDIA pool", pod(), { ...TARGET, accelerator: "nvidia" as const }, []],
    ])("%s", (_, p, target, expected) => {
        expect(ids([p], target)).toStrictEqual(expected);
    });
});

describe("zonal volumes", () => {
    const pv = (zone: string): V1PersistentVolume => ({
        metadata: { name: "pv-1" },
        spec: {
            csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1" },
            nodeAffinity: {
                required: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                { key: "topology.ebs.csi.aws.com/zone", operator: "In", values: [zone] },
                            ],
                        },
                    ],
                },
            },
        },
    });
    const withClaim = pod({ volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-db-0" } }] });
    const claim = { metadata: { name: "data-db-0", namespace: "shop" }, spec: { volumeName: "pv-1" } };
    it.each([
        ["a volume in a pool zone", "eu-west-1a", []],
        ["a volume in a zone the pool has no subnet in", "eu-west-1c", [["sched-volume-zone", "blocker"]]],
    ])("%s", (_, zone, expected) => {
        expect(
            ids([withClaim], TARGET, { persistentVolumes: [pv(zone)], persistentVolumeClaims: [claim] }),
        ).toStrictEqual(expected);
    });
    it("reports, once, that zones are unknown without subnet facts", () => {
        const unknown = { ...TARGET, zones: undefined };
        expect(
            ids([withClaim, withClaim], unknown, {
                persistentVolumes: [pv("eu-west-1c")],
                persistentVolumeClaims: [claim],
            }),
        ).toStrictEqual([["sched-zones-unknown", "info"]]);
    });
});

describe("architecture change", () => {
    const arm = { ...TARGET, architecture: "arm64" as const };
    it("warns when the pool's architecture differs from the AL2 node group's", () => {
        expect(ids([pod()], arm)).toStrictEqual([["sched-architecture-change", "warning"]]);
    });
    it("says nothing when the architecture stays", () => {
        expect(ids([pod()])).toStrictEqual([]);
    });
});

describe("volumeZones", () => {
    it("lists a PersistentVolume's zones in name order, once each, whatever order its terms give them in", () => {
        const pv: V1PersistentVolume = {
            spec: {
                nodeAffinity: {
                    required: {
                        nodeSelectorTerms: [
                            {
                                matchExpressions: [
                                    {
                                        key: "topology.kubernetes.io/zone",
                                        operator: "In",
                                        values: ["eu-west-1c", "eu-west-1a"],
                                    },
                                ],
                            },
                            {
                                matchExpressions: [
                                    {
                                        key: "topology.ebs.csi.aws.com/zone",
                                        operator: "In",
                                        values: ["eu-west-1b", "eu-west-1a"],
                                    },
                                    { key: "topology.kubernetes.io/zone", operator: "NotIn", values: ["eu-west-1d"] },
                                ],
                            },
                        ],
                    },
                },
            },
        };
        expect(volumeZones(pv)).toStrictEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    });
});

describe("findings of one pod in a fixed order", () => {
    it("judges nodeSelector labels in key order, whatever order the pod spec gives them in", () => {
        const nodeSelector = {
            "node.kubernetes.io/instance-type": "c5.large",
            "eks.amazonaws.com/capacityType": "SPOT",
            "alpha.eksctl.io/nodegroup-name": "prod-general-al2",
        };
        const findings = schedulingFindings(contextOf(dumpWith([pod({ nodeSelector })])));
        expect(findings.map((f) => f.what)).toStrictEqual([
            'nodeSelector alpha.eksctl.io/nodegroup-name=prod-general-al2: on pool "general" AL2023 nodes ' +
                "alpha.eksctl.io/nodegroup-name is absent",
            'nodeSelector eks.amazonaws.com/capacityType=SPOT: on pool "general" AL2023 nodes ' +
                "eks.amazonaws.com/capacityType is one of ON_DEMAND",
            'nodeSelector node.kubernetes.io/instance-type=c5.large: on pool "general" AL2023 nodes ' +
                "node.kubernetes.io/instance-type is one of m6i.xlarge",
        ]);
    });

    it("reports missing accelerators in resource name order, whatever order the containers request them in", () => {
        const ml = pod({
            containers: [
                { name: "train", image: "ml:1", resources: { limits: { "nvidia.com/gpu": "1" } } },
                { name: "infer", image: "ml:1", resources: { requests: { "aws.amazon.com/neuroncore": "2" } } },
            ],
            initContainers: [{ name: "warm", image: "ml:1", resources: { limits: { "aws.amazon.com/neuron": "1" } } }],
        });
        const findings = schedulingFindings(contextOf(dumpWith([ml])));
        expect(findings.map((f) => [f.id, f.what])).toStrictEqual([
            ["sched-neuron-missing", 'requests aws.amazon.com/neuron, but pool "general" has no Neuron AMI type'],
            ["sched-neuron-missing", 'requests aws.amazon.com/neuroncore, but pool "general" has no Neuron AMI type'],
            ["sched-gpu-missing", 'requests nvidia.com/gpu, but pool "general" has no NVIDIA GPU AMI type'],
        ]);
    });
});
