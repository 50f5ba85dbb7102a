import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/read-config";
import { OfflineCloud } from "../../plan/offline-cloud";
import { type CloudFacts, type DescribeNodegroupOutput } from "../../plan/cloud-facts";
import { stackTargets } from "../../plan/preflight-targets";
import { POOL_TAG } from "../../nodes/pool-tags";
import { al2023NodeGroupOf, simulatePrevious } from "../../plan/simulate";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";

/*
 * Where the offline plan picks one of several node groups or lists them, the answer must not depend on the order of
 * the facts files: the fixtures are sorted, so these tests feed the node groups in reverse name order.
 */

/** The dev facts with two more AL2023 node groups of pool `general`, inserted before the real one, names descending. */
function factsWithAl2023Groups(): CloudFacts {
    const facts = exampleFacts("dev");
    const real = facts.nodegroups["general-20261102093015123400000001"];
    const copy = (name: string): DescribeNodegroupOutput => ({ nodegroup: { ...real.nodegroup, nodegroupName: name } });
    return {
        ...facts,
        nodegroups: {
            "general-20261201000000000000000003": copy("general-20261201000000000000000003"),
            "general-20261101000000000000000002": copy("general-20261101000000000000000002"),
            ...facts.nodegroups,
        },
    };
}

describe("orders in the offline plan, from facts in reverse name order", () => {
    it("al2023NodeGroupOf picks the AL2023 node group of the pool first by name", () => {
        expect(al2023NodeGroupOf(factsWithAl2023Groups(), "general")?.nodegroupName).toBe(
            "general-20261101000000000000000002",
        );
    });

    it("stackTargets names the AL2023 node group of the pool first by name", () => {
        const facts = factsWithAl2023Groups();
        const [target] = stackTargets(parseConfig(stackFileConfig("dev")), facts.nodegroups, {});
        expect([target.pool, target.nodeGroupName]).toStrictEqual(["general", "general-20261101000000000000000002"]);
    });

    it("getNodeGroups lists the cluster's node groups by name", () => {
        const cloud = new OfflineCloud(factsWithAl2023Groups());
        const answer = cloud.call({
            token: "aws:eks/getNodeGroups:getNodeGroups",
            inputs: { clusterName: "shop-dev" },
        } as Parameters<OfflineCloud["call"]>[0]);
        expect(answer.names).toStrictEqual([
            "dev-general-al2",
            "general-20261101000000000000000002",
            "general-20261102093015123400000001",
            "general-20261201000000000000000003",
        ]);
    });

    it("simulatePrevious states dev's completed phase per followed pool in name order, not config order", () => {
        // prod's pools in config order (general, batch) follow dev pools whose names sort the other way.
        const config = {
            ...stackFileConfig("prod"),
            cutoverPhase: "canary",
            promotion: { requireStack: "dev", follow: { general: "web", batch: "api" } },
        };
        const simulation = simulatePrevious({ stack: "prod", config, facts: exampleFacts("prod") });
        expect(simulation.assumptions.filter((a) => a.startsWith("promotion:"))).toStrictEqual([
            'promotion: dev (acme/eks-al2023-migration/dev) has completed prepare for pool "api" ' +
                "(followed by prod pools batch)",
            'promotion: dev (acme/eks-al2023-migration/dev) has completed canary for pool "web" ' +
                "(followed by prod pools general)",
        ]);
    });

    it("a node group declared with a name prefix is the existing one of its pool first by name", () => {
        const cloud = new OfflineCloud(factsWithAl2023Groups());
        const { state } = cloud.newResource({
            type: "aws:eks/nodeGroup:NodeGroup",
            name: "general-ng",
            inputs: { clusterName: "shop-dev", nodeGroupNamePrefix: "general-", tags: { [POOL_TAG]: "general" } },
        } as Parameters<OfflineCloud["newResource"]>[0]);
        expect(state.nodeGroupName).toBe("general-20261101000000000000000002");
    });
});
