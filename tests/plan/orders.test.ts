import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/read-config";
import { OfflineCloud } from "../../plan/offline-cloud";
import { type CloudFacts, type DescribeNodegroupOutput } from "../../plan/cloud-facts";
import { stackTargets } from "../../plan/preflight-targets";
import { POOL_TAG } from "../../nodes/pool-tags";
import { al2023NodeGroupOf, simulatePrevious } from "../../plan/simulate";
import { readStackConfig } from "../../plan/plan";
import { UsageError } from "../../plan/cli-args";
import { buildPlanDocument } from "../../plan/report";
import type { RecordedResource } from "../../plan/offline-cloud";
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
        const [target] = stackTargets(parseConfig(stackFileConfig("dev")), facts, {});
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

describe("orders in the plan's own output", () => {
    it("a missing stack file names the stacks in name order, not directory order", () => {
        // The directory lists Pulumi.prod-eu.yaml before Pulumi.prod.yaml ("-" sorts before "."); the names do not.
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-stacks-"));
        for (const stack of ["prod-eu", "prod", "dev"]) fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), "");
        expect(() => readStackConfig(root, "qa")).toThrow(
            new UsageError("--stack: no Pulumi.qa.yaml; stacks: dev, prod, prod-eu"),
        );
    });

    it("counts the declared resources by type with the types in name order, not declaration order", () => {
        const resource = (type: string, name: string): RecordedResource => ({ type, name, inputs: {}, id: name });
        const document = buildPlanDocument({
            stack: "dev",
            factsSource: "facts/dev",
            cutoverPhase: "prepare",
            facts: exampleFacts("dev"),
            simulation: {
                previousOutputs: {},
                otherStacks: {},
                previousPhases: {},
                assumptions: [],
                facts: exampleFacts("dev"),
            },
            evaluation: {
                resources: [
                    resource("pulumi-nodejs:dynamic:Resource", "general-drain"),
                    resource("aws:eks/nodeGroup:NodeGroup", "general-ng"),
                    resource("eks-al2023-migration:nodes:Pool", "general"),
                    resource("aws:ec2/launchTemplate:LaunchTemplate", "general-lt"),
                    resource("pulumi-nodejs:dynamic:Resource", "general-cordon"),
                ],
                options: new Map(),
                outputs: {},
                invokes: [],
                error: new Error("refused"),
            },
        });
        expect(Object.entries(document.resourceCounts)).toStrictEqual([
            ["aws:ec2/launchTemplate:LaunchTemplate", 1],
            ["aws:eks/nodeGroup:NodeGroup", 1],
            ["eks-al2023-migration:nodes:Pool", 1],
            ["pulumi-nodejs:dynamic:Resource", 2],
        ]);
    });
});
