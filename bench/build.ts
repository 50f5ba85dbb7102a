import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PROGRAM_SOURCES, typeScriptFiles } from "./imports";

/** What the bench compiles: the program and everything the measured children load. */
export const COMPILED_SOURCES: readonly string[] = [...PROGRAM_SOURCES, "plan", "bench"];

/** Where the compiled JavaScript goes, relative to the project root (under the ignored `bin/`). */
export const BUILD_DIR = path.join("bin", "bench");

/**
 * Compiles the program and the bench children to CommonJS under `bin/bench/` (layout kept, so packages resolve from
 * the project's node_modules), with the project's compiler options and no type check (`npm test` runs tsc).
 * This is the JavaScript `tsc` would emit; the children run it with plain `node`, so no loader cost is measured
 * except where a mode asks for one.
 */
export function buildForBench(root: string): string {
    const config = ts.readConfigFile(path.join(root, "tsconfig.json"), (file) => fs.readFileSync(file, "utf8"));
    const { options } = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, root);
    const outDir = path.join(root, BUILD_DIR);
    fs.rmSync(outDir, { recursive: true, force: true });
    for (const file of COMPILED_SOURCES.flatMap((source) => typeScriptFiles(path.join(root, source)))) {
        const output = ts.transpileModule(fs.readFileSync(file, "utf8"), {
            fileName: file,
            compilerOptions: { ...options, sourceMap: false, declaration: false },
        }).outputText;
        const target = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, output);
    }
    return outDir;
}
