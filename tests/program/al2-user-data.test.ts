import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { evaluateOffline } from "../../plan/evaluate";
import { exampleFacts, stackFileConfig, withAl2LaunchTemplate } from "../fakes/mocks";
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
    const facts = withAl2LaunchTemplate(exampleFacts("dev"), { id: LAUNCH_TEMPLATE_ID, userData: USER_DATA });
    return evaluateOffline({ stack: "dev", config, facts, previousOutputs: {}, program });
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

    it("once acknowledged, carries the kubelet settings, local disks and taints over to the AL2023 pool", async () => {
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
        // dev's pool sets labels, so the user data's label is not added (tests/program/al2-user-data-labels.test.ts).
        expect(nodeGroup.inputs.labels).toStrictEqual({ workload: "general" });
        expect(nodeGroup.inputs.taints).toContainEqual({ key: "dedicated", value: "shop", effect: "NO_SCHEDULE" });
    });
});

describe("a record written before it held the AL2 launch template source", () => {
    const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"];
    /** dev's record after drain, as a deployment before `inherited.al2LaunchTemplate` existed wrote it. */
    const oldRecord = (al2: Record<string, unknown> | undefined) => ({
        cutover: {
            version: 1,
            pools: {
                general: {
                    phase: "drain",
                    adopted: true,
                    legacyNodeGroupName: "dev-general-al2",
                    legacySizeAtAdoption: { min: 1, desired: 2, max: 4 },
                    al2023NodeGroupName: "general-20261102093015123400000001",
                    inherited: {
                        nodeRoleArn: "arn:aws:iam::111122223333:role/shop-dev-node-role",
                        subnetIds: SUBNETS,
                        ...(al2 !== undefined && { al2 }),
                    },
                },
            },
        },
    });
    const AL2_ON_LAUNCH_TEMPLATE = {
        amiType: "AL2_x86_64",
        instanceTypes: ["t3.large"],
        capacityType: "SPOT",
        labels: { workload: "general" },
        taints: [],
        launchTemplate: {},
    };

    /** dev in decommission after that record, the AL2 node group (and its launch template) gone. */
    async function decommission(args: { al2?: Record<string, unknown>; acknowledge?: string[] }) {
        const { default: program } = await import("../../index");
        const config = structuredClone(stackFileConfig("dev")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        config.cutoverPhase = "decommission";
        if (args.acknowledge !== undefined) config.pools[0].al2Migration = { acknowledge: args.acknowledge };
        const facts = structuredClone(exampleFacts("dev")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        delete facts.nodegroups["dev-general-al2"];
        return evaluateOffline({
            stack: "dev",
            config,
            facts,
            previousOutputs: oldRecord(args.al2),
            program,
        });
    }

    it.each([
        { title: "its AL2 snapshot shows a launch template", al2: AL2_ON_LAUNCH_TEMPLATE, ifAny: "" },
        { title: "it holds no AL2 snapshot at all", al2: undefined, ifAny: " (if any)" },
    ])(
        "stops before any resource once the AL2 node group is gone, when $title, naming the pool and the way out",
        async ({ al2, ifAny }) => {
            const evaluation = await decommission({ ...(al2 !== undefined && { al2 }) });
            expect(evaluation.error).toBeInstanceOf(ConfigError);
            expect((evaluation.error as ConfigError).problems).toEqual([
                `pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" is gone, and the cutover record of pool "general" (written before it recorded the AL2 launch template) does not hold the launch template version it ran${ifAny}: the AL2023 launch template's NodeConfig was translated from that version's user data (kubelet config and flags, preBootstrapScripts, containerd, local disks), and declaring it without them would change it and roll the nodes. Set what the AL2023 nodes still need in pools[0].kubelet (and pools[0].preBootstrapScripts), then add "al2-launch-template-unrecorded" to pools[0].al2Migration.acknowledge`,
            ]);
            const declared = evaluation.resources.map((resource) => resource.type);
            expect(
                declared.filter((type) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(type)),
            ).toEqual([]);
        },
    );

    it("runs once acknowledged, declaring the pool's own kubelet settings only", async () => {
        const evaluation = await decommission({
            al2: AL2_ON_LAUNCH_TEMPLATE,
            acknowledge: ["al2-launch-template-unrecorded"],
        });
        expect(evaluation.error).toBeUndefined();
        const template = evaluation.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
        const [nodeConfig] = (nodeConfigs as (text: string) => NodeConfigDoc[])(
            Buffer.from(template.inputs.userData as string, "base64").toString("utf8"),
        );
        expect(nodeConfig.spec.kubelet).toStrictEqual({ flags: ["--image-gc-high-threshold=80"] });
    });

    it("needs nothing when its AL2 snapshot shows no launch template", async () => {
        const al2: Record<string, unknown> = { ...AL2_ON_LAUNCH_TEMPLATE };
        delete al2.launchTemplate;
        const evaluation = await decommission({ al2 });
        expect(evaluation.error).toBeUndefined();
        const record = (evaluation.outputs.cutover as any).pools.general; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(record.inherited.al2LaunchTemplate).toBe("none");
    });

    it("while the AL2 node group still runs, translates its live launch template and records it", async () => {
        const evaluation = await evaluate(["post-bootstrap-commands"]);
        expect(evaluation.error).toBeUndefined();
        const record = (evaluation.outputs.cutover as any).pools.general; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(record.inherited.al2LaunchTemplate).toStrictEqual({
            id: LAUNCH_TEMPLATE_ID,
            version: "3",
            userData: Buffer.from(USER_DATA).toString("base64"),
            imageId: "",
        });
    });
});
