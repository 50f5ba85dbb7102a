import * as path from "node:path";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { loadCloudFacts } from "../../plan/facts-files";
import { OfflineCloud } from "../../plan/offline-cloud";
import { type CloudFacts } from "../../plan/cloud-facts";
import { PROJECT } from "../../common/project";

/** The project root, for reading the stack files and the bundled facts. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** The bundled example facts of a stack (`facts/<stack>/`), shaped like AWS CLI output. */
export function exampleFacts(stack: "dev" | "prod"): CloudFacts {
    return loadCloudFacts(path.join(ROOT, "facts", stack));
}

/**
 * `facts` with dev's AL2 node group (`dev-general-al2`) on version 3 of a launch template whose user data is
 * `userData`, as `describe-nodegroup` and `describe-launch-template-versions` print them.
 */
export function withAl2LaunchTemplate(
    facts: CloudFacts,
    template: { readonly id: string; readonly userData: string | Buffer },
): CloudFacts {
    const al2 = facts.nodegroups["dev-general-al2"].nodegroup;
    return {
        ...facts,
        nodegroups: {
            ...facts.nodegroups,
            "dev-general-al2": {
                nodegroup: { ...al2, launchTemplate: { id: template.id, name: "dev-general-al2", version: "3" } },
            },
        },
        launchTemplateVersions: {
            ...facts.launchTemplateVersions,
            [template.id]: [
                {
                    LaunchTemplateId: template.id,
                    VersionNumber: 3,
                    LaunchTemplateData: { UserData: Buffer.from(template.userData).toString("base64") },
                },
            ],
        },
    };
}

/** The raw config of `Pulumi.<stack>.yaml`, keys without the project prefix. */
export function stackFileConfig(stack: "dev" | "prod"): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    return raw;
}

/**
 * Installs an OfflineCloud as Pulumi's mocks for one evaluation and returns it. Call before declaring resources;
 * each call starts from an empty record.
 */
export async function useOfflineCloud(
    facts: CloudFacts,
    options: { stack?: string; previousOutputs?: Record<string, unknown>; preview?: boolean } = {},
): Promise<OfflineCloud> {
    const cloud = new OfflineCloud(facts, options.previousOutputs);
    await pulumi.runtime.setMocks(cloud, PROJECT, options.stack ?? "dev", options.preview ?? false, "acme");
    return cloud;
}

/**
 * Runs `program` as the Pulumi engine would (inside a root stack resource), waits for every output, and returns the
 * stack outputs. After it resolves, `cloud.resources` holds every declared resource.
 */
export async function runProgram<T>(program: () => Promise<T>): Promise<Record<string, unknown>> {
    const outputs = await pulumi.runtime.runInPulumiStack(program as () => Promise<Record<string, unknown>>);
    // The stack's outputs resolve before its last RPC lands; wait for it, so the next test's mocks start clean.
    await pulumi.runtime.disconnect();
    return (outputs ?? {}) as Record<string, unknown>;
}

/** Resolves an Output (or plain value) to its value, for assertions. */
export function resolve<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise((done) => pulumi.output(value).apply((v) => done(v as pulumi.Unwrap<T>)));
}
