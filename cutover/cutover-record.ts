import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CUTOVER_PHASES, type CutoverPhase } from "./phases";
import type { ScalingConfig } from "../nodes/pools";
import { Problems } from "../common/config-error";

/** The stack output that holds the CutoverRecord; the next deployment reads it back through a StackReference. */
export const CUTOVER_OUTPUT = "cutover";

/** The record format; bump it when the shape changes incompatibly. */
export const CUTOVER_RECORD_VERSION = 1;

/** What the stack records about one pool's cutover after a deployment. */
export interface PoolCutoverRecord {
    /** The phase deployed. */
    readonly phase: CutoverPhase;
    /** The AL2 node group this pool replaces; absent for a greenfield pool. */
    readonly legacyNodeGroupName?: string;
    /** The AL2 node group's sizes when the stack adopted it: what "unchanged" means in later phases. */
    readonly legacySizeAtAdoption?: ScalingConfig;
    /** The AL2 node group is in the stack's state (imported); later deployments must not import it again. */
    readonly adopted: boolean;
    /** The AL2023 node group's name (it may be generated from a prefix), for the readiness gate. */
    readonly al2023NodeGroupName?: string;
    /** `canary` kept the AL2023 node group at full size after a rollback (`holdsAl2023AtFullSize`). */
    readonly al2023HeldAtFullSize?: boolean;
}

/** The `cutover` stack output: per pool name. */
export interface CutoverRecord {
    readonly version: typeof CUTOVER_RECORD_VERSION;
    readonly pools: Readonly<Record<string, PoolCutoverRecord>>;
}

/** The record before the first deployment. */
export const EMPTY_CUTOVER_RECORD: CutoverRecord = { version: CUTOVER_RECORD_VERSION, pools: {} };

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseScaling(key: string, value: unknown, problems: Problems): ScalingConfig | undefined {
    if (!isObject(value)) {
        problems.add(key, value, "expected {min, desired, max}");
        return undefined;
    }
    const size = (field: "min" | "desired" | "max"): number => {
        const n = value[field];
        if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
            problems.add(`${key}.${field}`, n, "expected a whole number ≥ 0");
            return 0;
        }
        return n;
    };
    return { min: size("min"), desired: size("desired"), max: size("max") };
}

function parsePool(key: string, value: unknown, problems: Problems): PoolCutoverRecord | undefined {
    if (!isObject(value)) {
        problems.add(key, value, "expected an object");
        return undefined;
    }
    const phase = value.phase;
    if (typeof phase !== "string" || !(CUTOVER_PHASES as readonly string[]).includes(phase)) {
        problems.add(`${key}.phase`, phase, `expected one of ${CUTOVER_PHASES.join(", ")}`);
    }
    if (typeof value.adopted !== "boolean") problems.add(`${key}.adopted`, value.adopted, "expected true or false");
    const optionalName = (field: "legacyNodeGroupName" | "al2023NodeGroupName"): string | undefined => {
        const name = value[field];
        if (name === undefined || name === null) return undefined;
        if (typeof name !== "string" || name === "")
            problems.add(`${key}.${field}`, name, "expected a node group name");
        return typeof name === "string" ? name : undefined;
    };
    const held = value.al2023HeldAtFullSize;
    if (held !== undefined && held !== null && typeof held !== "boolean") {
        problems.add(`${key}.al2023HeldAtFullSize`, held, "expected true or false");
    }
    const legacyNodeGroupName = optionalName("legacyNodeGroupName");
    const al2023NodeGroupName = optionalName("al2023NodeGroupName");
    const size = value.legacySizeAtAdoption;
    const legacySizeAtAdoption =
        size === undefined || size === null ? undefined : parseScaling(`${key}.legacySizeAtAdoption`, size, problems);
    if (value.adopted === true && (legacyNodeGroupName === undefined || legacySizeAtAdoption === undefined)) {
        problems.addMessage(key, "an adopted pool must record legacyNodeGroupName and legacySizeAtAdoption");
    }
    return {
        phase: phase as CutoverPhase,
        adopted: value.adopted === true,
        ...(legacyNodeGroupName !== undefined ? { legacyNodeGroupName } : {}),
        ...(legacySizeAtAdoption !== undefined ? { legacySizeAtAdoption } : {}),
        ...(al2023NodeGroupName !== undefined ? { al2023NodeGroupName } : {}),
        ...(held === true ? { al2023HeldAtFullSize: true } : {}),
    };
}

/**
 * Validates the `cutover` output of the last deployment. Nothing recorded (first deployment, or a stack deployed before
 * this record existed) is the empty record. Anything malformed raises a ConfigError naming the field
 * (`cutover.pools.general.phase`): the guards cannot run without knowing the last phase, so the program stops rather
 * than guess. Fix it by redeploying the last phase's code or editing the state (`pulumi stack export`/`import`).
 */
export function parseCutoverRecord(value: unknown): CutoverRecord {
    if (value === undefined || value === null) return EMPTY_CUTOVER_RECORD;
    const problems = new Problems();
    const hint = `stack output ${CUTOVER_OUTPUT}`;
    if (!isObject(value)) {
        problems.add(CUTOVER_OUTPUT, value, `expected an object (${hint} of the last deployment)`);
        problems.throwIfAny();
    }
    const record = value as Record<string, unknown>;
    if (record.version !== CUTOVER_RECORD_VERSION) {
        problems.add(
            `${CUTOVER_OUTPUT}.version`,
            record.version,
            `this program reads version ${CUTOVER_RECORD_VERSION}`,
        );
    }
    const pools: Record<string, PoolCutoverRecord> = {};
    if (!isObject(record.pools)) {
        problems.add(`${CUTOVER_OUTPUT}.pools`, record.pools, "expected an object keyed by pool name");
    } else {
        for (const name of Object.keys(record.pools).sort()) {
            const pool = parsePool(`${CUTOVER_OUTPUT}.pools.${name}`, record.pools[name], problems);
            if (pool) pools[name] = pool;
        }
    }
    problems.throwIfAny();
    return { version: CUTOVER_RECORD_VERSION, pools };
}

