// Whether bin/ (what `npm run build` compiles) is at least as new as every TypeScript source it is compiled from.
// One check, used by pulumi-main.js (a stale build must never be deployed) and by tests/global-setup.ts (a fresh build,
// such as the one `npm ci` has just made through `prepare`, is not compiled a second time).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** The newest TypeScript source under `entry` (a file or a folder): [path, modified time in ms]. */
function newestSource(entry) {
    const stat = fs.statSync(entry);
    if (!stat.isDirectory()) return entry.endsWith(".ts") ? [entry, stat.mtimeMs] : [entry, 0];
    return fs
        .readdirSync(entry)
        .map((name) => newestSource(path.join(entry, name)))
        .reduce((newest, candidate) => (candidate[1] > newest[1] ? candidate : newest), [entry, 0]);
}

/**
 * Why the build in `<root>/bin` cannot be used, as the sentence an operator reads, or undefined when it is fresh.
 * What `npm run build` compiles (tsconfig.build.json `include`: `index.ts` and `<folder>/**\/*.ts`) must not be newer
 * than bin/index.js.
 */
function staleBuildReason(root) {
    const compiled = path.join(root, "bin", "index.js");
    if (!fs.existsSync(compiled)) return "bin/index.js is missing";
    const include = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.build.json"), "utf8")).include;
    const [newestFile, newestTime] = include
        .map((pattern) => newestSource(path.join(root, pattern.split("/")[0])))
        .reduce((newest, candidate) => (candidate[1] > newest[1] ? candidate : newest));
    if (newestTime > fs.statSync(compiled).mtimeMs) return `bin/ is older than ${path.relative(root, newestFile)}`;
    return undefined;
}

module.exports = { staleBuildReason };
