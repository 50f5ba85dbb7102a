import { describe, expect, it } from "vitest";
import { launchTemplateArgs, nodeGroupArgs } from "../../nodes/pool-args";
import { poolConfig } from "../cutover/cutover-fixtures";

const TAINT = { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" } as const;

describe("the narrow arguments of a pool's components", () => {
    it.each([
        {
            title: "an EKS AMI: AMI type and version, tags merged over the stack's",
            pool: poolConfig({ taints: [TAINT], labels: { workload: "batch" }, tags: { team: "data" } }),
            expected: {
                poolName: "general",
                ami: { amiType: "AL2023_x86_64_STANDARD", version: "1.32" },
                instanceTypes: ["m6i.xlarge"],
                capacityType: "ON_DEMAND",
                update: { maxUnavailable: 1 },
                labels: { workload: "batch" },
                taints: [TAINT],
                tags: {
                    "eks-al2023-migration/cluster": "shop-prod",
                    "eks-al2023-migration/pool": "general",
                    env: "prod",
                    team: "data",
                },
            },
        },
        {
            title: "a custom AMI: no AMI type or version",
            pool: poolConfig({ customAmi: "ami-0123456789abcdef0", update: { maxUnavailablePercentage: 25 } }),
            expected: {
                poolName: "general",
                instanceTypes: ["m6i.xlarge"],
                capacityType: "ON_DEMAND",
                update: { maxUnavailablePercentage: 25 },
                labels: {},
                taints: [],
                tags: {
                    "eks-al2023-migration/cluster": "shop-prod",
                    "eks-al2023-migration/pool": "general",
                    env: "prod",
                },
            },
        },
    ])("node group: $title", ({ pool, expected }) => {
        expect(
            nodeGroupArgs({
                pool,
                cluster: { name: "shop-prod", kubernetesVersion: "1.32" },
                stackTags: { env: "prod" },
            }),
        ).toStrictEqual(expected);
    });

    it.each([
        {
            title: "an EKS AMI: no image id, no --register-with-taints (EKS registers the taints)",
            pool: poolConfig({ taints: [TAINT], kubelet: { maxPods: 58, flags: ["--v=2"], config: {} } }),
            extraSpec: undefined,
            expected: {
                imds: 2,
                nodeConfig: { maxPods: 58, kubeletConfig: {}, kubeletFlags: ["--v=2"], preBootstrapScripts: [] },
            },
        },
        {
            title: "a custom AMI: its image id, taints as a kubelet flag after the pool's flags, translated spec",
            pool: poolConfig({
                customAmi: "ami-0123456789abcdef0",
                taints: [TAINT],
                imds: { hopLimit: 1 },
                kubelet: { flags: ["--v=2"], config: { shutdownGracePeriod: "30s" } },
            }),
            extraSpec: { instance: { localStorage: { strategy: "RAID0" as const } } },
            expected: {
                customAmi: "ami-0123456789abcdef0",
                imds: 1,
                nodeConfig: {
                    kubeletConfig: { shutdownGracePeriod: "30s" },
                    kubeletFlags: ["--v=2", "--register-with-taints=dedicated=batch:NoSchedule"],
                    preBootstrapScripts: [],
                    extraSpec: { instance: { localStorage: { strategy: "RAID0" } } },
                },
            },
        },
    ])("launch template: $title", ({ pool, extraSpec, expected }) => {
        expect(
            launchTemplateArgs({ pool, clusterName: "shop-prod", ...(extraSpec !== undefined && { extraSpec }) }),
        ).toStrictEqual({
            poolName: "general",
            tags: { "eks-al2023-migration/cluster": "shop-prod", "eks-al2023-migration/pool": "general" },
            ...(expected.customAmi !== undefined && { customAmi: expected.customAmi }),
            imdsHopLimit: expected.imds,
            rootVolume: { sizeGiB: 20, type: "gp3", iops: 3000, throughput: 125 },
            securityGroupIds: [],
            nodeConfig: expected.nodeConfig,
        });
    });
});
