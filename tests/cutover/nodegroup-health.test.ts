import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlanArgs } from "../../plan/cli-args";
import { planStack } from "../../plan/plan";
import { ROOT } from "../fakes/mocks";

const AL2023_FILE = "describe-nodegroup-general-al2023.json";

/** prod's facts, with the general pool's AL2023 node group given these health issues. */
function factsWithHealth(issues: unknown[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-facts-"));
    for (const file of fs.readdirSync(path.join(ROOT, "facts", "prod"))) {
        fs.copyFileSync(path.join(ROOT, "facts", "prod", file), path.join(dir, file));
    }
    const doc = JSON.parse(fs.readFileSync(path.join(dir, AL2023_FILE), "utf8")) as {
        nodegroup: { health: { issues: unknown[] } };
    };
    doc.nodegroup.health.issues = issues;
    fs.writeFileSync(path.join(dir, AL2023_FILE), JSON.stringify(doc));
    return dir;
}

async function drainPlan(facts: string, phase: "drain" | "decommission" = "drain") {
    const args = parsePlanArgs(["--stack", "prod", "--phase", phase, "--facts", facts, "--json"]);
    return (await planStack(args, { cwd: ROOT })).document;
}

const LAUNCH_FAILURE = {
    code: "AsgInstanceLaunchFailures",
    message: "Could not launch On-Demand Instances. InsufficientInstanceCapacity",
    resourceIds: ["eks-general-20261109101204556700000001-8e1f2a3b"],
};

describe("the readiness gate reads health issues (DescribeNodegroup; offline: the describe-nodegroup facts)", () => {
    it("passes drain when the AL2023 node group has none", async () => {
        const document = await drainPlan(factsWithHealth([]));
        expect(document.ok).toBe(true);
        const general = document.pools.find((p) => p.name === "general");
        expect(general?.gate?.checks).toContainEqual({
            name: "health",
            ok: true,
            detail: "no health issues (DescribeNodegroup)",
        });
    });

    it("refuses drain on a health issue, before anything is declared", async () => {
        const document = await drainPlan(
            factsWithHealth([
                {
                    code: "AsgInstanceLaunchFailures",
                    message: "Could not launch On-Demand Instances. InsufficientInstanceCapacity",
                    resourceIds: ["eks-general-20261109101204556700000001-8e1f2a3b"],
                },
            ]),
        );
        expect(document.ok).toBe(false);
        expect(document.error?.problems).toEqual([
            expect.stringContaining(
                'pool "general" is not ready: AL2023 node group "general-20261109101204556700000001" fails the ' +
                    "readiness gate (health: 1 health issue(s): AsgInstanceLaunchFailures: Could not launch On-Demand " +
                    "Instances. InsufficientInstanceCapacity (eks-general-20261109101204556700000001-8e1f2a3b)",
            ),
        ]);
    });
});

describe("the decommission readiness gate reads the same health issues offline", () => {
    it("passes decommission when the AL2023 node group has none", async () => {
        const document = await drainPlan(factsWithHealth([]), "decommission");
        expect(document.ok).toBe(true);
        expect(document.pools.find((p) => p.name === "general")?.gate?.checks).toContainEqual({
            name: "health",
            ok: true,
            detail: "no health issues (DescribeNodegroup)",
        });
    });

    it("refuses decommission on a health issue", async () => {
        const document = await drainPlan(factsWithHealth([LAUNCH_FAILURE]), "decommission");
        expect(document.ok).toBe(false);
        expect(document.error?.problems).toEqual([
            expect.stringContaining(
                'pool "general" is not ready: AL2023 node group "general-20261109101204556700000001" fails the ' +
                    "readiness gate (health: 1 health issue(s): AsgInstanceLaunchFailures: Could not launch On-Demand " +
                    "Instances. InsufficientInstanceCapacity (eks-general-20261109101204556700000001-8e1f2a3b)",
            ),
        ]);
    });
});

/** prod's facts, with the AL2 node group prod-general-al2 in this status. */
function factsWithLegacyStatus(status: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "status-facts-"));
    for (const file of fs.readdirSync(path.join(ROOT, "facts", "prod"))) {
        fs.copyFileSync(path.join(ROOT, "facts", "prod", file), path.join(dir, file));
    }
    const file = path.join(dir, "describe-nodegroup-prod-general-al2.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { nodegroup: { status: string } };
    doc.nodegroup.status = status;
    fs.writeFileSync(file, JSON.stringify(doc));
    return dir;
}

describe("an AL2 node group DEGRADED or UPDATING at adoption is reported in the plan", () => {
    it.each([
        ["DEGRADED", "check `aws eks describe-nodegroup --cluster-name shop-prod --nodegroup-name prod-general-al2"],
        ["UPDATING", "an update (version, AMI release, config) is running; let it finish"],
    ])("%s: a warning at adoption (prepare), none once adopted (canary)", async (status, advice) => {
        const facts = factsWithLegacyStatus(status);
        const plan = async (phase: string) =>
            (await planStack(parsePlanArgs(["--stack", "prod", "--phase", phase, "--facts", facts]), { cwd: ROOT }))
                .document;
        const adoption = await plan("prepare");
        expect(adoption.ok).toBe(true);
        expect(adoption.warnings).toEqual([
            expect.stringContaining(
                `pools[0].legacyNodeGroup: AL2 node group "prod-general-al2" is ${status} at adoption: ${advice}`,
            ),
        ]);
        expect((await plan("canary")).warnings).toEqual([]);
    });
});
