/**
 * `npm run policy:bundle`: the guardrails pack as one folder `pulumi policy publish` can upload on its own. The pack
 * shares limits and names with the program (`common/aws-limits.ts`, `common/project.ts`), which lie outside
 * `policy/`; esbuild (https://esbuild.github.io/api/#bundle) inlines them into one `index.js`, leaving only the
 * pack's own dependencies (`@pulumi/*`) to `npm ci`. Then: `cd bin/policy-pack && npm ci && pulumi policy publish <org>`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

/** Where the bundle goes (under the build output, ignored by git). */
export const POLICY_BUNDLE_DIR = path.resolve(__dirname, "..", "bin", "policy-pack");

/** Writes the bundled pack into `outDir`: `index.js`, `PulumiPolicy.yaml`, `package.json` and its lockfile. */
export function bundlePolicyPack(outDir: string = POLICY_BUNDLE_DIR): void {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    buildSync({
        entryPoints: [path.join(__dirname, "index.ts")],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node22",
        external: ["@pulumi/*"],
        outfile: path.join(outDir, "index.js"),
        logLevel: "error",
    });
    // Same dependencies and lockfile as the source pack (so `npm ci` installs exactly them); only the entry point differs.
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")) as Record<
        string,
        unknown
    >;
    fs.writeFileSync(
        path.join(outDir, "package.json"),
        `${JSON.stringify({ ...manifest, main: "index.js" }, null, 4)}\n`,
    );
    fs.copyFileSync(path.join(__dirname, "package-lock.json"), path.join(outDir, "package-lock.json"));
    fs.copyFileSync(path.join(__dirname, "PulumiPolicy.yaml"), path.join(outDir, "PulumiPolicy.yaml"));
}

if (require.main === module) {
    bundlePolicyPack();
    process.stdout.write(`${POLICY_BUNDLE_DIR}\n`);
}
