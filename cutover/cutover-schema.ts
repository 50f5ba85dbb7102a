/** The cutover's stack keys: the phase, skipping, the drain's limits, protection and the prod-after-dev gate. */
import * as v from "valibot";
import { rules } from "../common/name-rules";
import { bool, int, oneOf, optional, str, stringMap, strictObject, withDefault } from "../common/schema-kit";
import { CUTOVER_PHASES } from "./phases";

/**
 * The longest drain allowed. The drain runs inside one `pulumi up` with one set of AWS credentials; Pulumi Deployments
 * and the deploy roles give sessions of 2 hours (deploy/settings.ts), so the drain, with the node group updates around
 * it, must finish well within that.
 */
export const MAX_DRAIN_TIMEOUT_MINUTES = 90;

/** `promotion:` in Pulumi.prod.yaml: this stack may only run cutover phases another stack has completed. */
const promotionSchema = strictObject({
    /** The stack whose recorded cutover bounds this one's, e.g. `dev`. */
    requireStack: str({ ...rules.dns1123Label, patternText: "a stack name such as dev" }),
    /** Pools of this stack that follow a differently named pool of `requireStack`. */
    follow: v.nullish(stringMap(), {}),
});

/** `promotion`: refuse a phase `requireStack` has not completed. */
export type PromotionConfig = v.InferOutput<typeof promotionSchema>;

/** The cutover's top-level keys. */
export const cutoverEntries = {
    cutoverPhase: withDefault(oneOf(CUTOVER_PHASES), "prepare", {
        type: "string",
        pulumiType: "string",
        description: `Cutover phase of every pool without its own phase: ${CUTOVER_PHASES.join(", ")}.`,
    }),
    cutoverAllowSkip: withDefault(bool(), false, {
        type: "bool",
        pulumiType: "boolean",
        description: "Allow moving forward more than one phase in one pulumi up (never into decommission).",
    }),
    drainTimeoutMinutes: withDefault(int(1, MAX_DRAIN_TIMEOUT_MINUTES, "minutes"), 20, {
        type: `int 1–${MAX_DRAIN_TIMEOUT_MINUTES}`,
        pulumiType: "integer",
        description:
            "How long the drain waits for pods to leave the AL2 nodes before the run fails (kept well inside the 2-hour deploy session).",
    }),
    drainEvictUnmanagedPods: withDefault(bool(), false, {
        type: "bool",
        pulumiType: "boolean",
        description:
            "Let the drain evict pods no controller would recreate (like kubectl drain --force); otherwise they stop the drain, listed by name.",
    }),
    protectNodeGroups: withDefault(bool(), false, {
        type: "bool",
        pulumiType: "boolean",
        description: "Protect the AL2023 node groups from deletion (on in prod).",
    }),
    promotion: optional(promotionSchema, {
        type: "object",
        description:
            "`{requireStack: dev, follow: {<pool>: <pool of requireStack>}}`: refuse a phase the other stack has not completed (prod).",
    }),
};
