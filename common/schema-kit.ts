/**
 * The building blocks of the config schema (valibot, https://valibot.dev/guides/schemas/): each reader's error
 * message is the whole problem text after `<key>: `, so `config/issues.ts` only prefixes the key path.
 */
import * as v from "valibot";
import { notAllowedText } from "./config-error";

/** An error message `<bad value> is not allowed; <allowed>` for a valibot schema or action. */
export function notAllowed(allowed: string): (issue: v.BaseIssue<unknown>) => string {
    return (issue) => notAllowedText(issue.input, allowed);
}

/** A string rule with the words an error message uses for it. */
export interface StringRule {
    /** The value must match this pattern (a RegExp, or any test)... */
    readonly pattern?: { test(value: string): boolean };
    /** ...described in words for the error message. */
    readonly patternText?: string;
    readonly maxLength?: number;
}

/** The problem with string `value` under `rule`, or undefined when it follows the rule. */
function stringProblem(value: string, rule: StringRule): string | undefined {
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return `at most ${rule.maxLength} characters`;
    if (rule.pattern && !rule.pattern.test(value))
        return `expected ${rule.patternText ?? `a value matching ${rule.pattern}`}`;
    return undefined;
}

/** A string that follows `rule`. */
export function str(rule: StringRule = {}) {
    return v.pipe(
        v.string(notAllowed(`expected a string${rule.patternText ? ` (${rule.patternText})` : ""}`)),
        v.check(
            (value) => stringProblem(value, rule) === undefined,
            (issue) => notAllowedText(issue.input, stringProblem(issue.input as string, rule) ?? ""),
        ),
    );
}

/** A whole number from `min` to `max` (`unit` names what is counted in the message). */
export function int(min: number, max: number, unit = "") {
    const suffix = unit ? ` ${unit}` : "";
    const wrongType = `expected a whole number from ${min} to ${max}${suffix}`;
    return v.pipe(
        v.number(notAllowed(wrongType)),
        v.check(
            (value) => Number.isInteger(value) && value >= min && value <= max,
            (issue) =>
                notAllowedText(
                    issue.input,
                    Number.isInteger(issue.input) ? `allowed: ${min} to ${max}${suffix}` : wrongType,
                ),
        ),
    );
}

/** `true` or `false`. */
export function bool() {
    return v.boolean(notAllowed("expected true or false"));
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly string[]>(options: T) {
    return v.picklist(options, notAllowed(`allowed: ${options.join(", ")}`));
}

/** Whether `value` is a plain object (a YAML mapping), not a list. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A YAML mapping, before its entries are read. */
function mapping(allowed = "expected an object (a YAML mapping)") {
    return v.custom<Record<string, unknown>>(isPlainObject, notAllowed(allowed));
}

/** An issue path item for the entry `key` of `input` (an object key or a list index). */
export function pathItem(input: unknown, key: string | number, value: unknown): v.IssuePathItem {
    return typeof key === "number"
        ? { type: "array", origin: "value", input: input as unknown[], key, value }
        : { type: "object", origin: "value", input: input as Record<string, unknown>, key, value };
}

/** A list of strings, each following `rule`, each at most once. */
export function stringList(rule: StringRule & { readonly minItems?: number; readonly maxItems?: number } = {}) {
    const { minItems, maxItems } = rule;
    const sized = v.pipe(
        v.array(str(rule), notAllowed("expected a list of strings")),
        v.check(
            (items) => minItems === undefined || items.length >= minItems,
            notAllowed(`expected at least ${minItems} item${minItems === 1 ? "" : "s"}`),
        ),
        v.check(
            (items) => maxItems === undefined || items.length <= maxItems,
            notAllowed(`expected at most ${maxItems} items`),
        ),
    );
    return checked(sized, (items, addIssue) => {
        if (!Array.isArray(items)) return;
        const seen = new Set<unknown>();
        items.forEach((item, i) => {
            if (typeof item === "string" && seen.has(item)) {
                addIssue({
                    input: item,
                    message: notAllowedText(item, "each item may appear only once"),
                    path: [pathItem(items, i, item)],
                });
            }
            seen.add(item);
        });
    });
}

/** A map of string keys to string values (tags, labels). Numbers and booleans are not accepted as values. */
export function stringMap() {
    return v.pipe(
        mapping("expected a mapping of string keys to string values"),
        v.record(v.string(), v.string(notAllowed('expected a string (quote numbers and booleans: "true")'))),
    );
}

/** A list of items read by `item`. */
export function list<const T extends v.GenericSchema>(item: T) {
    return v.array(item, notAllowed("expected a list"));
}

/** The closest known key to a mistyped one, for "did you mean" hints. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
    const distance = (a: string, b: string): number => {
        const row = Array.from({ length: b.length + 1 }, (_, i) => i);
        for (let i = 1; i <= a.length; i++) {
            let previous = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const current = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.length];
    };
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of known) {
        const d = distance(key.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** The problem text for an unknown key: a "did you mean" suggestion and the keys allowed at that level. */
export function unknownKeyText(key: string, known: readonly string[]): string {
    const suggestion = closestKey(key, known);
    return `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; allowed keys here: ${known.join(", ")}`;
}

/** Records an issue for every key of a mapping that is not in `known` (typos, mis-cased keys). */
export function onlyKeys(known: readonly string[]): CrossCheck {
    return (value, addIssue) => {
        if (!isPlainObject(value)) return;
        for (const key of Object.keys(value)) {
            if (known.includes(key)) continue;
            addIssue({
                input: value[key],
                message: unknownKeyText(key, known),
                path: [pathItem(value, key, value[key])],
            });
        }
    };
}

/** Records one issue of a `crossCheck`. */
export type AddIssue = (issue: {
    input: unknown;
    message: string;
    path?: [v.IssuePathItem, ...v.IssuePathItem[]];
}) => void;

/** A check across the entries of a value: it reads the value as parsed so far and records issues. */
export type CrossCheck = (value: unknown, addIssue: AddIssue) => void;

/**
 * `schema`, then `check`, which runs even when some entry failed its own check: it reads the value as parsed so far
 * (`unknown`: an entry that failed holds its raw value), so it must test what it reads.
 */
export function checked<const S extends v.GenericSchema>(schema: S, check: CrossCheck) {
    return v.pipe(
        schema,
        v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => check(dataset.value, (issue) => addIssue(issue))),
    );
}

