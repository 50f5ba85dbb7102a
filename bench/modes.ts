import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** One way Pulumi's Node.js language host can load a TypeScript program. */
export interface LoaderMode {
    readonly id: "ts-node" | "ts-node-transpile-only" | "precompiled" | "tsx";
    /** The Pulumi.yaml (and package.json) settings that select it. */
    readonly settings: string;
    /** Node arguments before the language host's run script (`runtime.options.nodeargs`). */
    readonly nodeArgs: readonly string[];
    /** Environment the language host sets (`PULUMI_NODEJS_TYPESCRIPT` from `runtime.options.typescript`). */
    readonly env: Readonly<Record<string, string>>;
    /** Whether it runs the compiled JavaScript (`main: bin/`) instead of the TypeScript sources. */
    readonly compiled: boolean;
}

/**
 * The four ways, each cold as on a fresh CI runner or Deployments container: ts-node 7's output cache and tsx's
 * transform cache are off (`TS_NODE_CACHE=false`, `TSX_DISABLE_CACHE=1`).
 */
export const LOADER_MODES: readonly LoaderMode[] = [
    {
        id: "ts-node",
        settings: "runtime.options.typescript: true (the default): Pulumi's vendored ts-node 7, type-checking",
        nodeArgs: [],
        env: { PULUMI_NODEJS_TYPESCRIPT: "true", TS_NODE_CACHE: "false" },
        compiled: false,
    },
    {
        id: "ts-node-transpile-only",
        settings: "typescript: true + PULUMI_NODEJS_TRANSPILE_ONLY=true (or noCheck in the tsconfig Pulumi reads)",
        nodeArgs: [],
        env: { PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TRANSPILE_ONLY: "true", TS_NODE_CACHE: "false" },
        compiled: false,
    },
    {
        id: "precompiled",
        settings: "typescript: false, main: pulumi-main.js (the program compiled to bin/ by npm run build)",
        nodeArgs: [],
        env: {},
        compiled: true,
    },
    {
        id: "tsx",
        settings: "typescript: false, nodeargs: --import tsx",
        nodeArgs: ["--import", "tsx"],
        env: { TSX_DISABLE_CACHE: "1" },
        compiled: false,
    },
];

/** The loader mode a Pulumi.yaml selects (runtime options `typescript`, `nodeargs`, top-level `main`). */
export function configuredMode(pulumiYaml: string): LoaderMode["id"] {
    const doc = (parseYaml(pulumiYaml) ?? {}) as {
        runtime?: string | { options?: { typescript?: boolean; nodeargs?: string } };
        main?: string;
    };
    const options = typeof doc.runtime === "object" ? (doc.runtime.options ?? {}) : {};
    if (options.typescript !== false) return "ts-node";
    if (/(^|\s)(--import|--require|-r)[= ]\s*tsx\b/.test(options.nodeargs ?? "")) return "tsx";
    if (doc.main !== undefined && path.extname(doc.main) !== ".ts") return "precompiled";
    throw new Error("Pulumi.yaml: typescript: false needs main (compiled JavaScript) or nodeargs: --import tsx");
}
