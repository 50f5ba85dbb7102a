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

/** The text of a problem about one value: `<bad value> is not allowed; <what is allowed>` (after `<key>: `). */
export function notAllowedText(value: unknown, allowed: string): string {
    return `${describeValue(value)} is not allowed; ${allowed}`;
}

/** Collects problems as `<key>: <bad value> is not allowed; <what is allowed>` instead of throwing at the first. */
export class Problems {
    private readonly found: string[] = [];

    /** Records that `value` at `key` is not allowed, and what is. */
    add(key: string, value: unknown, allowed: string): void {
        this.found.push(`${key}: ${notAllowedText(value, allowed)}`);
    }

    /** Records a problem that is not about a single value (a missing or conflicting setting). */
    addMessage(key: string, message: string): void {
        this.found.push(`${key}: ${message}`);
    }

    /** Records a whole problem line (`<key>: <problem>`). */
    addLine(line: string): void {
        this.found.push(line);
    }

    get count(): number {
        return this.found.length;
    }

    /** Every problem recorded so far, in order. */
    get all(): readonly string[] {
        return [...this.found];
    }

    /** Throws a ConfigError listing every problem, if there is any. */
    throwIfAny(): void {
        if (this.found.length > 0) throw new ConfigError([...this.found]);
    }
}