/** An object type whose entries are never null (a null entry counts as absent, as YAML's `key:` is). */
export type WithoutNull<T> = { [K in keyof T]: Exclude<T[K], null> };

/** Options of `strictObject`. */
export interface StrictObjectOptions {
    /** The message for a missing required key, by key. @default "is required" */
    readonly required?: Readonly<Record<string, string>>;
}

/**
 * A YAML mapping with exactly these entries: unknown keys are problems (with a suggestion), since nodeadm and Pulumi
 * would otherwise ignore a typo silently. Entries that are `v.nullish(...)` are optional; null counts as absent.
 */
export function strictObject<const E extends v.ObjectEntries>(entries: E, options: StrictObjectOptions = {}) {
    const known = Object.keys(entries);
    const object = v.pipe(
        mapping(),
        v.looseObject(entries, (issue) => {
            const last = issue.path?.[issue.path.length - 1];
            const key = last && typeof last.key === "string" ? last.key : "";
            return options.required?.[key] ?? "is required";
        }),
    );
    // Unknown keys are reported first: a typo often explains the problems after it (a key "missing" under its right name).
    const unknownKeysFirst = v.rawCheck<v.InferOutput<typeof object>>(({ dataset, addIssue }) => {
        const issues = dataset.issues as v.BaseIssue<unknown>[] | undefined;
        const before = issues?.length ?? 0;
        onlyKeys(known)(dataset.value, (issue) => addIssue(issue));
        const all = dataset.issues as v.BaseIssue<unknown>[] | undefined;
        if (all !== undefined && before > 0) all.unshift(...all.splice(before));
    });
    return v.pipe(
        v.pipe(object, unknownKeysFirst),
        v.transform((value) => {
            const picked: Record<string, unknown> = {};
            for (const key of known) {
                const entry = (value as Record<string, unknown>)[key];
                if (entry !== undefined && entry !== null) picked[key] = entry;
            }
            return picked as WithoutNull<v.InferOutput<v.ObjectSchema<E, undefined>>>;
        }),
    );
}

/** How the config reference (README, `Pulumi.yaml`) describes a key. */
export interface KeyDoc {
    /** The type as the reference shows it: `string`, `bool`, `int 1–90`, `list`, `{min, desired, max}`... */
    readonly type: string;
    /** What the key does, one or two sentences. */
    readonly description: string;
    /** The default in words, when it is not a plain value (`the legacy node group's subnets`). */
    readonly defaultText?: string;
    /** Declared in `Pulumi.yaml` with this type (scalar stack keys only), so `pulumi config` knows it. */
    readonly pulumiType?: "string" | "boolean" | "integer";
}

/** A required key: `schema` with its reference documentation. */
export function required<const S extends v.GenericSchema>(schema: S, doc: KeyDoc) {
    return v.pipe(schema, v.metadata({ doc }));
}

/** An optional key (absent or null: `undefined`). */
export function optional<const S extends v.GenericSchema>(schema: S, doc: KeyDoc) {
    return v.nullish(v.pipe(schema, v.metadata({ doc })));
}

/** An optional key with a default (absent or null: `fallback`, checked by `schema` like a given value). */
export function withDefault<const S extends v.GenericSchema>(schema: S, fallback: v.InferInput<S>, doc: KeyDoc) {
    return v.nullish(v.pipe(schema, v.metadata({ doc })), fallback as never);
}

/** The reference documentation of a key's schema (see `required`, `optional`, `withDefault`), when it has one. */
export function keyDoc(schema: v.GenericSchema): KeyDoc | undefined {
    const inner = "wrapped" in schema ? (schema.wrapped as v.GenericSchema) : schema;
    const pipe = "pipe" in inner ? (inner.pipe as readonly { type: string; metadata?: { doc?: KeyDoc } }[]) : [];
    return pipe.find((item) => item.type === "metadata" && item.metadata?.doc)?.metadata?.doc;
}
