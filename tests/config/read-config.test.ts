import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, parseConfigValue } from "../../config/read-config";
import { BAD_INPUTS, type RawConfig } from "./bad-inputs";
import { configProblems } from "./config-errors";
import { ROOT, stackFileConfig } from "../fakes/mocks";

/** What the hand-written parser (replaced by the schema) returned, recorded before the change. */
const fixture = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(ROOT, "tests/config/fixtures", name), "utf8")) as Record<string, unknown>;

/** The keys each pool of each stack file sets itself. */
const SET_KEYS: Record<string, string[][]> = {
    dev: [
        [
            "capacityType",
            "instanceTypes",
            "kubelet",
            "labels",
            "legacyNodeGroup",
            "maxUnavailable",
            "name",
            "rootVolume",
            "scaling",
        ],
    ],
    prod: [
        [
            "autoscaled",
            "canarySize",
            "instanceTypes",
            "labels",
            "legacyNodeGroup",
            "maxUnavailablePercentage",
            "name",
            "rootVolume",
            "scaling",
        ],
        ["imds", "instanceTypes", "labels", "legacyNodeGroup", "name", "phase", "rootVolume", "scaling", "taints"],
    ],
    rehearsal: [["instanceTypes", "legacyNodeGroup", "name", "scaling"]],
};

describe("parseConfig on the schema reads what the hand-written parser read", () => {
    const before = fixture("parsed-stack-configs.json");

    it.each(["dev", "prod", "rehearsal"])("Pulumi.%s.yaml parses to the same typed config", (stack) => {
        const parsed = parseConfig(stackFileConfig(stack as "dev"));
        // JSON round trip: the fixture is JSON, and no value of a parsed config is undefined or a function.
        // Keys added since (their defaults, as no stack file sets them) are the only difference, and each pool's
        // setKeys: the keys its stack file sets, which it never inherits from its AL2 node group.
        const added = { preflightAcknowledge: [] };
        const expected = before[stack] as { pools: object[] };
        const pools = expected.pools.map((pool, i) => ({
            ...pool,
            allowReplacement: false,
            setKeys: SET_KEYS[stack][i],
        }));
        expect(JSON.parse(JSON.stringify(parsed))).toStrictEqual({ ...expected, ...added, pools });
        expect(parsed.pools.length).toBeGreaterThan(0);
    });

    it("reports exactly the problems the hand-written parser reported, for every config row of the catalogue", () => {
        const problemsBefore = fixture("bad-input-problems.json");
        const rows = BAD_INPUTS.filter((row) => `${row.key}: ${row.what}` in problemsBefore);
        expect(rows.length).toBe(Object.keys(problemsBefore).length);
        for (const row of rows) {
            const config = structuredClone(stackFileConfig("dev")) as RawConfig;
            row.config!(config);
            // The pool keys listed in "allowed keys" now include allowReplacement (added since).
            const expected = (problemsBefore[`${row.key}: ${row.what}`] as string[]).map((problem) =>
                problem.replace("acceptReducedCapacity, amiType", "acceptReducedCapacity, allowReplacement, amiType"),
            );
            expect(
                configProblems(() => parseConfig(config)),
                `${row.key}: ${row.what}`,
            ).toStrictEqual(expected);
        }
    });
});

describe("parseConfig: shapes every section shares", () => {
    it("reports unknown keys first, with a suggestion and the keys allowed there", () => {
        expect(configProblems(() => parseConfig({ clusterName: "shop dev", clusterNmae: "x", pools: [] }))).toEqual([
            'clusterNmae: unknown key (did you mean "clusterName"?); allowed keys here: clusterName, pools, ' +
                "cutoverPhase, cutoverAllowSkip, drainTimeoutMinutes, drainEvictUnmanagedPods, drainMaxConcurrentEvictions, protectNodeGroups, tags, " +
                "serviceAccounts, sharedRoles, oidcProvider, podIdentityAgent, trustPolicyMaxLength, kubernetes, " +
                "promotion, rehearsal, preflightAcknowledge",
            "clusterName: \"shop dev\" is not allowed; expected an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
            "pools: [] is not allowed; needs at least one pool",
        ]);
    });

    it("refuses a config that is not a mapping", () => {
        expect(configProblems(() => parseConfig([] as unknown as Record<string, unknown>))).toEqual([
            ": [] is not allowed; expected an object (a YAML mapping)",
        ]);
    });

    it("treats null (YAML `key:` without a value) as absent, so the default applies", () => {
        const parsed = parseConfig({
            clusterName: "shop-dev",
            cutoverPhase: null,
            drainTimeoutMinutes: null,
            pools: [
                {
                    name: "general",
                    subnetIds: ["subnet-0a1b2c3d4e5f60718"],
                    scaling: { min: 0, desired: 0, max: 1 },
                    imds: null,
                },
            ],
        });
        expect(parsed.cutoverPhase).toBe("prepare");
        expect(parsed.drainTimeoutMinutes).toBe(20);
        expect(parsed.pools[0].imds).toStrictEqual({ hopLimit: 2 });
    });

    it("reads JSON values from Pulumi's strings and keeps plain strings", () => {
        expect(parseConfigValue('{"min":1}')).toStrictEqual({ min: 1 });
        expect(parseConfigValue("true")).toBe(true);
        expect(parseConfigValue("shop-dev")).toBe("shop-dev");
    });
});
