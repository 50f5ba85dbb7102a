import { describe, expect, it } from "vitest";
import { evaluateOffline } from "../../plan/evaluate";
import { inheritanceField, inheritanceLines } from "../../plan/inheritance-report";
import { exampleFacts, stackFileConfig, withAl2LaunchTemplate } from "../fakes/mocks";
import { nodeConfigs } from "../fakes/mime";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LAUNCH_TEMPLATE_ID = "lt-0a1b2c3d4e5f60718";

/** AL2 user data giving kubelet a label, a taint, max-pods, a KubeletConfiguration field and a flag without one. */
const USER_DATA = [
    "#!/bin/bash",
    "/etc/eks/bootstrap.sh shop-dev --use-max-pods false \\",
    "  --kubelet-extra-args '--max-pods=110 --node-labels=team=shop --register-with-taints=dedicated=shop:NoSchedule --image-gc-high-threshold=80 --image-gc-low-threshold=60 --v=2'",
    "",
].join("\n");

/**
 * The dev stack (its AL2 node group labelled workload=general, no taints) on a launch template holding USER_DATA,
 * its pool edited by `edit` (dev's pool sets `labels: {workload: general}` and a kubelet flag).
 */
async function evaluate(edit: (pool: Json) => void) {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as Json;
    edit(config.pools[0]);
    const facts = withAl2LaunchTemplate(exampleFacts("dev"), { id: LAUNCH_TEMPLATE_ID, userData: USER_DATA });
    const evaluation = await evaluateOffline({
        stack: "dev",
        config,
        facts,
        previousOutputs: {},
        program,
    });
    expect(evaluation.error).toBeUndefined();
    const nodeGroup = evaluation.resources.find(
        (r) => r.type === "aws:eks/nodeGroup:NodeGroup" && String(r.inputs.amiType ?? "").startsWith("AL2023"),
    )!;
    const template = evaluation.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
    const [nodeConfig] = nodeConfigs(Buffer.from(template.inputs.userData as string, "base64").toString("utf8")) as {
        spec: { kubelet: unknown };
    }[];
    const pool = (evaluation.outputs.pools as Json).general as Json;
    return {
        nodeGroup: nodeGroup.inputs,
        kubelet: nodeConfig!.spec.kubelet,
        changes: pool.inheritance.changes as string[],
        planLines: inheritanceLines(inheritanceField(pool).inheritance),
    };
}

/** dev's pool sets more instance types than its AL2 node group's (a change of the node group's, listed first). */
const INSTANCE_TYPES = "instance types t3.large changed to t3.large, t3a.large, m6i.large";

const USER_DATA_TAINT = { key: "dedicated", value: "shop", effect: "NO_SCHEDULE" };

describe("the AL2 user data's labels and taints on the AL2023 pool", () => {
    it.each([
        {
            title: "the pool sets labels and taints: its own only, the user data's listed as dropped or changed",
            edit: (pool: Json) => {
                pool.taints = [{ key: "dedicated", value: "other", effect: "NO_SCHEDULE" }];
            },
            labels: { workload: "general" },
            taints: [{ key: "dedicated", value: "other", effect: "NO_SCHEDULE" }],
            changes: [
                INSTANCE_TYPES,
                "label team=shop dropped (AL2 user data --node-labels)",
                "taint dedicated:NO_SCHEDULE value changed from shop to other (AL2 user data --register-with-taints)",
            ],
        },
        {
            title: "the pool sets labels {} and taints []: none, everything of the AL2 nodes listed as dropped",
            edit: (pool: Json) => {
                pool.labels = {};
                pool.taints = [];
            },
            labels: {},
            taints: [],
            changes: [
                "label workload=general dropped",
                INSTANCE_TYPES,
                "label team=shop dropped (AL2 user data --node-labels)",
                "taint dedicated=shop:NO_SCHEDULE dropped (AL2 user data --register-with-taints)",
            ],
        },
        {
            title: "the pool sets labels, not taints: its labels, the user data's taint",
            edit: () => {},
            labels: { workload: "general" },
            taints: [USER_DATA_TAINT],
            changes: [INSTANCE_TYPES, "label team=shop dropped (AL2 user data --node-labels)"],
        },
        {
            title: "the pool sets neither: the node group's and the user data's, nothing dropped",
            edit: (pool: Json) => {
                delete pool.labels;
            },
            labels: { workload: "general", team: "shop" },
            taints: [USER_DATA_TAINT],
            changes: [INSTANCE_TYPES],
        },
    ])("$title", async ({ edit, labels, taints, changes }) => {
        const result = await evaluate((pool) => {
            pool.al2Migration = { acknowledge: [] };
            edit(pool);
        });
        expect(result.nodeGroup.labels).toStrictEqual(labels);
        expect(result.nodeGroup.taints ?? []).toStrictEqual(taints);
        expect(result.changes).toStrictEqual(changes);
        const listed = result.planLines.filter(
            (line) => line.startsWith("    - ") || line.includes("drops or changes"),
        );
        expect(listed).toStrictEqual([
            "  AL2023 pool drops or changes:",
            ...changes.map((change) => `    - ${change}`),
        ]);
    });
});

describe("the AL2 user data's kubelet settings on the AL2023 pool", () => {
    it("are overridden by the pool's own: its maxPods and config fields win, its flags come last", async () => {
        const result = await evaluate((pool) => {
            pool.kubelet = { maxPods: 58, config: { imageGCHighThresholdPercent: 85 }, flags: ["--v=4"] };
        });
        // The user data: --max-pods=110 --image-gc-high-threshold=80 --image-gc-low-threshold=60 --v=2.
        expect(result.kubelet).toStrictEqual({
            config: { maxPods: 58, imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 60 },
            flags: ["--v=2", "--v=4"],
        });
    });
});
