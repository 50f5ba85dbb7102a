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

describe("parseCutoverRecord: where the instance types are (instanceTypesIn)", () => {
    const pool = (extra: object) => ({
        version: 1,
        pools: { general: { phase: "canary", adopted: false, al2023NodeGroupName: "general-al2023", ...extra } },
    });

    it.each(["launchTemplate", "nodeGroup"])("reads back %s", (instanceTypesIn) => {
        expect(parseCutoverRecord(pool({ instanceTypesIn })).pools.general).toStrictEqual({
            phase: "canary",
            adopted: false,
            al2023NodeGroupName: "general-al2023",
            instanceTypesIn,
        });
    });

    it("a record written before it existed has none", () => {
        expect(parseCutoverRecord(pool({})).pools.general).not.toHaveProperty("instanceTypesIn");
    });

    it.each([
        { value: "template", shown: '"template"' },
        { value: true, shown: "true" },
        { value: ["nodeGroup"], shown: '["nodeGroup"]' },
    ])("rejects $shown, naming the key and what is allowed", ({ value, shown }) => {
        expect(configProblems(() => parseCutoverRecord(pool({ instanceTypesIn: value })))).toStrictEqual([
            `cutover.pools.general.instanceTypesIn: ${shown} is not allowed; expected one of launchTemplate, nodeGroup`,
        ]);
    });
});

describe("parseCutoverRecord: the AL2 launch template source (inherited.al2LaunchTemplate)", () => {
    const USER_DATA = "IyEvYmluL2Jhc2gKL2V0Yy9la3MvYm9vdHN0cmFwLnNoIHNob3AtZGV2Cg==";
    /** A record of pool `general` whose `inherited` holds `al2LaunchTemplate`. */
    const recordWith = (al2LaunchTemplate: unknown) => ({
        version: 1,
        pools: {
            general: {
                phase: "decommission",
                adopted: false,
                legacyNodeGroupName: "dev-general-al2",
                legacySizeAtAdoption: { min: 1, desired: 2, max: 4 },
                al2023NodeGroupName: "general-20261102093015123400000001",
                inherited: {
                    nodeRoleArn: "arn:aws:iam::111122223333:role/dev-nodes",
                    subnetIds: ["subnet-0a1b2c3d"],
                    al2LaunchTemplate,
                },
            },
        },
    });

    it.each([
        {
            shape: "the version it ran",
            value: { id: "lt-0d1e2f3a4b5c6d7e8", version: "3", userData: USER_DATA, imageId: "ami-0123456789abcdef0" },
        },
        {
            shape: "a version without user data or image",
            value: { id: "lt-0d1e2f3a4b5c6d7e8", version: "12", userData: "", imageId: "" },
        },
        { shape: "no launch template", value: "none" },
    ])("reads back $shape", ({ value }) => {
        const parsed = parseCutoverRecord(JSON.parse(JSON.stringify(recordWith(value))));
        expect(parsed.pools.general.inherited).toStrictEqual({
            nodeRoleArn: "arn:aws:iam::111122223333:role/dev-nodes",
            subnetIds: ["subnet-0a1b2c3d"],
            al2LaunchTemplate: value,
        });
    });

    it("a record written before it existed has none", () => {
        const inherited: Record<string, unknown> = { ...recordWith(undefined).pools.general.inherited };
        delete inherited.al2LaunchTemplate;
        const parsed = parseCutoverRecord({
            version: 1,
            pools: { general: { ...recordWith(undefined).pools.general, inherited } },
        });
        expect(parsed.pools.general.inherited).toStrictEqual({
            nodeRoleArn: "arn:aws:iam::111122223333:role/dev-nodes",
            subnetIds: ["subnet-0a1b2c3d"],
        });
    });

    it.each([
        {
            value: "default",
            problems: [
                'cutover.pools.general.inherited.al2LaunchTemplate: "default" is not allowed; expected "none" or {id, version, userData, imageId}',
            ],
        },
        {
            value: ["lt-0d1e2f3a4b5c6d7e8"],
            problems: [
                'cutover.pools.general.inherited.al2LaunchTemplate: ["lt-0d1e2f3a4b5c6d7e8"] is not allowed; expected "none" or {id, version, userData, imageId}',
            ],
        },
        {
            value: { id: "my-template", version: 3, userData: "#!/bin/bash\n", imageId: "ami-XYZ" },
            problems: [
                'cutover.pools.general.inherited.al2LaunchTemplate.id: "my-template" is not allowed; expected a launch template id (lt-...)',
                "cutover.pools.general.inherited.al2LaunchTemplate.version: 3 is not allowed; expected a launch template version number, as a string",
                'cutover.pools.general.inherited.al2LaunchTemplate.userData: "#!/bin/bash\\n" is not allowed; expected base64 text (empty when the version has none)',
                'cutover.pools.general.inherited.al2LaunchTemplate.imageId: "ami-XYZ" is not allowed; expected an AMI id (ami-...), or empty',
            ],
        },
        {
            value: { id: "lt-0d1e2f3a4b5c6d7e8", version: "$Default" },
            problems: [
                'cutover.pools.general.inherited.al2LaunchTemplate.version: "$Default" is not allowed; expected a launch template version number, as a string',
                "cutover.pools.general.inherited.al2LaunchTemplate.userData: nothing is not allowed; expected base64 text (empty when the version has none)",
                "cutover.pools.general.inherited.al2LaunchTemplate.imageId: nothing is not allowed; expected an AMI id (ami-...), or empty",
            ],
        },
    ])("rejects $value, naming each field", ({ value, problems }) => {
        expect(configProblems(() => parseCutoverRecord(recordWith(value)))).toStrictEqual(problems);
    });
});

