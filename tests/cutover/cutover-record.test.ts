import { configProblems } from "../config/config-errors";
import { describe, expect, it } from "vitest";
import {
    EMPTY_CUTOVER_RECORD,
    legacySizeAtAdoption,
    parseCutoverRecord,
    poolCutoverRecord,
    readPreviousDeployment,
    type CutoverRecord,
    type PreviousDeployment,
} from "../../cutover/cutover-record";
import { lookupNodeGroup, readPoolNodeGroups } from "../../cutover/live-node-groups";
import { liveNodeGroup } from "./cutover-fixtures";
import { exampleFacts, runProgram, useOfflineCloud } from "../fakes/mocks";

const RECORD: CutoverRecord = {
    version: 1,
    pools: {
        general: {
            phase: "shift",
            legacyNodeGroupName: "prod-general-al2",
            legacySizeAtAdoption: { min: 3, desired: 6, max: 12 },
            adopted: true,
            al2023NodeGroupName: "general-al2023",
        },
        web: { phase: "shift", adopted: false, al2023NodeGroupName: "web-al2023" },
    },
};

describe("parseCutoverRecord", () => {
    it("a first deployment has no record", () => {
        expect(parseCutoverRecord(undefined)).toStrictEqual(EMPTY_CUTOVER_RECORD);
        expect(parseCutoverRecord(null)).toStrictEqual({ version: 1, pools: {} });
    });

    it("reads back what a deployment recorded", () => {
        expect(parseCutoverRecord(JSON.parse(JSON.stringify(RECORD)))).toStrictEqual(RECORD);
    });

    it("orders the pools by name, whatever order the stack output holds them in", () => {
        const web = { phase: "shift", adopted: false, al2023NodeGroupName: "web-al2023" };
        const pools = { web, general: RECORD.pools.general, batch: { ...web, al2023NodeGroupName: "batch-al2023" } };
        expect(Object.keys(parseCutoverRecord({ version: 1, pools }).pools)).toStrictEqual(["batch", "general", "web"]);
    });

    it("rejects malformed records, naming each field and value", () => {
        expect(configProblems(() => parseCutoverRecord("shift"))).toStrictEqual([
            'cutover: "shift" is not allowed; expected an object (stack output cutover of the last deployment)',
        ]);
        expect(configProblems(() => parseCutoverRecord({ version: 2, pools: [] }))).toStrictEqual([
            "cutover.version: 2 is not allowed; this program reads version 1",
            "cutover.pools: [] is not allowed; expected an object keyed by pool name",
        ]);
        const bad = {
            version: 1,
            pools: {
                general: { phase: "drained", adopted: "yes", legacySizeAtAdoption: { min: 1, desired: -1, max: 2.5 } },
                web: { phase: "shift", adopted: true },
            },
        };
        expect(configProblems(() => parseCutoverRecord(bad))).toStrictEqual([
            'cutover.pools.general.phase: "drained" is not allowed; expected one of prepare, canary, shift, drain, decommission',
            'cutover.pools.general.adopted: "yes" is not allowed; expected true or false',
            "cutover.pools.general.legacySizeAtAdoption.desired: -1 is not allowed; expected a whole number ≥ 0",
            "cutover.pools.general.legacySizeAtAdoption.max: 2.5 is not allowed; expected a whole number ≥ 0",
            "cutover.pools.web: an adopted pool must record legacyNodeGroupName and legacySizeAtAdoption",
        ]);
    });

    it("reads the retirement flag: true is kept, a record without it has none, anything else is refused", () => {
        const pool = (extra: object) => ({
            version: 1,
            pools: { general: { phase: "decommission", adopted: false, ...extra } },
        });
        expect(parseCutoverRecord(pool({ al2023Retirement: true })).pools.general).toStrictEqual({
            phase: "decommission",
            adopted: false,
            al2023Retirement: true,
        });
        expect(parseCutoverRecord(pool({})).pools.general).toStrictEqual({ phase: "decommission", adopted: false });
        expect(configProblems(() => parseCutoverRecord(pool({ al2023Retirement: "yes" })))).toStrictEqual([
            'cutover.pools.general.al2023Retirement: "yes" is not allowed; expected true or false',
        ]);
    });
});

