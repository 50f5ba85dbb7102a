import type { ServiceAccountRef } from "../identity/identity-config";
import type { ClusterDump } from "./cluster-dump";
import { normalizeFindings, type Finding } from "./finding";
import type { PoolTarget } from "./pool-target";
import { addonFindings } from "./rules/addons";
import type { PoolRuleContext } from "./rules/context";
import { disruptionFindings, emptyBudgetFindings } from "./rules/disruption";
import { identityFindings } from "./rules/identity";
import { runtimeFindings } from "./rules/runtime";
import { schedulingFindings } from "./rules/scheduling";
import { podsOnNodeGroup } from "./workloads";

/** What the rules run on. */
export interface PreflightRequest {
    readonly dump: ClusterDump;
    /** One per pool with a `legacyNodeGroup`. */
    readonly targets: readonly PoolTarget[];
    /** The stack's `serviceAccounts`: their workloads get their own role from the stack. */
    readonly serviceAccounts: readonly ServiceAccountRef[];
    /** The stack's `drainEvictUnmanagedPods`. */
    readonly evictUnmanagedPods: boolean;
}

/** The findings of one pool: every per-pod rule over the pods on its AL2 nodes. */
export function poolFindings(request: PreflightRequest, target: PoolTarget): Finding[] {
    const context: PoolRuleContext = {
        dump: request.dump,
        target,
        pods: podsOnNodeGroup(request.dump, target.legacyNodeGroup),
    };
    return [
        ...schedulingFindings(context),
        ...identityFindings(context, request.serviceAccounts),
        ...runtimeFindings(context),
        ...disruptionFindings(context, { evictUnmanagedPods: request.evictUnmanagedPods }),
    ];
}

/** Every rule over the cluster and each pool, deduplicated and sorted (blockers first). */
export function runPreflight(request: PreflightRequest): Finding[] {
    return normalizeFindings([
        ...request.targets.flatMap((target) => poolFindings(request, target)),
        ...addonFindings(request.dump, request.targets),
        ...emptyBudgetFindings(request.dump),
    ]);
}
