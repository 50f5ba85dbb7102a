import { describe, expect, it } from "vitest";
import { guardCutover } from "../../cutover/guards";
import { liveNodeGroup, poolConfig, AT_ADOPTION, poolRecord, guardContext } from "./cutover-fixtures";

describe("guardCutover", () => {
    const cluster = { name: "shop-prod", kubernetesVersion: "1.33" };
    const al2023 = liveNodeGroup("prod-general-al2", {
        nodeGroupName: "general-al2023",
        amiType: "AL2023_x86_64_STANDARD",
    });

    it("collects every pool's problems and warnings, and each pool's gate", () => {
        const general = {
            ...guardContext("drain", poolRecord("shift")),
            legacyLive: liveNodeGroup("prod-general-al2"),
        };
        const batch = {
            pool: poolConfig({
                name: "batch",
                legacyNodeGroup: "prod-batch-al2",
                scaling: { min: 1, desired: 2, max: 4 },
            }),
            poolIndex: 2,
            phase: "drain" as const,
            previous: poolRecord("shift", {
                legacyNodeGroupName: "prod-batch-al2",
                al2023NodeGroupName: "batch-al2023",
            }),
            legacyLive: liveNodeGroup("prod-batch-al2"),
            legacyAtAdoption: { min: 2, desired: 3, max: 8 },
        };
        const findings = guardCutover({
            pools: [{ ...general, al2023Live: al2023, legacyAtAdoption: AT_ADOPTION }, batch],
            previous: { version: 1, pools: { general: poolRecord("shift"), gone: poolRecord("canary") } },
            allowSkip: false,
            cluster,
        });
        expect(findings.problems).toStrictEqual([
            expect.stringMatching(
                /^cutoverPhase: "drain" is not allowed; pool "batch" is not ready: AL2023 node group "batch-al2023"/,
            ),
            expect.stringMatching(/^pools\[2\]\.scaling\.desired: 2 is not allowed; in drain pool "batch"/),
            expect.stringMatching(/^pools: pool "gone" is missing/),
        ]);
        expect(findings.warnings).toStrictEqual([
            expect.stringMatching(
                /^pools\[1\]\.legacyNodeGroup: AL2 node group "prod-general-al2" runs on Kubernetes 1\.33/,
            ),
            expect.stringMatching(
                /^pools\[2\]\.legacyNodeGroup: AL2 node group "prod-batch-al2" runs on Kubernetes 1\.33/,
            ),
        ]);
        expect(findings.gates.general.passed).toBe(true);
        expect(findings.gates.batch).toMatchObject({ required: true, passed: false, nodeGroupName: "batch-al2023" });
    });

    it("finds nothing for a healthy step", () => {
        const findings = guardCutover({
            pools: [
                {
                    ...guardContext("prepare"),
                    legacyLive: liveNodeGroup("prod-general-al2"),
                    legacyAtAdoption: AT_ADOPTION,
                },
            ],
            previous: { version: 1, pools: {} },
            allowSkip: false,
            cluster: { ...cluster, kubernetesVersion: "1.32" },
        });
        expect(findings).toMatchObject({ problems: [], warnings: [] });
        expect(findings.gates.general.required).toBe(false);
    });
});
