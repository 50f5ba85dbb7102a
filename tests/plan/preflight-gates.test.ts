import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { main as planMain } from "../../plan/plan";
import type { PlanDocument } from "../../plan/plan-document";
import { captureIo } from "../fakes/capture-io";
import { ROOT } from "../fakes/mocks";

// The offline plan runs the live gates' rules from the cluster dump in the facts folder (the preflight fixture:
// prod's describe-* facts plus the kubectl dump), for the pods on the pool's AL2 nodes.

const DUMP = "tests/fixtures/cluster-dump";

/** The general pool's blockers in the fixture, as the live gate lists them (tests/preflight/live-gate.test.ts). */
const GENERAL_BLOCKERS = [
    { namespace: "shop", kind: "Deployment", name: "checkout", rule: "disruption-pdb-blocks-eviction" },
    { namespace: "shop", kind: "Deployment", name: "image-builder", rule: "runtime-docker-socket" },
    { namespace: "shop", kind: "Deployment", name: "legacy-reports", rule: "sched-node-selector" },
    { namespace: "shop", kind: "Deployment", name: "recommender", rule: "disruption-pdb-overlap" },
    { namespace: "shop", kind: "Deployment", name: "search", rule: "disruption-pdb-blocks-eviction" },
    { namespace: "shop", kind: "Pod", name: "debug-shell", rule: "disruption-unmanaged-pod" },
];
const KEYS = GENERAL_BLOCKERS.map((b) => [`${b.namespace}/${b.kind}/${b.name}`, b.rule]);

/** A project root whose Pulumi.prod.yaml acknowledges these blockers. */
function rootAcknowledging(acknowledged: readonly object[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-gates-"));
    const stack = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    stack.config["eks-al2023-migration:preflightAcknowledge"] = acknowledged;
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), toYaml(stack));
    return dir;
}

async function plan(argv: string[], root?: string) {
    const io = captureIo();
    const code = await planMain(["--stack", "prod", ...argv], io, { cwd: ROOT, ...(root && { root }) });
    return { code, out: io.stdout(), err: io.stderr() };
}

type Gate = NonNullable<PlanDocument["preflightGates"]>[number];
const keysOf = (findings: Gate["blockers"]) =>
    findings.map((f) => [`${f.workload.namespace}/${f.workload.kind}/${f.workload.name}`, f.id]);

