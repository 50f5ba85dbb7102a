import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CUTOVER_PHASES, type CutoverPhase } from "./phases";
import type { ScalingConfig } from "../nodes/pools";
import { Problems } from "../common/config-error";
import type { Al2NodeGroupFacts } from "../nodes/inheritance";
import type { InstanceTypesIn } from "../nodes/instance-type-placement";
import { parseAl2LaunchTemplate, parseAl2Snapshot, type RecordedAl2LaunchTemplate } from "./al2-snapshot";

/** The stack output that holds the CutoverRecord; the next deployment reads it back through a StackReference. */
export const CUTOVER_OUTPUT = "cutover";

/** The record format; bump it when the shape changes incompatibly. */
export const CUTOVER_RECORD_VERSION = 1 as const;

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
    /**
     * What the AL2023 node group took from the AL2 node group (node role, subnets), recorded from adoption on, so
     * the pool keeps them once the AL2 node group is deleted. Absent in records written before it existed.
     */
    readonly inherited?: InheritedNodeSettings;
    /**
     * The AL2023 node group's NodeGroupRetirement is in the state (it drains the node group before a replacement
     * deletes it): `allowReplacement` needs it. Absent in records written before it existed.
     */
    readonly al2023Retirement?: boolean;
    /**
     * Where the AL2023 node group has its instance types, decided at its first declaration (`instanceTypesIn`): the live
     * node group cannot tell. Absent in records written before it existed.
     */
    readonly instanceTypesIn?: InstanceTypesIn;
}

/** The settings an AL2023 node group takes from the AL2 node group it replaces (`pools[i].nodeRoleArn`/`subnetIds` unset). */
export interface InheritedNodeSettings {
    readonly nodeRoleArn: string;
    readonly subnetIds: readonly string[];
    /**
     * The AL2 node group as it was when the AL2023 pool was first declared: what the pool inherits its labels,
     * taints, instance types and the rest from on every later run. Absent in records written before it existed.
     */
    readonly al2?: Al2NodeGroupFacts;
    /**
     * The launch template version the AL2 node group ran (its user data and image id), or `none`: what the pool's
     * user data translation reads on every later run, after `decommission` too. Absent in records written before it
     * existed (the live AL2 node group's is read while it exists).
     */
    readonly al2LaunchTemplate?: RecordedAl2LaunchTemplate;
}

/** The `cutover` stack output: per pool name. */
export interface CutoverRecord {
    readonly version: typeof CUTOVER_RECORD_VERSION;
    readonly pools: Readonly<Record<string, PoolCutoverRecord>>;
}

/** The record before the first deployment. */
export const EMPTY_CUTOVER_RECORD: CutoverRecord = { version: CUTOVER_RECORD_VERSION, pools: {} };

/** Every placement `instanceTypesIn` may record (the compiler checks it against the type). */
const INSTANCE_TYPES_IN: Readonly<Record<InstanceTypesIn, true>> = { launchTemplate: true, nodeGroup: true };

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
    const retirement = value.al2023Retirement;
    if (retirement !== undefined && retirement !== null && typeof retirement !== "boolean") {
        problems.add(`${key}.al2023Retirement`, retirement, "expected true or false");
    }
    const placement = value.instanceTypesIn;
    const instanceTypesIn =
        typeof placement === "string" && Object.hasOwn(INSTANCE_TYPES_IN, placement)
            ? (placement as InstanceTypesIn)
            : undefined;
    if (placement !== undefined && placement !== null && instanceTypesIn === undefined) {
        problems.add(
            `${key}.instanceTypesIn`,
            placement,
            `expected one of ${Object.keys(INSTANCE_TYPES_IN).join(", ")}`,
        );
    }
    const inherited = parseInherited(`${key}.inherited`, value.inherited, problems);
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
        ...(inherited !== undefined ? { inherited } : {}),
        ...(retirement === true ? { al2023Retirement: true } : {}),
        ...(instanceTypesIn !== undefined ? { instanceTypesIn } : {}),
    };
}

function parseInherited(key: string, value: unknown, problems: Problems): InheritedNodeSettings | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
        problems.add(key, value, "expected {nodeRoleArn, subnetIds}");
        return undefined;
    }
    const { nodeRoleArn, subnetIds } = value;
    if (typeof nodeRoleArn !== "string" || nodeRoleArn === "") {
        problems.add(`${key}.nodeRoleArn`, nodeRoleArn, "expected an IAM role ARN");
    }
    const subnets = Array.isArray(subnetIds) && subnetIds.every((id) => typeof id === "string" && id !== "");
    if (!subnets || subnetIds.length === 0)
        problems.add(`${key}.subnetIds`, subnetIds, "expected a list of subnet ids");
    const al2 = parseAl2Snapshot(`${key}.al2`, value.al2, problems);
    const al2LaunchTemplate = parseAl2LaunchTemplate(`${key}.al2LaunchTemplate`, value.al2LaunchTemplate, problems);
    return typeof nodeRoleArn === "string" && subnets
        ? {
              nodeRoleArn,
              subnetIds: [...(subnetIds as string[])],
              ...(al2 !== undefined && { al2 }),
              ...(al2LaunchTemplate !== undefined && { al2LaunchTemplate }),
          }
        : undefined;
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

/** What the last deployment of this stack left in its outputs: its CutoverRecord and other outputs, raw. */
export interface PreviousDeployment {
    readonly cutover: CutoverRecord;
    /** The raw values of the other outputs asked for, by name; undefined when the last deployment has none. */
    readonly others: Readonly<Record<string, unknown>>;
}

/**
 * Reads the CutoverRecord the last deployment of this stack left in its outputs, and the other outputs named in
 * `otherOutputs` (raw: their owners parse them), through one StackReference to the stack itself. A first deployment
 * reads nothing and gets the empty record.
 */
export async function readPreviousDeployment(otherOutputs: readonly string[] = []): Promise<PreviousDeployment> {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const ref = new pulumi.StackReference("cutover-previous-deployment", { name: self });
    const details = await ref.getOutputDetails(CUTOVER_OUTPUT);
    const others: Record<string, unknown> = {};
    for (const name of otherOutputs) {
        const other = await ref.getOutputDetails(name);
        others[name] = other.value ?? other.secretValue;
    }
    return { cutover: parseCutoverRecord(details.value ?? details.secretValue), others };
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
    /** What the AL2023 node group took from the AL2 node group (`inheritedNodeSettings`). */
    readonly inherited?: InheritedNodeSettings;
    /** The AL2023 node group's NodeGroupRetirement was declared and created. @default false */
    readonly al2023Retirement?: boolean;
    /** Where the AL2023 node group's instance types are declared (`instanceTypesIn`). */
    readonly instanceTypesIn?: InstanceTypesIn;
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
        ...(args.inherited !== undefined && {
            inherited: {
                nodeRoleArn: args.inherited.nodeRoleArn,
                subnetIds: [...args.inherited.subnetIds],
                ...(args.inherited.al2 !== undefined && { al2: args.inherited.al2 }),
                ...(args.inherited.al2LaunchTemplate !== undefined && {
                    al2LaunchTemplate: args.inherited.al2LaunchTemplate,
                }),
            },
        }),
        ...(args.al2023Retirement === true && { al2023Retirement: true }),
        ...(args.instanceTypesIn !== undefined && { instanceTypesIn: args.instanceTypesIn }),
    };
}
