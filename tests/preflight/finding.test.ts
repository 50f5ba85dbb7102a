import { describe, expect, it } from "vitest";
import { normalizeFindings, type Finding } from "../../preflight/finding";

const finding = (over: Partial<Finding> & Pick<Finding, "id" | "severity">): Finding => ({
    workload: { namespace: "shop", kind: "Deployment", name: "web" },
    what: "w",
    why: "y",
    fix: "f",
    ...over,
});

describe("normalizeFindings orders the report", () => {
    it("sorts unsorted findings by severity, then workload, then rule id, then pool, then text", () => {
        const input: Finding[] = [
            finding({ id: "b-rule", severity: "info" }),
            finding({
                id: "z-rule",
                severity: "warning",
                workload: { namespace: "shop", kind: "Deployment", name: "b" },
            }),
            finding({ id: "b-rule", severity: "blocker", pool: "general" }),
            finding({
                id: "a-rule",
                severity: "warning",
                workload: { namespace: "shop", kind: "Deployment", name: "b" },
            }),
            finding({ id: "b-rule", severity: "blocker", pool: "batch" }),
            finding({ id: "x-rule", severity: "warning", workload: { namespace: "", kind: "Addon", name: "vpc-cni" } }),
            finding({ id: "a-rule", severity: "blocker", what: "w2" }),
            finding({ id: "a-rule", severity: "blocker", what: "w1" }),
        ];
        expect(
            normalizeFindings(input).map((f) => [f.severity, f.id, f.workload.name, f.pool ?? "-", f.what]),
        ).toStrictEqual([
            ["blocker", "a-rule", "web", "-", "w1"],
            ["blocker", "a-rule", "web", "-", "w2"],
            ["blocker", "b-rule", "web", "batch", "w"],
            ["blocker", "b-rule", "web", "general", "w"],
            ["warning", "x-rule", "vpc-cni", "-", "w"],
            ["warning", "a-rule", "b", "-", "w"],
            ["warning", "z-rule", "b", "-", "w"],
            ["info", "b-rule", "web", "-", "w"],
        ]);
    });

    it("merges repeats into one finding whose pods are listed sorted, whatever order they were seen in", () => {
        const merged = normalizeFindings([
            finding({ id: "r", severity: "warning", pods: ["shop/web-c", "shop/web-a"] }),
            finding({ id: "r", severity: "warning", pods: ["shop/web-b", "shop/web-a"] }),
        ]);
        expect(merged).toStrictEqual([
            {
                id: "r",
                severity: "warning",
                workload: { namespace: "shop", kind: "Deployment", name: "web" },
                what: "w",
                why: "y",
                fix: "f",
                pods: ["shop/web-a", "shop/web-b", "shop/web-c"],
            },
        ]);
    });
});
