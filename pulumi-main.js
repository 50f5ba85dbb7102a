// The entry point Pulumi runs (Pulumi.yaml: `main: pulumi-main.js`, `typescript: false`): the program as compiled
// JavaScript in bin/, which starts about ten times faster than Pulumi's type-checking ts-node (see README,
// Performance). Type errors are caught by `npm test` and by `npm run build`, which `npm ci` runs (`prepare`).
// A program older than its sources must never be deployed, so a stale or missing build stops the run here.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { RunError } = require("@pulumi/pulumi");

const compiled = path.join(__dirname, "bin", "index.js");
// What `npm run build` compiles (tsconfig.build.json `include`: `index.ts` and `<folder>/**/*.ts`) is what must not be
// newer than the build.
const sources = require("./tsconfig.build.json").include.map((pattern) => path.join(__dirname, pattern.split("/")[0]));

/** The newest TypeScript source under `entry` (a file or a folder): [path, modified time in ms]. */
function newestSource(entry) {
    const stat = fs.statSync(entry);
    if (!stat.isDirectory()) return entry.endsWith(".ts") ? [entry, stat.mtimeMs] : [entry, 0];
    return fs
        .readdirSync(entry)
        .map((name) => newestSource(path.join(entry, name)))
        .reduce((newest, candidate) => (candidate[1] > newest[1] ? candidate : newest), [entry, 0]);
}

if (!fs.existsSync(compiled)) {
    throw new RunError(
        "bin/index.js is missing: run `npm run build` (or `npm ci`) before `pulumi preview` or `pulumi up`",
    );
}
const [newestFile, newestTime] = sources
    .map(newestSource)
    .reduce((newest, candidate) => (candidate[1] > newest[1] ? candidate : newest));
if (newestTime > fs.statSync(compiled).mtimeMs) {
    throw new RunError(
        `bin/ is older than ${path.relative(__dirname, newestFile)}: run \`npm run build\` before \`pulumi preview\` or \`pulumi up\``,
    );
}
module.exports = require(compiled);
