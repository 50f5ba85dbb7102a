import { configProblems } from "../config/config-errors";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/read-config";
import { poolWarnings, type PoolConfig } from "../../nodes/pools";
import kubeletSchema from "./fixtures/kubelet-configuration-v1beta1-v1.33.json";

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
        expect(parsePool({})).toStrictEqual({
            name: "general",
            canarySize: 1,
            autoscaled: false,
            acceptReducedCapacity: false,
            allowReplacement: false,
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
            // What the config sets itself: never inherited from an AL2 node group.
            setKeys: ["name", "scaling", "subnetIds"],
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
            allowReplacement: true,
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
        expect(parsePools([pool])).toStrictEqual([
            {
                ...rest,
                update: { maxUnavailablePercentage },
                setKeys: [
                    "acceptReducedCapacity",
                    "allowReplacement",
                    "amiType",
                    "autoscaled",
                    "canarySize",
                    "capacityType",
                    "imds",
                    "instanceTypes",
                    "kubelet",
                    "labels",
                    "legacyNodeGroup",
                    "maxUnavailablePercentage",
                    "name",
                    "nodeRoleArn",
                    "phase",
                    "preBootstrapScripts",
                    "rootVolume",
                    "scaling",
                    "securityGroupIds",
                    "tags",
                    "taints",
                ],
            },
        ]);
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
        expect(pool.rootVolume).toStrictEqual({
            sizeGiB: 20,
            type: "gp3",
            iops: 3000,
            throughput: 125,
            kmsKeyId: "alias/ebs-nodes",
        });
    });

    it("counts a key set to null as not set (YAML `key:`), so the pool may inherit it", () => {
        expect(parsePool({ labels: null, capacityType: "ON_DEMAND" }).setKeys).toEqual([
            "capacityType",
            "name",
            "scaling",
            "subnetIds",
        ]);
    });

    it("keeps zero values instead of replacing them with defaults", () => {
        expect(parsePool({ scaling: { min: 0, desired: 0, max: 1 }, autoscaled: false }).scaling).toStrictEqual({
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

describe("parsePools: inputs at the edge of each rule are accepted", () => {
    it("accepts unprefixed, capitalised, one- and two-character label keys and values", () => {
        const labels = { Tier: "web", a: "b", ab: "cd", "example.com/x": "", "x.y/Z": "1" };
        expect(parsePool({ labels }).labels).toStrictEqual({
            Tier: "web",
            a: "b",
            ab: "cd",
            "example.com/x": "",
            "x.y/Z": "1",
        });
    });

    it("accepts single-character taint keys and drops an empty taint value (a taint without a value)", () => {
        const taints = [
            { key: "a", value: "", effect: "NO_SCHEDULE" },
            { key: "Tier", value: "b", effect: "NO_EXECUTE" },
        ];
        expect(parsePool({ taints }).taints).toStrictEqual([
            { key: "a", effect: "NO_SCHEDULE" },
            { key: "Tier", value: "b", effect: "NO_EXECUTE" },
        ]);
    });

    it("accepts a KMS alias ARN in every partition", () => {
        for (const kmsKeyId of [
            "arn:aws:kms:eu-west-1:111122223333:alias/ebs-nodes",
            "arn:aws-cn:kms:cn-north-1:111122223333:alias/team/ebs_nodes",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ebs-nodes",
        ]) {
            expect(parsePool({ rootVolume: { kmsKeyId } }).rootVolume).toStrictEqual({
                sizeGiB: 20,
                type: "gp3",
                iops: 3000,
                throughput: 125,
                kmsKeyId,
            });
        }
    });

    it("accepts exactly 50 tags and exactly 50 taints (51 fail, below)", () => {
        const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tag-${i}`, "x"]));
        const taints = Array.from({ length: 50 }, (_, i) => ({ key: `taint-${i}`, effect: "NO_SCHEDULE" }));
        const pool = parsePool({ tags, taints });
        expect(Object.keys(pool.tags)).toHaveLength(50);
        expect(pool.taints).toHaveLength(50);
    });

    it("accepts a 128-character tag key and a 256-character tag value (129 and 257 fail, below)", () => {
        const tags = { ["k".repeat(128)]: "v".repeat(256) };
        expect(parsePool({ tags }).tags).toStrictEqual({ ["k".repeat(128)]: "v".repeat(256) });
    });

    it("accepts exactly 20 GiB, exactly 500 IOPS per GiB and exactly IOPS/4 throughput (one more fails, below)", () => {
        expect(parsePool({ rootVolume: { sizeGiB: 20, iops: 10_000, throughput: 2_000 } }).rootVolume).toStrictEqual({
            sizeGiB: 20,
            type: "gp3",
            iops: 10_000,
            throughput: 2_000,
        });
        expect(parsePool({ rootVolume: { sizeGiB: 20, iops: 3_000, throughput: 750 } }).rootVolume).toStrictEqual({
            sizeGiB: 20,
            type: "gp3",
            iops: 3_000,
            throughput: 750,
        });
    });
});

/**
 * The kubelet configuration keys as an unknown-key message lists them: the KubeletConfiguration v1beta1 fields of
 * Kubernetes v1.33.0 (from the fixture, not from the code under test).
 */
const KUBELET_KEYS_TEXT = kubeletSchema.keys.join(", ");

/** [rule, pool overrides, every problem the config raises, written out in full]. */
const FAILING: readonly [string, Record<string, unknown>, readonly string[]][] = [
    [
        "unknown pool key",
        { instanceTypse: ["m6i.large"] },
        [
            'pools[0].instanceTypse: unknown key (did you mean "instanceTypes"?); allowed keys here: name, legacyNodeGroup, phase, canarySize, autoscaled, acceptReducedCapacity, allowReplacement, amiType, customAmi, instanceTypes, capacityType, scaling, maxUnavailable, maxUnavailablePercentage, subnetIds, labels, taints, rootVolume, imds, securityGroupIds, nodeRoleArn, nodeRepair, kubelet, preBootstrapScripts, tags, al2Migration',
        ],
    ],
    [
        "eksctl's instanceType",
        { instanceType: "m6i.large" },
        [
            'pools[0].instanceType: unknown key (eksctl and Terraform say "instanceType"; here it is "instanceTypes"); allowed keys here: name, legacyNodeGroup, phase, canarySize, autoscaled, acceptReducedCapacity, allowReplacement, amiType, customAmi, instanceTypes, capacityType, scaling, maxUnavailable, maxUnavailablePercentage, subnetIds, labels, taints, rootVolume, imds, securityGroupIds, nodeRoleArn, nodeRepair, kubelet, preBootstrapScripts, tags, al2Migration',
        ],
    ],
    [
        "eksctl's minSize",
        { minSize: 1 },
        [
            'pools[0].minSize: unknown key (eksctl and Terraform say "minSize"; here it is "scaling.min"); allowed keys here: name, legacyNodeGroup, phase, canarySize, autoscaled, acceptReducedCapacity, allowReplacement, amiType, customAmi, instanceTypes, capacityType, scaling, maxUnavailable, maxUnavailablePercentage, subnetIds, labels, taints, rootVolume, imds, securityGroupIds, nodeRoleArn, nodeRepair, kubelet, preBootstrapScripts, tags, al2Migration',
        ],
    ],
    [
        "Terraform's max_size in scaling",
        { scaling: { min: 1, desired: 2, max: 3, max_size: 4 } },
        [
            'pools[0].scaling.max_size: unknown key (eksctl and Terraform say "max_size"; here it is "max"); allowed keys here: min, desired, max',
        ],
    ],
    [
        "unknown scaling key",
        { scaling: { min: 1, desired: 1, maximum: 2 } },
        [
            "pools[0].scaling.maximum: unknown key; allowed keys here: min, desired, max",
            "pools[0].scaling.max: is required",
        ],
    ],
    [
        "unknown rootVolume key",
        { rootVolume: { size: 30 } },
        [
            'pools[0].rootVolume.size: unknown key (did you mean "sizeGiB"?); allowed keys here: sizeGiB, type, iops, throughput, kmsKeyId',
        ],
    ],
    [
        "unknown imds key",
        { imds: { hoplimit: 2 } },
        ['pools[0].imds.hoplimit: unknown key (did you mean "hopLimit"?); allowed keys here: hopLimit'],
    ],
    [
        "unknown kubelet key",
        { kubelet: { maxpods: 20 } },
        ['pools[0].kubelet.maxpods: unknown key (did you mean "maxPods"?); allowed keys here: maxPods, flags, config'],
    ],
    [
        "unknown taint key",
        { taints: [{ key: "a", effect: "NO_SCHEDULE", efect: "x" }] },
        ['pools[0].taints[0].efect: unknown key (did you mean "effect"?); allowed keys here: key, value, effect'],
    ],
    [
        "mis-cased kubelet config key",
        { kubelet: { config: { MaxOpenFiles: 10 } } },
        [
            `pools[0].kubelet.config.MaxOpenFiles: unknown key (did you mean "maxOpenFiles"?); allowed keys here: ${KUBELET_KEYS_TEXT}`,
        ],
    ],
    [
        "unknown kubelet config key",
        { kubelet: { config: { notAKubeletField: true } } },
        [`pools[0].kubelet.config.notAKubeletField: unknown key; allowed keys here: ${KUBELET_KEYS_TEXT}`],
    ],
    [
        "maxPods in kubelet config",
        { kubelet: { config: { maxPods: 20 } } },
        ["pools[0].kubelet.config.maxPods: set kubelet.maxPods instead (one place for the pod limit)"],
    ],
    [
        "name wrong type",
        { name: 7 },
        [
            "pools[0].name: 7 is not allowed; expected a string (lowercase letters, digits and '-', starting and ending alphanumeric, at most 36 characters (the node group name <name>-<26-character suffix> must fit EKS's 63))",
        ],
    ],
    [
        "name upper case",
        { name: "General" },
        [
            "pools[0].name: \"General\" is not allowed; expected lowercase letters, digits and '-', starting and ending alphanumeric, at most 36 characters (the node group name <name>-<26-character suffix> must fit EKS's 63)",
        ],
    ],
    [
        "name too long",
        { name: "a".repeat(37) },
        [
            `pools[0].name: "${"a".repeat(37)}" is not allowed; expected lowercase letters, digits and '-', starting and ending alphanumeric, at most 36 characters (the node group name <name>-<26-character suffix> must fit EKS's 63)`,
        ],
    ],
    ["name missing", { name: undefined }, ["pools[0].name: is required"]],
    [
        "AL2 amiType",
        { amiType: "AL2_x86_64" },
        [
            'pools[0].amiType: "AL2_x86_64" is not allowed; AL2 AMI types are not allowed (this program moves nodes to AL2023); allowed: AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON',
        ],
    ],
    [
        "other amiType",
        { amiType: "BOTTLEROCKET_x86_64" },
        [
            'pools[0].amiType: "BOTTLEROCKET_x86_64" is not allowed; allowed: AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON',
        ],
    ],
    [
        "customAmi with amiType",
        { customAmi: "ami-0123456789abcdef0", amiType: "AL2023_x86_64_STANDARD" },
        [
            'pools[0].amiType: "AL2023_x86_64_STANDARD" is not allowed; not allowed together with customAmi (with an image id in the launch template the node group sets no amiType); remove one',
        ],
    ],
    [
        "customAmi syntax",
        { customAmi: "ami-xyz" },
        ['pools[0].customAmi: "ami-xyz" is not allowed; expected an AMI id such as ami-0123456789abcdef0'],
    ],
    [
        "empty instanceTypes",
        { instanceTypes: [] },
        ["pools[0].instanceTypes: [] is not allowed; expected at least 1 item"],
    ],
    [
        "instance type syntax",
        { instanceTypes: ["m6i large"] },
        [
            'pools[0].instanceTypes[0]: "m6i large" is not allowed; expected an EC2 instance type such as m6i.large or m7g.2xlarge',
        ],
    ],
    [
        "instanceTypes wrong type",
        { instanceTypes: "m6i.large" },
        ['pools[0].instanceTypes: "m6i.large" is not allowed; expected a list of strings'],
    ],
    [
        "capacityType",
        { capacityType: "spot" },
        ['pools[0].capacityType: "spot" is not allowed; allowed: ON_DEMAND, SPOT (did you mean "SPOT"?)'],
    ],
    ["scaling missing", { scaling: undefined }, ["pools[0].scaling: is required: { min, desired, max }"]],
    ["scaling.desired missing", { scaling: { min: 1, max: 2 } }, ["pools[0].scaling.desired: is required"]],
    [
        "min > desired",
        { scaling: { min: 3, desired: 2, max: 4 } },
        ["pools[0].scaling.min: 3 is not allowed; must not exceed scaling.desired (2)"],
    ],
    [
        "desired > max",
        { scaling: { min: 1, desired: 5, max: 4 } },
        ["pools[0].scaling.desired: 5 is not allowed; must not exceed scaling.max (4)"],
    ],
    [
        "max < 1",
        { scaling: { min: 0, desired: 0, max: 0 } },
        ["pools[0].scaling.max: 0 is not allowed; allowed: 1 to 10000 nodes"],
    ],
    [
        "scaling wrong type",
        { scaling: { min: "1", desired: 1, max: 2 } },
        ['pools[0].scaling.min: "1" is not allowed; expected a whole number from 0 to 10000 nodes'],
    ],
    [
        "canarySize above max",
        { canarySize: 4 },
        ["pools[0].canarySize: 4 is not allowed; allowed: 1 to 3 nodes (at most scaling.max)"],
    ],
    ["canarySize 0", { canarySize: 0 }, ["pools[0].canarySize: 0 is not allowed; allowed: 1 to 10000 nodes"]],
    [
        "autoscaled wrong type",
        { autoscaled: "yes" },
        ['pools[0].autoscaled: "yes" is not allowed; expected true or false'],
    ],
    [
        "phase",
        { phase: "cutover" },
        ['pools[0].phase: "cutover" is not allowed; allowed: prepare, canary, shift, drain, decommission'],
    ],
    [
        "legacyNodeGroup name",
        { legacyNodeGroup: "-bad" },
        [
            "pools[0].legacyNodeGroup: \"-bad\" is not allowed; expected an EKS node group name: 1-63 letters, digits, '-' or '_', starting with a letter or digit",
        ],
    ],
    [
        "both maxUnavailable kinds",
        { maxUnavailable: 1, maxUnavailablePercentage: 10 },
        [
            "pools[0].maxUnavailablePercentage: 10 is not allowed; set either maxUnavailable or maxUnavailablePercentage, not both (EKS NodegroupUpdateConfig)",
        ],
    ],
    [
        "maxUnavailable range",
        { maxUnavailable: 101 },
        ["pools[0].maxUnavailable: 101 is not allowed; allowed: 1 to 100 nodes"],
    ],
    [
        "maxUnavailablePercentage range",
        { maxUnavailablePercentage: 0 },
        ["pools[0].maxUnavailablePercentage: 0 is not allowed; allowed: 1 to 100 percent"],
    ],
    [
        "greenfield without subnets",
        { subnetIds: undefined },
        [
            "pools[0].subnetIds: nothing is not allowed; required for a pool without legacyNodeGroup (there is no legacy node group to take the subnets from)",
        ],
    ],
    [
        "subnet id syntax",
        { subnetIds: ["subnet-12"] },
        ['pools[0].subnetIds[0]: "subnet-12" is not allowed; expected a subnet id such as subnet-0123456789abcdef0'],
    ],
    [
        "security group id syntax",
        { securityGroupIds: ["sg_1"] },
        [
            'pools[0].securityGroupIds[0]: "sg_1" is not allowed; expected a security group id such as sg-0123456789abcdef0',
        ],
    ],
    [
        "nodeRoleArn syntax",
        { nodeRoleArn: "arn:aws:iam::123:role/x" },
        [
            'pools[0].nodeRoleArn: "arn:aws:iam::123:role/x" is not allowed; expected an IAM role ARN such as arn:aws:iam::123456789012:role/name',
        ],
    ],
    [
        "label key syntax",
        { labels: { "bad key": "x" } },
        [
            "pools[0].labels.bad key: \"bad key\" is not allowed; expected a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "label key prefix",
        { labels: { "Example.com/x": "y" } },
        [
            "pools[0].labels.Example.com/x: \"Example.com/x\" is not allowed; expected a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "label value syntax",
        { labels: { tier: "-web" } },
        [
            "pools[0].labels.tier: \"-web\" is not allowed; expected a Kubernetes label value: empty or at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "label value too long",
        { labels: { tier: "a".repeat(64) } },
        [
            `pools[0].labels.tier: "${"a".repeat(64)}" is not allowed; expected a Kubernetes label value: empty or at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric`,
        ],
    ],
    [
        "label value wrong type",
        { labels: { tier: 1 } },
        ['pools[0].labels.tier: 1 is not allowed; expected a string (quote numbers and booleans: "true")'],
    ],
    [
        "taint effect",
        { taints: [{ key: "a", effect: "NoSchedule" }] },
        [
            'pools[0].taints[0].effect: "NoSchedule" is not allowed; allowed: NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE (did you mean "NO_SCHEDULE"?)',
        ],
    ],
    [
        "taint effect missing",
        { taints: [{ key: "a" }] },
        ["pools[0].taints[0].effect: is required: NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE"],
    ],
    [
        "taint key syntax",
        { taints: [{ key: "a b", effect: "NO_EXECUTE" }] },
        [
            "pools[0].taints[0].key: \"a b\" is not allowed; expected a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "taint value syntax",
        { taints: [{ key: "a", value: "x y", effect: "NO_EXECUTE" }] },
        [
            "pools[0].taints[0].value: \"x y\" is not allowed; expected a Kubernetes label value: empty or at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "duplicate taint",
        {
            taints: [
                { key: "a", effect: "NO_EXECUTE" },
                { key: "a", effect: "NO_EXECUTE" },
            ],
        },
        [
            'pools[0].taints[1].key: "a" is not allowed; each taint key and effect pair may appear once (NO_EXECUTE repeats)',
        ],
    ],
    ["hop limit 0", { imds: { hopLimit: 0 } }, ["pools[0].imds.hopLimit: 0 is not allowed; allowed: 1 to 64 hops"]],
    ["hop limit 65", { imds: { hopLimit: 65 } }, ["pools[0].imds.hopLimit: 65 is not allowed; allowed: 1 to 64 hops"]],
    [
        "volume type",
        { rootVolume: { type: "gp2" } },
        ['pools[0].rootVolume.type: "gp2" is not allowed; allowed: gp3 (did you mean "gp3"?)'],
    ],
    [
        "volume smaller than the AMI",
        { rootVolume: { sizeGiB: 19 } },
        [
            "pools[0].rootVolume.sizeGiB: 19 is not allowed; at least 20 GiB (the AL2023 EKS AMI's root snapshot; EC2 rejects a smaller root volume)",
        ],
    ],
    [
        "volume too large",
        { rootVolume: { sizeGiB: 65537 } },
        ["pools[0].rootVolume.sizeGiB: 65537 is not allowed; allowed: 1 to 65536 GiB"],
    ],
    [
        "iops below gp3",
        { rootVolume: { iops: 2999 } },
        ["pools[0].rootVolume.iops: 2999 is not allowed; allowed: 3000 to 80000 IOPS"],
    ],
    [
        "iops above gp3",
        { rootVolume: { sizeGiB: 1000, iops: 80001 } },
        ["pools[0].rootVolume.iops: 80001 is not allowed; allowed: 3000 to 80000 IOPS"],
    ],
    [
        "iops per GiB",
        { rootVolume: { sizeGiB: 20, iops: 10001 } },
        ["pools[0].rootVolume.iops: 10001 is not allowed; gp3 allows at most 500 IOPS per GiB: 10000 for 20 GiB"],
    ],
    [
        "throughput below gp3",
        { rootVolume: { throughput: 124 } },
        ["pools[0].rootVolume.throughput: 124 is not allowed; allowed: 125 to 2000 MiB/s"],
    ],
    [
        "throughput above gp3",
        { rootVolume: { sizeGiB: 100, iops: 16000, throughput: 2001 } },
        ["pools[0].rootVolume.throughput: 2001 is not allowed; allowed: 125 to 2000 MiB/s"],
    ],
    [
        "throughput per IOPS",
        { rootVolume: { iops: 3000, throughput: 751 } },
        [
            "pools[0].rootVolume.throughput: 751 is not allowed; gp3 allows at most 0.25 MiB/s per IOPS: 750 MiB/s for 3000 IOPS",
        ],
    ],
    [
        "KMS key id",
        { rootVolume: { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } },
        [
            'pools[0].rootVolume.kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" is not allowed; expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>',
        ],
    ],
    [
        "KMS key ARN of another service",
        { rootVolume: { kmsKeyId: "arn:aws:s3:::bucket" } },
        [
            'pools[0].rootVolume.kmsKeyId: "arn:aws:s3:::bucket" is not allowed; expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>',
        ],
    ],
    [
        "maxPods range",
        { kubelet: { maxPods: 0 } },
        ["pools[0].kubelet.maxPods: 0 is not allowed; allowed: 1 to 1000 pods"],
    ],
    [
        "kubelet flag syntax",
        { kubelet: { flags: ["max-pods=20"] } },
        [
            'pools[0].kubelet.flags[0]: "max-pods=20" is not allowed; expected a kubelet flag starting with --, e.g. --image-gc-high-threshold=80',
        ],
    ],
    [
        "kubelet config wrong type",
        { kubelet: { config: "x" } },
        ['pools[0].kubelet.config: "x" is not allowed; expected an object (a YAML mapping)'],
    ],
    [
        "script without #!",
        { preBootstrapScripts: ["echo hi"] },
        [
            'pools[0].preBootstrapScripts[0]: "echo hi" is not allowed; expected a script starting with #! (e.g. #!/bin/bash)',
        ],
    ],
    [
        "script wrong type",
        { preBootstrapScripts: [1] },
        [
            "pools[0].preBootstrapScripts[0]: 1 is not allowed; expected a string (a script starting with #! (e.g. #!/bin/bash))",
        ],
    ],
    [
        "tag key aws:",
        { tags: { "aws:team": "x" } },
        ['pools[0].tags.aws:team: "aws:team" is not allowed; tag keys starting with "aws:" are reserved by AWS'],
    ],
    [
        "tag key too long",
        { tags: { ["k".repeat(129)]: "x" } },
        [`pools[0].tags.${"k".repeat(129)}: "${"k".repeat(76)}... is not allowed; tag keys have 1 to 128 characters`],
    ],
    [
        "tag value too long",
        { tags: { team: "v".repeat(257) } },
        [`pools[0].tags.team: "${"v".repeat(76)}... is not allowed; tag values have at most 256 characters`],
    ],
    [
        "tag key reserved by the program",
        { tags: { "eks-al2023-migration/pool": "x" } },
        [
            'pools[0].tags.eks-al2023-migration/pool: "eks-al2023-migration/pool" is not allowed; tag keys starting with "eks-al2023-migration/" are set by this program',
        ],
    ],
    [
        "null (YAML ~) in kubelet config",
        { kubelet: { config: { evictionHard: null } } },
        [
            "pools[0].kubelet.config.evictionHard: null is not allowed; expected a value (YAML ~ or null sets nothing; remove the key to keep kubelet's default)",
        ],
    ],
    [
        "null (YAML ~) nested in kubelet config",
        {
            kubelet: {
                config: { evictionHard: { "memory.available": "100Mi", "nodefs.available": null }, clusterDNS: [null] },
            },
        },
        [
            "pools[0].kubelet.config.evictionHard.nodefs.available: null is not allowed; expected a value (YAML ~ or null sets nothing; remove the key to keep kubelet's default)",
            "pools[0].kubelet.config.clusterDNS[0]: null is not allowed; expected a value (YAML ~ or null sets nothing; remove the key to keep kubelet's default)",
        ],
    ],
    [
        "taint without a key",
        { taints: [{ value: "x", effect: "NO_SCHEDULE" }] },
        ["pools[0].taints[0].key: is required"],
    ],
    [
        "taint with an empty key",
        { taints: [{ key: "", effect: "NO_SCHEDULE" }] },
        [
            "pools[0].taints[0].key: \"\" is not allowed; expected a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "label key with a prefix and no name",
        { labels: { "example.com/": "x" } },
        [
            "pools[0].labels.example.com/: \"example.com/\" is not allowed; expected a Kubernetes label key: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63 letters, digits, '-', '_', '.' starting and ending alphanumeric",
        ],
    ],
    [
        "51 tags",
        { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`tag-${i}`, "x"])) },
        ['pools[0].tags: "51 tags" is not allowed; at most 50 tags per resource'],
    ],
    [
        "51 taints",
        { taints: Array.from({ length: 51 }, (_, i) => ({ key: `taint-${i}`, effect: "NO_SCHEDULE" })) },
        ['pools[0].taints: "51 taints" is not allowed; at most 50 taints'],
    ],
    [
        "KMS alias ARN without an alias name",
        { rootVolume: { kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:alias" } },
        [
            'pools[0].rootVolume.kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:alias" is not allowed; expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>',
        ],
    ],
];

describe("parsePools: one failing config per rule", () => {
    it.each(FAILING)("%s", (_rule, overrides, expected) => {
        const pool: Record<string, unknown> = { ...BASE, ...overrides };
        for (const field of Object.keys(pool)) if (pool[field] === undefined) delete pool[field];
        expect(problemsOf([pool])).toStrictEqual(expected);
    });

    it("rejects duplicate pool names and duplicate legacy node groups", () => {
        const problems = problemsOf([
            { ...BASE, legacyNodeGroup: "dev-general-al2" },
            { ...BASE, legacyNodeGroup: "dev-general-al2" },
        ]);
        expect(problems).toStrictEqual([
            'pools[1].name: "general" is not allowed; each pool needs its own name (pools[0].name has it already)',
            'pools[1].legacyNodeGroup: "dev-general-al2" is not allowed; each pool needs its own legacyNodeGroup (pools[0].legacyNodeGroup has it already)',
        ]);
    });

    it("requires pools to be a non-empty list of objects", () => {
        expect(() => parseConfig({ clusterName: "shop-dev" })).toThrow("pools: is required");
        expect(problemsOf([])).toStrictEqual(["pools: [] is not allowed; needs at least one pool"]);
        expect(problemsOf("general")).toStrictEqual(['pools: "general" is not allowed; expected a list']);
        expect(problemsOf([3])).toStrictEqual(["pools[0]: 3 is not allowed; expected an object (a YAML mapping)"]);
    });

    it("reports every problem of every pool at once, with the pool's index", () => {
        const problems = problemsOf([
            { ...BASE, name: "a", imds: { hopLimit: 0 } },
            { ...BASE, name: "b", rootVolume: { iops: 1 } },
        ]);
        expect(problems).toStrictEqual([
            "pools[0].imds.hopLimit: 0 is not allowed; allowed: 1 to 64 hops",
            "pools[1].rootVolume.iops: 1 is not allowed; allowed: 3000 to 80000 IOPS",
        ]);
    });
});
