// The entry point Pulumi runs (Pulumi.yaml: `main: pulumi-main.js`, `typescript: false`): the program as compiled
// JavaScript in bin/, which starts about ten times faster than Pulumi's type-checking ts-node (see README,
// Performance). Type errors are caught by `npm test` and by `npm run build`, which `npm ci` runs (`prepare`).
// A program older than its sources must never be deployed, so a stale or missing build stops the run here.
"use strict";
const path = require("node:path");
const { RunError } = require("@pulumi/pulumi");
const { staleBuildReason } = require("./build-freshness.js");

const stale = staleBuildReason(__dirname);
if (stale !== undefined) {
    throw new RunError(`${stale}: run \`npm run build\` (or \`npm ci\`) before \`pulumi preview\` or \`pulumi up\``);
}
module.exports = require(path.join(__dirname, "bin", "index.js"));
