import { describe, expect, it } from "vitest";
import { eksctlOwnership, eksctlOwnershipWarning } from "../../cutover/eksctl-ownership";

describe("eksctl-owned AL2 node groups", () => {
    it.each([
        [{}, undefined],
        [undefined, undefined],
        [{ "eks-al2023-migration/pool": "general", team: "shop" }, undefined],
        [
            { "alpha.eksctl.io/nodegroup-name": "ng-1", "alpha.eksctl.io/cluster-name": "shop-prod" },
            { stackName: "eksctl-shop-prod-nodegroup-ng-1", fromTag: false },
        ],
        [
            { "alpha.eksctl.io/nodegroup-type": "managed", "aws:cloudformation:stack-name": "eksctl-old-name" },
            { stackName: "eksctl-old-name", fromTag: true },
        ],
    ])("tags %j → %j", (tags, expected) => {
        expect(eksctlOwnership({ clusterName: "shop-prod", nodeGroupName: "ng-1", tags })).toStrictEqual(expected);
    });

    it("says CloudFormation also owns the group and its role, and what deleting the stack would do", () => {
        const warning = eksctlOwnershipWarning({
            key: "pools[0].legacyNodeGroup",
            nodeRoleKey: "pools[0].nodeRoleArn",
            nodeGroupName: "ng-1",
            ownership: { stackName: "eksctl-shop-prod-nodegroup-ng-1", fromTag: true },
        });
        expect(warning).toBe(
            'pools[0].legacyNodeGroup: AL2 node group "ng-1" was created by eksctl: CloudFormation stack ' +
                '"eksctl-shop-prod-nodegroup-ng-1" also owns the node group and, if eksctl created it, its node role, ' +
                "which the AL2023 node group reuses unless pools[0].nodeRoleArn is set. This stack adopts the node group " +
                "anyway. Deleting that CloudFormation stack (`eksctl delete nodegroup` or `aws cloudformation " +
                "delete-stack`) would delete the AL2 node group under this stack, with no drain, and that node role " +
                "with it, which AL2023 nodes need to join. Keep the CloudFormation stack until after decommission, and " +
                "delete it then only if no AL2023 node group uses its role.",
        );
        expect(
            eksctlOwnershipWarning({
                key: "k",
                nodeRoleKey: "r",
                nodeGroupName: "ng-1",
                ownership: { stackName: "eksctl-shop-prod-nodegroup-ng-1", fromTag: false },
            }),
        ).toContain("(eksctl's name for it; check with `aws cloudformation describe-stacks`)");
    });
});
