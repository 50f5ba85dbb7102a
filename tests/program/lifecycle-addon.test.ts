import { describe, expect, it } from "vitest";
import { beforeMigration, LifecycleEngine, type EngineRun } from "../fakes/lifecycle-engine";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";
import type { DescribeAddonOutput } from "../../plan/cloud-facts";

const ADDON = "aws:eks/addon:Addon::workloads-pod-identity-agent";

/** The add-on as the cluster had it before the stack: installed from the console, no role, its own tags. */
const INSTALLED_BY_HAND: DescribeAddonOutput = {
    addon: {
        addonName: "eks-pod-identity-agent",
        clusterName: "shop-dev",
        addonVersion: "v1.3.2-eksbuild.2",
        status: "ACTIVE",
        tags: { "created-by": "console" },
    },
};

/** The inputs of the add-on once the stack manages it: the configured add-on, the stack's tags. */
const CONFIGURED = {
    clusterName: "shop-dev",
    addonName: "eks-pod-identity-agent",
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
    tags: { environment: "dev", owner: "platform-team" },
};

/** The inputs an import declares: exactly what the cluster has. */
const AS_INSTALLED = {
    clusterName: "shop-dev",
    addonName: "eks-pod-identity-agent",
    addonVersion: "v1.3.2-eksbuild.2",
    tags: { "created-by": "console" },
};

/**
 * One `pulumi up` of dev in `prepare`, and the agent add-on it declared: `create` (no import), `import <id>`, and its
 * inputs; `outcome` and the `podIdentityAgent` output after it.
 */
interface Step {
    readonly title: string;
    readonly fail?: string;
    readonly outcome: "ok" | "failed";
    readonly declared: { readonly import?: string; readonly inputs: Record<string, unknown> };
    readonly recorded: boolean;
}

function describeSteps(cluster: string, steps: readonly Step[], engine: LifecycleEngine): void {
    it.each(steps.map((step, index) => ({ ...step, index })))(`${cluster} $index: $title`, async (step) => {
        const config = { ...stackFileConfig("dev"), cutoverPhase: "prepare" };
        const run: EngineRun = await engine.up({
            stack: "dev",
            config,
            ...(step.fail !== undefined && { fail: [step.fail] }),
        });
        expect(run.failed).toBe(step.outcome === "failed");
        expect(run.cloud.failed).toStrictEqual(step.fail !== undefined ? [step.fail] : []);
        const addon = run.evaluation.resources.find((r) => `${r.type}::${r.name}` === ADDON);
        const imported = run.evaluation.options.get(ADDON)?.import;
        expect({ ...(imported !== undefined && { import: imported }), inputs: addon?.inputs }).toStrictEqual(
            step.declared,
        );
        expect(run.outputs.podIdentityAgent).toStrictEqual(
            step.recorded ? { addonName: "eks-pod-identity-agent", managed: true } : undefined,
        );
        // Whatever the stack did, the cluster has exactly one agent add-on, and it is ACTIVE.
        expect(engine.facts("dev").addons?.["eks-pod-identity-agent"]?.addon.status).toBe("ACTIVE");
    });
}

// The engine fails a create of an add-on the cluster already has (EKS's ResourceInUseException) and an import whose id
// differs from the state's, as Pulumi and EKS would; an import of what the state already holds is an ordinary update.
// prettier-ignore
const ADOPTED: readonly Step[] = [
    // The add-on is imported; the launch template fails, so no output is registered.
    { title: "prepare: launch template fails after the import", fail: "general-lt", outcome: "failed",
      declared: { import: "shop-dev:eks-pod-identity-agent", inputs: AS_INSTALLED }, recorded: false },
    // Nothing recorded that the stack manages it: it is imported again with the same id, which the engine ignores
    // (the add-on is in the state), so the run goes ahead.
    { title: "prepare", outcome: "ok",
      declared: { import: "shop-dev:eks-pod-identity-agent", inputs: AS_INSTALLED }, recorded: true },
    { title: "prepare again: the configured add-on, updated in place", outcome: "ok",
      declared: { inputs: CONFIGURED }, recorded: true },
    { title: "prepare again: a failed run keeps the record", fail: "general-lt", outcome: "failed",
      declared: { inputs: CONFIGURED }, recorded: true },
];

// prettier-ignore
const CREATED: readonly Step[] = [
    // The stack creates the add-on; the launch template fails, so no output is registered.
    { title: "prepare: launch template fails after the create", fail: "general-lt", outcome: "failed",
      declared: { inputs: CONFIGURED }, recorded: false },
    // The cluster has it now and no run recorded it: imported with its live inputs, the id the state holds.
    { title: "prepare", outcome: "ok",
      declared: { import: "shop-dev:eks-pod-identity-agent",
                  inputs: { clusterName: "shop-dev", addonName: "eks-pod-identity-agent", addonVersion: "v1.3.4-eksbuild.1",
                            tags: { environment: "dev", owner: "platform-team" } } },
      recorded: true },
    { title: "prepare again", outcome: "ok", declared: { inputs: CONFIGURED }, recorded: true },
];

describe.sequential("the Pod Identity agent add-on across runs that fail: adopted, never created twice", () => {
    const withAddon = {
        ...beforeMigration(exampleFacts("dev")),
        addons: { "eks-pod-identity-agent": INSTALLED_BY_HAND },
    };
    describeSteps("installed by hand", ADOPTED, new LifecycleEngine({ dev: withAddon }));
    describeSteps("created by the stack", CREATED, new LifecycleEngine({ dev: beforeMigration(exampleFacts("dev")) }));
});
