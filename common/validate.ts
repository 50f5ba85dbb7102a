import * as pulumi from "@pulumi/pulumi";

/**
 * Every problem found in the stack's settings, thrown once. A `RunError` is printed by the Pulumi CLI
 * without a stack trace, so the user sees only the list of problems.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Shows a config value in an error message: JSON, shortened so a huge value cannot flood the terminal. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Collects problems as `<key>: <bad value> is not allowed; <what is allowed>` instead of throwing at the first. */
export class Problems {
    private readonly found: string[] = [];

    /** Records that `value` at `key` is not allowed, and what is. */
    add(key: string, value: unknown, allowed: string): void {
        this.found.push(`${key}: ${describeValue(value)} is not allowed; ${allowed}`);
    }

    /** Records a problem that is not about a single value (a missing or conflicting setting). */
    addMessage(key: string, message: string): void {
        this.found.push(`${key}: ${message}`);
    }

    get count(): number {
        return this.found.length;
    }

    /** Throws a ConfigError listing every problem, if there is any. */
    throwIfAny(): void {
        if (this.found.length > 0) throw new ConfigError([...this.found]);
    }
}

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Options shared by the string readers. */
export interface StringRule {
    /** The value must match this pattern... */
    readonly pattern?: RegExp;
    /** ...described in words for the error message. */
    readonly patternText?: string;
    readonly maxLength?: number;
}

/** The closest known key to a mistyped one, for "did you mean" hints. */
function closestKey(key: string, known: readonly string[]): string | undefined {
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

/**
 * A view onto one object in the stack config at a key path such as `pools[1].rootVolume`. Each reader returns the
 * typed value, or `undefined` after recording a problem (or when an optional key is absent), so a parser can read
 * every key and report every mistake at once.
 */
export class ConfigObject {
    private constructor(
        readonly path: string,
        readonly value: Plain,
        readonly problems: Problems,
    ) {}

    /** Wraps `raw` if it is an object; otherwise records a problem and returns undefined. */
    static from(path: string, raw: unknown, problems: Problems): ConfigObject | undefined {
        if (!isPlainObject(raw)) {
            problems.add(path, raw, "expected an object (a YAML mapping)");
            return undefined;
        }
        return new ConfigObject(path, raw, problems);
    }

    /** The full key path of a field of this object. */
    key(field: string): string {
        return this.path === "" ? field : `${this.path}.${field}`;
    }

    has(field: string): boolean {
        return this.value[field] !== undefined && this.value[field] !== null;
    }

    /** Records a problem for every key that is not in `known` (typos, mis-cased keys), with a suggestion. */
    onlyKeys(known: readonly string[]): void {
        for (const field of Object.keys(this.value)) {
            if (known.includes(field)) continue;
            const suggestion = closestKey(field, known);
            this.problems.addMessage(
                this.key(field),
                `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; allowed keys here: ${known.join(", ")}`,
            );
        }
    }

    /** A string; `required` records a problem when it is absent. */
    string(field: string, rule: StringRule & { required: true }): string | undefined;
    string(field: string, rule?: StringRule & { required?: boolean }): string | undefined;
    string(field: string, rule: StringRule & { required?: boolean } = {}): string | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) {
            if (rule.required) this.problems.addMessage(this.key(field), "is required");
            return undefined;
        }
        return checkString(this.key(field), raw, rule, this.problems);
    }

    /** A whole number within [min, max]. */
    integer(field: string, min: number, max: number, unit = ""): number | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        return checkInteger(this.key(field), raw, min, max, this.problems, unit);
    }

    boolean(field: string): boolean | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        if (typeof raw !== "boolean") {
            this.problems.add(this.key(field), raw, "expected true or false");
            return undefined;
        }
        return raw;
    }

    /** One of a fixed set of strings. */
    oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        if (typeof raw !== "string" || !(allowed as readonly string[]).includes(raw)) {
            this.problems.add(this.key(field), raw, `allowed: ${allowed.join(", ")}`);
            return undefined;
        }
        return raw as T;
    }

    /** A list of strings, each checked against `rule`. */
    stringList(field: string, rule: StringRule & { minItems?: number; maxItems?: number } = {}): string[] | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        const key = this.key(field);
        if (!Array.isArray(raw)) {
            this.problems.add(key, raw, "expected a list of strings");
            return undefined;
        }
        if (rule.minItems !== undefined && raw.length < rule.minItems) {
            this.problems.add(key, raw, `expected at least ${rule.minItems} item${rule.minItems === 1 ? "" : "s"}`);
        }
        if (rule.maxItems !== undefined && raw.length > rule.maxItems) {
            this.problems.add(key, raw, `expected at most ${rule.maxItems} items`);
        }
        const before = this.problems.count;
        const items = raw.map((item, i) => checkString(`${key}[${i}]`, item, rule, this.problems));
        const seen = new Set<string>();
        raw.forEach((item, i) => {
            if (typeof item !== "string") return;
            if (seen.has(item)) this.problems.add(`${key}[${i}]`, item, "each item may appear only once");
            seen.add(item);
        });
        return this.problems.count === before ? (items as string[]) : undefined;
    }

    /** A map of string keys to string values (tags, labels). Numbers and booleans are not accepted as values. */
    stringMap(field: string): Record<string, string> | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        const key = this.key(field);
        if (!isPlainObject(raw)) {
            this.problems.add(key, raw, "expected a mapping of string keys to string values");
            return undefined;
        }
        const before = this.problems.count;
        for (const [name, value] of Object.entries(raw)) {
            if (typeof value !== "string") {
                this.problems.add(`${key}.${name}`, value, 'expected a string (quote numbers and booleans: "true")');
            }
        }
        return this.problems.count === before ? (raw as Record<string, string>) : undefined;
    }

    /** A nested object, or undefined when absent or not an object (a problem is recorded in the second case). */
    object(field: string): ConfigObject | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        return ConfigObject.from(this.key(field), raw, this.problems);
    }

    /** A list whose items the caller checks, each with its key path (`pools[2]`). */
    list(field: string): { key: string; value: unknown }[] | undefined {
        const raw = this.value[field];
        if (raw === undefined || raw === null) return undefined;
        if (!Array.isArray(raw)) {
            this.problems.add(this.key(field), raw, "expected a list");
            return undefined;
        }
        return raw.map((value, i) => ({ key: `${this.key(field)}[${i}]`, value }));
    }

    /** A list of objects, each wrapped as a ConfigObject (items that are not objects are recorded and dropped). */
    objectList(field: string): ConfigObject[] | undefined {
        return this.list(field)
            ?.map((item) => ConfigObject.from(item.key, item.value, this.problems))
            .filter((item): item is ConfigObject => item !== undefined);
    }
}

