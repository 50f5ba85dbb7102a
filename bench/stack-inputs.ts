import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { loadCloudFacts } from "../plan/facts-files";
import { simulatePrevious } from "../plan/simulate";
import { PROJECT } from "../common/project";
import type { EvalJob } from "./eval-child";

/** The project's root folder (the parent of `bench/`). */
export const ROOT = path.resolve(__dirname, "..");

/** The stack the bench evaluates (and whose config the scale stacks start from). */
export const STACK = "prod";

/** The raw config of `Pulumi.<stack>.yaml` (keys without the project prefix), or {} when there is no stack file. */
export function stackConfig(stack: string): Record<string, unknown> {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return {};
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    return raw;
}

/**
 * What StackReferences read, as the offline plan simulates it (`npm run plan`): every pool moving one phase, from the
 * phase before its configured one (a first deployment for `prepare`), and the promotion gate's stack done with it.
 */
export function previousDeployment(
    config: Record<string, unknown>,
    facts: string,
): Pick<EvalJob, "previousOutputs" | "otherStacks"> {
    const { previousOutputs, otherStacks } = simulatePrevious({ stack: STACK, config, facts: loadCloudFacts(facts) });
    return { previousOutputs, otherStacks };
}

/** Writes a JSON job file for a child and returns its path. */
export function writeJob(dir: string, name: string, job: unknown): string {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(job));
    return file;
}
