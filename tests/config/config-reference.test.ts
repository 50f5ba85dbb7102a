import * as fs from "node:fs";
import * as path from "node:path";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { int, oneOf, optional, required, str, withDefault } from "../../common/schema-kit";
import { keyTable, pulumiYamlWithConfig, readmeWithReference } from "../../config/config-reference";
import { ROOT } from "../fakes/mocks";

const read = (name: string) => fs.readFileSync(path.join(ROOT, name), "utf8");

describe("the config reference is generated from the schema", () => {
    it("README.md's key tables are what `npm run docs:config` writes (run it after changing the schema)", () => {
        expect(readmeWithReference(read("README.md"))).toBe(read("README.md"));
    });

    it("Pulumi.yaml's config block is what `npm run docs:config` writes", () => {
        expect(pulumiYamlWithConfig(read("Pulumi.yaml"))).toBe(read("Pulumi.yaml"));
    });

    it("Pulumi.yaml declares the scalar stack keys with the schema's types and defaults", () => {
        const config = (parseYaml(read("Pulumi.yaml")) as { config: Record<string, Record<string, unknown>> }).config;
        expect(Object.keys(config)).toEqual([
            "clusterName",
            "cutoverPhase",
            "cutoverAllowSkip",
            "drainTimeoutMinutes",
            "drainEvictUnmanagedPods",
            "protectNodeGroups",
            "trustPolicyMaxLength",
        ]);
        expect(config.drainTimeoutMinutes).toMatchObject({ type: "integer", default: 20 });
        expect(config.cutoverPhase).toMatchObject({ type: "string", default: "prepare" });
        expect(config.clusterName).not.toHaveProperty("default");
        expect(config.trustPolicyMaxLength).toMatchObject({ type: "integer", default: 2048 });
    });

    it("renders a table row per key with its type, default and meaning", () => {
        const entries = {
            name: required(str(), { type: "string", description: "the name" }),
            size: withDefault(int(1, 9), 3, { type: "int 1–9", description: "a | b" }),
            mode: optional(oneOf(["a", "b"] as const), { type: "string", description: "`a` or `b`" }),
            list: withDefault(v.array(v.string()), ["x"], {
                type: "list",
                defaultText: "the others",
                description: "more",
            }),
        };
        expect(keyTable(entries).split("\n")).toEqual([
            "| key | type | default | meaning |",
            "|---|---|---|---|",
            "| `name` | string | required | the name |",
            "| `size` | int 1–9 | `3` | a \\| b |",
            "| `mode` | string | none | `a` or `b` |",
            "| `list` | list | the others | more |",
        ]);
    });

    it("refuses a key without reference documentation", () => {
        expect(() => keyTable({ bare: v.string() })).toThrow("config key bare has no reference documentation");
    });
});
