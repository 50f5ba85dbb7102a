import { CHILD_NAMES } from "../common/child-names";
import { phaseIndex, type CutoverPhase } from "../cutover/phases";
import type { ClusterDump } from "../preflight/cluster-dump";
import { clusterDumpFromDocuments, isDumpDocument, isSubnetsDocument, type SourceDocument } from "../preflight/dump";
import type { Finding } from "../preflight/finding";
import { gateFindings, liveGateMessage, type LiveGateInputs } from "../preflight/live-gate";
import type { RecordedResource } from "./offline-cloud";
import type { PreviousPhase } from "./simulate";

// The pre-flight gates in the offline plan: the live gates the cordon (before `shift`) and the drain run in
// `pulumi up` (preflight/live-gate.ts), run here on the cluster dump in the facts folder, with the very inputs the
// program gave the cordon and drain resources it declared.

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

/** The step a gate guards: `shift` (the cordon) or `drain` (the drain's evictions). */
export type GateStep = "shift" | "drain";

/** One pool's pre-flight gate in this deployment. */
export interface PreflightGatePlan {
    readonly pool: string;
    readonly step: GateStep;
    /** The AL2 node group whose pods are checked. */
    readonly legacyNodeGroup: string;
    /** `refused`: a blocker not in `preflightAcknowledge`; `not-checked`: the facts hold no cluster dump. */
    readonly result: "passed" | "refused" | "not-checked";
    /** Blockers `preflightAcknowledge` does not accept: each refuses the step. */
    readonly blockers: readonly Finding[];
    /** Blockers `preflightAcknowledge` accepts. */
    readonly acknowledged: readonly Finding[];
    /** The live gate's refusal, word for word, when it refuses. */
    readonly refusal?: string;
}

/**
 * The cluster dump in the facts documents, recognised by content as `npm run preflight` does (preflight/dump.ts);
 * undefined when no document is part of one. A partial dump (no nodes or pods) is a DumpError.
 */
export function clusterDumpIn(documents: readonly SourceDocument[]): ClusterDump | undefined {
    const dumped = documents.some((d) => isDumpDocument(d.doc) && !isSubnetsDocument(d.doc));
    return dumped ? clusterDumpFromDocuments(documents) : undefined;
}

/** Whether a resource that exists from `since` on is created by a deployment after `previous`. */
function createdNow(previous: PreviousPhase, since: CutoverPhase): boolean {
    return previous === "none" || phaseIndex(previous) < phaseIndex(since);
}

/**
 * The gate each pool runs in this deployment: the cordon's (`shift`) when the cordon is created now, else the drain's
 * when the drain is (a skip to drain creates both; the cordon gates first). A resource kept from the last deployment
 * runs no gate.
 */
function gateOf(
    pool: string,
    previous: PreviousPhase,
    resources: readonly RecordedResource[],
): { step: GateStep; inputs: LiveGateInputs } | undefined {
    const declared = (name: string) => resources.find((r) => r.type === DYNAMIC && r.name === name);
    const candidates: [GateStep, RecordedResource | undefined][] = [
        ["shift", declared(CHILD_NAMES.legacyCordon(pool))],
        ["drain", declared(CHILD_NAMES.legacyDrain(pool))],
    ];
    for (const [step, resource] of candidates) {
        const inputs = resource?.inputs.preflight as LiveGateInputs | undefined;
        if (inputs !== undefined && createdNow(previous, step)) return { step, inputs };
    }
    return undefined;
}

/** Runs each pool's gate of this deployment on the dump; without a dump, each gate is `not-checked`. */
export function preflightGatePlans(input: {
    readonly resources: readonly RecordedResource[];
    readonly previousPhases: Readonly<Record<string, PreviousPhase>>;
    readonly dump?: ClusterDump;
}): PreflightGatePlan[] {
    return Object.entries(input.previousPhases).flatMap(([pool, previous]): PreflightGatePlan[] => {
        const gate = gateOf(pool, previous, input.resources);
        if (gate === undefined) return [];
        const base = { pool, step: gate.step, legacyNodeGroup: gate.inputs.target.legacyNodeGroup };
        if (input.dump === undefined) return [{ ...base, result: "not-checked", blockers: [], acknowledged: [] }];
        const { blockers, acknowledged } = gateFindings(input.dump, gate.inputs);
        return [
            {
                ...base,
                result: blockers.length > 0 ? "refused" : "passed",
                blockers,
                acknowledged,
                ...(blockers.length > 0 && { refusal: liveGateMessage(gate.step, gate.inputs, blockers) }),
            },
        ];
    });
}

/** Why a gate was not checked, and how to check it. */
export const NOT_CHECKED_REASON =
    'the facts hold no cluster dump: add the `kubectl get ... -o json` outputs of the README\'s "Before you start" ' +
    "to the --facts folder to run it offline";

/** The refusals of the gates that refuse, as the live gates would fail `pulumi up` with them. */
export function gateRefusals(document: { readonly preflightGates?: readonly PreflightGatePlan[] }): string[] {
    return (document.preflightGates ?? []).flatMap((gate) => (gate.refusal === undefined ? [] : [gate.refusal]));
}
