import { describe, expect, it } from "vitest";
import { poolTarget, type PoolTargetSource } from "../../preflight/pool-target";

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
