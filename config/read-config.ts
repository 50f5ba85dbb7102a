/** Reads and validates the stack config: the schema, then the checks across sections, every problem at once. */
import * as pulumi from "@pulumi/pulumi";
import * as v from "valibot";
import { issueKeys, problemLines, validAt } from "../common/config-issues";
import { ConfigError, Problems } from "../common/config-error";
import { PROJECT } from "../common/project";
import { keyDoc } from "../common/schema-kit";
import { misspelledNamespaceKeys } from "../common/suggest";
import type { IdentityConfig } from "../identity/identity-config";
import { resolveIdentities } from "../identity/resolve-identities";
import { checkRehearsalWiring } from "../rehearsal/rehearsal-wiring";
import { stackEntries, stackSchema, type ParsedStackConfig } from "./schema";

/** The identity keys, which the program reads resolved, as `identity`. */
type IdentityKey =
    "serviceAccounts" | "sharedRoles" | "oidcProvider" | "podIdentityAgent" | "trustPolicyMaxLength" | "kubernetes";

/** The whole validated stack configuration: the only thing the rest of the program reads. */
export type StackConfig = Omit<ParsedStackConfig, IdentityKey> & {
    /** Workload identities (IRSA, Pod Identity) and the Kubernetes access used to bind them. */
    readonly identity: IdentityConfig;
};

/**
 * Validates raw stack config (key without the project prefix → value, objects already parsed from JSON) into a
 * StackConfig. Every problem is collected and thrown once as a ConfigError naming key, value and what is allowed.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
    const result = v.safeParse(stackSchema, raw);
    const issues = result.issues ?? [];
    const problems = new Problems();
    problemLines(issues).forEach((line) => problems.addLine(line));
    if (issues.some((issue) => issueKeys(issue).length === 0)) problems.throwIfAny();

    // The checks across entries and sections read what parsed; what did not is reported above.
    const valid = validAt(issues);
    const parsed = result.output as ParsedStackConfig;
    const {
        serviceAccounts,
        sharedRoles,
        oidcProvider,
        podIdentityAgent,
        trustPolicyMaxLength,
        kubernetes,
        ...config
    } = parsed;
    const resolved = resolveIdentities(
        {
            clusterName: typeof parsed.clusterName === "string" ? parsed.clusterName : "",
            serviceAccounts: Array.isArray(serviceAccounts) ? serviceAccounts : [],
            sharedRoles: Array.isArray(sharedRoles) ? sharedRoles : [],
            valid,
        },
        problems,
    );
    const identity: IdentityConfig = { ...resolved, oidcProvider, podIdentityAgent, trustPolicyMaxLength, kubernetes };
    if (config.rehearsal !== undefined && valid(["rehearsal"]) && valid(["oidcProvider"])) {
        const pools = Array.isArray(config.pools) ? config.pools.filter((_pool, i) => valid(["pools", i])) : [];
        checkRehearsalWiring(config.rehearsal, pools, identity, problems);
    }
    problems.throwIfAny();
    return { ...config, pools: withSetKeys(config.pools, raw.pools), identity };
}

/** Each pool with the keys its raw config sets (a null value counts as absent, as the schema reads it). */
function withSetKeys(pools: StackConfig["pools"], raw: unknown): StackConfig["pools"] {
    const given = Array.isArray(raw) ? (raw as unknown[]) : [];
    return pools.map((pool, i) => {
        const entry = given[i];
        const keys =
            typeof entry === "object" && entry !== null
                ? Object.entries(entry)
                      .filter(([, value]) => value !== null && value !== undefined)
                      .map(([key]) => key)
                      .sort()
                : [];
        return { ...pool, setKeys: keys };
    });
}

/** Keys whose values are always text, even when they look like a number (a cluster named "2024"). */
const STRING_KEYS: readonly string[] = Object.entries(stackEntries)
    .filter(([, schema]) => keyDoc(schema)?.pulumiType === "string")
    .map(([key]) => key);

/**
 * Reads every `eks-al2023-migration:*` key of the current stack (including unknown ones, so typos are reported)
 * and validates them. Values that hold JSON (objects and lists set in Pulumi.<stack>.yaml) are parsed first.
 */
export function readConfig(): StackConfig {
    const prefix = `${PROJECT}:`;
    const raw: Record<string, unknown> = {};
    const all = pulumi.runtime.allConfig();
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        raw[key] = STRING_KEYS.includes(key) ? text : parseConfigValue(text);
    }
    const misspelled = misspelledNamespaceKeys(Object.keys(all), PROJECT).map(
        (key) =>
            `${key}: unknown config namespace "${key.slice(0, key.indexOf(":"))}" (did you mean "${PROJECT}"?); ` +
            "the program reads only its own namespace, so this setting would be ignored",
    );
    if (misspelled.length === 0) return parseConfig(raw);
    try {
        parseConfig(raw);
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new ConfigError([...misspelled, ...error.problems]);
    }
    throw new ConfigError(misspelled);
}

/**
 * Pulumi hands every config value to the program as a string; structured values (and numbers and booleans) arrive
 * as JSON text. Plain strings that are not JSON stay strings.
 */
export function parseConfigValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
