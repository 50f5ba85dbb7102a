import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../fakes/mocks";

const COMPILED = path.join(ROOT, "bin", "index.js");

/** Loads pulumi-main.js in a fresh Node process, as the Pulumi language host would; returns what it printed. */
function loadEntry(): { ok: boolean; output: string } {
    try {
        const output = execFileSync(process.execPath, ["-e", 'console.log(typeof require("./pulumi-main.js"))'], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        return { ok: true, output };
    } catch (error) {
        return { ok: false, output: String((error as { stderr?: string }).stderr) };
    }
}

describe("pulumi-main.js, the entry point Pulumi runs", () => {
    let built: fs.Stats;
    // tests/global-setup.ts has built bin/ before any test file runs.
    beforeAll(() => {
        built = fs.statSync(COMPILED);
    });
    afterAll(() => fs.utimesSync(COMPILED, built.atime, built.mtime));

    it("exports the compiled program when bin/ is newer than every source", () => {
        expect(loadEntry()).toStrictEqual({ ok: true, output: "function\n" });
    });

    it("refuses to run a build older than the sources, naming the newer source", () => {
        const past = new Date(Date.now() - 24 * 3600 * 1000);
        fs.utimesSync(COMPILED, past, past);
        const result = loadEntry();
        expect(result.ok).toBe(false);
        expect(result.output).toMatch(
            /bin\/ is older than (index\.ts|(program|config|common|nodes|cutover|identity|rehearsal|preflight)\/)\S*\.ts: run `npm run build`/,
        );
    });
});
