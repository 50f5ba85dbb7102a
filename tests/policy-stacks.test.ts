import { describe, expect, it } from "vitest";
import {
    LAUNCH_TEMPLATE,
    ebsVolumesEncrypted,
    hopLimitAtMostTwo,
    imdsV2Required,
    noPublicIp,
    noSshKey,
} from "../policy/rules/launch-template";
import { NODE_GROUP, al2023AmiType, legacyNeverGrows, noRemoteAccess } from "../policy/rules/node-group";
import { DEFAULT_PROTECTED_STACKS, nodeGroupProtected } from "../policy/rules/protection";
import { ROLE, noWildcardPrincipal, oidcTrustScoped, podIdentityTrust } from "../policy/rules/trust-policy";
import { exampleFacts, stackFileConfig } from "./mocks";
import { evaluateForPolicy, type DeclaredResource } from "./policy-evaluate";

/** Evaluates `index.ts`'s program for a stack: config from Pulumi.<stack>.yaml, facts from facts/<stack>/. */
async function declaredResources(stack: "dev" | "prod"): Promise<DeclaredResource[]> {
    const { default: program } = await import("../index");
    return evaluateForPolicy(stack, exampleFacts(stack), stackFileConfig(stack), program);
}

/** Mandatory rules per resource type; the advisory hop-limit-2 rule is left out (hop limit 2 is a valid choice). */
const mandatoryRules: Record<string, ((inputs: Record<string, unknown>) => string[])[]> = {
    [LAUNCH_TEMPLATE]: [imdsV2Required, hopLimitAtMostTwo, ebsVolumesEncrypted, noSshKey, noPublicIp],
    [NODE_GROUP]: [al2023AmiType, noRemoteAccess, legacyNeverGrows],
    [ROLE]: [noWildcardPrincipal, oidcTrustScoped, podIdentityTrust],
};

describe.each(["dev", "prod"] as const)("the guardrails pass the program's own %s stack", (stack) => {
    it("every launch template, node group and role meets every mandatory rule", async () => {
        const resources = await declaredResources(stack);
        const violations: Record<string, string[]> = {};
        for (const resource of resources) {
            const rules = mandatoryRules[resource.type] ?? [];
            const found = [
                ...rules.flatMap((rule) => rule(resource.inputs)),
                ...nodeGroupProtected({ ...resource, props: resource.inputs }, DEFAULT_PROTECTED_STACKS),
            ];
            if (found.length > 0) violations[`${resource.type}::${resource.name}`] = found;
        }
        expect(violations).toEqual({});
        const count = (type: string) => resources.filter((resource) => resource.type === type).length;
        expect(count(LAUNCH_TEMPLATE)).toBeGreaterThan(0);
        expect(count(NODE_GROUP)).toBeGreaterThan(count(LAUNCH_TEMPLATE));
        expect(resources.some((r) => r.type === NODE_GROUP && String(r.inputs.amiType).startsWith("AL2_"))).toBe(true);
    });
});
