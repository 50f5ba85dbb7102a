/** Shows a resource input in a violation message: JSON, shortened so a large document cannot flood the output. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * True for a flag the AWS provider spells as the string "true" (launch template EBS and network interface flags are
 * strings in @pulumi/aws 7) or as a boolean.
 */
export function isTrue(value: unknown): boolean {
    return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/** An IAM policy element that may be one value or a list of them, as a list. */
export function asList(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

/** A plain JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
