import { describe, expect, it } from "vitest";
import { al2023Variant, amiArchitecture } from "../../nodes/ami-variant";
import { inheritPool, type Al2NodeGroupFacts } from "../../nodes/inheritance";
import type { PoolConfig } from "../../nodes/pools";
import { poolConfig } from "../cutover/cutover-fixtures";

describe("the AL2023 AMI variant of an AL2 node group", () => {
    it.each([
        ["AL2_x86_64", ["m6i.large"], "AL2023_x86_64_STANDARD"],
        ["AL2_ARM_64", ["m7g.large"], "AL2023_ARM_64_STANDARD"],
        ["AL2_x86_64_GPU", ["g5.xlarge"], "AL2023_x86_64_NVIDIA"],
        ["AL2_x86_64_GPU", ["p4d.24xlarge", "g5.xlarge"], "AL2023_x86_64_NVIDIA"],
        ["AL2_x86_64_GPU", ["inf2.xlarge", "trn1.2xlarge"], "AL2023_x86_64_NEURON"],
        ["AL2_x86_64_GPU", ["inf2.xlarge", "g5.xlarge"], "AL2023_x86_64_NVIDIA"],
        ["CUSTOM", ["m6i.large"], undefined],
        ["BOTTLEROCKET_x86_64", ["m6i.large"], undefined],
    ] as const)("%s on %j → %s", (al2, types, expected) => {
        expect(al2023Variant(al2, types)?.amiType).toBe(expected);
    });

    it("says the NVIDIA AMI has no device plugin", () => {
        expect(al2023Variant("AL2_x86_64_GPU", ["g5.xlarge"])?.note).toContain("not the Kubernetes device plugin");
    });

    it.each([
        ["AL2023_x86_64_STANDARD", "x86_64"],
        ["AL2023_ARM_64_STANDARD", "arm64"],
        ["AL2023_ARM_64_NVIDIA", "arm64"],
        ["AL2023_x86_64_NEURON", "x86_64"],
    ] as const)("%s runs on %s", (amiType, arch) => {
        expect(amiArchitecture(amiType)).toBe(arch);
    });
});

/** A pool as parsePools returns it with every default (pools[0] of a config that sets only name and scaling). */
const DEFAULT_POOL: PoolConfig = poolConfig({
    legacyNodeGroup: "dev-general-al2",
    instanceTypes: ["m6i.large"],
    scaling: { min: 1, desired: 2, max: 4 },
});

const AL2: Al2NodeGroupFacts = {
    amiType: "AL2_x86_64_GPU",
    instanceTypes: ["g5.2xlarge"],
    capacityType: "SPOT",
    diskSize: 100,
    labels: { workload: "gpu", "eks.amazonaws.com/nodegroup": "gpu-al2", "alpha.eksctl.io/cluster-name": "shop" },
    taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
    update: { maxUnavailablePercentage: 25 },
};

