import type { ScalingConfig } from "../nodes/pools";
import { optionsKey, type Evaluation, type RecordedOptions } from "./evaluate";
import type { RecordedResource } from "./offline-cloud";
import type { PlanTaint } from "./plan-document";

/** The type token of a managed node group (AL2023 and AL2). */
export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
/** The type token of a pool's launch template. */
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
/** The type token of a dynamic resource (the cordon and the drain). */
export const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

/** A JSON object of recorded inputs or outputs. */
export type Json = Record<string, unknown>;

/** Whether a recorded value is a JSON object. */
export function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A recorded value as an object; `{}` when it is not one. */
export function asObject(value: unknown): Json {
    return isObject(value) ? value : {};
}

/** A recorded value as strings; `[]` when it is not an array. */
export function asStrings(value: unknown): string[] {
    return Array.isArray(value) ? value.map(String) : [];
}

/** A node group's recorded `scalingConfig`. */
export function scaling(value: unknown): ScalingConfig {
    const s = asObject(value);
    return { min: Number(s.minSize), desired: Number(s.desiredSize), max: Number(s.maxSize) };
}

/** A node group's recorded taints. */
export function taints(value: unknown): PlanTaint[] {
    return (Array.isArray(value) ? value : []).map((item) => {
        const t = asObject(item);
        return { key: String(t.key), ...(t.value ? { value: String(t.value) } : {}), effect: String(t.effect) };
    });
}

/** The declared resource of a type and name. */
export function find(resources: readonly RecordedResource[], type: string, name: string): RecordedResource | undefined {
    return resources.find((r) => r.type === type && r.name === name);
}

const NO_OPTIONS: RecordedOptions = { protect: false, ignoreChanges: [], dependsOnCount: 0 };

/** The resource options declared for a resource of a type and name (none recorded: no options). */
export function optionsOf(evaluation: Evaluation, type: string, name: string): RecordedOptions {
    return evaluation.options.get(optionsKey(type, name)) ?? NO_OPTIONS;
}
