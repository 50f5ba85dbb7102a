import * as pulumi from "@pulumi/pulumi";
import type { CloudFacts } from "../plan/offline-cloud";
import { PROJECT } from "../stacks/config";
import { resolve, runProgram, useOfflineCloud } from "./mocks";

/** One resource a program declared, as a policy sees it: inputs, URN, and the effective `protect` option. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly protect: boolean;
    readonly inputs: Record<string, unknown>;
}

/**
 * Runs `program` for `stack` under the offline cloud, with `config` (keys without the project prefix, values as
 * written in Pulumi.<stack>.yaml) set the way the CLI hands it over, and returns every declared resource. Mocks do not
 * see resource options, so a stack transformation records `protect`, inheriting it from the parent when a resource
 * does not set it, as the SDK does after transformations run.
 */
export async function evaluateForPolicy(
    stack: string,
    facts: CloudFacts,
    config: Readonly<Record<string, unknown>>,
    program: () => Promise<unknown>,
): Promise<DeclaredResource[]> {
    const runtimeConfig: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        runtimeConfig[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(runtimeConfig);
    const cloud = await useOfflineCloud(facts, { stack });
    const protectOf = new Map<pulumi.Resource, boolean>();
    const seen: { resource: pulumi.Resource; type: string; name: string }[] = [];
    await runProgram(async () => {
        pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
            const inherited = opts.parent === undefined ? false : (protectOf.get(opts.parent) ?? false);
            protectOf.set(resource, opts.protect ?? inherited);
            seen.push({ resource, type, name });
            return undefined;
        });
        return (await program()) as Record<string, unknown>;
    });
    // Wait for every registration, not only those the stack outputs depend on.
    const urns = await Promise.all(seen.map(({ resource }) => resolve(resource.urn)));
    return seen.map(({ resource, type, name }, index) => ({
        type,
        name,
        urn: urns[index],
        protect: protectOf.get(resource) ?? false,
        inputs: cloud.resource(type, name).inputs,
    }));
}
