import { callApi, DeadlineReached, type CallContext } from "./api-calls";
import type { BudgetCache } from "./drain-messages";
import type { DrainLog } from "./progress";

/**
 * Lists a namespace's PodDisruptionBudgets once per drain, into `budgets` (the messages name them); a failure is
 * remembered and logged, not fatal (the Eviction API enforces the budgets anyway). Only the deadline is rethrown.
 */
export async function listBudgets(
    context: CallContext,
    what: {
        /** The namespace whose budgets to list. */
        readonly namespace: string;
        /** The drain's budgets so far; the answer (or why there is none) is added. */
        readonly budgets: BudgetCache;
        /** Where a failure is logged. */
        readonly log: DrainLog;
    },
): Promise<void> {
    const { namespace, budgets, log } = what;
    if (budgets.has(namespace)) return;
    try {
        budgets.set(
            namespace,
            await callApi(context, {
                label: `listing the PodDisruptionBudgets of namespace ${namespace}`,
                request: async (api, o) => (await api.policy.listNamespacedPodDisruptionBudget({ namespace }, o)).items,
            }),
        );
    } catch (error) {
        if (error instanceof DeadlineReached) throw error;
        const message = error instanceof Error ? error.message : String(error);
        budgets.set(namespace, { error: message });
        log(`${message}; the Eviction API still enforces them`);
    }
}
