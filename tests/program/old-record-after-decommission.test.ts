import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";

/** The dev AL2023 node group (facts/dev/describe-nodegroup-general-al2023.json). */
const AL2023 = "general-20261102093015123400000001";
/** A role and subnets only the AL2023 node group holds here: nothing else in the facts or config names them. */
const AL2023_ROLE = "arn:aws:iam::111122223333:role/shop-dev-al2023-node-role";
const AL2023_SUBNETS = ["subnet-0c3d4e5f607182930", "subnet-0a1b2c3d4e5f60718"];

/** dev's record after `decommission`, as a deployment before `inherited` existed wrote it (no `inherited`). */
const OLD_RECORD = {
    cutover: {
        version: 1,
        pools: {
            general: {
                phase: "decommission",
                adopted: false,
                legacyNodeGroupName: "dev-general-al2",
                legacySizeAtAdoption: { min: 1, desired: 2, max: 4 },
                al2023NodeGroupName: AL2023,
            },
        },
    },
};

/**
 * dev in `decommission` again after OLD_RECORD: the AL2 node group is gone from the facts; the AL2023 node group holds
 * AL2023_ROLE and AL2023_SUBNETS, or is gone too (`al2023Gone`). The record has no AL2 launch template source either,
 * which the pool acknowledges (its own kubelet settings stand).
 */
async function rerun(args: { readonly al2023Gone?: boolean }): Promise<Evaluation> {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    config.cutoverPhase = "decommission";
    config.pools[0].al2Migration = { acknowledge: ["al2-launch-template-unrecorded"] };
    const facts = structuredClone(exampleFacts("dev")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete facts.nodegroups["dev-general-al2"];
    if (args.al2023Gone === true) delete facts.nodegroups[AL2023];
    else Object.assign(facts.nodegroups[AL2023].nodegroup, { nodeRole: AL2023_ROLE, subnets: AL2023_SUBNETS });
    return evaluateOffline({
        stack: "dev",
        config,
        facts: facts as CloudFacts,
        previousOutputs: OLD_RECORD,
        program,
    });
}

describe("a record from before `inherited`, after decommission (the AL2 node group gone)", () => {
    it("takes the node role and subnets from the AL2023 node group itself: declared exactly so, nothing replaced", async () => {
        const evaluation = await rerun({});
        expect(evaluation.error).toBeUndefined();
        // Exactly the inputs of the node group as it runs: its role and subnets, the live capacity type and AMI type,
        // the same name prefix; nothing that EKS cannot change in place differs.
        expect(evaluation.resources.find((r) => r.name === "general-ng")!.inputs).toStrictEqual({
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "SPOT",
            clusterName: "shop-dev",
            instanceTypes: ["t3.large", "t3a.large", "m6i.large"],
            labels: { workload: "general" },
            launchTemplate: { id: "lt-bde39899e38afeb6c", version: "1" },
            nodeGroupNamePrefix: "general-",
            nodeRoleArn: AL2023_ROLE,
            scalingConfig: { desiredSize: 2, maxSize: 4, minSize: 1 },
            subnetIds: AL2023_SUBNETS,
            tags: {
                "eks-al2023-migration/cluster": "shop-dev",
                "eks-al2023-migration/pool": "general",
                environment: "dev",
                owner: "platform-team",
            },
            taints: [],
            updateConfig: { maxUnavailable: 1 },
            version: "1.32",
        });
        // No node role of the stack's own: the only roles are the workloads'.
        expect(
            evaluation.resources
                .filter((r) => r.type === "aws:iam/role:Role")
                .map((r) => r.name)
                .sort(),
        ).toStrictEqual([
            "workloads-kube-system-aws-load-balancer-controller-role",
            "workloads-payments-payments-api-role",
            "workloads-shop-invoice-reader-role",
        ]);
        // The record now holds them, so the next run needs neither node group.
        const record = (evaluation.outputs.cutover as any).pools.general; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(record.inherited).toMatchObject({ nodeRoleArn: AL2023_ROLE, subnetIds: AL2023_SUBNETS });
    });

    it("stops before any resource when the AL2023 node group is gone too, naming the keys to set", async () => {
        const evaluation = await rerun({ al2023Gone: true });
        expect(evaluation.error).toBeInstanceOf(ConfigError);
        expect((evaluation.error as ConfigError).problems).toStrictEqual([
            // The readiness gate cannot find the AL2023 node group either.
            'cutoverPhase: "decommission" is not allowed; pool "general" is not ready: AL2023 node group ' +
                '"general-20261102093015123400000001" fails the readiness gate (exists: AL2023 node group ' +
                '"general-20261102093015123400000001" not found in cluster "shop-dev"); stay in drain until it passes',
            'pools[0].legacyNodeGroup: "dev-general-al2" is not allowed; pool "general" takes its node role and ' +
                "subnets from it, but it is gone and neither the cutover record nor a live AL2023 node group holds " +
                "them; set pools[0].nodeRoleArn and pools[0].subnetIds to the AL2023 node group's own (aws eks " +
                "describe-nodegroup ... --query 'nodegroup.[nodeRole,subnets]'), or a different value replaces it",
        ]);
        const declared = evaluation.resources.map((r) => r.type);
        expect(
            declared.filter((type) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(type)),
        ).toEqual([]);
    });
});