describe("inheriting an AL2 node group's settings", () => {
    it("fills every setting the pool leaves out, without EKS- and eksctl-managed labels", () => {
        const result = inheritPool({ pool: DEFAULT_POOL, explicitKeys: new Set(["name", "scaling"]), al2: AL2 });
        expect(result.pool).toStrictEqual({
            ...DEFAULT_POOL,
            amiType: "AL2023_x86_64_NVIDIA",
            instanceTypes: ["g5.2xlarge"],
            capacityType: "SPOT",
            labels: { workload: "gpu" },
            taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
            rootVolume: { sizeGiB: 100, type: "gp3", iops: 3000, throughput: 125 },
            update: { maxUnavailablePercentage: 25 },
        });
        expect(result.provenance).toStrictEqual({
            amiType: "inherited",
            instanceTypes: "inherited",
            capacityType: "inherited",
            labels: "inherited",
            taints: "inherited",
            rootVolume: "inherited",
            securityGroupIds: "default",
            maxUnavailable: "inherited",
            nodeRepair: "default",
        });
        expect(result.changes).toStrictEqual([]);
        expect(result.notes).toStrictEqual([expect.stringContaining("device plugin")]);
    });

    it("keeps what the pool sets and lists what it drops or shrinks", () => {
        const pool: PoolConfig = {
            ...DEFAULT_POOL,
            amiType: "AL2023_x86_64_NVIDIA",
            labels: { workload: "ml" },
            rootVolume: { ...DEFAULT_POOL.rootVolume, sizeGiB: 50 },
        };
        const result = inheritPool({
            pool,
            explicitKeys: new Set(["name", "scaling", "amiType", "labels", "taints", "rootVolume", "instanceTypes"]),
            al2: AL2,
        });
        expect(result.pool).toStrictEqual({
            ...pool,
            capacityType: "SPOT",
            update: { maxUnavailablePercentage: 25 },
        });
        expect(result.changes).toStrictEqual([
            "label workload changed from gpu to ml",
            "taint nvidia.com/gpu=true:NO_SCHEDULE dropped",
            "root volume smaller: 50 GiB instead of 100 GiB",
            "instance types g5.2xlarge changed to m6i.large",
        ]);
    });

    it("lists no change for the AL2 node group's instance types set in another order", () => {
        const al2 = { ...AL2, instanceTypes: ["g5.2xlarge", "g5.xlarge"] };
        const pool: PoolConfig = { ...DEFAULT_POOL, instanceTypes: ["g5.xlarge", "g5.2xlarge"] };
        const result = inheritPool({ pool, explicitKeys: new Set(["name", "scaling", "instanceTypes"]), al2 });
        expect(result.pool.instanceTypes).toStrictEqual(["g5.xlarge", "g5.2xlarge"]);
        expect(result.changes).toStrictEqual([]);
    });

    // The user data's labels and taints are applyTranslation's (tests/program/al2-user-data.test.ts): only the node
    // group's are inherited here.
    it("takes the node group's labels and taints, and the launch template's disk, KMS key and security groups", () => {
        const result = inheritPool({
            pool: DEFAULT_POOL,
            explicitKeys: new Set(["name", "scaling"]),
            al2: {
                ...AL2,
                amiType: "AL2_x86_64",
                diskSize: undefined,
                taints: [{ key: "dedicated", value: "ml", effect: "NO_EXECUTE" }],
                launchTemplate: {
                    rootVolume: { sizeGiB: 10, type: "gp2", kmsKeyId: "alias/nodes" },
                    securityGroupIds: ["sg-0123456789abcdef0"],
                },
            },
        });
        expect(result.pool.labels).toStrictEqual({ workload: "gpu" });
        expect(result.pool.taints).toStrictEqual([{ key: "dedicated", value: "ml", effect: "NO_EXECUTE" }]);
        // Never below the AL2023 AMI's 20 GiB snapshot, whatever the AL2 disk was.
        expect(result.pool.rootVolume).toStrictEqual({
            sizeGiB: 20,
            type: "gp3",
            iops: 3000,
            throughput: 125,
            kmsKeyId: "alias/nodes",
        });
        expect(result.pool.securityGroupIds).toStrictEqual(["sg-0123456789abcdef0"]);
        expect(result.pool.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(result.notes).toStrictEqual(["root volume type gp2 becomes gp3 (always encrypted)"]);
    });

    it("leaves the AMI type to the config for a custom AMI node group", () => {
        const result = inheritPool({
            pool: DEFAULT_POOL,
            explicitKeys: new Set(["name"]),
            al2: { ...AL2, amiType: "CUSTOM" },
        });
        expect(result.pool.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(result.provenance.amiType).toBe("default");
    });
});

describe("inheriting node auto repair (nodeRepairConfig)", () => {
    it.each([
        {
            title: "neither sets it: no setting at all",
            pool: undefined,
            al2: undefined,
            nodeRepair: undefined,
            from: "default",
        },
        {
            title: "the AL2 node group has it on",
            pool: undefined,
            al2: { enabled: true },
            nodeRepair: { enabled: true },
            from: "inherited",
        },
        {
            title: "the AL2 node group has it off",
            pool: undefined,
            al2: { enabled: false },
            nodeRepair: { enabled: false },
            from: "inherited",
        },
        {
            title: "the pool turns it off over the AL2 node group's on",
            pool: { enabled: false },
            al2: { enabled: true },
            nodeRepair: { enabled: false },
            from: "set",
        },
        {
            title: "the pool turns it on, the AL2 node group has none",
            pool: { enabled: true },
            al2: undefined,
            nodeRepair: { enabled: true },
            from: "set",
        },
    ])("$title", ({ pool, al2, nodeRepair, from }) => {
        const result = inheritPool({
            pool: { ...DEFAULT_POOL, ...(pool !== undefined && { nodeRepair: pool }) },
            explicitKeys: new Set(["name", "scaling", ...(pool !== undefined ? ["nodeRepair"] : [])]),
            al2: { ...AL2, ...(al2 !== undefined && { nodeRepair: al2 }) },
        });
        expect(result.provenance.nodeRepair).toBe(from);
        expect(result.pool.nodeRepair).toStrictEqual(nodeRepair);
        expect("nodeRepair" in result.pool).toBe(nodeRepair !== undefined);
    });
});
