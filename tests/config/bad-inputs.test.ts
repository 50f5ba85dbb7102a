import { CONFIG_KEYS } from "../../config/schema";
import { describe, expect, it } from "vitest";
import { evaluateOffline } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { ConfigError } from "../../common/config-error";
import { BAD_INPUTS, catalogueMarkdown, type BadInput, type RawConfig, type RawFacts } from "./bad-inputs";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";

/** The only resources a failed run may have declared: the root stack and the StackReferences read before checks. */
const BEFORE_ANY_RESOURCE = ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"];

/** Runs `index.ts`'s program on the dev stack's config and facts with the row's change. */
async function evaluate(row: BadInput) {
    const { default: program } = await import("../../index");
    const config = structuredClone(stackFileConfig("dev")) as RawConfig;
    row.config?.(config);
    const facts = structuredClone(exampleFacts("dev")) as RawFacts;
    row.facts?.(facts);
    return evaluateOffline({
        stack: row.stack ?? "dev",
        config,
        facts: facts as CloudFacts,
        previousOutputs: row.previousOutputs ?? {},
        otherStacks: row.otherStacks ?? {},
        program,
    });
}

describe("the bad-input catalogue", () => {
    it("holds at least 40 distinct invalid inputs over every config key", () => {
        expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
        const distinct = new Set(BAD_INPUTS.map((row) => `${row.key}|${row.shown}|${row.allowed}`));
        expect(distinct.size).toBe(BAD_INPUTS.length);
        // Every top-level config key has at least one row, plus the guards and the cluster facts.
        const groups = [...new Set(BAD_INPUTS.map((row) => row.group))].sort();
        expect(groups).toEqual([...CONFIG_KEYS, "cutover phase and guards", "cluster facts"].sort());
        expect(catalogueMarkdown().split("\n")).toHaveLength(groups.length);
    });

    it("the dev stack itself, unchanged, deploys (so each row fails because of its change)", async () => {
        const evaluation = await evaluate({ group: "", what: "", key: "", shown: "", allowed: "" });
        expect(evaluation.error).toBeUndefined();
        expect(evaluation.resources.length).toBeGreaterThan(BEFORE_ANY_RESOURCE.length);
    });

    it.each(BAD_INPUTS.map((row) => [`${row.key}: ${row.what}`, row] as const))(
        "%s fails before any resource, naming key, value and what is allowed",
        async (_, row) => {
            const evaluation = await evaluate(row);
            expect(evaluation.error).toBeInstanceOf(ConfigError);
            const problems = (evaluation.error as ConfigError).problems;
            const matching = problems.filter(
                (problem) =>
                    problem.startsWith(`${row.key}: `) && problem.includes(row.shown) && problem.includes(row.allowed),
            );
            expect(matching, problems.join("\n")).toHaveLength(1);
            const declared = evaluation.resources.map((resource) => resource.type);
            expect(declared.filter((type) => !BEFORE_ANY_RESOURCE.includes(type))).toEqual([]);
        },
    );
});
