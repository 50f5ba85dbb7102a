import { describe, expect, it } from "vitest";
import program from "../../index";
import { agentAdoption, agentManagedBefore } from "../../identity/pod-identity-agent";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts, DescribeAddonOutput } from "../../plan/cloud-facts";
import { loadCloudFacts } from "../../plan/facts-files";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ADDON = "aws:eks/addon:Addon";
const NAME = "workloads-pod-identity-agent";

/** The agent add-on as `aws eks describe-addon --cluster-name shop-dev --addon-name eks-pod-identity-agent` prints it. */
const EXISTING: DescribeAddonOutput = {
    addon: {
        addonName: "eks-pod-identity-agent",
        clusterName: "shop-dev",
        status: "ACTIVE",
        addonVersion: "v1.3.4-eksbuild.1",
        tags: { "created-by": "console" },
    },
};

/** dev's stack file (`podIdentityAgent: {manage: true}`) against dev's facts, with or without the add-on. */
async function deployDev(options: {
    readonly facts?: CloudFacts;
    readonly previousOutputs?: Record<string, unknown>;
}): Promise<Evaluation> {
    const run = await evaluateOffline({
        stack: "dev",
        config: stackFileConfig("dev"),
        facts: options.facts ?? exampleFacts("dev"),
        previousOutputs: options.previousOutputs ?? {},
        program,
    });
    if (run.error !== undefined) throw run.error;
    return run;
}

function addon(run: Evaluation): { inputs: Record<string, unknown>; import?: string } {
    const declared = run.resources.filter((r) => r.type === ADDON);
    expect(declared.map((r) => r.name)).toEqual([NAME]);
    return { inputs: declared[0].inputs, import: run.options.get(optionsKey(ADDON, NAME))?.import };
}

describe("the eks-pod-identity-agent add-on: adopted, never collided with", () => {
    it("is created when the cluster has none, and the run records that the stack manages it", async () => {
        const run = await deployDev({});
        expect(addon(run)).toStrictEqual({
            inputs: {
                clusterName: "shop-dev",
                addonName: "eks-pod-identity-agent",
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: { environment: "dev", owner: "platform-team" },
            },
            import: undefined,
        });
        expect(run.outputs.podIdentityAgent).toStrictEqual({ addonName: "eks-pod-identity-agent", managed: true });
    });

    it("is imported with exactly its live inputs when the cluster already has it", async () => {
        const facts = { ...exampleFacts("dev"), addons: { "eks-pod-identity-agent": EXISTING } };
        const run = await deployDev({ facts });
        expect(addon(run)).toStrictEqual({
            inputs: {
                clusterName: "shop-dev",
                addonName: "eks-pod-identity-agent",
                addonVersion: "v1.3.4-eksbuild.1",
                tags: { "created-by": "console" },
            },
            import: "shop-dev:eks-pod-identity-agent",
        });
        expect(run.outputs.podIdentityAgent).toStrictEqual({ addonName: "eks-pod-identity-agent", managed: true });
    });

    it("is not imported again once a completed run recorded it: the configured add-on is declared (an update)", async () => {
        const facts = { ...exampleFacts("dev"), addons: { "eks-pod-identity-agent": EXISTING } };
        const first = await deployDev({ facts });
        const second = await deployDev({ facts, previousOutputs: first.outputs });
        expect(addon(second)).toStrictEqual({
            inputs: {
                clusterName: "shop-dev",
                addonName: "eks-pod-identity-agent",
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: { environment: "dev", owner: "platform-team" },
            },
            import: undefined,
        });
        const third = await deployDev({ facts, previousOutputs: second.outputs });
        expect(addon(third)).toStrictEqual(addon(second));
    });

    it("a run that failed before recording imports again (the record is only written by a completed run)", () => {
        const live = { addonVersion: "v1.3.4-eksbuild.1", tags: {} };
        expect(agentAdoption({ live, managedBefore: false })).toStrictEqual({ mode: "import", live });
        expect(agentAdoption({ live, managedBefore: true })).toStrictEqual({ mode: "managed" });
        expect(agentAdoption({ live: undefined, managedBefore: false })).toStrictEqual({ mode: "create" });
        expect(agentManagedBefore(undefined)).toBe(false);
        expect(agentManagedBefore({ addonName: "eks-pod-identity-agent", managed: false })).toBe(false);
        expect(agentManagedBefore({ addonName: "coredns", managed: true })).toBe(false);
        expect(agentManagedBefore({ addonName: "eks-pod-identity-agent", managed: true })).toBe(true);
    });

    it("the offline plan reads the add-on from `aws eks describe-addon` output in the facts folder", () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "agent-facts-"));
        for (const file of fs.readdirSync(path.join(__dirname, "../../facts/dev"))) {
            fs.copyFileSync(path.join(__dirname, "../../facts/dev", file), path.join(folder, file));
        }
        fs.writeFileSync(path.join(folder, "describe-addon-eks-pod-identity-agent.json"), JSON.stringify(EXISTING));
        expect(loadCloudFacts(folder).addons).toStrictEqual({ "eks-pod-identity-agent": EXISTING });
        expect(exampleFacts("dev").addons).toBeUndefined();
    });
});
