import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";
import programBuild from "../tsconfig.build.json";

/** The folders and files whose imports make up the Pulumi program (tests, plan and bench are not part of it). */
export const PROGRAM_SOURCES: readonly string[] = programBuild.include.map((pattern) => pattern.split("/")[0]);

const BUILTINS = new Set(builtinModules);

/** Whether a module specifier names an npm package (not a relative path, not a Node built-in). */
export function isPackageSpecifier(specifier: string): boolean {
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return false;
    return !BUILTINS.has(specifier) && !BUILTINS.has(specifier.split("/")[0]);
}

/** Whether a node starts a function body: code in it runs when called, not when the module loads. */
function isFunctionLike(node: ts.Node): boolean {
    return ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
}

/** The string argument of a `require("x")` or `import("x")` call, if `node` is one. */
function loadedSpecifier(node: ts.Node): string | undefined {
    if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
    const [argument] = node.arguments;
    const isLoad =
        node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require");
    return isLoad && ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

/**
 * The package modules one TypeScript file loads when it is loaded, as written (`@pulumi/aws`, `yaml`,
 * `@pulumi/kubernetes/yaml/v2`). The file is transpiled the way the program runs (CommonJS), so type-only imports,
 * which TypeScript erases, do not count; nor do `require`/`import()` calls inside functions, which load the package
 * only when called (the drain's `@kubernetes/client-node` runs in the dynamic provider, not in the program).
 */
export function packageImports(source: string, fileName = "module.ts"): string[] {
    const output = ts.transpileModule(source, {
        fileName,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const found = new Set<string>();
    const visit = (node: ts.Node): void => {
        if (isFunctionLike(node)) return;
        const specifier = loadedSpecifier(node);
        if (specifier !== undefined && isPackageSpecifier(specifier)) found.add(specifier);
        ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile("out.js", output, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS));
    return [...found].sort();
}

/** Every `.ts` file (not `.d.ts`) under `location`, sorted; `location` may be one file. */
export function typeScriptFiles(location: string): string[] {
    if (!fs.existsSync(location)) return [];
    if (!fs.statSync(location).isDirectory()) return location.endsWith(".ts") ? [location] : [];
    return fs
        .readdirSync(location, { withFileTypes: true })
        .flatMap((entry) => typeScriptFiles(path.join(location, entry.name)))
        .filter((file) => !file.endsWith(".d.ts"))
        .sort();
}

/** The package modules the program under `root` imports (tsconfig.build.json `include`), sorted and unique. */
export function programPackageImports(root: string): string[] {
    const files = PROGRAM_SOURCES.flatMap((source) => typeScriptFiles(path.join(root, source)));
    const found = new Set(files.flatMap((file) => packageImports(fs.readFileSync(file, "utf8"), file)));
    return [...found].sort();
}
