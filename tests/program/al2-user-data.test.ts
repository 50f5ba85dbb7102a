import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";
import { nodeConfigs } from "../fakes/mime";

/** The parts of a NodeConfig the test reads. */
type NodeConfigDoc = { spec: { kubelet: { config: Record<string, unknown> }; instance?: unknown } };

const LAUNCH_TEMPLATE_ID = "lt-0a1b2c3d4e5f60718";

const USER_DATA = [
    "#!/bin/bash",
    "/etc/eks/bootstrap.sh shop-dev --use-max-pods false --local-disks raid0 \\",
    "  --kubelet-extra-args '--max-pods=110 --node-labels=team=shop --register-with-taints=dedicated=shop:NoSchedule --image-gc-high-threshold=80'",
    "systemctl restart amazon-cloudwatch-agent",
    "",
].join("\n");

/** The dev stack with its AL2 node group on a launch template (version 3, the default) holding USER_DATA. */
async function evaluate(acknowledge?: string[]) {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (acknowledge !== undefined) config.pools[0].al2Migration = { acknowledge };
    const facts = structuredClone(exampleFacts("dev")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    facts.nodegroups["dev-general-al2"].nodegroup.launchTemplate = {
        id: LAUNCH_TEMPLATE_ID,
        name: "dev-general-al2",
        version: "3",
    };
    facts.launchTemplateVersions = {
        [LAUNCH_TEMPLATE_ID]: [
            {
                LaunchTemplateId: LAUNCH_TEMPLATE_ID,
                VersionNumber: 3,
                DefaultVersion: true,
                LaunchTemplateData: { UserData: Buffer.from(USER_DATA).toString("base64") },
            },
        ],
    };
    return evaluateOffline({ stack: "dev", config, facts: facts as CloudFacts, previousOutputs: {}, program });
}

describe("an AL2 node group on a launch template", () => {
    it("stops the run before any resource while something cannot move, saying how to acknowledge it", async () => {
        const evaluation = await evaluate();
        expect(evaluation.error).toBeInstanceOf(ConfigError);
        expect((evaluation.error as ConfigError).problems).toEqual([
            'pools[0].al2Migration.acknowledge: the user data of AL2 node group "dev-general-al2" has "user data lines 4-4: systemctl restart amazon-cloudwatch-agent", which cannot move to AL2023 by itself: commands after bootstrap.sh never run on AL2023 managed node groups (nodeadm starts kubelet after cloud-init\'s scripts); move what is still needed into preBootstrapScripts or a DaemonSet. Once handled, add "post-bootstrap-commands" to pools[0].al2Migration.acknowledge',
        ]);
        const declared = evaluation.resources.map((resource) => resource.type);
        expect(
            declared.filter((type) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(type)),
        ).toEqual([]);
    });

    it("once acknowledged, carries the kubelet settings, local disks, labels and taints over to the AL2023 pool", async () => {
        const evaluation = await evaluate(["post-bootstrap-commands"]);
        expect(evaluation.error).toBeUndefined();
        const template = evaluation.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
        const [nodeConfig] = (nodeConfigs as (text: string) => NodeConfigDoc[])(
            Buffer.from(template.inputs.userData as string, "base64").toString("utf8"),
        );
        expect(nodeConfig.spec.kubelet.config).toMatchObject({
            maxPods: 110,
            imageGCHighThresholdPercent: 80,
        });
        expect(nodeConfig.spec.instance).toStrictEqual({ localStorage: { strategy: "RAID0" } });
        const nodeGroup = evaluation.resources.find(
            (r) =>
                r.type === "aws:eks/nodeGroup:NodeGroup" &&
                r.inputs.amiType !== undefined &&
                String(r.inputs.amiType).startsWith("AL2023"),
        )!;
        expect(nodeGroup.inputs.labels).toMatchObject({ team: "shop" });
        expect(nodeGroup.inputs.taints).toContainEqual({ key: "dedicated", value: "shop", effect: "NO_SCHEDULE" });
    });
});
