import { describe, expect, it } from "vitest";
import { checkLegacyNodeGroup } from "../../cutover/legacy-node-group-check";
import { liveNodeGroup, poolRecord, guardContext } from "./cutover-fixtures";

describe("checkLegacyNodeGroup", () => {
    const cluster = { name: "shop-prod", kubernetesVersion: "1.32" };

    it("accepts a live AL2 node group", () => {
        expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, liveNodeGroup("prod-general-al2"))).toStrictEqual(
            {
                problems: [],
                warnings: [],
            },
        );
    });

    it("a named node group that does not exist is an error, except once decommissioned", () => {
        expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, undefined)).toStrictEqual({
            problems: [
                'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; no managed node group ' +
                    '"prod-general-al2" in cluster "shop-prod" (see `aws eks list-nodegroups --cluster-name shop-prod`)',
            ],
            warnings: [],
        });
        expect(checkLegacyNodeGroup(guardContext("decommission"), cluster, undefined)).toStrictEqual({
            problems: [],
            warnings: [],
        });
    });

    it("refuses a node group that is not AL2", () => {
        const al2023 = liveNodeGroup("prod-general-al2", { amiType: "AL2023_x86_64_STANDARD" });
        expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, al2023).problems).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; its amiType is AL2023_x86_64_STANDARD; ' +
                "this program replaces AL2 node groups (amiType AL2_x86_64, AL2_x86_64_GPU, AL2_ARM_64, or CUSTOM " +
                "with an AL2 AMI)",
        ]);
        // A custom AMI nothing was read about (the program always reads it: tests/program/custom-al2-ami.test.ts).
        const custom = liveNodeGroup("prod-general-al2", { amiType: "CUSTOM" });
        expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, custom).problems).toStrictEqual([
            'pools[1].legacyNodeGroup: "prod-general-al2" is not allowed; its amiType is CUSTOM and its launch ' +
                "template was not read; this program migrates a custom AMI only when it is AL2 (its name or " +
                "description says amazon-eks-node or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); " +
                "a node group with another custom AMI moves to AL2023 in place by changing the AMI in its launch " +
                "template",
        ]);
        const recognised = {
            ...guardContext("prepare"),
            legacyCustomAmi: { imageId: "ami-0123456789abcdef0", callsBootstrap: true },
        };
        expect(checkLegacyNodeGroup(recognised, cluster, custom)).toStrictEqual({
            problems: [],
            warnings: [
                'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" runs custom AMI ami-0123456789abcdef0 ' +
                    "(EC2 does not describe it), recognised as AL2 (its launch template's user data calls " +
                    "/etc/eks/bootstrap.sh); its AL2023 nodes run pools[1].amiType AL2023_x86_64_STANDARD. Its user " +
                    "data is translated like any AL2 launch template's, but what the image itself adds (hardening, " +
                    "agents, files) does not move: build it into the AL2023 image, or add it to " +
                    "pools[1].preBootstrapScripts",
            ],
        });
        for (const amiType of ["AL2_x86_64_GPU", "AL2_ARM_64"]) {
            const al2 = liveNodeGroup("prod-general-al2", { amiType });
            expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, al2).problems).toStrictEqual([]);
        }
    });

    it.each([
        [
            "DEGRADED",
            'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" is DEGRADED at adoption: check `aws eks ' +
                "describe-nodegroup --cluster-name shop-prod --nodegroup-name prod-general-al2 --query " +
                "nodegroup.health.issues` and fix them first, since its nodes carry the pods until drain",
        ],
        [
            "UPDATING",
            'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" is UPDATING at adoption: an update (version, ' +
                "AMI release, config) is running; let it finish before the cutover changes the node group",
        ],
    ])("reports an AL2 node group %s at adoption, not once adopted", (status, warning) => {
        const live = liveNodeGroup("prod-general-al2", { status });
        expect(checkLegacyNodeGroup(guardContext("prepare"), cluster, live)).toStrictEqual({
            problems: [],
            warnings: [warning],
        });
        expect(checkLegacyNodeGroup(guardContext("canary", poolRecord("prepare")), cluster, live).warnings).toEqual([]);
    });

    it("warns that an AL2 node group on 1.33 or newer can only be scaled and drained", () => {
        const findings = checkLegacyNodeGroup(
            guardContext("shift"),
            { name: "shop-prod", kubernetesVersion: "1.33" },
            liveNodeGroup("prod-general-al2"),
        );
        expect(findings).toStrictEqual({
            problems: [],
            warnings: [
                'pools[1].legacyNodeGroup: AL2 node group "prod-general-al2" runs on Kubernetes 1.33, which has no ' +
                    "AL2 AMIs (1.32 is the last): it cannot be updated any more (version, AMI release), only scaled " +
                    'and drained; take pool "general" through drain to decommission',
            ],
        });
    });
});
