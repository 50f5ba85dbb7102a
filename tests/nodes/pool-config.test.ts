import { configProblems } from "../config/config-errors";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/read-config";
import { poolWarnings, type PoolConfig } from "../../nodes/pools";

const SUBNET = "subnet-0a1b2c3d4e5f60718";
const BASE = { name: "general", subnetIds: [SUBNET], scaling: { min: 1, desired: 2, max: 3 } };

function parsePools(pools: unknown): readonly PoolConfig[] {
    return parseConfig({ clusterName: "shop-dev", pools }).pools;
}

function parsePool(overrides: Record<string, unknown>): PoolConfig {
    return parsePools([{ ...BASE, ...overrides }])[0];
}

/** The problems a config raises; fails the test when it raises none or something other than a ConfigError. */
function problemsOf(pools: unknown): readonly string[] {
    return configProblems(() => parsePools(pools));
}

describe("parsePools: valid pools", () => {
    it("fills every default of a minimal greenfield pool", () => {
        expect(parsePool({})).toEqual({
            name: "general",
            canarySize: 1,
            autoscaled: false,
            acceptReducedCapacity: false,
            amiType: "AL2023_x86_64_STANDARD",
            instanceTypes: ["m6i.large"],
            capacityType: "ON_DEMAND",
            scaling: { min: 1, desired: 2, max: 3 },
            update: { maxUnavailable: 1 },
            subnetIds: [SUBNET],
            labels: {},
            taints: [],
            rootVolume: { sizeGiB: 20, type: "gp3", iops: 3000, throughput: 125 },
            imds: { hopLimit: 2 },
            securityGroupIds: [],
            kubelet: { flags: [], config: {} },
            preBootstrapScripts: [],
            tags: {},
        });
    });

    it("reads every key of a full pool", () => {
        const pool = {
            name: "batch-arm",
            legacyNodeGroup: "prod-batch-al2",
            phase: "canary",
            canarySize: 2,
            autoscaled: true,
            acceptReducedCapacity: true,
            amiType: "AL2023_ARM_64_STANDARD",
            instanceTypes: ["m7g.xlarge", "c7g.2xlarge"],
            capacityType: "SPOT",
            scaling: { min: 0, desired: 0, max: 10 },
            maxUnavailablePercentage: 33,
            labels: { "node.example.com/pool": "batch", tier: "" },
            taints: [
                { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" },
                { key: "spot", effect: "PREFER_NO_SCHEDULE" },
            ],
            rootVolume: {
                sizeGiB: 100,
                type: "gp3",
                iops: 6000,
                throughput: 500,
                kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            },
            imds: { hopLimit: 1 },
            securityGroupIds: ["sg-0123456789abcdef0"],
            nodeRoleArn: "arn:aws:iam::111122223333:role/batch-nodes",
            kubelet: { maxPods: 58, flags: ["--image-gc-high-threshold=80"], config: { shutdownGracePeriod: "30s" } },
            preBootstrapScripts: ["#!/bin/bash\necho hello\n"],
            tags: { team: "data" },
        };
        const { maxUnavailablePercentage, ...rest } = pool;
        expect(parsePools([pool])).toEqual([{ ...rest, update: { maxUnavailablePercentage } }]);
    });

    it("accepts a legacy pool without subnets, alias KMS keys and a custom AMI without amiType", () => {
        const pool = parsePool({
            subnetIds: undefined,
            legacyNodeGroup: "dev-general-al2",
            customAmi: "ami-0123456789abcdef0",
            rootVolume: { kmsKeyId: "alias/ebs-nodes" },
        });
        expect(pool.subnetIds).toBeUndefined();
        expect(pool.customAmi).toBe("ami-0123456789abcdef0");
        expect(pool.rootVolume).toEqual({
            sizeGiB: 20,
            type: "gp3",
            iops: 3000,
            throughput: 125,
            kmsKeyId: "alias/ebs-nodes",
        });
    });

    it("keeps zero values instead of replacing them with defaults", () => {
        expect(parsePool({ scaling: { min: 0, desired: 0, max: 1 }, autoscaled: false }).scaling).toEqual({
            min: 0,
            desired: 0,
            max: 1,
        });
    });

    it("warns about a hop limit above 2 and not about 1 or 2", () => {
        const pools = parsePools([
            { ...BASE, name: "a", imds: { hopLimit: 3 } },
            { ...BASE, name: "b", imds: { hopLimit: 2 } },
            { ...BASE, name: "c", imds: { hopLimit: 1 } },
        ]);
        const warnings = poolWarnings(pools);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("pools[0].imds.hopLimit: 3");
    });
});

/** [rule, pool overrides, key named in the message, bad value as the message shows it]. */
const FAILING: readonly [string, Record<string, unknown>, string, string][] = [
    ["unknown pool key", { instanceType: ["m6i.large"] }, "pools[0].instanceType", 'did you mean "instanceTypes"'],
    ["unknown scaling key", { scaling: { min: 1, desired: 1, maximum: 2 } }, "pools[0].scaling.maximum", "unknown key"],
    ["unknown rootVolume key", { rootVolume: { size: 30 } }, "pools[0].rootVolume.size", "unknown key"],
    ["unknown imds key", { imds: { hoplimit: 2 } }, "pools[0].imds.hoplimit", 'did you mean "hopLimit"'],
    ["unknown kubelet key", { kubelet: { maxpods: 20 } }, "pools[0].kubelet.maxpods", 'did you mean "maxPods"'],
    [
        "unknown taint key",
        { taints: [{ key: "a", effect: "NO_SCHEDULE", efect: "x" }] },
        "pools[0].taints[0].efect",
        "unknown key",
    ],
    [
        "mis-cased kubelet config key",
        { kubelet: { config: { MaxOpenFiles: 10 } } },
        "pools[0].kubelet.config.MaxOpenFiles",
        'did you mean "maxOpenFiles"',
    ],
    [
        "unknown kubelet config key",
        { kubelet: { config: { notAKubeletField: true } } },
        "pools[0].kubelet.config.notAKubeletField",
        "unknown key",
    ],
    [
        "maxPods in kubelet config",
        { kubelet: { config: { maxPods: 20 } } },
        "pools[0].kubelet.config.maxPods",
        "kubelet.maxPods",
    ],
    ["name wrong type", { name: 7 }, "pools[0].name", "7"],
    ["name upper case", { name: "General" }, "pools[0].name", '"General"'],
    ["name too long", { name: "a".repeat(37) }, "pools[0].name", "a".repeat(37).slice(0, 20)],
    ["name missing", { name: undefined }, "pools[0].name", "is required"],
    [
        "AL2 amiType",
        { amiType: "AL2_x86_64" },
        "pools[0].amiType",
        '"AL2_x86_64" is not allowed; AL2 AMI types are not allowed',
    ],
    ["other amiType", { amiType: "BOTTLEROCKET_x86_64" }, "pools[0].amiType", '"BOTTLEROCKET_x86_64"'],
    [
        "customAmi with amiType",
        { customAmi: "ami-0123456789abcdef0", amiType: "AL2023_x86_64_STANDARD" },
        "pools[0].amiType",
        "customAmi",
    ],
    ["customAmi syntax", { customAmi: "ami-xyz" }, "pools[0].customAmi", '"ami-xyz"'],
    ["empty instanceTypes", { instanceTypes: [] }, "pools[0].instanceTypes", "[]"],
    ["instance type syntax", { instanceTypes: ["m6i large"] }, "pools[0].instanceTypes[0]", '"m6i large"'],
    ["instanceTypes wrong type", { instanceTypes: "m6i.large" }, "pools[0].instanceTypes", '"m6i.large"'],
    ["capacityType", { capacityType: "spot" }, "pools[0].capacityType", '"spot"'],
    ["scaling missing", { scaling: undefined }, "pools[0].scaling", "is required"],
    ["scaling.desired missing", { scaling: { min: 1, max: 2 } }, "pools[0].scaling.desired", "is required"],
    ["min > desired", { scaling: { min: 3, desired: 2, max: 4 } }, "pools[0].scaling.min", "3"],
    ["desired > max", { scaling: { min: 1, desired: 5, max: 4 } }, "pools[0].scaling.desired", "5"],
    ["max < 1", { scaling: { min: 0, desired: 0, max: 0 } }, "pools[0].scaling.max", "0"],
    ["scaling wrong type", { scaling: { min: "1", desired: 1, max: 2 } }, "pools[0].scaling.min", '"1"'],
    ["canarySize above max", { canarySize: 4 }, "pools[0].canarySize", "4"],
    ["canarySize 0", { canarySize: 0 }, "pools[0].canarySize", "0"],
    ["autoscaled wrong type", { autoscaled: "yes" }, "pools[0].autoscaled", '"yes"'],
    ["phase", { phase: "cutover" }, "pools[0].phase", '"cutover"'],
    ["legacyNodeGroup name", { legacyNodeGroup: "-bad" }, "pools[0].legacyNodeGroup", '"-bad"'],
    [
        "both maxUnavailable kinds",
        { maxUnavailable: 1, maxUnavailablePercentage: 10 },
        "pools[0].maxUnavailablePercentage",
        "not both",
    ],
    ["maxUnavailable range", { maxUnavailable: 101 }, "pools[0].maxUnavailable", "101"],
    ["maxUnavailablePercentage range", { maxUnavailablePercentage: 0 }, "pools[0].maxUnavailablePercentage", "0"],
    ["greenfield without subnets", { subnetIds: undefined }, "pools[0].subnetIds", "legacyNodeGroup"],
    ["subnet id syntax", { subnetIds: ["subnet-12"] }, "pools[0].subnetIds[0]", '"subnet-12"'],
    ["security group id syntax", { securityGroupIds: ["sg_1"] }, "pools[0].securityGroupIds[0]", '"sg_1"'],
    [
        "nodeRoleArn syntax",
        { nodeRoleArn: "arn:aws:iam::123:role/x" },
        "pools[0].nodeRoleArn",
        '"arn:aws:iam::123:role/x"',
    ],
    ["label key syntax", { labels: { "bad key": "x" } }, "pools[0].labels.bad key", '"bad key"'],
    ["label key prefix", { labels: { "Example.com/x": "y" } }, "pools[0].labels.Example.com/x", '"Example.com/x"'],
    ["label value syntax", { labels: { tier: "-web" } }, "pools[0].labels.tier", '"-web"'],
    ["label value too long", { labels: { tier: "a".repeat(64) } }, "pools[0].labels.tier", "a".repeat(30)],
    ["label value wrong type", { labels: { tier: 1 } }, "pools[0].labels.tier", "1"],
    ["taint effect", { taints: [{ key: "a", effect: "NoSchedule" }] }, "pools[0].taints[0].effect", '"NoSchedule"'],
    ["taint effect missing", { taints: [{ key: "a" }] }, "pools[0].taints[0].effect", "is required"],
    ["taint key syntax", { taints: [{ key: "a b", effect: "NO_EXECUTE" }] }, "pools[0].taints[0].key", '"a b"'],
    [
        "taint value syntax",
        { taints: [{ key: "a", value: "x y", effect: "NO_EXECUTE" }] },
        "pools[0].taints[0].value",
        '"x y"',
    ],
    [
        "duplicate taint",
        {
            taints: [
                { key: "a", effect: "NO_EXECUTE" },
                { key: "a", effect: "NO_EXECUTE" },
            ],
        },
        "pools[0].taints[1].key",
        '"a"',
    ],
    ["hop limit 0", { imds: { hopLimit: 0 } }, "pools[0].imds.hopLimit", "0"],
    ["hop limit 65", { imds: { hopLimit: 65 } }, "pools[0].imds.hopLimit", "65"],
    ["volume type", { rootVolume: { type: "gp2" } }, "pools[0].rootVolume.type", '"gp2"'],
    ["volume smaller than the AMI", { rootVolume: { sizeGiB: 19 } }, "pools[0].rootVolume.sizeGiB", "19"],
    ["volume too large", { rootVolume: { sizeGiB: 65537 } }, "pools[0].rootVolume.sizeGiB", "65537"],
    ["iops below gp3", { rootVolume: { iops: 2999 } }, "pools[0].rootVolume.iops", "2999"],
    ["iops above gp3", { rootVolume: { sizeGiB: 1000, iops: 80001 } }, "pools[0].rootVolume.iops", "80001"],
    ["iops per GiB", { rootVolume: { sizeGiB: 20, iops: 10001 } }, "pools[0].rootVolume.iops", "10001"],
    ["throughput below gp3", { rootVolume: { throughput: 124 } }, "pools[0].rootVolume.throughput", "124"],
    [
        "throughput above gp3",
        { rootVolume: { sizeGiB: 100, iops: 16000, throughput: 2001 } },
        "pools[0].rootVolume.throughput",
        "2001",
    ],
    ["throughput per IOPS", { rootVolume: { iops: 3000, throughput: 751 } }, "pools[0].rootVolume.throughput", "751"],
    [
        "KMS key id",
        { rootVolume: { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } },
        "pools[0].rootVolume.kmsKeyId",
        '"1234abcd',
    ],
    [
        "KMS key ARN of another service",
        { rootVolume: { kmsKeyId: "arn:aws:s3:::bucket" } },
        "pools[0].rootVolume.kmsKeyId",
        '"arn:aws:s3:::bucket"',
    ],
    ["maxPods range", { kubelet: { maxPods: 0 } }, "pools[0].kubelet.maxPods", "0"],
    ["kubelet flag syntax", { kubelet: { flags: ["max-pods=20"] } }, "pools[0].kubelet.flags[0]", '"max-pods=20"'],
    ["kubelet config wrong type", { kubelet: { config: "x" } }, "pools[0].kubelet.config", '"x"'],
    ["script without #!", { preBootstrapScripts: ["echo hi"] }, "pools[0].preBootstrapScripts[0]", '"echo hi"'],
    ["script wrong type", { preBootstrapScripts: [1] }, "pools[0].preBootstrapScripts[0]", "1"],
    ["tag key aws:", { tags: { "aws:team": "x" } }, "pools[0].tags.aws:team", '"aws:team"'],
    ["tag key too long", { tags: { ["k".repeat(129)]: "x" } }, `pools[0].tags.${"k".repeat(129)}`, "1 to 128"],
    ["tag value too long", { tags: { team: "v".repeat(257) } }, "pools[0].tags.team", "at most 256"],
    [
        "tag key reserved by the program",
        { tags: { "eks-al2023-migration/pool": "x" } },
        "pools[0].tags.eks-al2023-migration/pool",
        "set by this program",
    ],
];

describe("parsePools: one failing config per rule", () => {
    it.each(FAILING)("%s", (_rule, overrides, key, value) => {
        const pool: Record<string, unknown> = { ...BASE, ...overrides };
        for (const field of Object.keys(pool)) if (pool[field] === undefined) delete pool[field];
        const problems = problemsOf([pool]);
        expect(problems.some((problem) => problem.startsWith(`${key}: `) && problem.includes(value))).toBe(true);
    });

    it("rejects duplicate pool names and duplicate legacy node groups", () => {
        const problems = problemsOf([
            { ...BASE, legacyNodeGroup: "dev-general-al2" },
            { ...BASE, legacyNodeGroup: "dev-general-al2" },
        ]);
        expect(problems).toEqual([
            'pools[1].name: "general" is not allowed; each pool needs its own name (pools[0].name has it already)',
            'pools[1].legacyNodeGroup: "dev-general-al2" is not allowed; each pool needs its own legacyNodeGroup (pools[0].legacyNodeGroup has it already)',
        ]);
    });

    it("requires pools to be a non-empty list of objects", () => {
        expect(() => parseConfig({ clusterName: "shop-dev" })).toThrow("pools: is required");
        expect(problemsOf([])).toEqual(["pools: [] is not allowed; needs at least one pool"]);
        expect(problemsOf("general")).toEqual(['pools: "general" is not allowed; expected a list']);
        expect(problemsOf([3])).toEqual(["pools[0]: 3 is not allowed; expected an object (a YAML mapping)"]);
    });

    it("reports every problem of every pool at once, with the pool's index", () => {
        const problems = problemsOf([
            { ...BASE, name: "a", imds: { hopLimit: 0 } },
            { ...BASE, name: "b", rootVolume: { iops: 1 } },
        ]);
        expect(problems).toEqual([
            "pools[0].imds.hopLimit: 0 is not allowed; allowed: 1 to 64 hops",
            "pools[1].rootVolume.iops: 1 is not allowed; allowed: 3000 to 80000 IOPS",
        ]);
    });
});
