/** Kubernetes node labels and taints as a pool declares them, with the label syntax checked. */
import * as v from "valibot";
import { notAllowedText } from "../common/config-error";
import { rules } from "../common/name-rules";
import { checked, isPlainObject, list, oneOf, pathItem, str, stringMap, strictObject } from "../common/schema-kit";

/** Taint effects as the EKS node group API spells them. */
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

/** The name part of a Kubernetes qualified name (label and taint keys), and a label value when not empty. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Whether `key` is a Kubernetes label key: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63 characters
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
 */
export function isLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    if (slash === -1) return QUALIFIED_NAME.test(key);
    return rules.dns1123Subdomain.pattern.test(key.slice(0, slash)) && QUALIFIED_NAME.test(key.slice(slash + 1));
}

/** Whether `value` is a Kubernetes label value: empty, or ≤ 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
    return value === "" || QUALIFIED_NAME.test(value);
}

const LABEL_KEY = {
    pattern: { test: isLabelKey },
    patternText:
        "a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
};
const LABEL_VALUE = {
    pattern: { test: isLabelValue },
    patternText:
        "a Kubernetes label value: empty or at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
};

/** Node labels: a string map whose keys and values follow the label syntax. */
export function labelsSchema() {
    return checked(stringMap(), (labels, addIssue) => {
        if (!isPlainObject(labels)) return;
        for (const [key, value] of Object.entries(labels)) {
            if (typeof value !== "string") continue;
            const path: [v.IssuePathItem] = [pathItem(labels, key, value)];
            if (!isLabelKey(key))
                addIssue({ input: key, message: notAllowedText(key, `expected ${LABEL_KEY.patternText}`), path });
            if (!isLabelValue(value)) {
                addIssue({ input: value, message: notAllowedText(value, `expected ${LABEL_VALUE.patternText}`), path });
            }
        }
    });
}

const taintSchema = v.pipe(
    strictObject(
        { key: str(LABEL_KEY), value: v.nullish(str(LABEL_VALUE)), effect: oneOf(TAINT_EFFECTS) },
        { required: { effect: `is required: ${TAINT_EFFECTS.join(", ")}` } },
    ),
    // An empty value is the same taint as none: EKS stores it without one.
    v.transform(({ value, ...taint }) => ({ ...taint, ...(value !== undefined && value !== "" && { value }) })),
);

/** A Kubernetes taint as the EKS node group API spells it. */
export type NodeTaint = v.InferOutput<typeof taintSchema>;

/** Node taints: at most 50, each key and effect pair once. */
export function taintsSchema() {
    return checked(list(taintSchema), (taints, addIssue) => {
        if (!Array.isArray(taints)) return;
        if (taints.length > 50) {
            addIssue({ input: taints, message: notAllowedText(`${taints.length} taints`, "at most 50 taints") });
        }
        const seen = new Set<string>();
        taints.forEach((taint: { key?: unknown; effect?: unknown } | undefined, i) => {
            if (typeof taint?.key !== "string" || typeof taint.effect !== "string") return;
            const id = `${taint.key}:${taint.effect}`;
            if (seen.has(id)) {
                addIssue({
                    input: taint.key,
                    message: notAllowedText(
                        taint.key,
                        `each taint key and effect pair may appear once (${taint.effect} repeats)`,
                    ),
                    path: [pathItem(taints, i, taint), pathItem(taint, "key", taint.key)],
                });
            }
            seen.add(id);
        });
    });
}