describe("readPreviousDeployment", () => {
    it("reads the cutover output of this stack's last deployment through a StackReference to itself", async () => {
        const cloud = await useOfflineCloud(exampleFacts("prod"), {
            stack: "prod",
            previousOutputs: {
                cutover: RECORD,
                podIdentityAgent: { addonName: "eks-pod-identity-agent", managed: true },
            },
        });
        let read: PreviousDeployment | undefined;
        await runProgram(async () => {
            read = await readPreviousDeployment(["podIdentityAgent", "absent"]);
            return {};
        });
        expect(read).toStrictEqual({
            cutover: RECORD,
            others: { podIdentityAgent: { addonName: "eks-pod-identity-agent", managed: true }, absent: undefined },
        });
        expect(cloud.resource("pulumi:pulumi:StackReference", "cutover-previous-deployment").inputs).toStrictEqual({
            name: "acme/eks-al2023-migration/prod",
        });
    });

    it("is empty on a first deployment", async () => {
        await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
        let read: PreviousDeployment | undefined;
        await runProgram(async () => {
            read = await readPreviousDeployment();
            return {};
        });
        expect(read).toStrictEqual({ cutover: EMPTY_CUTOVER_RECORD, others: {} });
    });
});

describe("lookupNodeGroup", () => {
    it("returns the live node group, or undefined when it does not exist", async () => {
        await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
        const found: unknown[] = [];
        await runProgram(async () => {
            found.push(await lookupNodeGroup("shop-prod", "prod-general-al2"));
            found.push(await lookupNodeGroup("shop-prod", "prod-missing-al2"));
            return {};
        });
        expect(found).toStrictEqual([liveNodeGroup("prod-general-al2"), undefined]);
    });
});

describe("legacySizeAtAdoption", () => {
    const general = RECORD.pools.general;

    it("is the live size before adoption and the recorded size after", () => {
        const live = liveNodeGroup("prod-general-al2", {
            scalingConfigs: [{ minSize: 0, desiredSize: 0, maxSize: 12 }],
        });
        expect(legacySizeAtAdoption(undefined, liveNodeGroup("prod-general-al2"))).toStrictEqual({
            min: 3,
            desired: 6,
            max: 12,
        });
        expect(legacySizeAtAdoption(general, live)).toStrictEqual({ min: 3, desired: 6, max: 12 });
        expect(legacySizeAtAdoption({ ...general, phase: "decommission", adopted: false }, undefined)).toStrictEqual({
            min: 3,
            desired: 6,
            max: 12,
        });
        expect(legacySizeAtAdoption(undefined, undefined)).toBeUndefined();
    });

    it("ignores a record about another node group", () => {
        const batch = liveNodeGroup("prod-batch-al2");
        expect(legacySizeAtAdoption(general, batch)).toStrictEqual({ min: 2, desired: 3, max: 8 });
    });
});

describe("poolCutoverRecord", () => {
    it("records adoption until decommission, and nothing about AL2 for a greenfield pool", () => {
        const legacy = {
            legacyNodeGroupName: "prod-general-al2",
            legacySizeAtAdoption: { min: 3, desired: 6, max: 12 },
        };
        expect(poolCutoverRecord({ phase: "shift", ...legacy, al2023NodeGroupName: "general-al2023" })).toStrictEqual(
            RECORD.pools.general,
        );
        expect(
            poolCutoverRecord({ phase: "decommission", ...legacy, al2023NodeGroupName: "general-al2023" }),
        ).toStrictEqual({
            ...RECORD.pools.general,
            phase: "decommission",
            adopted: false,
        });
        expect(poolCutoverRecord({ phase: "shift", al2023NodeGroupName: "web-al2023" })).toStrictEqual(
            RECORD.pools.web,
        );
    });
});

describe("readPoolNodeGroups", () => {
    it("reads the AL2 node group when the pool has one, and the AL2023 one the last deployment recorded", async () => {
        const cloud = await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
        const previous = { ...RECORD.pools.general, al2023NodeGroupName: "prod-batch-al2" };
        const read: unknown[] = [];
        await runProgram(async () => {
            read.push(await readPoolNodeGroups("shop-prod", { legacyNodeGroup: "prod-general-al2" }, previous));
            read.push(await readPoolNodeGroups("shop-prod", { legacyNodeGroup: "prod-general-al2" }, undefined));
            read.push(await readPoolNodeGroups("shop-prod", {}, previous));
            read.push(await readPoolNodeGroups("shop-prod", { legacyNodeGroup: "gone-al2" }, undefined));
            return {};
        });
        const general = liveNodeGroup("prod-general-al2");
        expect(read).toStrictEqual([
            { legacy: general, al2023: { ...liveNodeGroup("prod-batch-al2"), healthIssues: [] } },
            { legacy: general },
            { al2023: { ...liveNodeGroup("prod-batch-al2"), healthIssues: [] } },
            {},
        ]);
        expect(cloud.invokes.filter((i) => i.token === "aws:eks/getNodeGroup:getNodeGroup")).toHaveLength(4);
    });
});
