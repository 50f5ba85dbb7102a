import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PROJECT } from "../../common/project";
import { checkPromotion, promotionProblems, readDevCutover, type RequestedPhase } from "../../cutover/promotion-gate";
import type { PromotionConfig } from "../../cutover/cutover-schema";
import { ConfigError } from "../../common/config-error";
import { parseConfig } from "../../config/read-config";
import { configProblems, MINIMAL_POOL } from "../config/config-errors";
import { runProgram } from "../fakes/mocks";

const GATE: PromotionConfig = { requireStack: "dev", follow: {} };
const DEV = "acme/eks-al2023-migration/dev";
const request = (pool: string, phase: RequestedPhase["phase"], key = `pools[${pool}].phase`): RequestedPhase => ({
    pool,
    phase,
    key,
});

describe("promotion gate", () => {
    it("lets prod run any phase dev has completed or passed", () => {
        const dev = { general: { phase: "shift" }, batch: { phase: "decommission" } };
        expect(
            promotionProblems({
                requested: [request("general", "prepare"), request("general", "shift"), request("batch", "drain")],
                recorded: dev,
                gate: GATE,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([]);
        expect(() =>
            checkPromotion({
                requested: [request("general", "canary")],
                recorded: dev,
                gate: GATE,
                requiredStackName: DEV,
            }),
        ).not.toThrow();
    });

    it("refuses a phase dev has not completed, naming the key, pool, both phases and the way forward", () => {
        let error: unknown;
        try {
            checkPromotion({
                requested: [request("general", "shift", "pools[0].phase")],
                recorded: { general: { phase: "canary" } },
                gate: GATE,
                requiredStackName: DEV,
            });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toStrictEqual([
            'pools[0].phase: may not move pool "general" to "shift": dev (acme/eks-al2023-migration/dev) has only ' +
                'completed "canary" for pool "general". Deploy "shift" to dev first and let it succeed, or keep this ' +
                'stack at "canary" or earlier.',
        ]);
    });

    it("refuses every phase of a pool dev never ran, unless it follows a dev pool", () => {
        const dev = { general: { phase: "drain" } };
        expect(
            promotionProblems({
                requested: [request("batch", "prepare", "pools[1].phase")],
                recorded: dev,
                gate: GATE,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([
            'pools[1].phase: may not move pool "batch" to "prepare": acme/eks-al2023-migration/dev has no pool ' +
                '"batch" in its cutover. Run the pool in dev first, or set promotion.follow.batch to the dev pool ' +
                "it follows.",
        ]);
        const following = { requireStack: "dev", follow: { batch: "general" } };
        expect(
            promotionProblems({
                requested: [request("batch", "drain")],
                recorded: dev,
                gate: following,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([]);
        expect(
            promotionProblems({
                requested: [request("batch", "decommission", "cutoverPhase")],
                recorded: dev,
                gate: following,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([
            expect.stringMatching(
                /^cutoverPhase: may not move pool "batch" to "decommission": dev .* "drain" for pool "general"/,
            ),
        ]);
    });

    it("refuses everything while dev has no cutover output, and a phase dev recorded that is not a phase", () => {
        expect(
            promotionProblems({
                requested: [request("general", "prepare", "cutoverPhase")],
                recorded: undefined,
                gate: GATE,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([
            'cutoverPhase: may not move pool "general" to "prepare": acme/eks-al2023-migration/dev has no "cutover" ' +
                "output yet. Deploy dev first, then run this stack again.",
        ]);
        expect(
            promotionProblems({
                requested: [request("general", "canary")],
                recorded: { general: { phase: "warming" } },
                gate: GATE,
                requiredStackName: DEV,
            }),
        ).toStrictEqual([
            expect.stringContaining('recorded "warming" for pool "general", which is not a cutover phase'),
        ]);
    });

    it("reads the promotion config and reports its mistakes with key and value", () => {
        const parse = (promotion: unknown) =>
            parseConfig({ clusterName: "shop-prod", pools: [MINIMAL_POOL], promotion });
        expect(parse({ requireStack: "dev", follow: { batch: "general" } }).promotion).toStrictEqual({
            requireStack: "dev",
            follow: { batch: "general" },
        });
        expect(parse(undefined).promotion).toBeUndefined();
        expect(parse({ requireStack: "dev" }).promotion).toStrictEqual({ requireStack: "dev", follow: {} });

        expect(configProblems(() => parse({ requireStack: "Dev Stack", folow: {} }))).toStrictEqual([
            'promotion.folow: unknown key (did you mean "follow"?); allowed keys here: requireStack, follow',
            'promotion.requireStack: "Dev Stack" is not allowed; expected a stack name such as dev',
        ]);
    });
});

/** Mocks whose StackReferences answer with the outputs of the named stack. */
function stackReferenceMocks(outputsByStack: Record<string, Record<string, unknown>>, secret = false) {
    const referenced: string[] = [];
    const mocks: pulumi.runtime.Mocks = {
        call: (args) => {
            throw new Error(`unexpected invoke ${args.token}`);
        },
        newResource: (args) => {
            if (args.type !== "pulumi:pulumi:StackReference") return { id: `${args.name}-id`, state: args.inputs };
            referenced.push(args.inputs.name);
            const outputs = outputsByStack[args.inputs.name] ?? {};
            return {
                id: args.inputs.name,
                state: { name: args.inputs.name, outputs, secretOutputNames: secret ? Object.keys(outputs) : [] },
            };
        },
    };
    return { mocks, referenced };
}

describe("readDevCutover", () => {
    it.each([false, true])("reads dev's cutover output through a StackReference (secret: %s)", async (secret) => {
        const { mocks, referenced } = stackReferenceMocks(
            { [DEV]: { cutover: { version: 1, pools: { general: { phase: "canary", adopted: false } } } } },
            secret,
        );
        await pulumi.runtime.setMocks(mocks, PROJECT, "prod", false, "acme");
        const outputs = await runProgram(async () => ({ read: await readDevCutover("acme") }));
        expect(referenced).toStrictEqual([DEV]);
        expect(outputs.read).toStrictEqual({
            stackName: DEV,
            cutover: { general: { phase: "canary", adopted: false } },
        });
    });

    it("returns no cutover when dev has none yet, and rejects a malformed one", async () => {
        const empty = stackReferenceMocks({});
        await pulumi.runtime.setMocks(empty.mocks, PROJECT, "prod", false, "acme");
        const outputs = await runProgram(async () => ({ read: await readDevCutover("acme") }));
        expect(outputs.read).toStrictEqual({ stackName: DEV, cutover: undefined });

        const malformed = stackReferenceMocks({
            [DEV]: { cutover: { version: 1, pools: { general: { phase: "warming", adopted: false } } } },
        });
        await pulumi.runtime.setMocks(malformed.mocks, PROJECT, "prod", false, "acme");
        let error: unknown;
        await runProgram(async () => {
            try {
                await readDevCutover("acme");
            } catch (e) {
                error = e;
            }
            return {};
        });
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toStrictEqual([
            'acme/eks-al2023-migration/dev:cutover.pools.general.phase: "warming" is not allowed; expected one of ' +
                "prepare, canary, shift, drain, decommission",
        ]);
    });
});
