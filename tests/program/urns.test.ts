import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { simulatePrevious } from "../../plan/simulate";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import { exampleFacts, ROOT, stackFileConfig } from "../fakes/mocks";
import { evaluateForPolicy } from "../fakes/policy-evaluate";

/**
 * The URN of every resource each stack declares in each phase, as recorded before the code was reorganised into
 * domain folders (tests/fixtures/urns.json). A URN is a resource's identity in a deployed stack: a changed type token,
 * name or parent makes `pulumi up` replace the resource. Regenerate the fixture only for an intended, aliased change:
 * `RECORD_URNS=1 npx vitest run tests/program/urns.test.ts`.
 */
const FIXTURE = path.join(ROOT, "tests", "fixtures", "urns.json");

type Stack = "dev" | "prod";

/** The sorted URNs the real program declares for `stack` in `phase`, one step after the previous phase. */
async function declaredUrns(stack: Stack, phase: CutoverPhase): Promise<string[]> {
    const { default: program } = await import("../../index");
    const facts = exampleFacts(stack);
    const config = { ...stackFileConfig(stack), cutoverPhase: phase };
    const { previousOutputs, otherStacks } = simulatePrevious({ stack, config, facts });
    const evaluation = await evaluateForPolicy({ stack, config, facts, previousOutputs, otherStacks, program });
    if (evaluation.error !== undefined) expect.fail(`${stack} in ${phase}: ${String(evaluation.error)}`);
    return evaluation.resources.map((resource) => resource.urn).sort();
}

const cases = (["dev", "prod"] as const).flatMap((stack) => CUTOVER_PHASES.map((phase) => [stack, phase] as const));
const recorded: Record<string, string[]> = fs.existsSync(FIXTURE)
    ? (JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, string[]>)
    : {};

describe("resource URNs stay those a deployed stack already has", () => {
    it.each(cases)("%s in %s declares exactly the recorded URNs", async (stack, phase) => {
        const urns = await declaredUrns(stack, phase);
        if (process.env.RECORD_URNS === "1") {
            recorded[`${stack}/${phase}`] = urns;
            fs.writeFileSync(FIXTURE, `${JSON.stringify(recorded, null, 4)}\n`);
        }
        expect(urns.length).toBeGreaterThan(0);
        expect(urns).toStrictEqual(recorded[`${stack}/${phase}`]);
    });
});
