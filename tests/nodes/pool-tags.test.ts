import { describe, expect, it } from "vitest";
import { poolTags } from "../../nodes/pool-tags";

describe("poolTags", () => {
    it("merges stack tags, pool tags and the identity tags, keys sorted whatever the config order", () => {
        const tags = poolTags(
            { name: "batch", tags: { zone: "b", team: "data", environment: "pool-wins" } },
            "shop-prod",
            { owner: "platform-team", environment: "prod", "cost-center": "4711" },
        );
        expect(Object.entries(tags)).toStrictEqual([
            ["cost-center", "4711"],
            ["eks-al2023-migration/cluster", "shop-prod"],
            ["eks-al2023-migration/pool", "batch"],
            ["environment", "pool-wins"],
            ["owner", "platform-team"],
            ["team", "data"],
            ["zone", "b"],
        ]);
    });
});
