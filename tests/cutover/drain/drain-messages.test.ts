import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { timeoutMessage, type BudgetCache } from "../../../cutover/drain/drain-messages";

const pod = (namespace: string, name: string): V1Pod => ({ metadata: { namespace, name, labels: { app: name } } });

describe("the drain's timeout message", () => {
    it("lists the stuck pods in namespace/name order whatever order the drain found them in", () => {
        const budgets: BudgetCache = new Map([
            ["shop", []],
            ["batch", { error: "HTTP 403" }],
        ]);
        const message = timeoutMessage({
            nodeGroupName: "dev-general-al2",
            timeoutMs: 90_000,
            stuck: [
                { pod: pod("shop", "web-b"), node: "ip-10-0-1-2", refusals: 0, lastRefusal: "", evicted: false },
                {
                    pod: pod("batch", "job-1"),
                    node: "ip-10-0-1-3",
                    refusals: 2,
                    lastRefusal: "HTTP 429",
                    evicted: false,
                },
                { pod: pod("shop", "web-a"), node: "ip-10-0-1-1", refusals: 1, lastRefusal: "", evicted: true },
            ],
            budgets,
        });
        expect(message).toBe(
            'drain of node group "dev-general-al2" timed out after 90s; 3 pod(s) could not move:\n' +
                "  - batch/job-1 on node ip-10-0-1-3: eviction refused 2 time(s) (HTTP 429); " +
                "PodDisruptionBudgets could not be listed (HTTP 403)\n" +
                "  - shop/web-a on node ip-10-0-1-1: eviction accepted, pod still terminating; no PodDisruptionBudget\n" +
                "  - shop/web-b on node ip-10-0-1-2: not evicted yet; no PodDisruptionBudget\n" +
                "The node group was left at its size with its nodes cordoned; no pod or node was deleted. Let the " +
                "budgets allow a disruption (more replicas on the new nodes, or a looser PodDisruptionBudget), or " +
                "raise drainTimeoutMinutes, then run pulumi up again.",
        );
    });
});
