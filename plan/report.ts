import { ConfigError } from "../common/config-error";
import type { RecordedResource } from "./offline-cloud";
import { OFFLINE_NOTICE, PLAN_DOCUMENT_VERSION, type PlanDocument, type PlanInput } from "./plan-document";
import { poolPlans } from "./pool-plans";
import { asObject, asStrings } from "./recorded-values";
import { serviceAccountPlans } from "./service-account-plans";
import { preflightGatePlans } from "./preflight-gates";

/** Declared resources by type, sorted by type. */
function resourceCounts(resources: readonly RecordedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    return Object.fromEntries(
        Object.keys(counts)
            .sort()
            .map((type) => [type, counts[type]]),
    );
}

/** What the program threw, as message and problems (a ConfigError lists each problem). */
export function describeError(error: unknown): { message: string; problems: string[] } {
    if (error instanceof ConfigError) return { message: error.message, problems: [...error.problems] };
    const message = error instanceof Error ? error.message : String(error);
    if (message.trim() !== "") return { message, problems: [] };
    // Never an empty refusal: name the error type and where it was thrown.
    const where =
        error instanceof Error ? error.stack?.split("\n").find((line) => line.trim().startsWith("at ")) : undefined;
    const name = error instanceof Error ? error.name : typeof error;
    return { message: `${name} without a message${where ? ` (${where.trim()})` : ""}`, problems: [] };
}

/**
 * Builds the plan document from one offline evaluation: every value comes from what the program declared (recorded
 * resource inputs and options, stack outputs), the facts (live sizes before) and the simulation (assumptions).
 */
export function buildPlanDocument(input: PlanInput): PlanDocument {
    const { evaluation } = input;
    const ok = evaluation.error === undefined;
    const cluster = asObject(evaluation.outputs.cluster);
    const gates = ok
        ? preflightGatePlans({
              resources: evaluation.resources,
              previousPhases: input.simulation.previousPhases,
              ...(input.dump !== undefined && { dump: input.dump }),
          })
        : [];
    return {
        version: PLAN_DOCUMENT_VERSION,
        notice: OFFLINE_NOTICE,
        stack: input.stack,
        facts: input.factsSource,
        cutoverPhase: input.cutoverPhase,
        // A gate refusal fails the deployment, as the live gate does at the cordon or drain.
        ok: ok && gates.every((gate) => gate.result !== "refused"),
        ...(!ok && { error: describeError(evaluation.error) }),
        ...(ok &&
            cluster.name !== undefined && {
                cluster: { name: String(cluster.name), kubernetesVersion: String(cluster.kubernetesVersion) },
            }),
        assumptions: [...input.simulation.assumptions],
        pools: ok ? poolPlans(input) : [],
        serviceAccounts: ok ? serviceAccountPlans(evaluation) : [],
        warnings: ok ? asStrings(evaluation.outputs.warnings) : [],
        resourceCounts: resourceCounts(evaluation.resources),
        ...(gates.length > 0 && { preflightGates: gates }),
    };
}
