/** Turns valibot issues into the project's problem lines: `<full key path>: <problem>`. */
import type * as v from "valibot";

/** The path of an issue as its keys: `["pools", 1, "rootVolume", "iops"]`. */
export function issueKeys(issue: v.BaseIssue<unknown>): (string | number)[] {
    return (issue.path ?? []).map((item) => item.key as string | number);
}

/** A key path as messages spell it: `pools[1].rootVolume.iops`. */
export function keyPath(keys: readonly (string | number)[]): string {
    return keys.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}

/**
 * Whether the value at `keys` parsed without an issue (nothing at or inside it failed), so a check across
 * entries (duplicate names, references between sections) reads only values that are what the schema says.
 */
export function validAt(issues: readonly v.BaseIssue<unknown>[]): (keys: readonly (string | number)[]) => boolean {
    const failed = issues.map(issueKeys);
    return (keys) => !failed.some((path) => keys.every((key, i) => path[i] === key));
}

/** The problem lines of issues: `<full key path>: <message>` (the schema's messages are the whole text after the key). */
export function problemLines(issues: readonly v.BaseIssue<unknown>[]): string[] {
    return issues.map((issue) => `${keyPath(issueKeys(issue))}: ${issue.message}`);
}