/** Checks that `raw` is a string that follows `rule`; records a problem and returns undefined otherwise. */
export function checkString(key: string, raw: unknown, rule: StringRule, problems: Problems): string | undefined {
    if (typeof raw !== "string") {
        problems.add(key, raw, `expected a string${rule.patternText ? ` (${rule.patternText})` : ""}`);
        return undefined;
    }
    if (rule.maxLength !== undefined && raw.length > rule.maxLength) {
        problems.add(key, raw, `at most ${rule.maxLength} characters`);
        return undefined;
    }
    if (rule.pattern && !rule.pattern.test(raw)) {
        problems.add(key, raw, `expected ${rule.patternText ?? `a value matching ${rule.pattern}`}`);
        return undefined;
    }
    return raw;
}

/** Checks that `raw` is a whole number within [min, max]. */
export function checkInteger(
    key: string,
    raw: unknown,
    min: number,
    max: number,
    problems: Problems,
    unit = "",
): number | undefined {
    const suffix = unit ? ` ${unit}` : "";
    if (typeof raw !== "number" || !Number.isInteger(raw)) {
        problems.add(key, raw, `expected a whole number from ${min} to ${max}${suffix}`);
        return undefined;
    }
    if (raw < min || raw > max) {
        problems.add(key, raw, `allowed: ${min} to ${max}${suffix}`);
        return undefined;
    }
    return raw;
}

/** Common name rules, each with the words an error message uses for it. */
export const rules = {
    /** Kubernetes DNS-1123 label: namespaces, service accounts. */
    dns1123Label: {
        pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        patternText:
            "a DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63",
    },
    /** Kubernetes DNS-1123 subdomain: workload names. */
    dns1123Subdomain: {
        pattern: /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        patternText: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
    },
    /** EKS cluster names (CreateCluster): 1-100, letters, digits, '-' and '_', starting alphanumeric. */
    eksClusterName: {
        pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
        patternText: "an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
    },
    /** EKS node group names (CreateNodegroup): 1-63, letters, digits, '-' and '_', starting alphanumeric. */
    eksNodeGroupName: {
        pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/,
        patternText: "an EKS node group name: 1-63 letters, digits, '-' or '_', starting with a letter or digit",
    },
    /** Any IAM role ARN, in any partition. */
    iamRoleArn: {
        pattern: /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/,
        patternText: "an IAM role ARN such as arn:aws:iam::123456789012:role/name",
    },
    /** Any IAM policy ARN, in any partition (AWS managed policies have the account "aws"). */
    iamPolicyArn: {
        pattern: /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws):policy\/[\w+=,.@\-/]{1,512}$/,
        patternText: "an IAM policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    },
    subnetId: {
        pattern: /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/,
        patternText: "a subnet id such as subnet-0123456789abcdef0",
    },
    securityGroupId: {
        pattern: /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/,
        patternText: "a security group id such as sg-0123456789abcdef0",
    },
    amiId: { pattern: /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, patternText: "an AMI id such as ami-0123456789abcdef0" },
} satisfies Record<string, StringRule>;
