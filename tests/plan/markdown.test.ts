import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parsePlanArgs } from "../../plan/cli-args";
import { spawnSync } from "node:child_process";
import { MARKDOWN_LINE_WIDTH, renderMarkdown, shellLines, shortenCertificate, table, wrap } from "../../plan/markdown";
import { planStack } from "../../plan/plan";
import { exampleFacts } from "../fakes/mocks";

async function markdown(stack: string, phase: string): Promise<string> {
    return renderMarkdown((await planStack(parsePlanArgs(["--stack", stack, "--phase", phase]))).document);
}

/** The cells of a Markdown table row (`| a | b \| c |` → ["a", "b \| c"]). */
function cells(line: string): string[] {
    return line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((cell) => cell.trim());
}

/** Every Markdown table of a document: header cells and rows of cells. */
function tables(text: string): { header: string[]; rows: string[][] }[] {
    const found: { header: string[]; rows: string[][] }[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (!lines[i].startsWith("| ") || !lines[i + 1]?.startsWith("| ---")) continue;
        const header = cells(lines[i]);
        const rows: string[][] = [];
        for (i += 2; lines[i]?.startsWith("| "); i++) rows.push(cells(lines[i]));
        found.push({ header, rows });
    }
    return found;
}

/** The YAML of the first fenced ```yaml block. */
function firstYamlBlock(text: string): unknown {
    const match = /```yaml\n([\s\S]*?)\n```/.exec(text);
    if (!match) throw new Error("no yaml block");
    return parseYaml(match[1]);
}

describe("Markdown plan", () => {
    it.each([
        ["prod", "shift"],
        ["prod", "decommission"],
        ["dev", "drain"],
        ["rehearsal", "drain"],
    ])("%s %s: no line longer than 120, tables well formed, starts with the notice", async (stack, phase) => {
        const text = await markdown(stack, phase);
        const long = text.split("\n").filter((line) => line.length > 120);
        expect(long).toEqual([]);
        expect(text.split("\n")[0]).toMatch(/^> OFFLINE EVALUATION with mocked cloud answers/);
        const found = tables(text);
        expect(found.length).toBeGreaterThan(0);
        for (const { header, rows } of found) for (const row of rows) expect(row).toHaveLength(header.length);
    });

    it("prod shift: a table per pool comparing both node groups, and the NodeConfig with the CA shortened", async () => {
        const text = await markdown("prod", "shift");
        const ca = exampleFacts("prod").cluster.cluster.certificateAuthority.data;
        const expectedCa = `${ca.slice(0, 16)}…(${ca.length} characters)`;
        expect(text).not.toContain(ca);
        const general = tables(text)[0];
        expect(general.header).toEqual(["", "AL2023", "AL2"]);
        expect(general.rows.find((row) => row[0] === "node group")).toEqual([
            "node group",
            "`general-*`",
            "`prod-general-al2`",
        ]);
        expect(general.rows.find((row) => row[0] === "taints after")?.[2]).toBe(
            "eks-al2023-migration/legacy=draining:NO_SCHEDULE",
        );
        const nodeConfig = firstYamlBlock(text) as { spec: { cluster: Record<string, unknown> } };
        expect(nodeConfig.spec.cluster.certificateAuthority).toBe(expectedCa);
        expect(nodeConfig.spec.cluster.name).toBe("shop-prod");
        // prod's batch pool keeps its own phase (pools[1].phase: prepare).
        expect(text).toContain("### Pool `batch`: phase prepare (assumed last deployed: none)");
    });

    it("a refused plan lists each problem", async () => {
        const text = await markdown("dev", "drain");
        expect(text).toContain("Result: ✅ OK");
        const refused = renderMarkdown({
            ...(await planStack(parsePlanArgs(["--stack", "dev"]))).document,
            ok: false,
            error: { message: "Invalid stack configuration (1 problem)", problems: ["cutoverPhase: x is not allowed"] },
        });
        expect(refused).toContain(
            "Result: ❌ FAILED\n\n**The program refused this plan:**\n\n- cutoverPhase: x is not allowed",
        );
    });
});

describe("Markdown helpers", () => {
    it("shortens a certificate to its start and length", () => {
        expect(shortenCertificate("A".repeat(1476))).toBe(`${"A".repeat(16)}…(1476 characters)`);
        expect(shortenCertificate("short")).toBe("short");
    });

    it("wraps at word boundaries with the continuation prefix", () => {
        const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
        const lines = wrap(words, "- ", "  ");
        expect(lines.every((line) => line.length <= MARKDOWN_LINE_WIDTH)).toBe(true);
        expect(lines[0].startsWith("- word0 word1")).toBe(true);
        expect(lines[1].startsWith("  word")).toBe(true);
        expect(lines.join(" ").replace(/^- /, "").split(/\s+/)).toStrictEqual(words.split(" "));
    });

    it("breaks a long shell command at spaces outside quotes, so bash runs the same command", () => {
        const command =
            "for node in $(kubectl get nodes -l eks.amazonaws.com/nodegroup=prod-general-al2 -o jsonpath='{.items[*].metadata.name}'); " +
            "do echo 'a b   c' $node; done";
        const lines = shellLines(command);
        expect(lines.length).toBeGreaterThan(1);
        expect(lines.every((line) => line.length <= MARKDOWN_LINE_WIDTH)).toBe(true);
        expect(lines.slice(0, -1).every((line) => line.endsWith(" \\"))).toBe(true);
        expect(lines.some((line) => line.includes("'a b   c'"))).toBe(true);
        // bash runs the broken lines as the one command.
        const printed = `printf '%s\\n' ${Array.from({ length: 30 }, (_, i) => `word-${i}`).join(" ")} 'a b   c' "x  y"`;
        const broken = shellLines(printed);
        expect(broken.length).toBeGreaterThan(1);
        const run = (script: string) => spawnSync("bash", ["-c", script], { encoding: "utf8" }).stdout;
        expect(run(broken.join("\n"))).toBe(run(printed));
        expect(run(printed).split("\n")).toContain("a b   c");
        expect(shellLines("kubectl get pdb -A")).toEqual(["kubectl get pdb -A"]);
    });

    it("escapes pipes and cuts an over-long cell with an ellipsis", () => {
        expect(table(["a", "b"], [["x|y", "z"]])).toEqual(["| a | b |", "| --- | --- |", "| x\\|y | z |"]);
        const [, , row] = table(["k", "v"], [["key", "v".repeat(200)]]);
        expect(row).toHaveLength(MARKDOWN_LINE_WIDTH);
        expect(row.endsWith("… |")).toBe(true);
    });
});
