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
        expect(eksctlOwnership({ clusterName: "shop-prod", nodeGroupName: "ng-1", tags })).toEqual(expected);
    });

    it("says CloudFormation also owns the group and its role, and what deleting the stack would do", () => {
        const warning = eksctlOwnershipWarning({
            key: "pools[0].legacyNodeGroup",
            nodeGroupName: "ng-1",
            ownership: { stackName: "eksctl-shop-prod-nodegroup-ng-1", fromTag: true },
        });
        expect(warning).toBe(
            'pools[0].legacyNodeGroup: AL2 node group "ng-1" was created by eksctl: CloudFormation stack ' +
                '"eksctl-shop-prod-nodegroup-ng-1" also owns the node group and, if eksctl created it, its node role. ' +
                "This stack adopts the node group anyway. Deleting that CloudFormation stack (`eksctl delete nodegroup` " +
                "or `aws cloudformation delete-stack`) before decommission deletes the AL2 node group and its node role " +
                "under this stack, with no drain. Delete it after decommission has deleted the node group: it then " +
                "removes what is left (the node role, unless something else uses it) and no second owner stays behind.",
        );
        expect(
            eksctlOwnershipWarning({
                key: "k",
                nodeGroupName: "ng-1",
                ownership: { stackName: "eksctl-shop-prod-nodegroup-ng-1", fromTag: false },
            }),
        ).toContain("(eksctl's name for it; check with `aws cloudformation describe-stacks`)");
    });
});
