import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** One import of a project file by another: `from` and `to` relative to the root, `typeOnly` when erased at run time. */
export interface ImportEdge {
    readonly from: string;
    readonly to: string;
    readonly typeOnly: boolean;
}

/** Every `.ts` file under `folder` (relative to `root`), sorted. */
function typeScriptFilesUnder(root: string, folder: string): string[] {
    const absolute = path.join(root, folder);
    if (!fs.existsSync(absolute)) return [];
    if (fs.statSync(absolute).isFile()) return folder.endsWith(".ts") ? [folder] : [];
    return fs
        .readdirSync(absolute)
        .sort()
        .flatMap((name) => typeScriptFilesUnder(root, path.join(folder, name)));
}

/** The project file a relative specifier names, as the compiler resolves it (`./x` → `x.ts` or `x/index.ts`). */
function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
    const base = path.join(path.dirname(from), specifier);
    const found = [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) =>
        fs.existsSync(path.join(root, candidate)),
    );
    return found === undefined ? undefined : path.normalize(found);
}

/** Whether an import or export declaration is erased at run time (`import type`, or only `type` named elements). */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
    if (ts.isExportDeclaration(node)) return node.isTypeOnly;
    const clause = node.importClause;
    if (clause === undefined) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return (
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly)
    );
}

/** The relative module specifiers a file uses: static imports and exports, `import()` and `require()`. */
function specifiersOf(source: ts.SourceFile): { specifier: string; typeOnly: boolean }[] {
    const found: { specifier: string; typeOnly: boolean }[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
            if (ts.isStringLiteral(node.moduleSpecifier)) {
                found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node) });
            }
        } else if (ts.isCallExpression(node)) {
            const [first] = node.arguments;
            const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
            const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
            if ((isImport || isRequire) && first !== undefined && ts.isStringLiteral(first)) {
                found.push({ specifier: first.text, typeOnly: false });
            }
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
            const literal = node.argument.literal;
            if (ts.isStringLiteral(literal)) found.push({ specifier: literal.text, typeOnly: true });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found.filter(({ specifier }) => specifier.startsWith("."));
}

/** The import graph of the `.ts` files under `folders` (relative to `root`): every edge between project files. */
export function importGraph(root: string, folders: readonly string[]): ImportEdge[] {
    return folders
        .flatMap((folder) => typeScriptFilesUnder(root, folder))
        .flatMap((file) => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
            return specifiersOf(source).flatMap(({ specifier, typeOnly }) => {
                const to = resolveSpecifier(root, file, specifier);
                return to === undefined ? [] : [{ from: file, to, typeOnly }];
            });
        });
}

/** Every import cycle among the files of `edges`, each as the list of files around it, starting at its smallest. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
    const next = new Map<string, string[]>();
    for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
    const cycles = new Map<string, string[]>();
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string): void => {
        state.set(file, "open");
        stack.push(file);
        for (const target of next.get(file) ?? []) {
            if (state.get(target) === "open") {
                const cycle = stack.slice(stack.indexOf(target));
                const start = cycle.indexOf([...cycle].sort()[0]);
                const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
                cycles.set(rotated.join(" → "), rotated);
            } else if (state.get(target) === undefined) {
                visit(target);
            }
        }
        stack.pop();
        state.set(file, "done");
    };
    for (const file of [...next.keys()].sort()) if (state.get(file) === undefined) visit(file);
    return [...cycles.values()];
}
