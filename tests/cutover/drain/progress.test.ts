import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { drainNodeGroup } from "../../../cutover/drain/drain-run";
import { formatDuration, statusLine } from "../../../cutover/drain/progress";
import { AL2, clusterNodes, drainOptions, fake, fakeTime, startFake } from "./helpers";

beforeAll(startFake);
afterAll(() => fake.stop());
beforeEach(() => fake.reset({}));

describe("progress lines", () => {
    it("formats durations and the status line", () => {
        expect([0, 999, 1000, 59_001, 60_000, 65_000, 3_600_000].map(formatDuration)).toEqual([
            "0s",
            "1s",
            "1s",
            "1m00s",
            "1m00s",
            "1m05s",
            "60m00s",
        ]);
        const podsLeftByNode = new Map([
            ["al2-b", 2],
            ["al2-a", 1],
            ["al2-c", 0],
        ]);
        expect(statusLine({ nodeGroupName: AL2, podsLeftByNode, msLeft: 61_500 })).toBe(
            `drain of node group "${AL2}": 3 pod(s) left (al2-a: 1, al2-b: 2); 1m02s left before drainTimeoutMinutes`,
        );
    });

    it("reports each cordon, eviction accepted or refused (with its budget), and a status line while waiting", async () => {
        fake.reset({
            nodes: clusterNodes(),
            pods: [
                {
                    namespace: "shop",
                    name: "api-1",
                    nodeName: "al2-a",
                    labels: { app: "api" },
                    replacement: { nodeName: "al2023-a", ticks: 12 },
                },
                {
                    namespace: "shop",
                    name: "api-2",
                    nodeName: "al2-b",
                    labels: { app: "api" },
                    replacement: { nodeName: "al2023-a", ticks: 12 },
                },
            ],
            pdbs: [{ namespace: "shop", name: "api", selector: { matchLabels: { app: "api" } }, minAvailable: 1 }],
        });
        const lines: string[] = [];
        const time = fakeTime();
        await drainNodeGroup(
            ...drainOptions(time, { log: (l) => lines.push(l), progressIntervalMs: 2000, maxConcurrentEvictions: 1 }),
        );
        const refused =
            "pod shop/api-2 on node al2-b: eviction refused by PodDisruptionBudget shop/api (HTTP 429: Cannot evict " +
            "pod as it would violate the pod's disruption budget.); retrying in";
        const left = (s: number) =>
            `drain of node group "${AL2}": 1 pod(s) left (al2-b: 1); ${s}s left before drainTimeoutMinutes`;
        // Refusals at 0, 1, 3 and 7 s (back-off 1, 2, 4, 8 s); status lines at least every 2 s of waiting; the budget
        // allows api-2 once api-1's replacement is Ready.
        expect(lines).toEqual([
            "node al2-a cordoned",
            "node al2-b cordoned",
            "pod shop/api-1 on node al2-a: eviction accepted",
            `${refused} 1s`,
            `${refused} 2s`,
            `${refused} 4s`,
            left(57),
            `${refused} 8s`,
            left(53),
            left(48),
            "pod shop/api-2 on node al2-b: eviction accepted",
            `drain of node group "${AL2}" done: 2 pod(s) evicted in 15s`,
        ]);
    });
});
