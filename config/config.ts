import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../common/project";
import { CUTOVER_PHASES, type CutoverPhase } from "../cutover/phases";
import { checkTags, parsePools, type PoolConfig } from "../nodes/pool-config";
import { parseIdentityConfig, IDENTITY_KEYS, type IdentityConfig } from "../identity/identity-config";
import { parsePromotionConfig, PROMOTION_KEYS, type PromotionConfig } from "../cutover/promotion-gate";
import {
    checkRehearsalWiring,
    parseRehearsalConfig,
    REHEARSAL_KEYS,
    type RehearsalConfig,
} from "../rehearsal/rehearsal-config";
import { ConfigObject, Problems, rules } from "../common/validate";

/** The whole validated stack configuration: the only thing the rest of the program reads. */
export interface StackConfig {
    /** The existing EKS cluster whose worker nodes move to AL2023 (in rehearsal mode: the cluster to create). */
    readonly clusterName: string;
    /** The AL2023 node pools, each optionally replacing one AL2 managed node group. */
    readonly pools: readonly PoolConfig[];
    /** Workload identities (IRSA, Pod Identity) and the Kubernetes access used to bind them. */
    readonly identity: IdentityConfig;
    /** The cutover phase of every pool that does not set its own `phase`. @default "prepare" */
    readonly cutoverPhase: CutoverPhase;
    /** Allow moving forward more than one phase in one `pulumi up`. @default false */
    readonly cutoverAllowSkip: boolean;
    /** How long the drain may wait for pods to leave the AL2 nodes before `pulumi up` fails. @default 20 */
    readonly drainTimeoutMinutes: number;
    /**
     * Let the drain evict pods that no controller would recreate (like `kubectl drain --force`); otherwise their
     * presence stops the drain with a list of them. @default false
     */
    readonly drainEvictUnmanagedPods: boolean;
    /** Protect node groups from deletion (`protect` resource option); on in prod. @default false */
    readonly protectNodeGroups: boolean;
    /** Tags added to every AWS resource the stack creates. @default {} */
    readonly tags: Readonly<Record<string, string>>;
    /** Refuse a cutover phase that another stack (dev) has not completed; set in prod. @default none */
    readonly promotion?: PromotionConfig;
    /** Rehearsal mode: the stack creates the cluster `clusterName` with an AL2 pool and a sample workload. @default off */
    readonly rehearsal?: RehearsalConfig;
}

/**
 * The longest drain allowed. The drain runs inside one `pulumi up` with one set of AWS credentials; Pulumi Deployments
 * and the deploy roles give sessions of 2 hours (deploy/settings.ts), so the drain, with the node group updates around
 * it, must finish well within that.
 */
export const MAX_DRAIN_TIMEOUT_MINUTES = 90;

/** Top-level keys handled here; the area parsers own theirs. */
const CORE_KEYS = [
    "clusterName",
    "pools",
    "cutoverPhase",
    "cutoverAllowSkip",
    "drainTimeoutMinutes",
    "drainEvictUnmanagedPods",
    "protectNodeGroups",
    "tags",
] as const;

/** Every top-level config key of the project (without the `eks-al2023-migration:` prefix). */
export const CONFIG_KEYS: readonly string[] = [...CORE_KEYS, ...IDENTITY_KEYS, ...PROMOTION_KEYS, ...REHEARSAL_KEYS];

/**
 * Validates raw stack config (key without the project prefix → value, objects already parsed from JSON) into a
 * StackConfig. Every problem is collected and thrown once as a ConfigError naming key, value and what is allowed.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
    const problems = new Problems();
    const root = ConfigObject.from("", raw, problems);
    if (root === undefined) {
        problems.throwIfAny();
        throw new Error("unreachable: a non-object config was reported above");
    }
    root.onlyKeys(CONFIG_KEYS);

    const clusterName = root.string("clusterName", { ...rules.eksClusterName, required: true });
    const pools = parsePools(root, problems);
    const identity = parseIdentityConfig(root, problems);
    const cutoverPhase = root.oneOf("cutoverPhase", CUTOVER_PHASES) ?? "prepare";
    const cutoverAllowSkip = root.boolean("cutoverAllowSkip") ?? false;
    const drainTimeoutMinutes = root.integer("drainTimeoutMinutes", 1, MAX_DRAIN_TIMEOUT_MINUTES, "minutes") ?? 20;
    const drainEvictUnmanagedPods = root.boolean("drainEvictUnmanagedPods") ?? false;
    const protectNodeGroups = root.boolean("protectNodeGroups") ?? false;
    const tags = root.stringMap("tags") ?? {};
    checkTags("tags", tags, problems);
    const promotion = parsePromotionConfig(root);
    const rehearsal = parseRehearsalConfig(root, problems);
    if (rehearsal !== undefined) checkRehearsalWiring(rehearsal, pools, identity, problems);

    problems.throwIfAny();
    return {
        clusterName: clusterName!,
        pools,
        identity,
        cutoverPhase,
        cutoverAllowSkip,
        drainTimeoutMinutes,
        drainEvictUnmanagedPods,
        protectNodeGroups,
        tags,
        ...(promotion !== undefined && { promotion }),
        ...(rehearsal !== undefined && { rehearsal }),
    };
}

/** Keys whose values are always text, even when they look like a number (a cluster named "2024"). */
const STRING_KEYS: readonly string[] = ["clusterName", "cutoverPhase"];

/**
 * Reads every `eks-al2023-migration:*` key of the current stack (including unknown ones, so typos are reported)
 * and validates them. Values that hold JSON (objects and lists set in Pulumi.<stack>.yaml) are parsed first.
 */
export function readConfig(): StackConfig {
    const prefix = `${PROJECT}:`;
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        raw[key] = STRING_KEYS.includes(key) ? text : parseConfigValue(text);
    }
    return parseConfig(raw);
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
