import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import { parsePlanArgs } from "../../plan/cli-args";
import { main as planMain, planStack, readStackConfig, StackFileError, usageExitCode } from "../../plan/plan";
import type { PlanDocument } from "../../plan/plan-document";
import { main as userdataMain } from "../../plan/userdata";
import { captureIo } from "../fakes/capture-io";
import { exampleFacts, ROOT } from "../fakes/mocks";

const DEV_AL2023 = "general-20261102093015123400000001";
const PROD_AL2023 = "general-20261109101204556700000001";

/** A temporary project root holding one stack file, for stack files the repository must not hold. */
function rootWithStack(stack: string, text: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-root-"));
    fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

/** dev's stack file with `edit` applied to its text. */
function devStackText(edit: (text: string) => string): string {
    return edit(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
}

async function planIn(root: string, stack: string, extra: string[] = []): Promise<PlanDocument> {
    const args = parsePlanArgs(["--stack", stack, "--facts", path.join(ROOT, "facts", "dev"), "--json", ...extra]);
    return (await planStack(args, { root })).document;
}

/** Writes dev's facts with `edit` applied into a new folder. */
function devFacts(
    edit: (docs: Record<string, { cluster?: Record<string, unknown>; nodegroup?: Record<string, unknown> }>) => void,
): string {
    const facts = exampleFacts("dev");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-facts-"));
    const docs: Record<string, { cluster?: Record<string, unknown>; nodegroup?: Record<string, unknown> }> = {
        "describe-cluster.json": structuredClone(facts.cluster) as never,
    };
    for (const [name, output] of Object.entries(facts.nodegroups))
        docs[`describe-nodegroup-${name}.json`] = structuredClone(output) as never;
    edit(docs);
    for (const [file, doc] of Object.entries(docs)) fs.writeFileSync(path.join(dir, file), JSON.stringify(doc));
    const instanceTypes = "describe-instance-types.json";
    fs.copyFileSync(path.join(ROOT, "facts", "dev", instanceTypes), path.join(dir, instanceTypes));
    return dir;
}

describe("every refusal names its cause", () => {
    it("facts of another cluster than clusterName: the message names both clusters", async () => {
        const dir = devFacts((docs) => (docs["describe-cluster.json"].cluster!.name = "other-cluster"));
        const doc = (await planStack(parsePlanArgs(["--stack", "dev", "--facts", dir]))).document;
        expect(doc.ok).toBe(false);
        expect(doc.error).toStrictEqual({
            message:
                "ResourceNotFoundException: No cluster found for name: shop-dev. The facts describe cluster " +
                '"other-cluster": set clusterName to it, or give facts of shop-dev (aws eks describe-cluster --name shop-dev).',
            problems: [],
        });
        const io = captureIo();
        expect(await planMain(["--stack", "dev", "--facts", dir], io)).toBe(1);
        expect(io.stdout()).toContain("The program refused this plan:\nResourceNotFoundException: No cluster found");
        expect(io.stderr()).toContain('The facts describe cluster "other-cluster"');
    });
});

describe("next steps name the real node groups", () => {
    it("dev drain: the commands name the facts' AL2023 node group, the one the gate checked", async () => {
        const doc = (await planStack(parsePlanArgs(["--stack", "dev", "--phase", "drain"]))).document;
        const pool = doc.pools.find((p) => p.name === "general")!;
        expect(pool.gate?.nodeGroupName).toBe(DEV_AL2023);
        expect(pool.next?.verify).toContain(`kubectl get nodes -l eks.amazonaws.com/nodegroup=${DEV_AL2023} -o wide`);
        const named = pool.next!.verify.flatMap((command) =>
            [...command.matchAll(/nodegroup=([A-Za-z0-9-]+)/g)].map((m) => m[1]),
        );
        expect([...new Set(named)].sort()).toEqual(["dev-general-al2", DEV_AL2023]);
    });

    it("prod decommission: the commands name prod's AL2023 node group", async () => {
        const doc = (await planStack(parsePlanArgs(["--stack", "prod", "--phase", "decommission"]))).document;
        const pool = doc.pools.find((p) => p.name === "general")!;
        expect(pool.next?.verify).toContain(`kubectl get nodes -l eks.amazonaws.com/nodegroup=${PROD_AL2023} -o wide`);
    });
});

describe("the rehearsal stack can be planned in every phase", () => {
    it("prepare: a first deployment creates the AL2 pool at its configured size and AL2023 at 0/0/1", async () => {
        const doc = (await planStack(parsePlanArgs(["--stack", "rehearsal", "--phase", "prepare"]))).document;
        expect(doc.error).toBeUndefined();
        expect(doc.ok).toBe(true);
        const pool = doc.pools.find((p) => p.name === "general")!;
        expect(pool.assumedPreviousPhase).toBe("none");
        expect(pool.gate).toBeUndefined();
        expect(pool.al2023.sizes).toStrictEqual({ before: "absent", after: { min: 0, desired: 0, max: 1 } });
        // Pulumi.rehearsal.yaml: the AL2 pool the rehearsal creates is min 2, desired 3, max 4.
        expect(pool.legacy?.sizes).toStrictEqual({ before: "absent", after: { min: 2, desired: 3, max: 4 } });
        expect(pool.legacy?.protect).toBe(true);
        expect(pool.legacy?.deleted).toBe(false);
    });

    it.each(CUTOVER_PHASES.filter((phase) => phase !== "prepare"))("%s", async (phase: CutoverPhase) => {
        const doc = (await planStack(parsePlanArgs(["--stack", "rehearsal", "--phase", phase]))).document;
        expect(doc.error).toBeUndefined();
        expect(doc.ok).toBe(true);
        const pool = doc.pools.find((p) => p.name === "general")!;
        expect(doc.assumptions.some((a) => a.startsWith("rehearsal: the last deployment created"))).toBe(true);
        if (phase === "drain" || phase === "decommission") {
            expect(pool.gate?.passed).toBe(true);
            expect(pool.gate?.nodeGroupName).toBe("general-00000000000000000000000001");
        }
        expect(pool.legacy?.deleted).toBe(phase === "decommission");
        // The rehearsal's AL2 pool (Pulumi.rehearsal.yaml: min 2, desired 3, max 4) is what "before" shows.
        if (phase !== "decommission") expect(pool.legacy?.sizes.before).toStrictEqual({ min: 2, desired: 3, max: 4 });
    });
});

describe("stack file mistakes", () => {
    it("a YAML syntax error names the file and the line, exit code 2", () => {
        const root = rootWithStack("broken", "config:\n  eks-al2023-migration:clusterName: [shop-dev\n");
        const file = path.join(root, "Pulumi.broken.yaml");
        expect(() => readStackConfig(root, "broken")).toThrow(StackFileError);
        expect(() => readStackConfig(root, "broken")).toThrow(new RegExp(`^${file}: not valid YAML: .*line 3`, "s"));
        const io = captureIo();
        let error: unknown;
        try {
            readStackConfig(root, "broken");
        } catch (thrown) {
            error = thrown;
        }
        expect(usageExitCode(error, io)).toBe(2);
        expect(io.stderr()).toMatch(new RegExp(`^StackFileError: ${file}: not valid YAML`));
    });

    it("a misspelled config namespace is reported, not ignored", async () => {
        const root = rootWithStack(
            "typo",
            devStackText((text) => `${text}\n  eks-al2023-migraton:drainTimeoutMinutes: 30\n`),
        );
        const doc = await planIn(root, "typo");
        expect(doc.ok).toBe(false);
        expect(doc.error?.problems).toEqual([
            'eks-al2023-migraton:drainTimeoutMinutes: unknown config namespace "eks-al2023-migraton" (did you mean ' +
                '"eks-al2023-migration"?); the program reads only its own namespace, so this setting would be ignored',
        ]);
    });

    it("eksctl's pool vocabulary gets this project's key", async () => {
        const root = rootWithStack(
            "eksctl",
            devStackText((text) =>
                text.replace("      instanceTypes:", "      desiredCapacity: 3\n      instanceTypes:"),
            ),
        );
        const doc = await planIn(root, "eksctl");
        expect(doc.ok).toBe(false);
        expect(doc.error?.problems.map((p) => p.split("; allowed keys")[0])).toEqual([
            'pools[0].desiredCapacity: unknown key (eksctl and Terraform say "desiredCapacity"; here it is "scaling.desired")',
        ]);
    });

    it("a misspelled phase in the stack file gets the closest phase", async () => {
        const root = rootWithStack(
            "phase",
            devStackText((text) => text.replace(/cutoverPhase: \w+/, "cutoverPhase: decomission")),
        );
        const doc = await planIn(root, "phase");
        expect(doc.error?.problems).toEqual([
            'cutoverPhase: "decomission" is not allowed; allowed: prepare, canary, shift, drain, decommission ' +
                '(did you mean "decommission"?)',
        ]);
    });

    it("a misspelled AL2 node group gets the cluster's closest node group", async () => {
        const root = rootWithStack(
            "ng",
            devStackText((text) => text.replace("legacyNodeGroup: dev-general-al2", "legacyNodeGroup: dev-genral-al2")),
        );
        const doc = await planIn(root, "ng");
        expect(doc.error?.problems).toEqual([
            'pools[0].legacyNodeGroup: "dev-genral-al2" is not allowed; no managed node group "dev-genral-al2" in ' +
                'cluster "shop-dev" (did you mean "dev-general-al2"?) (see `aws eks list-nodegroups --cluster-name shop-dev`)',
        ]);
    });
});

describe("eksctl-owned AL2 node groups", () => {
    it("the plan warns that CloudFormation also owns the adopted node group", async () => {
        const dir = devFacts((docs) => {
            const ng = docs["describe-nodegroup-dev-general-al2.json"].nodegroup!;
            ng.tags = {
                ...(ng.tags as Record<string, string>),
                "alpha.eksctl.io/cluster-name": "shop-dev",
                "alpha.eksctl.io/nodegroup-name": "dev-general-al2",
                "aws:cloudformation:stack-name": "eksctl-shop-dev-nodegroup-dev-general-al2",
            };
        });
        const doc = (await planStack(parsePlanArgs(["--stack", "dev", "--facts", dir]))).document;
        expect(doc.ok).toBe(true);
        const warning = doc.warnings.find((w) => w.includes("was created by eksctl"));
        expect(warning).toMatch(
            /^pools\[0\]\.legacyNodeGroup: AL2 node group "dev-general-al2" was created by eksctl: CloudFormation stack "eksctl-shop-dev-nodegroup-dev-general-al2" also owns the node group/,
        );
        const plain = (await planStack(parsePlanArgs(["--stack", "dev"]))).document;
        expect(plain.warnings.some((w) => w.includes("eksctl"))).toBe(false);
    });
});

describe("command line", () => {
    it("--help prints the usage and exits 0, for plan and userdata", async () => {
        for (const main of [planMain, userdataMain]) {
            const io = captureIo();
            expect(await main(["--help"], io)).toBe(0);
            expect(io.stdout()).toMatch(/^Usage:\n {2}npm run --silent plan -- --stack <stack>/);
            expect(io.stderr()).toBe("");
        }
    });

    it("userdata suggests the closest pool", async () => {
        const io = captureIo();
        expect(await userdataMain(["--stack=prod", "--pool=genral"], io)).toBe(2);
        expect(io.stderr()).toBe(
            'UsageError: --pool: stack prod has no pool "genral" (did you mean "general"?); pools: general, batch\n',
        );
    });

    it("the README's command prints only JSON: `npm run --silent plan -- --stack prod --json`", () => {
        const npm = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", "prod", "--json"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        expect(npm.status).toBe(0);
        const doc = JSON.parse(npm.stdout) as PlanDocument;
        expect(doc.stack).toBe("prod");
        expect(npm.stdout.startsWith("{")).toBe(true);
    });

    it("the README's Markdown command prints Markdown with the same plan", () => {
        const npm = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack=prod", "--markdown"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, NO_COLOR: "1" },
        });
        expect(npm.status).toBe(0);
        expect(npm.stdout.split("\n")[0]).toMatch(/^> OFFLINE EVALUATION/);
        expect(npm.stdout).toContain("### Pool `general`: phase prepare");
    });
});
