import type { CloudFacts } from "../../plan/cloud-facts";
import type { CutoverPhase } from "../../cutover/phases";

/** Stack config as written in Pulumi.<stack>.yaml (keys without the project prefix), edited freely by a row. */
export type RawConfig = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Cluster facts as the AWS CLI prints them, edited freely by a row. */
export type RawFacts = { -readonly [K in keyof CloudFacts]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the dev stack recorded for pool `general` after deploying `phase` (facts/dev: sizes 1/2/4). */
export function devRecord(phase: CutoverPhase, changes: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        cutover: {
            version: 1,
            pools: {
                general: {
                    phase,
                    adopted: true,
                    legacyNodeGroupName: "dev-general-al2",
                    legacySizeAtAdoption: { min: 1, desired: 2, max: 4 },
                    al2023NodeGroupName: "general-20261102093015123400000001",
                    ...changes,
                },
            },
        },
    };
}

/**
 * One invalid input: a change to the dev stack's valid config (`Pulumi.dev.yaml`), to the dev cluster's facts, or to
 * the last deployment's record, and what the error must say.
 */
export interface BadInput {
    /** The README group (the top-level config key, or "cutover phase" / "cluster facts"). */
    readonly group: string;
    /** What is wrong, in words. */
    readonly what: string;
    /** The full key the message names (`pools[0].rootVolume.iops`). */
    readonly key: string;
    /** The bad value as the message shows it. */
    readonly shown: string;
    /** A distinctive fragment of what the message says is allowed. */
    readonly allowed: string;
    /** Edits the config (a deep copy of Pulumi.dev.yaml's). */
    readonly config?: (config: RawConfig) => void;
    /** Edits the cluster facts (a deep copy of facts/dev). */
    readonly facts?: (facts: RawFacts) => void;
    /** The stack's outputs from its last deployment. @default {} (first deployment) */
    readonly previousOutputs?: Record<string, unknown>;
    /** Outputs of other stacks by full name. @default {} */
    readonly otherStacks?: Record<string, Record<string, unknown>>;
    /** The stack evaluated. @default "dev" */
    readonly stack?: string;
}

/** JSON of a value, as the messages show values. */
const json = (value: unknown) => JSON.stringify(value);

/** Sets `cutoverPhase`. */
const phase = (value: CutoverPhase) => (config: RawConfig) => {
    config.cutoverPhase = value;
};

