import { describe, expect, it } from "vitest";
import { simulatePrevious } from "../../plan/simulate";
import {
    LAUNCH_TEMPLATE,
    ebsVolumesEncrypted,
    hopLimitAtMostTwo,
    imdsV2Required,
    noPublicIp,
    noSshKey,
} from "../../policy/rules/launch-template";
import { LEGACY_NODE_GROUP_COMPONENT } from "../../policy/rules/markers";
import { NODE_GROUP, al2023AmiType, legacyNeverGrows, noRemoteAccess } from "../../policy/rules/node-group";
import { DEFAULT_PROTECTED_STACKS, nodeGroupProtected } from "../../policy/rules/protection";
import { ROLE, noWildcardPrincipal, oidcTrustScoped, podIdentityTrust } from "../../policy/rules/trust-policy";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";
import { evaluateForPolicy, type DeclaredResource } from "../fakes/policy-evaluate";

type Stack = "dev" | "prod";

/** Evaluates `index.ts`'s program for a stack in a phase: its stack file, its facts, a one-step move. */
async function declaredResources(stack: Stack, phase: CutoverPhase): Promise<DeclaredResource[]> {
    const { default: program } = await import("../../index");
    const facts = exampleFacts(stack);
    const config = { ...stackFileConfig(stack), cutoverPhase: phase };
    // The last deployment one step before `phase` (the offline plan's simulation), and dev having done `phase`.
    const { previousOutputs, otherStacks } = simulatePrevious({ stack, config, facts });
    const evaluation = await evaluateForPolicy({
        stack,
        config,
        facts,
        previousOutputs,
        otherStacks,
        program,
    });
    if (evaluation.error !== undefined) {
        expect.fail(
            `${stack} in ${phase}: ${evaluation.error instanceof Error ? evaluation.error.message : String(evaluation.error)}`,
        );
    }
    return evaluation.resources;
}

/** Mandatory resource rules per resource type; the advisory hop-limit-2 rule is left out (2 is a valid choice). */
const resourceRules: Record<string, ((inputs: Record<string, unknown>, resource: { urn: string }) => string[])[]> = {
    [LAUNCH_TEMPLATE]: [imdsV2Required, hopLimitAtMostTwo, ebsVolumesEncrypted, noSshKey, noPublicIp],
    [NODE_GROUP]: [al2023AmiType, noRemoteAccess],
    [ROLE]: [noWildcardPrincipal, oidcTrustScoped, podIdentityTrust],
};

/** Every mandatory violation, resource and stack rules, by `<type>::<name>`. */
function violations(resources: readonly DeclaredResource[]): Record<string, string[]> {
    const found: Record<string, string[]> = {};
    for (const resource of resources) {
        const view = { ...resource, props: resource.inputs };
        const messages = [
            ...(resourceRules[resource.type] ?? []).flatMap((rule) => rule(resource.inputs, resource)),
            ...legacyNeverGrows(view),
            ...nodeGroupProtected(view, DEFAULT_PROTECTED_STACKS),
        ];
        if (messages.length > 0) found[`${resource.type}::${resource.name}`] = messages;
    }
    return found;
}

const cases = (["dev", "prod"] as const).flatMap((stack) => CUTOVER_PHASES.map((phase) => [stack, phase] as const));

describe.each(cases)("the guardrails pass the program's own %s stack in %s", (stack, phase) => {
    it("every launch template, node group and role meets every mandatory rule", async () => {
        const resources = await declaredResources(stack, phase);
        expect(violations(resources)).toStrictEqual({});
        const count = (type: string) => resources.filter((resource) => resource.type === type).length;
        expect(count(LAUNCH_TEMPLATE)).toBeGreaterThan(0);
        expect(count(NODE_GROUP)).toBeGreaterThanOrEqual(count(LAUNCH_TEMPLATE));
        // The AL2 node groups are exactly the adopted ones, known by their parent and URN (no tag in AWS).
        const al2 = resources.filter((r) => r.type === NODE_GROUP && String(r.inputs.amiType).startsWith("AL2_"));
        const adopted = resources.filter(
            (r) => r.type === NODE_GROUP && r.parent?.type === LEGACY_NODE_GROUP_COMPONENT,
        );
        expect(al2.map((r) => r.name)).toStrictEqual(adopted.map((r) => r.name));
        expect(al2.every((r) => r.urn.includes(`::${LEGACY_NODE_GROUP_COMPONENT}$${NODE_GROUP}::`))).toBe(true);
        expect(al2.length > 0).toBe(phase !== "decommission" || stack === "prod");
        for (const resource of adopted) {
            const size = resource.parent?.props.sizeAtAdoption as { desired: number; max: number };
            const scaling = resource.inputs.scalingConfig as { desiredSize: number; maxSize: number };
            expect(scaling.desiredSize).toBeLessThanOrEqual(size.desired);
            expect(scaling.maxSize).toBeLessThanOrEqual(size.max);
        }
    });
});
