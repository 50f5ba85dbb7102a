import { execFileSync } from "node:child_process";
import * as path from "node:path";

/**
 * Runs once before any test file, outside every timed hook: compiles the program to bin/ (as `npm ci` does through
 * `prepare`), so the entry-point test finds a fresh build however long a loaded machine takes to compile it.
 */
export default function buildProgramOnce(): void {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: path.resolve(__dirname, ".."), stdio: "inherit" });
}