/**
 * Reads the CutoverRecord the last deployment of this stack left in its outputs, through a StackReference to the
 * stack itself. A first deployment reads nothing and gets the empty record.
 */
export async function readPreviousCutover(): Promise<CutoverRecord> {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const ref = new pulumi.StackReference("cutover-previous-deployment", { name: self });
    const details = await ref.getOutputDetails(CUTOVER_OUTPUT);
    return parseCutoverRecord(details.value ?? details.secretValue);
}

/**
 * The AL2 node group's size at adoption: the recorded one once adopted (its live size changes in later phases; kept
 * after `decommission` too), otherwise the live size now. Undefined when neither is known.
 */
export function legacySizeAtAdoption(
    previous: PoolCutoverRecord | undefined,
    live: Pick<aws.eks.GetNodeGroupResult, "nodeGroupName" | "scalingConfigs"> | undefined,
): ScalingConfig | undefined {
    const recorded = previous?.legacySizeAtAdoption;
    const sameNodeGroup = live === undefined || live.nodeGroupName === previous?.legacyNodeGroupName;
    if (recorded && sameNodeGroup && (previous.adopted || previous.phase === "decommission")) return recorded;
    const scaling = live?.scalingConfigs[0];
    return scaling ? { min: scaling.minSize, desired: scaling.desiredSize, max: scaling.maxSize } : undefined;
}

/**
 * Reads a managed node group; undefined when the cluster has none of that name. It lists the cluster's node groups
 * first (`aws.eks.getNodeGroups`) rather than reading the error of `aws.eks.getNodeGroup`, whose text is not an API.
 */
export async function lookupNodeGroup(
    clusterName: string,
    nodeGroupName: string,
): Promise<aws.eks.GetNodeGroupResult | undefined> {
    const { names } = await aws.eks.getNodeGroups({ clusterName });
    if (!names.includes(nodeGroupName)) return undefined;
    return aws.eks.getNodeGroup({ clusterName, nodeGroupName });
}

/**
 * This deployment's record for one pool. The AL2 node group counts as adopted from the deployment that imports it
 * until `decommission` deletes it; its size at adoption is kept from then on.
 */
export function poolCutoverRecord(args: {
    readonly phase: CutoverPhase;
    readonly legacyNodeGroupName?: string;
    readonly legacySizeAtAdoption?: ScalingConfig;
    readonly al2023NodeGroupName: string;
    /** @default false */
    readonly al2023HeldAtFullSize?: boolean;
}): PoolCutoverRecord {
    const hasLegacy = args.legacyNodeGroupName !== undefined && args.legacySizeAtAdoption !== undefined;
    return {
        phase: args.phase,
        adopted: hasLegacy && args.phase !== "decommission",
        ...(hasLegacy
            ? { legacyNodeGroupName: args.legacyNodeGroupName, legacySizeAtAdoption: { ...args.legacySizeAtAdoption! } }
            : {}),
        al2023NodeGroupName: args.al2023NodeGroupName,
        ...(args.al2023HeldAtFullSize === true && { al2023HeldAtFullSize: true }),
    };
}

/**
 * An AL2 node group as the cutover reads it: `aws.eks.getNodeGroup`'s result on an existing cluster, or the definition
 * of one the stack creates (rehearsal: program/cluster-source.ts), whose role and subnets are Outputs of resources
 * created with it.
 */
export type LegacyNodeGroupState = Omit<aws.eks.GetNodeGroupResult, "nodeRoleArn" | "subnetIds"> & {
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetIds: readonly pulumi.Input<string>[];
};

/** Reads the AL2 node group of that name; undefined when there is none. */
export type LegacyNodeGroupReader = (
    clusterName: string,
    nodeGroupName: string,
) => Promise<LegacyNodeGroupState | undefined>;

/** The live node groups the guards and the adoption of one pool need. */
export interface PoolLiveNodeGroups {
    /** The AL2 node group named by `legacyNodeGroup`; undefined when the pool has none or it does not exist. */
    readonly legacy?: LegacyNodeGroupState;
    /** The AL2023 node group as the last deployment left it (by its recorded name), for the readiness gate. */
    readonly al2023?: aws.eks.GetNodeGroupResult;
}

/**
 * Reads a pool's live node groups: the AL2 one whenever `legacyNodeGroup` is set (with `readLegacy`, which the
 * cluster source supplies), the AL2023 one (named in the last record) only in `drain` and `decommission`, where the
 * readiness gate needs it.
 */
export async function readPoolNodeGroups(
    clusterName: string,
    pool: { readonly legacyNodeGroup?: string },
    phase: CutoverPhase,
    previous: PoolCutoverRecord | undefined,
    readLegacy: LegacyNodeGroupReader = lookupNodeGroup,
): Promise<PoolLiveNodeGroups> {
    if (pool.legacyNodeGroup === undefined) return {};
    const legacy = await readLegacy(clusterName, pool.legacyNodeGroup);
    const gated = phase === "drain" || phase === "decommission";
    const al2023Name = previous?.al2023NodeGroupName;
    const al2023 = gated && al2023Name !== undefined ? await lookupNodeGroup(clusterName, al2023Name) : undefined;
    return { ...(legacy ? { legacy } : {}), ...(al2023 ? { al2023 } : {}) };
}
