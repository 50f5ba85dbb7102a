import { describe, expect, it } from "vitest";
import type { V1DaemonSet } from "@kubernetes/client-node";
import { EMPTY_DUMP, type ClusterDump } from "../../preflight/cluster-dump";
import { addonFindings, olderThan, parseVersion, vpcCniVersion } from "../../preflight/rules/addons";
import { dumpWith, pod, TARGET } from "./builders";

const ds = (name: string, image: string): V1DaemonSet => ({
    metadata: { name, namespace: "kube-system" },
    spec: { selector: {}, template: { spec: { containers: [{ name, image }] } } },
});
const HEALTHY: Partial<ClusterDump> = {
    addons: [{ name: "vpc-cni", version: "v1.18.3-eksbuild.1" }],
    deployments: [
        { metadata: { name: "coredns", namespace: "kube-system" }, spec: { replicas: 2, selector: {}, template: {} } },
    ],
};
const ids = (dump: ClusterDump, targets = [TARGET]) => addonFindings(dump, targets).map((f) => [f.id, f.severity]);

describe("versions", () => {
    it.each([
        ["v1.16.2-eksbuild.1", [1, 16, 2]],
        ["1.9.10", [1, 9, 10]],
        ["latest", undefined],
    ])("parseVersion(%s)", (text, expected) => {
        expect(parseVersion(text)).toStrictEqual(expected);
    });
    it.each([
        [[1, 16, 1], [1, 16, 2], true],
        [[1, 16, 2], [1, 16, 2], false],
        [[1, 9, 10], [1, 16, 2], true],
        [[2, 0, 0], [1, 16, 2], false],
    ])("%j older than %j: %s", (a, b, expected) => {
        expect(olderThan(a, b)).toBe(expected);
    });
});

describe("add-ons", () => {
    it("a healthy cluster has no finding", () => {
        expect(ids({ ...EMPTY_DUMP, ...HEALTHY })).toStrictEqual([]);
    });
    it.each([
        ["v1.15.4-eksbuild.1", [["addon-vpc-cni-version", "blocker"]]],
        ["v1.16.2-eksbuild.1", []],
    ])("VPC CNI add-on %s", (version, expected) => {
        expect(ids({ ...EMPTY_DUMP, ...HEALTHY, addons: [{ name: "vpc-cni", version }] })).toStrictEqual(expected);
    });
    it("reads the VPC CNI version from the aws-node image without the add-on, and says when it cannot", () => {
        const dump = {
            ...EMPTY_DUMP,
            ...HEALTHY,
            addons: [],
            daemonSets: [
                ds("aws-node", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.12.6-eksbuild.2"),
            ],
        };
        expect(vpcCniVersion(dump)).toBe("v1.12.6-eksbuild.2");
        expect(ids(dump)).toStrictEqual([["addon-vpc-cni-version", "blocker"]]);
        expect(ids({ ...dump, daemonSets: [] })).toStrictEqual([["addon-vpc-cni-unknown", "info"]]);
    });
    it("warns on one CoreDNS replica", () => {
        const one = { ...HEALTHY.deployments![0], spec: { replicas: 1, selector: {}, template: {} } };
        expect(ids({ ...EMPTY_DUMP, ...HEALTHY, deployments: [one] })).toStrictEqual([
            ["addon-coredns-replicas", "warning"],
        ]);
    });
    it("an NVIDIA pool needs the NVIDIA device plugin", () => {
        const nvidia = { ...TARGET, accelerator: "nvidia" as const };
        expect(ids({ ...EMPTY_DUMP, ...HEALTHY }, [nvidia])).toStrictEqual([["addon-nvidia-device-plugin", "blocker"]]);
        const plugin = ds("nvidia-device-plugin-daemonset", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0");
        expect(ids({ ...EMPTY_DUMP, ...HEALTHY, daemonSets: [plugin] }, [nvidia])).toStrictEqual([]);
    });
    it("moved pods with EBS volumes need the EBS CSI driver", () => {
        const withVolume = pod({ volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] });
        const pv = {
            metadata: { name: "pv-1" },
            spec: {
                csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1" },
                claimRef: { namespace: "shop", name: "data" },
            },
        };
        const dump = dumpWith([withVolume], { ...HEALTHY, persistentVolumes: [pv] });
        expect(ids(dump)).toStrictEqual([["addon-ebs-csi-driver", "blocker"]]);
        expect(ids({ ...dump, addonNames: ["aws-ebs-csi-driver"] })).toStrictEqual([]);
    });
});
