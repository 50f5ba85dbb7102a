import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../common/project";
import { OfflineCloud, type RecordedResource } from "./offline-cloud";
import { type CloudFacts } from "./cloud-facts";

/** Resource options the plan shows (mocks do not see options, so a stack transformation records them). */
export interface RecordedOptions {
    readonly protect: boolean;
    readonly import?: string;
    readonly ignoreChanges: readonly string[];
    readonly dependsOnCount: number;
}

/** What one offline evaluation of the real program produced. */
export interface Evaluation {
    readonly resources: readonly RecordedResource[];
    /** By `<type>::<name>`. */
    readonly options: ReadonlyMap<string, RecordedOptions>;
    readonly outputs: Record<string, unknown>;
    readonly invokes: OfflineCloud["invokes"];
    /** What the program threw (a validation or guard error), if it failed. */
    readonly error?: unknown;
}

/** The inputs of one offline evaluation. */
export interface EvaluationRequest {
    readonly stack: string;
    /** Stack config, keys without the project prefix, values as written in Pulumi.<stack>.yaml. */
    readonly config: Readonly<Record<string, unknown>>;
    readonly facts: CloudFacts;
    /** The stack's outputs from its last deployment (read by the program through a StackReference to itself). */
    readonly previousOutputs: Record<string, unknown>;
    /** Outputs of other stacks the program references (`acme/eks-al2023-migration/dev`). @default {} */
    readonly otherStacks?: Readonly<Record<string, Record<string, unknown>>>;
    /** The program to run: `index.ts`'s export. */
    readonly program: () => Promise<unknown>;
    /** The mocks to answer with (a test's cloud that fails chosen resources). @default an OfflineCloud of the above */
    readonly cloud?: OfflineCloud;
}

/** Config as the Pulumi CLI hands it to a program: `project:key` → text (JSON for anything but strings). */
export function configForRuntime(config: Readonly<Record<string, unknown>>): Record<string, string> {
    const runtime: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        runtime[key.includes(":") ? key : `${PROJECT}:${key}`] =
            typeof value === "string" ? value : JSON.stringify(value);
    }
    return runtime;
}

/** The `protect` a parent passes down to children that set none (the SDK keeps it in `__protect`). */
function inheritedProtect(parent: pulumi.Resource | undefined): boolean | undefined {
    return (parent as unknown as { __protect?: boolean } | undefined)?.__protect;
}

/** The key under which a resource's options are recorded. */
export function optionsKey(type: string, name: string): string {
    return `${type}::${name}`;
}

/**
 * Evaluates the program exactly as `pulumi up` would run it, but against Pulumi's mocks: config from the stack file,
 * data-source answers from the cluster facts, resources recorded instead of created.
 */
export async function evaluateOffline(request: EvaluationRequest): Promise<Evaluation> {
    const cloud = request.cloud ?? new OfflineCloud(request.facts, request.previousOutputs, request.otherStacks);
    pulumi.runtime.setAllConfig(configForRuntime(request.config));
    await pulumi.runtime.setMocks(cloud, PROJECT, request.stack, false, "acme");
    const options = new Map<string, RecordedOptions>();
    let error: unknown;
    const run = pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const imported = (args.opts as pulumi.CustomResourceOptions).import;
            options.set(optionsKey(args.type, args.name), {
                // A child inherits `protect` from its parent when it sets none (as the Resource constructor does).
                protect: (args.opts.protect ?? inheritedProtect(args.opts.parent)) === true,
                // Only an import is recorded, not an `import` key set to undefined.
                ...(imported !== undefined && { import: imported }),
                ignoreChanges: args.opts.ignoreChanges ?? [],
                dependsOnCount: Array.isArray(args.opts.dependsOn)
                    ? args.opts.dependsOn.length
                    : args.opts.dependsOn
                      ? 1
                      : 0,
            });
            return undefined;
        });
        try {
            return (await request.program()) as Record<string, unknown>;
        } catch (thrown) {
            // Kept instead of rethrown: a rejected stack would also surface as an unhandled rejection.
            error = thrown;
            return {};
        }
    });
    // A resource that failed rejects every output built from it, and with them the stack's outputs: nothing is
    // registered, as in a failed `pulumi up`.
    const outputs = await run.catch((thrown: unknown) => {
        error ??= thrown;
        return undefined;
    });
    // The stack's outputs resolve before its last RPC lands: wait for the RPC queue to drain. A failed resource leaves
    // registrations waiting for its outputs forever (the engine would end the program), so the queue never drains:
    // then stop once the mocks are quiet.
    const drained = await Promise.race([
        pulumi.runtime.disconnect().then(() => true),
        quiesce(cloud).then(() => false),
    ]);
    if (!drained) pulumi.runtime.disconnectSync();
    return {
        resources: cloud.resources,
        options,
        outputs: outputs ?? {},
        invokes: cloud.invokes,
        ...(error !== undefined && { error }),
    };
}

/**
 * Waits until the mocks have seen no registration or invoke for 100 turns of the event loop. The mocks answer without
 * I/O, so this counts turns, not time: it does not depend on the machine's speed.
 */
async function quiesce(cloud: OfflineCloud): Promise<void> {
    const activity = () => cloud.resources.length + cloud.invokes.length;
    for (let quiet = 0, seen = activity(); quiet < 100; quiet++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (activity() !== seen) [quiet, seen] = [0, activity()];
    }
}
