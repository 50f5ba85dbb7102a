import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
// The entry point's own freshness check (build-freshness.js), so the tests and `pulumi up` agree on what "fresh" is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleBuildReason } = require("../build-freshness.js") as { staleBuildReason(root: string): string | undefined };

/**
 * Runs once before any test file, outside every timed hook: makes sure bin/ holds a build of the current sources for
 * the entry-point test. `npm ci` has usually just built it (`prepare`); only a missing or stale build is compiled again,
 * however long a loaded machine takes.
 */
export default function buildProgramOnce(): void {
    const stale = staleBuildReason(ROOT);
    if (stale === undefined) return;
    console.log(`${stale}: running npm run build before the tests`);
    execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
}
