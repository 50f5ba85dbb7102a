/**
 * The bare program: loads the package modules listed in `BENCH_SDK_MODULES` (a JSON list, the program's package
 * imports) and declares nothing. Run through Pulumi's language host, it is the floor for start-up: what Pulumi and
 * the SDKs cost before any code of ours runs.
 */
import { createRequire } from "node:module";
import * as path from "node:path";

const load = createRequire(path.join(process.cwd(), "package.json"));
for (const module of JSON.parse(process.env.BENCH_SDK_MODULES ?? "[]") as string[]) load(module);

export = async (): Promise<Record<string, unknown>> => ({});
