import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { KUBELET_CONFIGURATION_KEYS } from "../../nodes/kubelet-configuration-keys";

/** The subset of OpenAPI v3 the NodeConfig CRD uses. */
interface OpenApiSchema {
    readonly type?: "object" | "array" | "string" | "boolean" | "integer" | "number";
    readonly properties?: Readonly<Record<string, OpenApiSchema>>;
    readonly additionalProperties?: OpenApiSchema;
    readonly items?: OpenApiSchema;
    readonly enum?: readonly unknown[];
    readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
}

/** The NodeConfig openAPIV3Schema, read from the CRD copied into docs/schemas/ (amazon-eks-ami). */
export function nodeConfigSchema(): OpenApiSchema {
    const crd = parse(readFileSync(join(__dirname, "../../docs/schemas/nodeadm-nodeconfig-crd.yaml"), "utf8"));
    return crd.spec.versions[0].schema.openAPIV3Schema;
}

function typeOf(value: unknown): string {
    if (Array.isArray(value)) return "array";
    if (value === null) return "null";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

/**
 * Every way `value` breaks the schema, as `path: problem`: a key the schema does not have (nodeadm would drop it
 * silently), a wrong type, a value outside an enum. `spec.kubelet.config` keys are checked against the
 * KubeletConfiguration field list, since the CRD leaves that object open.
 */
export function schemaProblems(value: unknown, schema: OpenApiSchema, path = ""): string[] {
    if (schema["x-kubernetes-preserve-unknown-fields"]) return [];
    const problems: string[] = [];
    const actual = typeOf(value);
    if (schema.type !== undefined && actual !== schema.type && !(schema.type === "number" && actual === "integer")) {
        return [`${path}: expected ${schema.type}, got ${actual}`];
    }
    if (schema.enum !== undefined && !schema.enum.includes(value))
        problems.push(`${path}: ${String(value)} not in enum`);
    if (actual === "array" && schema.items !== undefined) {
        (value as unknown[]).forEach((item, i) =>
            problems.push(...schemaProblems(item, schema.items!, `${path}[${i}]`)),
        );
    }
    if (actual === "object") {
        const known: readonly string[] = KUBELET_CONFIGURATION_KEYS;
        for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
            const field = path === "" ? key : `${path}.${key}`;
            if (path === "spec.kubelet.config" && !known.includes(key))
                problems.push(`${field}: not a KubeletConfiguration field`);
            const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
            if (childSchema === undefined) problems.push(`${field}: unknown key`);
            else problems.push(...schemaProblems(child, childSchema, field));
        }
    }
    return problems;
}
