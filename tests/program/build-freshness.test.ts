import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleBuildReason } = require("../../build-freshness.js") as {
    staleBuildReason(root: string): string | undefined;
};

let root: string;

/** A project in a temporary folder: tsconfig.build.json compiling `index.ts` and `nodes/**`, and the given files. */
function project(files: Record<string, Date>): string {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "freshness-"));
    fs.writeFileSync(
        path.join(root, "tsconfig.build.json"),
        JSON.stringify({ include: ["index.ts", "nodes/**/*.ts"] }),
    );
    for (const [file, modified] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), "");
        fs.utimesSync(path.join(root, file), modified, modified);
    }
    return root;
}

const EARLIER = new Date("2026-01-01T00:00:00Z");
const LATER = new Date("2026-01-02T00:00:00Z");

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("staleBuildReason: the one check of bin/ against its sources (pulumi-main.js and the tests' build)", () => {
    it("is undefined when bin/index.js is newer than every source", () => {
        expect(
            staleBuildReason(project({ "index.ts": EARLIER, "nodes/a/b.ts": EARLIER, "bin/index.js": LATER })),
        ).toBeUndefined();
    });

    it("names a missing build", () => {
        expect(staleBuildReason(project({ "index.ts": EARLIER }))).toBe("bin/index.js is missing");
    });

    it("names the newest source, also one deep in a compiled folder", () => {
        expect(staleBuildReason(project({ "index.ts": EARLIER, "nodes/a/b.ts": LATER, "bin/index.js": EARLIER }))).toBe(
            `bin/ is older than ${path.join("nodes", "a", "b.ts")}`,
        );
    });

    it("ignores files that are not TypeScript sources", () => {
        expect(
            staleBuildReason(project({ "index.ts": EARLIER, "nodes/notes.md": LATER, "bin/index.js": EARLIER })),
        ).toBeUndefined();
    });
});
