import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { IMDS_HOP_LIMIT } from "../../common/aws-limits";
import { TYPE_TOKENS } from "../../common/project";
import { bundlePolicyPack } from "../../policy/bundle";
import { ROOT } from "../fakes/mocks";

describe("the publishable policy pack (npm run policy:bundle)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
    bundlePolicyPack(dir);
    const code = fs.readFileSync(path.join(dir, "index.js"), "utf8");

    it("is one folder with the pack's manifest, lockfile and one JavaScript entry point", () => {
        expect(fs.readdirSync(dir).sort()).toEqual([
            "PulumiPolicy.yaml",
            "index.js",
            "package-lock.json",
            "package.json",
        ]);
        const source = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8"));
        expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toStrictEqual({
            ...source,
            main: "index.js",
        });
        expect(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")).toBe(
            fs.readFileSync(path.join(ROOT, "policy", "package-lock.json"), "utf8"),
        );
        expect(spawnSync(process.execPath, ["--check", path.join(dir, "index.js")]).status).toBe(0);
    });

    it("needs nothing outside the folder but its own dependencies: the shared names and limits are inlined", () => {
        const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect([...new Set(required)].sort()).toEqual(["@pulumi/policy"]);
        expect(code).toContain(JSON.stringify(TYPE_TOKENS.LegacyNodeGroup));
        expect(code).toContain(`max: ${IMDS_HOP_LIMIT.max}`);
    });

    it("declares the same dependency versions as the project (one SDK version everywhere)", () => {
        const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8"));
        for (const name of ["@pulumi/policy", "@pulumi/pulumi", "typescript"]) {
            expect(pack.dependencies[name]).toBe(root.dependencies[name] ?? root.devDependencies[name]);
        }
    });
});