describe("the offline plan runs the pre-flight gates from the cluster dump", () => {
    it("--json drain: refuses with the live gate's list, exit 1, the refusal on stderr", async () => {
        const { code, out, err } = await plan(["--phase", "drain", "--facts", DUMP, "--json"]);
        expect(code).toBe(1);
        const doc = JSON.parse(out) as PlanDocument;
        expect(doc.ok).toBe(false);
        // The program itself accepted the plan: the pools are planned, the gate refuses at the drain.
        expect(doc.error).toBeUndefined();
        expect(doc.pools.map((p) => p.name)).toEqual(["general", "batch"]);
        expect(doc.preflightGates?.map((g) => [g.pool, g.step, g.legacyNodeGroup, g.result])).toEqual([
            ["general", "drain", "prod-general-al2", "refused"],
        ]);
        const [gate] = doc.preflightGates!;
        expect(keysOf(gate.blockers)).toStrictEqual(KEYS);
        expect(gate.acknowledged).toEqual([]);
        expect(gate.blockers.every((f) => f.severity === "blocker" && f.pool === "general")).toBe(true);
        expect(gate.refusal?.split("\n")[0]).toBe(
            'pre-flight gate: will not drain AL2 node group "prod-general-al2" of pool "general": 6 workload(s) ' +
                "would not survive the move to AL2023:",
        );
        expect(gate.refusal).toContain(
            "  - shop/Deployment/image-builder [runtime-docker-socket]: mounts /var/run/docker.sock from the host",
        );
        expect(err).toBe(`${gate.refusal}\n`);
    });

    it("text shift: the cordon's gate refuses, listing each workload, rule and fix", async () => {
        const { code, out, err } = await plan(["--phase", "shift", "--facts", DUMP]);
        expect(code).toBe(1);
        expect(out).toContain("Result: FAILED\n");
        const lines = out.split("\n");
        const at = lines.indexOf("## Pre-flight gates (the live gates before shift and drain, on the cluster dump)");
        expect(at).toBeGreaterThan(0);
        expect(lines[at + 1]).toBe("- pool general, before shift (pods on AL2 node group prod-general-al2): REFUSED");
        expect(lines[at + 2]).toBe(
            'pre-flight gate: will not cordon AL2 node group "prod-general-al2" of pool "general": 6 workload(s) ' +
                "would not survive the move to AL2023:",
        );
        const listed = lines.slice(at + 3, at + 9).map((line) => /^ {2}- (\S+) \[([a-z0-9-]+)\]/.exec(line)!.slice(1));
        expect(listed).toStrictEqual(KEYS);
        expect(lines[at + 3]).toContain("; fix: scale the workload above the budget's minAvailable");
        expect(err).toContain('will not cordon AL2 node group "prod-general-al2"');
    });

    it("passes once preflightAcknowledge accepts every blocker: exit 0, the acknowledged ones listed", async () => {
        const root = rootAcknowledging(GENERAL_BLOCKERS);
        const json = await plan(["--phase", "drain", "--facts", DUMP, "--json"], root);
        expect(json.err).toBe("");
        expect(json.code).toBe(0);
        const doc = JSON.parse(json.out) as PlanDocument;
        expect(doc.ok).toBe(true);
        const [gate] = doc.preflightGates!;
        expect([gate.step, gate.result, gate.blockers, gate.refusal]).toEqual(["drain", "passed", [], undefined]);
        expect(keysOf(gate.acknowledged)).toStrictEqual(KEYS);
        const text = await plan(["--phase", "shift", "--facts", DUMP], root);
        expect(text.code).toBe(0);
        expect(text.out).toContain(
            "- pool general, before shift (pods on AL2 node group prod-general-al2): passed (acknowledged in " +
                "preflightAcknowledge: shop/Deployment/checkout [disruption-pdb-blocks-eviction], " +
                "shop/Deployment/image-builder [runtime-docker-socket], ",
        );
    });

    it("an acknowledgement covers only its workload and rule", async () => {
        const root = rootAcknowledging(GENERAL_BLOCKERS.slice(1));
        const { code, out, err } = await plan(["--phase", "drain", "--facts", DUMP, "--json"], root);
        expect(code).toBe(1);
        const [gate] = (JSON.parse(out) as PlanDocument).preflightGates!;
        expect(keysOf(gate.blockers)).toEqual([KEYS[0]]);
        expect(keysOf(gate.acknowledged)).toStrictEqual(KEYS.slice(1));
        expect(err).toContain('of pool "general": 1 workload(s) would not survive');
    });

    it("--markdown lists each blocker of a refused gate", async () => {
        const { code, out } = await plan(["--phase", "drain", "--facts", DUMP, "--markdown"]);
        expect(code).toBe(1);
        expect(out).toContain("### Pre-flight gates (the live gates before shift and drain, on the cluster dump)");
        expect(out).toContain(
            "- Pool `general`, before drain (pods on AL2 node group `prod-general-al2`): ❌ refused\n" +
                "  - `shop/Deployment/checkout` [disruption-pdb-blocks-eviction]: PodDisruptionBudget shop/checkout",
        );
        expect(out).toContain("  - `shop/Pod/debug-shell` [disruption-unmanaged-pod]: no controller");
    });

    it("runs no gate in a phase that creates no cordon or drain", async () => {
        for (const phase of ["prepare", "canary", "decommission"]) {
            const { code, out } = await plan(["--phase", phase, "--facts", DUMP, "--json"]);
            const doc = JSON.parse(out) as PlanDocument;
            expect([phase, code, doc.ok, doc.preflightGates]).toEqual([phase, 0, true, undefined]);
        }
        // Drain again after a drain (--from drain): the drain exists already, so it runs no gate.
        const again = JSON.parse((await plan(["--phase", "drain", "--from", "drain", "--facts", DUMP, "--json"])).out);
        expect((again as PlanDocument).preflightGates).toBeUndefined();
    });

    it("without a dump in the facts, the gate is listed as not checked and does not fail the plan", async () => {
        const { code, out } = await plan(["--phase", "shift", "--json"]);
        expect(code).toBe(0);
        const doc = JSON.parse(out) as PlanDocument;
        expect(doc.ok).toBe(true);
        expect(doc.preflightGates).toStrictEqual([
            {
                pool: "general",
                step: "shift",
                legacyNodeGroup: "prod-general-al2",
                result: "not-checked",
                blockers: [],
                acknowledged: [],
            },
        ]);
        const text = await plan(["--phase", "shift"]);
        expect(text.out).toContain(
            "- pool general, before shift (pods on AL2 node group prod-general-al2): not checked: the facts hold no " +
                "cluster dump",
        );
    });

    it("a partial dump (no pods) is an error naming what is missing: exit 2", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-gates-facts-"));
        for (const file of fs.readdirSync(path.join(ROOT, "facts", "prod")))
            fs.copyFileSync(path.join(ROOT, "facts", "prod", file), path.join(dir, file));
        fs.copyFileSync(path.join(ROOT, DUMP, "kubectl-nodes.json"), path.join(dir, "nodes.json"));
        const { code, out, err } = await plan(["--phase", "shift", "--facts", dir]);
        expect([code, out]).toEqual([2, ""]);
        expect(err).toBe("DumpError: (dump): pods: no pods found; add `kubectl get pods -A -o json` output\n");
    });
});