/** The catalogue: every row must fail before any resource is declared. */
export const BAD_INPUTS: readonly BadInput[] = [
    // clusterName
    {
        group: "clusterName",
        what: "not an EKS cluster name",
        key: "clusterName",
        shown: json("shop dev!"),
        allowed: "an EKS cluster name: 1-100 letters",
        config: (c) => (c.clusterName = "shop dev!"),
    },
    {
        group: "clusterName",
        what: "longer than 100 characters",
        key: "clusterName",
        shown: `"${"s".repeat(76)}...`,
        allowed: "1-100 letters, digits",
        config: (c) => (c.clusterName = "s".repeat(101)),
    },
    // pools
    {
        group: "pools",
        what: "not a list",
        key: "pools",
        shown: json({ name: "general" }),
        allowed: "expected a list",
        config: (c) => (c.pools = { name: "general" }),
    },
    {
        group: "pools",
        what: "an empty list",
        key: "pools",
        shown: "[]",
        allowed: "needs at least one pool",
        config: (c) => (c.pools = []),
    },
    {
        group: "pools",
        what: "a pool without legacyNodeGroup and without subnetIds",
        key: "pools[0].subnetIds",
        shown: "nothing",
        allowed: "required for a pool without legacyNodeGroup",
        config: (c) => delete c.pools[0].legacyNodeGroup,
    },
    {
        group: "pools",
        what: "unknown al2Migration key, with a suggestion",
        key: "pools[0].al2Migration.acknowlege",
        shown: "unknown key",
        allowed: 'did you mean "acknowledge"?',
        config: (c) => (c.pools[0].al2Migration = { acknowlege: ["--docker-config-json"] }),
    },
    {
        group: "pools",
        what: "an acknowledgement that is not a report item id",
        key: "pools[0].al2Migration.acknowledge[0]",
        shown: json("docker-config-json"),
        allowed: "an item id from the translation report",
        config: (c) => (c.pools[0].al2Migration = { acknowledge: ["docker-config-json"] }),
    },
    {
        group: "pools",
        what: "unknown pool key, with a suggestion",
        key: "pools[0].instanceTypse",
        shown: "unknown key",
        allowed: 'did you mean "instanceTypes"?',
        config: (c) => (c.pools[0].instanceTypse = ["m6i.large"]),
    },
    {
        group: "pools",
        what: "eksctl's and Terraform's word for a pool key, with this project's",
        key: "pools[0].desiredCapacity",
        shown: "unknown key",
        allowed: 'eksctl and Terraform say "desiredCapacity"; here it is "scaling.desired"',
        config: (c) => (c.pools[0].desiredCapacity = 3),
    },
    {
        group: "pools",
        what: "name not a DNS-1123 label",
        key: "pools[0].name",
        shown: json("General_Pool"),
        allowed: "lowercase letters, digits and '-'",
        config: (c) => (c.pools[0].name = "General_Pool"),
    },
    {
        group: "pools",
        what: "name longer than 36 characters (the generated node group name must fit 63)",
        key: "pools[0].name",
        shown: json("g".repeat(37)),
        allowed: "at most 36 characters",
        config: (c) => (c.pools[0].name = "g".repeat(37)),
    },
    {
        group: "pools",
        what: "two pools with the same name",
        key: "pools[1].name",
        shown: json("general"),
        allowed: "each pool needs its own name",
        config: (c) => c.pools.push({ ...c.pools[0], legacyNodeGroup: undefined, subnetIds: ["subnet-0a1b2c3d"] }),
    },
    {
        group: "pools",
        what: "legacyNodeGroup not an EKS node group name",
        key: "pools[0].legacyNodeGroup",
        shown: json("dev general al2"),
        allowed: "an EKS node group name",
        config: (c) => (c.pools[0].legacyNodeGroup = "dev general al2"),
    },
    {
        group: "pools",
        what: "two pools replacing the same legacy node group",
        key: "pools[1].legacyNodeGroup",
        shown: json("dev-general-al2"),
        allowed: "each pool needs its own legacyNodeGroup",
        config: (c) => c.pools.push({ ...c.pools[0], name: "general-b" }),
    },
    {
        group: "pools",
        what: "phase not a cutover phase",
        key: "pools[0].phase",
        shown: json("cutover"),
        allowed: "allowed: prepare, canary, shift, drain, decommission",
        config: (c) => (c.pools[0].phase = "cutover"),
    },
    {
        group: "pools",
        what: "canarySize above scaling.max",
        key: "pools[0].canarySize",
        shown: "5",
        allowed: "allowed: 1 to 4 nodes (at most scaling.max)",
        config: (c) => (c.pools[0].canarySize = 5),
    },
    {
        group: "pools",
        what: "autoscaled not a boolean",
        key: "pools[0].autoscaled",
        shown: json("yes"),
        allowed: "expected true or false",
        config: (c) => (c.pools[0].autoscaled = "yes"),
    },
    {
        group: "pools",
        what: "acceptReducedCapacity not a boolean",
        key: "pools[0].acceptReducedCapacity",
        shown: "1",
        allowed: "expected true or false",
        config: (c) => (c.pools[0].acceptReducedCapacity = 1),
    },
    {
        group: "pools",
        what: "allowReplacement not a boolean",
        key: "pools[0].allowReplacement",
        shown: json("yes"),
        allowed: "expected true or false",
        config: (c) => (c.pools[0].allowReplacement = "yes"),
    },
    {
        group: "pools",
        what: "amiType of AL2",
        key: "pools[0].amiType",
        shown: json("AL2_x86_64"),
        allowed: "AL2 AMI types are not allowed",
        config: (c) => (c.pools[0].amiType = "AL2_x86_64"),
    },
    {
        group: "pools",
        what: "amiType of another OS",
        key: "pools[0].amiType",
        shown: json("BOTTLEROCKET_x86_64"),
        allowed: "allowed: AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD",
        config: (c) => (c.pools[0].amiType = "BOTTLEROCKET_x86_64"),
    },
    {
        group: "pools",
        what: "amiType together with customAmi",
        key: "pools[0].amiType",
        shown: json("AL2023_x86_64_STANDARD"),
        allowed: "not allowed together with customAmi",
        config: (c) =>
            Object.assign(c.pools[0], { amiType: "AL2023_x86_64_STANDARD", customAmi: "ami-0123456789abcdef0" }),
    },
    {
        group: "pools",
        what: "customAmi not an AMI id",
        key: "pools[0].customAmi",
        shown: json("ami-latest"),
        allowed: "an AMI id such as ami-0123456789abcdef0",
        config: (c) => (c.pools[0].customAmi = "ami-latest"),
    },
    {
        group: "pools",
        what: "instanceTypes empty",
        key: "pools[0].instanceTypes",
        shown: "[]",
        allowed: "expected at least 1 item",
        config: (c) => (c.pools[0].instanceTypes = []),
    },
    {
        group: "pools",
        what: "instanceTypes item not an instance type",
        key: "pools[0].instanceTypes[1]",
        shown: json("large"),
        allowed: "an EC2 instance type such as m6i.large",
        config: (c) => (c.pools[0].instanceTypes = ["t3.large", "large"]),
    },
    {
        group: "pools",
        what: "capacityType unknown",
        key: "pools[0].capacityType",
        shown: json("RESERVED"),
        allowed: "allowed: ON_DEMAND, SPOT",
        config: (c) => (c.pools[0].capacityType = "RESERVED"),
    },
    {
        group: "pools",
        what: "scaling.max below 1",
        key: "pools[0].scaling.max",
        shown: "0",
        allowed: "allowed: 1 to 10000 nodes",
        config: (c) => (c.pools[0].scaling = { min: 0, desired: 0, max: 0 }),
    },
    {
        group: "pools",
        what: "scaling.desired not a whole number",
        key: "pools[0].scaling.desired",
        shown: "2.5",
        allowed: "expected a whole number from 0 to 10000 nodes",
        config: (c) => (c.pools[0].scaling = { min: 1, desired: 2.5, max: 4 }),
    },
    {
        group: "pools",
        what: "scaling.min above desired",
        key: "pools[0].scaling.min",
        shown: "3",
        allowed: "must not exceed scaling.desired (2)",
        config: (c) => (c.pools[0].scaling = { min: 3, desired: 2, max: 4 }),
    },
    {
        group: "pools",
        what: "scaling.desired above max",
        key: "pools[0].scaling.desired",
        shown: "5",
        allowed: "must not exceed scaling.max (4)",
        config: (c) => (c.pools[0].scaling = { min: 1, desired: 5, max: 4 }),
    },
    {
        group: "pools",
        what: "maxUnavailable below 1",
        key: "pools[0].maxUnavailable",
        shown: "0",
        allowed: "allowed: 1 to 100 nodes",
        config: (c) => (c.pools[0].maxUnavailable = 0),
    },
    {
        group: "pools",
        what: "maxUnavailablePercentage above 100",
        key: "pools[0].maxUnavailablePercentage",
        shown: "150",
        allowed: "allowed: 1 to 100 percent",
        config: (c) => Object.assign(c.pools[0], { maxUnavailable: undefined, maxUnavailablePercentage: 150 }),
    },
    {
        group: "pools",
        what: "maxUnavailable and maxUnavailablePercentage both set",
        key: "pools[0].maxUnavailablePercentage",
        shown: "25",
        allowed: "set either maxUnavailable or maxUnavailablePercentage, not both",
        config: (c) => (c.pools[0].maxUnavailablePercentage = 25),
    },
    {
        group: "pools",
        what: "subnetIds item not a subnet id",
        key: "pools[0].subnetIds[0]",
        shown: json("subnet-123"),
        allowed: "a subnet id such as subnet-0123456789abcdef0",
        config: (c) => (c.pools[0].subnetIds = ["subnet-123"]),
    },
    {
        group: "pools",
        what: "label key not a Kubernetes label key",
        key: "pools[0].labels.team name",
        shown: json("team name"),
        allowed: "a Kubernetes label key",
        config: (c) => (c.pools[0].labels = { "team name": "shop" }),
    },
    {
        group: "pools",
        what: "label value not a Kubernetes label value",
        key: "pools[0].labels.workload",
        shown: json("-general-"),
        allowed: "a Kubernetes label value",
        config: (c) => (c.pools[0].labels = { workload: "-general-" }),
    },
    {
        group: "pools",
        what: "taint effect spelled the Kubernetes way",
        key: "pools[0].taints[0].effect",
        shown: json("NoSchedule"),
        allowed: "allowed: NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE",
        config: (c) => (c.pools[0].taints = [{ key: "workload", value: "batch", effect: "NoSchedule" }]),
    },
    {
        group: "pools",
        what: "the same taint key and effect twice",
        key: "pools[0].taints[1].key",
        shown: json("workload"),
        allowed: "each taint key and effect pair may appear once",
        config: (c) =>
            (c.pools[0].taints = [
                { key: "workload", value: "batch", effect: "NO_SCHEDULE" },
                { key: "workload", value: "web", effect: "NO_SCHEDULE" },
            ]),
    },
    {
        group: "pools",
        what: "rootVolume.sizeGiB below the AMI snapshot",
        key: "pools[0].rootVolume.sizeGiB",
        shown: "10",
        allowed: "at least 20 GiB",
        config: (c) => (c.pools[0].rootVolume = { sizeGiB: 10 }),
    },
    {
        group: "pools",
        what: "rootVolume.type not gp3",
        key: "pools[0].rootVolume.type",
        shown: json("gp2"),
        allowed: "allowed: gp3",
        config: (c) => (c.pools[0].rootVolume.type = "gp2"),
    },
    {
        group: "pools",
        what: "rootVolume.iops below the gp3 baseline",
        key: "pools[0].rootVolume.iops",
        shown: "2000",
        allowed: "allowed: 3000 to 80000 IOPS",
        config: (c) => (c.pools[0].rootVolume.iops = 2000),
    },
    {
        group: "pools",
        what: "rootVolume.iops above 500 per GiB",
        key: "pools[0].rootVolume.iops",
        shown: "30000",
        allowed: "gp3 allows at most 500 IOPS per GiB: 20000 for 40 GiB",
        config: (c) => (c.pools[0].rootVolume.iops = 30000),
    },
    {
        group: "pools",
        what: "rootVolume.throughput above 0.25 MiB/s per IOPS",
        key: "pools[0].rootVolume.throughput",
        shown: "1000",
        allowed: "gp3 allows at most 0.25 MiB/s per IOPS: 750 MiB/s for 3000 IOPS",
        config: (c) => (c.pools[0].rootVolume.throughput = 1000),
    },
    {
        group: "pools",
        what: "rootVolume.kmsKeyId not a KMS key",
        key: "pools[0].rootVolume.kmsKeyId",
        shown: json("my-key"),
        allowed: "a KMS key ARN",
        config: (c) => (c.pools[0].rootVolume.kmsKeyId = "my-key"),
    },
    {
        group: "pools",
        what: "imds.hopLimit below 1",
        key: "pools[0].imds.hopLimit",
        shown: "0",
        allowed: "allowed: 1 to 64 hops",
        config: (c) => (c.pools[0].imds = { hopLimit: 0 }),
    },
    {
        group: "pools",
        what: "securityGroupIds item not a security group id",
        key: "pools[0].securityGroupIds[0]",
        shown: json("sg-web"),
        allowed: "a security group id such as sg-0123456789abcdef0",
        config: (c) => (c.pools[0].securityGroupIds = ["sg-web"]),
    },
    {
        group: "pools",
        what: "nodeRoleArn not an IAM role ARN",
        key: "pools[0].nodeRoleArn",
        shown: json("arn:aws:iam::1111:role/nodes"),
        allowed: "an IAM role ARN such as arn:aws:iam::123456789012:role/name",
        config: (c) => (c.pools[0].nodeRoleArn = "arn:aws:iam::1111:role/nodes"),
    },
    {
        group: "pools",
        what: "kubelet.maxPods below 1",
        key: "pools[0].kubelet.maxPods",
        shown: "0",
        allowed: "allowed: 1 to 1000 pods",
        config: (c) => (c.pools[0].kubelet.maxPods = 0),
    },
    {
        group: "pools",
        what: "kubelet.flags item not a flag",
        key: "pools[0].kubelet.flags[0]",
        shown: json("image-gc-high-threshold=80"),
        allowed: "a kubelet flag starting with --",
        config: (c) => (c.pools[0].kubelet.flags = ["image-gc-high-threshold=80"]),
    },
    {
        group: "pools",
        what: "kubelet.config not a mapping",
        key: "pools[0].kubelet.config",
        shown: json("maxPods=110"),
        allowed: "expected an object (a YAML mapping)",
        config: (c) => (c.pools[0].kubelet.config = "maxPods=110"),
    },
    {
        group: "pools",
        what: "kubelet.config value null (YAML ~)",
        key: "pools[0].kubelet.config.evictionHard.memory.available",
        shown: "null",
        allowed: "expected a value (YAML ~ or null sets nothing",
        config: (c) => (c.pools[0].kubelet.config = { evictionHard: { "memory.available": null } }),
    },
    {
        group: "pools",
        what: "preBootstrapScripts item without #!",
        key: "pools[0].preBootstrapScripts[0]",
        shown: json("echo hello"),
        allowed: "a script starting with #!",
        config: (c) => (c.pools[0].preBootstrapScripts = ["echo hello"]),
    },
    {
        group: "pools",
        what: "tag key reserved by AWS",
        key: "pools[0].tags.aws:team",
        shown: json("aws:team"),
        allowed: 'tag keys starting with "aws:" are reserved by AWS',
        config: (c) => (c.pools[0].tags = { "aws:team": "shop" }),
    },
    // serviceAccounts
    {
        group: "serviceAccounts",
        what: "namespace not a DNS-1123 label",
        key: "serviceAccounts[0].namespace",
        shown: json("Shop"),
        allowed: "a DNS-1123 label",
        config: (c) => (c.serviceAccounts[0].namespace = "Shop"),
    },
    {
        group: "serviceAccounts",
        what: "name not a DNS-1123 subdomain",
        key: "serviceAccounts[0].name",
        shown: json("invoice_reader"),
        allowed: "a DNS-1123 subdomain",
        config: (c) => (c.serviceAccounts[0].name = "invoice_reader"),
    },
    {
        group: "serviceAccounts",
        what: "identity unknown",
        key: "serviceAccounts[0].identity",
        shown: json("iam"),
        allowed: "allowed: irsa, pod-identity",
        config: (c) => (c.serviceAccounts[0].identity = "iam"),
    },
    {
        group: "serviceAccounts",
        what: "role names no shared role",
        key: "serviceAccounts[1].role",
        shown: json("alb"),
        allowed: "no sharedRoles are declared",
        config: (c) => {
            delete c.serviceAccounts[1].managedPolicyArns;
            c.serviceAccounts[1].role = "alb";
        },
    },
    {
        group: "serviceAccounts",
        what: "create not a boolean",
        key: "serviceAccounts[2].create",
        shown: json("yes"),
        allowed: "expected true or false",
        config: (c) => (c.serviceAccounts[2].create = "yes"),
    },
    {
        group: "serviceAccounts",
        what: "stsRegionalEndpoints on a Pod Identity service account",
        key: "serviceAccounts[2].stsRegionalEndpoints",
        shown: "true",
        allowed: "for identity irsa only",
        config: (c) => (c.serviceAccounts[2].stsRegionalEndpoints = true),
    },
    {
        group: "serviceAccounts",
        what: "tokenExpiration below 10 minutes",
        key: "serviceAccounts[0].tokenExpiration",
        shown: "60",
        allowed: "allowed: 600 to 86400 seconds",
        config: (c) => (c.serviceAccounts[0].tokenExpiration = 60),
    },
    {
        group: "serviceAccounts",
        what: "restart kind not a workload kind",
        key: "serviceAccounts[0].restart[0].kind",
        shown: json("Job"),
        allowed: "allowed: Deployment, StatefulSet, DaemonSet",
        config: (c) => (c.serviceAccounts[0].restart = [{ kind: "Job", name: "invoice-api" }]),
    },
    {
        group: "serviceAccounts",
        what: "managedPolicyArns item not a policy ARN",
        key: "serviceAccounts[1].managedPolicyArns[0]",
        shown: json("AWSLoadBalancerControllerIAMPolicy"),
        allowed: "an IAM policy ARN",
        config: (c) => (c.serviceAccounts[1].managedPolicyArns = ["AWSLoadBalancerControllerIAMPolicy"]),
    },
    {
        group: "serviceAccounts",
        what: "policy with another Version",
        key: "serviceAccounts[0].policy.Version",
        shown: json("2008-10-17"),
        allowed: 'allowed: "2012-10-17"',
        config: (c) => (c.serviceAccounts[0].policy.Version = "2008-10-17"),
    },
    {
        group: "serviceAccounts",
        what: "policy statement Effect unknown",
        key: "serviceAccounts[0].policy.Statement[0].Effect",
        shown: json("Permit"),
        allowed: "allowed: Allow, Deny",
        config: (c) => (c.serviceAccounts[0].policy.Statement[0].Effect = "Permit"),
    },
    {
        group: "serviceAccounts",
        what: "policy statement Action not an IAM action",
        key: "serviceAccounts[0].policy.Statement[0].Action[0]",
        shown: json("GetObject"),
        allowed: "an IAM action such as",
        config: (c) => (c.serviceAccounts[0].policy.Statement[0].Action = ["GetObject"]),
    },
    {
        group: "serviceAccounts",
        what: "permissionsBoundaryArn not a policy ARN",
        key: "serviceAccounts[0].permissionsBoundaryArn",
        shown: json("workload-boundary"),
        allowed: "an IAM policy ARN",
        config: (c) => (c.serviceAccounts[0].permissionsBoundaryArn = "workload-boundary"),
    },
    {
        group: "serviceAccounts",
        what: "roleName not an IAM role name",
        key: "serviceAccounts[0].roleName",
        shown: json("invoice reader"),
        allowed: "an IAM role name: 1-64",
        config: (c) => (c.serviceAccounts[0].roleName = "invoice reader"),
    },
    {
        group: "serviceAccounts",
        what: "maxSessionDuration below one hour",
        key: "serviceAccounts[0].maxSessionDuration",
        shown: "60",
        allowed: "allowed: 3600 to 43200 seconds",
        config: (c) => (c.serviceAccounts[0].maxSessionDuration = 60),
    },
    {
        group: "serviceAccounts",
        what: "tag key reserved by AWS",
        key: "serviceAccounts[0].tags.aws:team",
        shown: json("aws:team"),
        allowed: "does not start with aws:",
        config: (c) => (c.serviceAccounts[0].tags = { "aws:team": "shop" }),
    },
    {
        group: "serviceAccounts",
        what: "namespaceWide on a Pod Identity service account",
        key: "serviceAccounts[2].namespaceWide",
        shown: "true",
        allowed: "namespaceWide is for identity irsa only",
        config: (c) => (c.serviceAccounts[2].namespaceWide = true),
    },
    {
        group: "serviceAccounts",
        what: "the same service account twice",
        key: "serviceAccounts[3]",
        shown: json("shop/invoice-reader"),
        allowed: "each may appear once",
        config: (c) => c.serviceAccounts.push({ ...c.serviceAccounts[0] }),
    },
    // sharedRoles
    {
        group: "sharedRoles",
        what: "name not a DNS-1123 label",
        key: "sharedRoles[0].name",
        shown: json("Readers"),
        allowed: "a DNS-1123 label",
        config: (c) =>
            (c.sharedRoles = [{ name: "Readers", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }]),
    },
    {
        group: "sharedRoles",
        what: "a shared role no service account uses",
        key: "sharedRoles[0].name",
        shown: json("readers"),
        allowed: "a shared role must be used by at least one service account",
        config: (c) =>
            (c.sharedRoles = [{ name: "readers", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }]),
    },
    {
        group: "sharedRoles",
        what: "a service account's identity differs from its shared role's",
        key: "serviceAccounts[1].identity",
        shown: json("pod-identity"),
        allowed: "the shared role alb is irsa",
        config: (c) => {
            c.sharedRoles = [{ name: "alb", managedPolicyArns: c.serviceAccounts[1].managedPolicyArns }];
            c.serviceAccounts[1] = {
                ...c.serviceAccounts[1],
                managedPolicyArns: undefined,
                role: "alb",
                identity: "pod-identity",
            };
        },
    },
    // oidcProvider
    {
        group: "oidcProvider",
        what: "create not a boolean",
        key: "oidcProvider.create",
        shown: json("yes"),
        allowed: "expected true or false",
        config: (c) => (c.oidcProvider = { create: "yes" }),
    },
    {
        group: "oidcProvider",
        what: "no IAM OIDC provider for the cluster's issuer while IRSA is used",
        key: "oidcProvider",
        shown: "https://oidc.eks.eu-west-1.amazonaws.com/id/",
        allowed: "to {create: true}",
        facts: (f) => (f.oidcProviderUrls = []),
    },
    // podIdentityAgent
    {
        group: "podIdentityAgent",
        what: "manage not a boolean",
        key: "podIdentityAgent.manage",
        shown: json("always"),
        allowed: "expected true or false",
        config: (c) => (c.podIdentityAgent = { manage: "always" }),
    },
    {
        group: "podIdentityAgent",
        what: "addonVersion not an add-on version",
        key: "podIdentityAgent.addonVersion",
        shown: json("1.3.8"),
        allowed: "an EKS add-on version such as v1.3.8-eksbuild.2",
        config: (c) => (c.podIdentityAgent = { manage: true, addonVersion: "1.3.8" }),
    },
    // trustPolicyMaxLength
    {
        group: "trustPolicyMaxLength",
        what: "above the IAM maximum quota",
        key: "trustPolicyMaxLength",
        shown: "8192",
        allowed: "allowed: 2048 to 4096 characters",
        config: (c) => (c.trustPolicyMaxLength = 8192),
    },
    {
        group: "trustPolicyMaxLength",
        what: "a shared role trusting more service accounts than the trust policy quota holds",
        key: "sharedRoles[0]",
        shown: "is 2768 characters, over the limit of 2048",
        allowed: "Split the role, use namespaceWide, or raise the IAM quota",
        config: (c) => {
            c.sharedRoles = [{ name: "readers", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }];
            for (let i = 0; i < 60; i++)
                c.serviceAccounts.push({ namespace: "shop", name: `reader-${i}`, role: "readers" });
        },
    },
    // kubernetes
    {
        group: "kubernetes",
        what: "context longer than 253 characters",
        key: "kubernetes.context",
        shown: `"${"k".repeat(76)}...`,
        allowed: "at most 253 characters",
        config: (c) => (c.kubernetes = { context: "k".repeat(254) }),
    },
    {
        group: "kubernetes",
        what: "unknown key, with a suggestion",
        key: "kubernetes.contxt",
        shown: "unknown key",
        allowed: 'did you mean "context"?',
        config: (c) => (c.kubernetes = { contxt: "shop-dev" }),
    },
    // cutoverPhase, cutoverAllowSkip, drainTimeoutMinutes, protectNodeGroups, tags, promotion
    {
        group: "cutoverPhase",
        what: "not a cutover phase",
        key: "cutoverPhase",
        shown: json("cutover"),
        allowed: "allowed: prepare, canary, shift, drain, decommission",
        config: (c) => (c.cutoverPhase = "cutover"),
    },
    {
        group: "cutoverAllowSkip",
        what: "not a boolean",
        key: "cutoverAllowSkip",
        shown: json("yes"),
        allowed: "expected true or false",
        config: (c) => (c.cutoverAllowSkip = "yes"),
    },
    {
        group: "rehearsal",
        what: "a Kubernetes version without AL2 AMIs",
        key: "rehearsal.kubernetesVersion",
        shown: json("1.33"),
        allowed: "is the last Kubernetes version with AL2 AMIs",
        config: (c) => (c.rehearsal = { kubernetesVersion: "1.33" }),
    },
    {
        group: "preflightAcknowledge",
        what: "a rule that never blocks",
        key: "preflightAcknowledge[0].rule",
        shown: json("disruption-single-replica"),
        allowed: "allowed: sched-node-selector",
        config: (c) =>
            (c.preflightAcknowledge = [
                { namespace: "shop", kind: "Deployment", name: "cart", rule: "disruption-single-replica" },
            ]),
    },
    {
        group: "preflightAcknowledge",
        what: "a kind that is not a Kubernetes kind",
        key: "preflightAcknowledge[0].kind",
        shown: json("deployment"),
        allowed: "expected a Kubernetes kind such as Deployment",
        config: (c) =>
            (c.preflightAcknowledge = [
                { namespace: "shop", kind: "deployment", name: "cart", rule: "sched-node-selector" },
            ]),
    },
    {
        group: "preflightAcknowledge",
        what: "a bad namespace",
        key: "preflightAcknowledge[0].namespace",
        shown: json("Shop"),
        allowed: "DNS-1123",
        config: (c) =>
            (c.preflightAcknowledge = [
                { namespace: "Shop", kind: "Deployment", name: "cart", rule: "sched-node-selector" },
            ]),
    },
    {
        group: "drainEvictUnmanagedPods",
        what: "not a boolean",
        key: "drainEvictUnmanagedPods",
        shown: json("force"),
        allowed: "expected true or false",
        config: (c) => (c.drainEvictUnmanagedPods = "force"),
    },
    {
        group: "drainTimeoutMinutes",
        what: "zero",
        key: "drainTimeoutMinutes",
        shown: "0",
        allowed: "allowed: 1 to 90 minutes",
        config: (c) => (c.drainTimeoutMinutes = 0),
    },
    {
        group: "drainTimeoutMinutes",
        what: "not a number",
        key: "drainTimeoutMinutes",
        shown: json("soon"),
        allowed: "expected a whole number from 1 to 90 minutes",
        config: (c) => (c.drainTimeoutMinutes = "soon"),
    },
    {
        group: "drainMaxConcurrentEvictions",
        what: "zero",
        key: "drainMaxConcurrentEvictions",
        shown: "0",
        allowed: "allowed: 1 to 200 requests",
        config: (c) => (c.drainMaxConcurrentEvictions = 0),
    },
    {
        group: "drainMaxConcurrentEvictions",
        what: "not a whole number",
        key: "drainMaxConcurrentEvictions",
        shown: "2.5",
        allowed: "expected a whole number from 1 to 200 requests",
        config: (c) => (c.drainMaxConcurrentEvictions = 2.5),
    },
    {
        group: "protectNodeGroups",
        what: "not a boolean",
        key: "protectNodeGroups",
        shown: json("always"),
        allowed: "expected true or false",
        config: (c) => (c.protectNodeGroups = "always"),
    },
    {
        group: "tags",
        what: "tag key the program sets itself",
        key: "tags.eks-al2023-migration/role",
        shown: json("eks-al2023-migration/role"),
        allowed: 'tag keys starting with "eks-al2023-migration/" are set by this program',
        config: (c) => (c.tags = { "eks-al2023-migration/role": "legacy" }),
    },
    {
        group: "tags",
        what: "tag value not a string",
        key: "tags.cost-center",
        shown: "4711",
        allowed: "expected a string (quote numbers",
        config: (c) => (c.tags = { "cost-center": 4711 }),
    },
    {
        group: "promotion",
        what: "requireStack not a stack name",
        key: "promotion.requireStack",
        shown: json("Dev Stack"),
        allowed: "a stack name such as dev",
        config: (c) => (c.promotion = { requireStack: "Dev Stack" }),
    },
    {
        group: "promotion",
        what: "follow value not a string",
        key: "promotion.follow.batch",
        shown: "1",
        allowed: "expected a string",
        config: (c) => (c.promotion = { requireStack: "dev", follow: { batch: 1 } }),
    },
    {
        group: "promotion",
        what: "a phase the required stack has not completed",
        key: "cutoverPhase",
        shown: json("canary"),
        allowed: 'has only completed "prepare" for pool "general"',
        stack: "staging",
        config: (c) => Object.assign(c, { cutoverPhase: "canary", promotion: { requireStack: "dev" } }),
        previousOutputs: devRecord("prepare"),
        otherStacks: { "acme/eks-al2023-migration/dev": devRecord("prepare") },
    },
    // cutover phase and guards
    {
        group: "cutover phase and guards",
        what: "skipping a phase",
        key: "cutoverPhase",
        shown: json("shift"),
        allowed: "move forward one phase at a time: set cutoverPhase=canary first",
        config: phase("shift"),
        previousOutputs: devRecord("prepare"),
    },
    {
        group: "cutover phase and guards",
        what: "starting past prepare before the AL2 node group is adopted",
        key: "cutoverPhase",
        shown: json("shift"),
        allowed: "it imports it unchanged in prepare",
        config: phase("shift"),
    },
    {
        group: "cutover phase and guards",
        what: "going back more than one phase",
        key: "cutoverPhase",
        shown: json("canary"),
        allowed: "go back one phase at a time: set cutoverPhase=shift first",
        config: phase("canary"),
        previousOutputs: devRecord("drain"),
    },
    {
        group: "cutover phase and guards",
        what: "rolling back from decommission",
        key: "cutoverPhase",
        shown: json("drain"),
        allowed: "nothing returns from decommission",
        config: phase("drain"),
        previousOutputs: devRecord("decommission"),
    },
    {
        group: "cutover phase and guards",
        what: "decommission without drain, even with cutoverAllowSkip",
        key: "cutoverPhase",
        shown: json("decommission"),
        allowed: "cutoverAllowSkip does not skip drain",
        config: (c) => Object.assign(c, { cutoverPhase: "decommission", cutoverAllowSkip: true }),
        previousOutputs: devRecord("shift"),
    },
    {
        group: "cutover phase and guards",
        what: "changing legacyNodeGroup while the stack manages another",
        key: "pools[0].legacyNodeGroup",
        shown: json("dev-web-al2"),
        allowed: 'the stack manages AL2 node group "dev-general-al2"',
        config: (c) => Object.assign(c.pools[0], { legacyNodeGroup: "dev-web-al2" }),
        previousOutputs: devRecord("canary"),
    },
    {
        group: "cutover phase and guards",
        what: "removing a pool whose AL2 node group the stack still manages",
        key: "pools",
        shown: 'pool "general" is missing',
        allowed: "take it to decommission before removing it",
        config: (c) => (c.pools[0].name = "web"),
        previousOutputs: devRecord("canary"),
    },
    {
        group: "cutover phase and guards",
        what: "a legacy node group that does not exist",
        key: "pools[0].legacyNodeGroup",
        shown: json("dev-web-al2"),
        allowed: 'no managed node group "dev-web-al2" in cluster "shop-dev"',
        config: (c) => (c.pools[0].legacyNodeGroup = "dev-web-al2"),
    },
    {
        group: "cutover phase and guards",
        what: "a legacy node group that is not AL2",
        key: "pools[0].legacyNodeGroup",
        shown: json("general-20261102093015123400000001"),
        allowed: "its amiType is AL2023_x86_64_STANDARD; this program replaces AL2 node groups",
        config: (c) => (c.pools[0].legacyNodeGroup = "general-20261102093015123400000001"),
    },
    {
        group: "cutover phase and guards",
        what: "too little AL2023 capacity for drain",
        key: "pools[0].scaling.desired",
        shown: "1",
        allowed: "would have fewer nodes than the 2 AL2 node group",
        config: (c) =>
            Object.assign(
                c,
                { cutoverPhase: "drain" },
                { pools: [{ ...c.pools[0], scaling: { min: 1, desired: 1, max: 4 } }] },
            ),
        previousOutputs: devRecord("shift"),
    },
    {
        group: "cutover phase and guards",
        what: "the AL2023 node group below the pool's size at the drain gate",
        key: "cutoverPhase",
        shown: json("drain"),
        allowed: "desired size 1 (needs the pool's full size 2)",
        config: phase("drain"),
        facts: (f) => (f.nodegroups["general-20261102093015123400000001"].nodegroup.scalingConfig.desiredSize = 1),
        previousOutputs: devRecord("shift"),
    },
    {
        group: "cutover phase and guards",
        what: "the AL2023 node group missing at the drain gate",
        key: "cutoverPhase",
        shown: json("drain"),
        allowed: 'AL2023 node group "general-20261102093015123400000001" not found in cluster "shop-dev"',
        config: phase("drain"),
        facts: (f) => delete f.nodegroups["general-20261102093015123400000001"],
        previousOutputs: devRecord("shift"),
    },
    {
        group: "cutover phase and guards",
        what: "a malformed cutover record from the last deployment",
        key: "cutover.pools.general.phase",
        shown: json("cutover"),
        allowed: "expected one of prepare, canary, shift, drain, decommission",
        config: phase("canary"),
        previousOutputs: devRecord("prepare", { phase: "cutover" }),
    },
    // cluster facts
    {
        group: "cluster facts",
        what: "describe-cluster without serviceIpv4Cidr",
        key: "cluster.kubernetesNetworkConfig.serviceIpv4Cidr",
        shown: '""',
        allowed: "an IPv4 CIDR such as 172.20.0.0/16",
        facts: (f) => delete f.cluster.cluster.kubernetesNetworkConfig.serviceIpv4Cidr,
    },
    {
        group: "cluster facts",
        what: "an endpoint that is not https://",
        key: "cluster.endpoint",
        shown: json("http://B1C2D3E4F5A6.gr7.eu-west-1.eks.amazonaws.com"),
        allowed: "expected an https:// URL",
        facts: (f) => (f.cluster.cluster.endpoint = "http://B1C2D3E4F5A6.gr7.eu-west-1.eks.amazonaws.com"),
    },
    {
        group: "cluster facts",
        what: "no OIDC issuer while IRSA is used",
        key: "cluster.identity.oidc.issuer",
        shown: "nothing",
        allowed: "the cluster's OIDC issuer URL",
        facts: (f) => delete f.cluster.cluster.identity,
    },
    {
        group: "cluster facts",
        what: "a Kubernetes version that is not 1.<minor>",
        key: "cluster.version",
        shown: json("v1.32"),
        allowed: 'expected "1.<minor>"',
        facts: (f) => (f.cluster.cluster.version = "v1.32"),
    },
    {
        group: "cluster facts",
        what: "no certificate authority",
        key: "cluster.certificateAuthority.data",
        shown: "nothing",
        allowed: "the base64 cluster CA",
        facts: (f) => (f.cluster.cluster.certificateAuthority = {}),
    },
];

/** The catalogue as README lines: one bullet per group, its rows' descriptions with the key each names. */
export function catalogueMarkdown(rows: readonly BadInput[] = BAD_INPUTS): string {
    const groups = new Map<string, BadInput[]>();
    for (const row of rows) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
    return [...groups.entries()]
        .map(([group, items]) => `- **${group}**: ${items.map((row) => `${row.what} (\`${row.key}\`)`).join("; ")}`)
        .join("\n");
}
