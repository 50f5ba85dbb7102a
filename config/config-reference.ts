/**
 * The config reference, generated from the schema: the README's key tables and the `config:` block of `Pulumi.yaml`
 * (https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options). `npm run docs:config` writes
 * them; a test fails when the committed files drift from the schema.
 */
import type * as v from "valibot";
import { stringify } from "yaml";
import { keyDoc } from "../common/schema-kit";
import { kubeletEntries, poolEntries } from "../nodes/pool-schema";
import { rootVolumeEntries } from "../nodes/root-volume-schema";
import { stackEntries } from "./schema";

/** The markers around a generated part of the README. */
const marker = (part: string) =>
    [`<!-- config-reference:${part}:start -->`, `<!-- config-reference:${part}:end -->`] as const;

/** Each generated table of the README: its markers' name and the keys it lists. */
const README_TABLES: readonly { part: string; entries: Readonly<Record<string, v.GenericSchema>> }[] = [
    { part: "stack-keys", entries: stackEntries },
    { part: "pool-keys", entries: poolEntries },
    { part: "root-volume-keys", entries: rootVolumeEntries },
    { part: "kubelet-keys", entries: kubeletEntries },
];

/** A key's default as the reference shows it: `required`, `none`, or the value. */
function defaultText(schema: v.GenericSchema): string {
    const doc = keyDoc(schema);
    if (doc?.defaultText !== undefined) return doc.defaultText;
    if (schema.type !== "nullish") return "required";
    const fallback = (schema as v.GenericSchema & { default?: unknown }).default;
    if (fallback === undefined) return "none";
    return `\`${typeof fallback === "string" ? fallback : JSON.stringify(fallback)}\``;
}

/** A markdown table of `entries`: key, type, default, meaning. */
export function keyTable(entries: Readonly<Record<string, v.GenericSchema>>): string {
    const rows = Object.entries(entries).map(([key, schema]) => {
        const doc = keyDoc(schema);
        if (doc === undefined) throw new Error(`config key ${key} has no reference documentation`);
        return `| \`${key}\` | ${doc.type} | ${defaultText(schema)} | ${doc.description.replace(/\|/g, "\\|")} |`;
    });
    return ["| key | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** `text` with the part between `markers` replaced by `content`. */
function replaceBetween(text: string, [start, end]: readonly [string, string], content: string): string {
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to < from) throw new Error(`missing markers ${start} … ${end}`);
    return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The README with its generated key tables brought up to date. */
export function readmeWithReference(readme: string): string {
    return README_TABLES.reduce(
        (text, { part, entries }) => replaceBetween(text, marker(part), keyTable(entries)),
        readme,
    );
}

/**
 * `Pulumi.yaml` with its `config:` block (the last block) generated: the scalar stack keys with type, default and
 * description, so `pulumi config` knows them.
 */
export function pulumiYamlWithConfig(pulumiYaml: string): string {
    const declared: Record<string, Record<string, unknown>> = {};
    for (const [key, schema] of Object.entries(stackEntries)) {
        const doc = keyDoc(schema);
        if (doc?.pulumiType === undefined) continue;
        const fallback = schema.type === "nullish" ? (schema as { default?: unknown }).default : undefined;
        declared[key] = {
            type: doc.pulumiType,
            ...(fallback !== undefined && { default: fallback }),
            description: doc.description,
        };
    }
    const at = pulumiYaml.search(/^config:$/m);
    if (at === -1) throw new Error("Pulumi.yaml has no config: block");
    return pulumiYaml.slice(0, at) + stringify({ config: declared }, { lineWidth: 0 });
}
