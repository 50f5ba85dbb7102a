import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BLOCKING_RULES } from "../../preflight/acknowledge";
import { ROOT } from "../fakes/mocks";

// The README's rule table ("Before you start") stays in step with the rules: every rule id the rules can report has
// a row (or is named in one), and the rows marked blocker are exactly BLOCKING_RULES, which the live gates enforce and
// `preflightAcknowledge` accepts.

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The rows of the table headed `| rule | severity | finds |`: the ids of the first column and the severity. */
function ruleRows(): { ids: string[]; severity: string; finds: string }[] {
    const lines = README.split("\n");
    const start = lines.indexOf("| rule | severity | finds |");
    expect(start).toBeGreaterThan(0);
    const rows: { ids: string[]; severity: string; finds: string }[] = [];
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) break;
        const [first, severity, finds] = line.split(" | ");
        rows.push({ ids: [...first.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]), severity, finds });
    }
    return rows;
}

/** The rule ids the rule sources write as `id: "..."` literals. */
function sourceIds(): string[] {
    const dir = path.join(ROOT, "preflight", "rules");
    const text = fs
        .readdirSync(dir)
        .map((file) => fs.readFileSync(path.join(dir, file), "utf8"))
        .join("\n");
    return [...new Set([...text.matchAll(/id: "([a-z0-9-]+)"/g)].map((m) => m[1]))].sort();
}

describe("the README's pre-flight rule table", () => {
    it("marks exactly BLOCKING_RULES as blockers", () => {
        const blockers = ruleRows()
            .filter((row) => row.severity.startsWith("blocker"))
            .flatMap((row) => row.ids)
            .sort();
        expect(blockers).toEqual([...BLOCKING_RULES].sort());
    });

    it("names every rule id the rules report, and no other", () => {
        const rows = ruleRows();
        const named = new Set(
            rows.flatMap((row) => [...row.ids, ...[...row.finds.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1])]),
        );
        for (const id of sourceIds()) expect(named, id).toContain(id);
        const rowIds = rows.flatMap((row) => row.ids);
        const known = new Set([...sourceIds(), ...BLOCKING_RULES]);
        for (const id of rowIds) expect(known, id).toContain(id);
    });

    it("lists the cgroup v1 rules, written out", () => {
        expect(
            ruleRows()
                .flatMap((row) => row.ids)
                .filter((id) => id.startsWith("runtime-cgroup")),
        ).toEqual(["runtime-cgroup-v1-jdk", "runtime-cgroup-v1-mount", "runtime-cgroup-v1-agent"]);
    });
});
