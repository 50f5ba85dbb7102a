import { describe, expect, it } from "vitest";
import { imageArchitecture, poolTarget, type PoolTargetSource } from "../../preflight/pool-target";

/** prod's `general` pool as the pool target builder reads it. */
const POOL: PoolTargetSource["pool"] = {
    name: "general",
    legacyNodeGroup: "prod-general-al2",
    labels: { workload: "general" },
    taints: [],
    amiType: "AL2023_x86_64_STANDARD",
    instanceTypes: ["m6i.xlarge"],
    capacityType: "ON_DEMAND",
    imds: { hopLimit: 2 },
};

describe("poolTarget", () => {
    it("lists the zones of the pool's subnets in name order, once each, whatever order the subnets come in", () => {
        const target = poolTarget({
            pool: { ...POOL, subnetIds: ["subnet-c", "subnet-a", "subnet-b", "subnet-a2"] },
            subnetZones: {
                "subnet-a": "eu-west-1a",
                "subnet-a2": "eu-west-1a",
                "subnet-b": "eu-west-1b",
                "subnet-c": "eu-west-1c",
            },
        });
        expect(target.zones).toStrictEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    });
});

describe("the AL2 node group's architecture", () => {
    const legacyArchitecture = (legacy: NonNullable<PoolTargetSource["legacy"]>, amiType = POOL.amiType) =>
        poolTarget({ pool: { ...POOL, amiType }, legacy, subnetZones: {} }).legacyArchitecture;

    it("comes from a CUSTOM node group's AMI, not its AMI type", () => {
        expect(legacyArchitecture({ amiType: "CUSTOM", subnets: [], imageArchitecture: "arm64" })).toBe("arm64");
        expect(legacyArchitecture({ amiType: "CUSTOM", subnets: [], imageArchitecture: "x86_64" })).toBe("amd64");
    });

    it("is unknown for a CUSTOM node group whose AMI EC2 did not describe", () => {
        const target = poolTarget({ pool: POOL, legacy: { amiType: "CUSTOM", subnets: [] }, subnetZones: {} });
        expect("legacyArchitecture" in target).toBe(false);
    });

    it("comes from the AMI type of an EKS AMI node group", () => {
        expect(legacyArchitecture({ amiType: "AL2_ARM_64", subnets: [] })).toBe("arm64");
        expect(legacyArchitecture({ amiType: "AL2_x86_64_GPU", subnets: [] })).toBe("amd64");
    });

    it("spells EC2's image architectures the kubernetes.io/arch way", () => {
        expect(["x86_64", "arm64", "i386", "arm64_mac", "", undefined].map(imageArchitecture)).toStrictEqual([
            "amd64",
            "arm64",
            undefined,
            undefined,
            undefined,
            undefined,
        ]);
    });
});
