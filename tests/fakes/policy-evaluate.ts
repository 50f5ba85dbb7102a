import * as pulumi from "@pulumi/pulumi";
import { evaluateOffline, type EvaluationRequest } from "../../plan/evaluate";
import type { ParentView } from "../../policy/rules/markers";
import { resolve } from "./mocks";

/**
 * One resource a program declared, as a policy sees it: inputs, URN, the effective `protect` option, and its parent
 * component's type and registered props (what `PolicyResource.parent` carries).
 */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly protect: boolean;
    readonly inputs: Record<string, unknown>;
    readonly parent?: ParentView;
}

/** What a policy evaluation of a program produced: every declared resource, or what the program threw. */
export interface PolicyEvaluation {
    readonly resources: DeclaredResource[];
    readonly error?: unknown;
}

/**
 * Evaluates a program with `evaluateOffline` (config, facts and previous outputs as the offline plan passes them) and
 * returns what the policies see of each declared resource. Mocks do not see resource options or parents, so a stack
 * transformation records them: `protect` inherited from the parent when a resource does not set it, as the SDK does
 * after transformations run; the parent's props are the inputs it registered.
 */
export async function evaluateForPolicy(request: EvaluationRequest): Promise<PolicyEvaluation> {
    const protectOf = new Map<pulumi.Resource, boolean>();
    const seen: { resource: pulumi.Resource; type: string; name: string; parent?: pulumi.Resource }[] = [];
    const urns = new Map<pulumi.Resource, string>();
    const evaluation = await evaluateOffline({
        ...request,
        program: async () => {
            pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
                const inherited = opts.parent === undefined ? false : (protectOf.get(opts.parent) ?? false);
                protectOf.set(resource, opts.protect ?? inherited);
                seen.push({ resource, type, name, ...(opts.parent !== undefined && { parent: opts.parent }) });
                return undefined;
            });
            const outputs = await request.program();
            // Wait for every registration, not only those the stack outputs depend on.
            await Promise.all(seen.map(async ({ resource }) => urns.set(resource, await resolve(resource.urn))));
            return outputs;
        },
    });
    const recorded = (type: string, name: string) =>
        evaluation.resources.find((r) => r.type === type && r.name === name)?.inputs ?? {};
    const resources = seen.map(({ resource, type, name, parent }) => {
        const parentSeen = seen.find((candidate) => candidate.resource === parent);
        return {
            type,
            name,
            urn: urns.get(resource) ?? "",
            protect: protectOf.get(resource) ?? false,
            inputs: recorded(type, name),
            ...(parentSeen !== undefined && {
                parent: { type: parentSeen.type, props: recorded(parentSeen.type, parentSeen.name) },
            }),
        };
    });
    return { resources, ...(evaluation.error !== undefined && { error: evaluation.error }) };
}
