/**
 * The stack config schema: every `eks-al2023-migration:<key>` of `Pulumi.<stack>.yaml`, composed from the domains'
 * schemas. Each default and range is stated once, in the domain's schema; the README's config reference and the
 * descriptions in `Pulumi.yaml` are generated from it (`npm run docs:config`).
 */
import * as v from "valibot";
import { rules } from "../common/name-rules";
import { checked, required, str, stringMap, strictObject, withDefault } from "../common/schema-kit";
import { awsTagRules } from "../common/tags";
import { cutoverEntries } from "../cutover/cutover-schema";
import { identityEntries } from "../identity/identity-schema";
import { poolsSchema } from "../nodes/pools";
import { rehearsalSchema } from "../rehearsal/rehearsal-schema";

const { promotion, ...cutover } = cutoverEntries;

/** Every top-level key, in the order the reference (and an unknown key's message) lists them. */
export const stackEntries = {
    clusterName: required(str(rules.eksClusterName), {
        type: "string",
        pulumiType: "string",
        description:
            "The EKS cluster whose worker nodes move to AL2023 (an existing one, read with aws.eks.getCluster; in rehearsal mode the one the stack creates).",
    }),
    pools: poolsSchema,
    ...cutover,
    tags: withDefault(
        checked(stringMap(), awsTagRules),
        {},
        {
            type: "map",
            description: `tags on every AWS resource the stack creates (keys starting \`aws:\` or \`eks-al2023-migration/\` are reserved)`,
        },
    ),
    ...identityEntries,
    promotion,
    rehearsal: rehearsalSchema,
};

/** Every top-level config key of the project (without the `eks-al2023-migration:` prefix). */
export const CONFIG_KEYS: readonly string[] = Object.keys(stackEntries);

/** The whole stack config as the schema reads it (before the identities are resolved). */
export const stackSchema = strictObject(stackEntries, {
    required: { pools: "is required: a list with at least one pool" },
});

/** The stack config as the schema reads it. */
export type ParsedStackConfig = v.InferOutput<typeof stackSchema>;
