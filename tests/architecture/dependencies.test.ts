import { describe, expect, it } from "vitest";
import { ROOT } from "../fakes/mocks";
import { importCycles, importGraph, type ImportEdge } from "./import-graph";

/**
 * The dependency rule (docs/architecture.md): composition → domains → common. For each top-level folder (or file),
 * what it may import at run time. A domain uses another domain only through type-only imports, or through the
 * shared leaf modules named here. Everything else is a back edge and fails this test.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
    "index.ts": ["program", "config"],
    program: ["program", "config", "common", "nodes", "cutover", "identity", "rehearsal"],
    config: ["config", "common", "nodes", "cutover", "identity", "rehearsal"],
    common: ["common"],
    nodes: ["nodes", "common", "cutover/phases.ts"],
    cutover: ["cutover", "common"],
    identity: ["identity", "common"],
    // The rehearsal's AL2 pool needs a node role exactly like the one the nodes domain creates for AL2023 pools.
    rehearsal: ["rehearsal", "common", "nodes/node-role.ts"],
    // The offline plan runs the whole program under mocks; the bench measures it.
    plan: ["plan", "index.ts", "program", "config", "common", "nodes", "cutover", "identity", "rehearsal"],
    bench: ["bench", "plan", "common", "tsconfig.build.json"],
    // The policy pack is published on its own: it reads only shared names and limits.
    policy: ["policy", "common"],
    // The Deployments bootstrap is a separate program: it shares names, config reading and the build's file list.
    deploy: ["deploy", "common", "config", "tsconfig.build.json"],
};

/** The domains, which may also import each other's types (erased at run time). */
const DOMAINS = ["nodes", "cutover", "identity", "rehearsal"];

/** The folder (or root file) a path belongs to. */
const area = (file: string): string => file.split("/")[0];

/** Whether `to` lies under one of the allowed prefixes (a folder, or one file). */
function allowed(edge: ImportEdge): boolean {
    const from = area(edge.from);
    const targets = MAY_IMPORT[from] ?? [];
    if (targets.some((target) => edge.to === target || edge.to.startsWith(`${target}/`))) return true;
    return edge.typeOnly && DOMAINS.includes(from) && DOMAINS.includes(area(edge.to));
}

const edges = importGraph(ROOT, Object.keys(MAY_IMPORT));

describe("dependencies point one way", () => {
    it("every folder imports only what the rule allows it", () => {
        const backEdges = edges.filter((edge) => !allowed(edge)).map((edge) => `${edge.from} → ${edge.to}`);
        expect(backEdges).toEqual([]);
    });

    it("no module imports itself through others (no cycle, type-only imports included)", () => {
        expect(importCycles(edges)).toEqual([]);
    });

    it("the rule sees the real graph: the composition imports every domain", () => {
        const reached = new Set(edges.filter((edge) => area(edge.from) === "program").map((edge) => area(edge.to)));
        expect([...reached].sort()).toEqual([
            "common",
            "config",
            "cutover",
            "identity",
            "nodes",
            "program",
            "rehearsal",
        ]);
    });
});

describe("the import graph finder", () => {
    it("finds a cycle of three and reports it from its smallest file", () => {
        const cycle = importCycles([
            { from: "b.ts", to: "c.ts", typeOnly: false },
            { from: "c.ts", to: "a.ts", typeOnly: true },
            { from: "a.ts", to: "b.ts", typeOnly: false },
            { from: "a.ts", to: "d.ts", typeOnly: false },
        ]);
        expect(cycle).toEqual([["a.ts", "b.ts", "c.ts"]]);
    });

    it("reports no cycle in a diamond", () => {
        const diamond = importCycles([
            { from: "a.ts", to: "b.ts", typeOnly: false },
            { from: "a.ts", to: "c.ts", typeOnly: false },
            { from: "b.ts", to: "d.ts", typeOnly: false },
            { from: "c.ts", to: "d.ts", typeOnly: false },
        ]);
        expect(diamond).toEqual([]);
    });
});
