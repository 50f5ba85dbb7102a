import { describe, expect, it } from "vitest";
import type { PoolConfig } from "../../nodes/pools";
import {
    replacementProblems,
    type LiveNodeGroupIdentity,
    type PlannedNodeGroupIdentity,
} from "../../nodes/replacement-guard";
import { poolConfig } from "../cutover/cutover-fixtures";

const ROLE = "arn:aws:iam::444455556666:role/shop-prod-node-role";
const SUBNETS = ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"];
const LIVE: LiveNodeGroupIdentity = {
    nodeGroupName: "general-20261109101204556700000001",
    nodeRoleArn: ROLE,
    subnetIds: SUBNETS,
    capacityType: "ON_DEMAND",
    amiType: "AL2023_x86_64_STANDARD",
    instanceTypes: ["m6i.xlarge"],
};
const INHERITED = { inherited: { nodeRoleArn: true, subnetIds: true } };
const API = "https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html";
const TAIL =
    "and deletes the old node group without honouring PodDisruptionBudgets; " +
    "%how%, or add a new pool with the new value, move the workloads to it, then remove this one, or set " +
    "pools[0].allowReplacement: true (a new node group first, then the program drains the old one)";

function message(key: string, value: string, live: string, how: string): string {
    return (
        `pools[0].${key}: ${value} is not allowed; it would replace AL2023 node group ` +
        `"general-20261109101204556700000001" (which has ${live}): EKS cannot change it in place (${API}) ` +
        TAIL.replace("%how%", how)
    );
}