describe("parseCutoverRecord: the AL2 node group's node repair (inherited.al2.nodeRepair)", () => {
    const withRepair = (nodeRepair: unknown) => ({
        version: 1,
        pools: {
            general: {
                phase: "prepare",
                adopted: false,
                al2023NodeGroupName: "general-al2023",
                inherited: {
                    nodeRoleArn: "arn:aws:iam::111122223333:role/dev-nodes",
                    subnetIds: ["subnet-0a1b2c3d"],
                    al2: {
                        amiType: "AL2_x86_64",
                        instanceTypes: ["t3.large"],
                        capacityType: "SPOT",
                        labels: {},
                        taints: [],
                        nodeRepair,
                    },
                },
            },
        },
    });

    it.each([{ enabled: true }, { enabled: false }])("reads back %j", (nodeRepair) => {
        expect(parseCutoverRecord(withRepair(nodeRepair)).pools.general.inherited?.al2?.nodeRepair).toStrictEqual(
            nodeRepair,
        );
    });

    it.each([{ enabled: "yes" }, true, {}])("rejects %j, naming the key", (nodeRepair) => {
        expect(configProblems(() => parseCutoverRecord(withRepair(nodeRepair)))).toStrictEqual([
            `cutover.pools.general.inherited.al2.nodeRepair: ${JSON.stringify(nodeRepair)} is not allowed; expected {enabled: true or false}`,
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

    it("records where the instance types are when given", () => {
        expect(
            poolCutoverRecord({ phase: "prepare", al2023NodeGroupName: "web-al2023", instanceTypesIn: "nodeGroup" }),
        ).toStrictEqual({
            phase: "prepare",
            adopted: false,
            al2023NodeGroupName: "web-al2023",
            instanceTypesIn: "nodeGroup",
        });
    });
});

describe("readPoolNodeGroups", () => {
    it("reads the AL2 node group when the pool has one, and the AL2023 one the last deployment recorded", async () => {
        const cloud = await useOfflineCloud(exampleFacts("prod"), { stack: "prod" });
        const previous = { ...RECORD.pools.general, al2023NodeGroupName: "prod-batch-al2" };
        const read: unknown[] = [];
        await runProgram(async () => {
            read.push(
                await readPoolNodeGroups({
                    clusterName: "shop-prod",
                    pool: { legacyNodeGroup: "prod-general-al2" },
                    previous,
                }),
            );
            read.push(
                await readPoolNodeGroups({
                    clusterName: "shop-prod",
                    pool: { legacyNodeGroup: "prod-general-al2" },
                    previous: undefined,
                }),
            );
            read.push(await readPoolNodeGroups({ clusterName: "shop-prod", pool: {}, previous }));
            read.push(
                await readPoolNodeGroups({
                    clusterName: "shop-prod",
                    pool: { legacyNodeGroup: "gone-al2" },
                    previous: undefined,
                }),
            );
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