describe("replacementProblems", () => {
    it.each<{
        change: string;
        pool: Partial<PoolConfig>;
        planned: Partial<PlannedNodeGroupIdentity>;
        problems: string[];
    }>([
        { change: "nothing", pool: {}, planned: { nodeRoleArn: ROLE, subnetIds: SUBNETS }, problems: [] },
        { change: "subnets in another order", pool: {}, planned: { subnetIds: [...SUBNETS].reverse() }, problems: [] },
        {
            change: "labels, taints, sizes (updated in place)",
            pool: { labels: { a: "b" }, scaling: { min: 1, desired: 1, max: 2 } },
            planned: {},
            problems: [],
        },
        {
            change: "instance types",
            pool: { instanceTypes: ["m6i.2xlarge"] },
            planned: {},
            problems: [message("instanceTypes", '["m6i.2xlarge"]', '["m6i.xlarge"]', 'keep ["m6i.xlarge"]')],
        },
        {
            change: "capacity type",
            pool: { capacityType: "SPOT" },
            planned: {},
            problems: [message("capacityType", '"SPOT"', '"ON_DEMAND"', 'keep "ON_DEMAND"')],
        },
        {
            change: "AMI type",
            pool: { amiType: "AL2023_ARM_64_STANDARD" },
            planned: {},
            problems: [
                message(
                    "amiType",
                    '"AL2023_ARM_64_STANDARD"',
                    '"AL2023_x86_64_STANDARD"',
                    'keep "AL2023_x86_64_STANDARD"',
                ),
            ],
        },
        {
            change: "a node role other than the one the node group has",
            pool: {},
            planned: { nodeRoleArn: "arn:aws:iam::444455556666:role/other" },
            problems: [
                message(
                    "nodeRoleArn",
                    '"arn:aws:iam::444455556666:role/other"',
                    `"${ROLE}"`,
                    `set pools[0].nodeRoleArn to ${ROLE}`,
                ),
            ],
        },
        {
            change: "other subnets",
            pool: {},
            planned: { subnetIds: ["subnet-0f60718293a4b5c6d"] },
            problems: [
                message(
                    "subnetIds",
                    '["subnet-0f60718293a4b5c6d"]',
                    JSON.stringify(SUBNETS),
                    "set pools[0].subnetIds to the live ones",
                ),
            ],
        },
    ])("$change", ({ pool, planned, problems }) => {
        expect(
            replacementProblems({
                pool: poolConfig(pool),
                poolIndex: 0,
                planned: { ...planned, ...INHERITED },
                live: LIVE,
                instanceTypesIn: "nodeGroup",
                retirementRecorded: false,
                protectedNodeGroups: false,
            }),
        ).toEqual(problems);
    });

    it.each([
        {
            title: "another single type: a new launch template version, in place",
            instanceTypes: ["m6i.2xlarge"],
            problems: [],
        },
        {
            title: "several types: they would go on the node group, a replacement",
            instanceTypes: ["m6i.xlarge", "m5.xlarge"],
            problems: [
                message(
                    "instanceTypes",
                    '["m6i.xlarge","m5.xlarge"]',
                    "its one instance type in its launch template",
                    "keep one instance type (a change of it is a rolling update of the launch template)",
                ),
            ],
        },
    ])("a live node group with its instance type in the launch template: $title", ({ instanceTypes, problems }) => {
        expect(
            replacementProblems({
                pool: poolConfig({ instanceTypes }),
                poolIndex: 0,
                planned: INHERITED,
                live: { ...LIVE, instanceTypes: [] },
                instanceTypesIn: "launchTemplate",
                retirementRecorded: false,
                protectedNodeGroups: false,
            }),
        ).toStrictEqual(problems);
    });

    it("a node group with several types on it that DescribeNodegroup reads as none (the doc's null): not refused as a template's", () => {
        expect(
            replacementProblems({
                pool: poolConfig({ instanceTypes: ["m6i.xlarge", "m5.xlarge"] }),
                poolIndex: 0,
                planned: INHERITED,
                live: { ...LIVE, instanceTypes: [] },
                instanceTypesIn: "nodeGroup",
                retirementRecorded: false,
                protectedNodeGroups: false,
            }),
        ).toStrictEqual([]);
    });

    it("compares nothing on a first deployment", () => {
        expect(
            replacementProblems({
                pool: poolConfig({ capacityType: "SPOT" }),
                poolIndex: 0,
                planned: INHERITED,
                live: undefined,
                instanceTypesIn: "launchTemplate",
                retirementRecorded: false,
                protectedNodeGroups: false,
            }),
        ).toEqual([]);
    });

    it.each([
        {
            title: "with the retirement recorded: allowed (the old node group is drained before EKS deletes it)",
            allowReplacement: true,
            retirementRecorded: true,
            protectedNodeGroups: false,
            problems: [],
        },
        {
            title: "with protectNodeGroups: refused (the engine replaces no protected resource)",
            allowReplacement: true,
            retirementRecorded: true,
            protectedNodeGroups: true,
            problems: [
                'pools[0].allowReplacement: true is not allowed with protectNodeGroups: true; Pulumi cannot replace the protected AL2023 node group "general-20261109101204556700000001": set protectNodeGroups: false for the run that replaces it',
            ],
        },
        {
            title: "without the retirement in the last record: run pulumi up once first",
            allowReplacement: true,
            retirementRecorded: false,
            protectedNodeGroups: false,
            problems: [
                'pools[0].allowReplacement: true is not allowed yet; the last run\'s record shows no retirement resource for AL2023 node group "general-20261109101204556700000001" (a stack deployed before it existed), so nothing would drain it before EKS deletes it: run pulumi up once first without the replacing change (it declares the retirement resource), then again with it',
            ],
        },
        {
            title: "without allowReplacement: refused, whatever the record",
            allowReplacement: false,
            retirementRecorded: true,
            protectedNodeGroups: false,
            problems: [
                message(
                    "subnetIds",
                    '["subnet-0f60718293a4b5c6d"]',
                    JSON.stringify(SUBNETS),
                    "set pools[0].subnetIds to the live ones",
                ),
            ],
        },
    ])(
        "allowReplacement and a subnet change, $title",
        ({ allowReplacement, retirementRecorded, protectedNodeGroups, problems }) => {
            expect(
                replacementProblems({
                    pool: poolConfig({ allowReplacement }),
                    poolIndex: 0,
                    planned: { subnetIds: ["subnet-0f60718293a4b5c6d"], ...INHERITED },
                    live: LIVE,
                    instanceTypesIn: "nodeGroup",
                    retirementRecorded,
                    protectedNodeGroups,
                }),
            ).toEqual(problems);
        },
    );
});
