/** The schema of `pools[i]`: one AL2023 node pool, optionally replacing one AL2 managed node group. */
import * as v from "valibot";
import { AL2023_AMI_TYPES } from "../common/ami-types";
import { IMDS_HOP_LIMIT } from "../common/aws-limits";
import { notAllowedText } from "../common/config-error";
import { rules } from "../common/name-rules";
import * as kit from "../common/schema-kit";
import { awsTagRules } from "../common/tags";
import { CUTOVER_PHASES } from "../cutover/phases";
import { kubeletSchema } from "./kubelet-schema";
import { labelsSchema, taintsSchema } from "./kubernetes-labels";
import { rootVolumeSchema } from "./root-volume-schema";
import { ACKNOWLEDGEMENT_ID } from "./translation-config";

const { bool, int, list, oneOf, optional, pathItem, required, str, stringList, strictObject, withDefault } = kit;

/**
 * Longest pool name. The node group is auto-named `<name>-<26-character unique suffix>` (the provider's
 * `nodeGroupNamePrefix`, Terraform's `PrefixedUniqueId`), and EKS allows 63 characters: 63 - 26 - 1 = 36.
 * The launch template (`<name>-<suffix>`, 128 allowed) and IAM role names then fit as well.
 */
const MAX_POOL_NAME_LENGTH = 36;

/** Upper bound for node counts: a sanity limit on typos (EKS's per-node-group quota is lower), not an API rule. */
const MAX_NODES = 10_000;

const POOL_NAME = {
    pattern: new RegExp(`^(?=.{1,${MAX_POOL_NAME_LENGTH}}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$`),
    patternText: `lowercase letters, digits and '-', starting and ending alphanumeric, at most ${MAX_POOL_NAME_LENGTH} characters (the node group name <name>-<26-character suffix> must fit EKS's 63)`,
};

/** The AMI type of a pool that names none (also set, and ignored by the node group, with `customAmi`). */
const DEFAULT_AMI_TYPE = AL2023_AMI_TYPES[0];

const AL2_REFUSED = `AL2 AMI types are not allowed (this program moves nodes to AL2023); allowed: ${AL2023_AMI_TYPES.join(", ")}`;
const amiType = v.pipe(
    v.custom<string>((value) => !(typeof value === "string" && value.startsWith("AL2_")), kit.notAllowed(AL2_REFUSED)),
    oneOf(AL2023_AMI_TYPES),
);

/** Node group sizes (EKS `NodegroupScalingConfig`: min ≥ 0, desired ≥ 0, max ≥ 1, min ≤ desired ≤ max). */
const scalingSchema = kit.checked(
    strictObject({
        min: int(0, MAX_NODES, "nodes"),
        desired: int(0, MAX_NODES, "nodes"),
        max: int(1, MAX_NODES, "nodes"),
    }),
    (scaling, addIssue) => {
        if (!kit.isPlainObject(scaling)) return;
        const { min, desired, max } = scaling;
        if (typeof min !== "number" || typeof desired !== "number" || typeof max !== "number") return;
        if (min > desired) {
            addIssue({
                input: min,
                message: notAllowedText(min, `must not exceed scaling.desired (${desired})`),
                path: [pathItem(scaling, "min", min)],
            });
        } else if (desired > max) {
            addIssue({
                input: desired,
                message: notAllowedText(desired, `must not exceed scaling.max (${max})`),
                path: [pathItem(scaling, "desired", desired)],
            });
        }
    },
);

/** The entries of a pool, in the order the reference lists them. */
export const poolEntries = {
    name: required(str(POOL_NAME), {
        type: "string",
        description: `lowercase DNS-1123 label, at most ${MAX_POOL_NAME_LENGTH} characters; resource names derive from it`,
    }),
    legacyNodeGroup: optional(str(rules.eksNodeGroupName), {
        type: "string",
        description: "the AL2 managed node group this pool replaces; without it the pool is greenfield (no cutover)",
    }),
    phase: optional(oneOf(CUTOVER_PHASES), {
        type: "string",
        defaultText: "`cutoverPhase`",
        description: "this pool's phase, so pools migrate one at a time",
    }),
    canarySize: withDefault(int(1, MAX_NODES, "nodes"), 1, {
        type: "int",
        description: "AL2023 nodes in `canary` (1 to `scaling.max`)",
    }),
    autoscaled: withDefault(bool(), false, {
        type: "bool",
        description: "the cluster autoscaler owns the desired size (see [Cluster autoscaler](#cluster-autoscaler))",
    }),
    acceptReducedCapacity: withDefault(bool(), false, {
        type: "bool",
        description:
            "allow `drain` although the AL2023 full size is below the AL2 size at adoption (fewer, larger instances)",
    }),
    allowReplacement: withDefault(bool(), false, {
        type: "bool",
        description:
            "let a change that EKS can only make by replacing the AL2023 node group (node role, subnets, capacity type, AMI type, `instanceTypes`) create the new node group first, then drain the old one through the Eviction API (PodDisruptionBudgets honoured) before EKS deletes it; refused while the last run's record shows no retirement resource for the node group (run `pulumi up` once first). See [After the migration](#after-the-migration)",
    }),
    amiType: optional(amiType, {
        type: "string",
        defaultText: `\`${DEFAULT_AMI_TYPE}\``,
        description: `also ${AL2023_AMI_TYPES.slice(1)
            .map((t) => `\`${t}\``)
            .join(", ")}; AL2 types are refused`,
    }),
    customAmi: optional(str(rules.amiId), {
        type: "string",
        description:
            "a pinned AL2023 AMI id (`ami-...`); the launch template then carries it and a complete NodeConfig, and the node group sets no `amiType`, `version` or `releaseVersion`. Not together with `amiType`. The id never changes by itself: a new id rolls every node",
    }),
    instanceTypes: withDefault(stringList({ ...rules.instanceType, minItems: 1, maxItems: 20 }), ["m6i.large"], {
        type: "list",
        description:
            "1–20 instance types. One type goes in the launch template, so changing it later is a rolling update; several go on the node group (`instanceTypes`), where a change replaces it (refused). A node group created with `instanceTypes` keeps them there",
    }),
    capacityType: withDefault(oneOf(["ON_DEMAND", "SPOT"] as const), "ON_DEMAND", {
        type: "string",
        description: "or `SPOT`",
    }),
    scaling: required(scalingSchema, {
        type: "`{min, desired, max}`",
        description: "the pool's full size; `min ≤ desired ≤ max`, `max ≥ 1`",
    }),
    maxUnavailable: optional(int(1, 100, "nodes"), {
        type: "int 1–100",
        defaultText: "`1` (unless `maxUnavailablePercentage`)",
        description: "node group update config: nodes updated at once; not together with `maxUnavailablePercentage`",
    }),
    maxUnavailablePercentage: optional(int(1, 100, "percent"), {
        type: "int 1–100",
        description:
            "node group update config: percentage of nodes updated at once; not together with `maxUnavailable`",
    }),
    subnetIds: optional(stringList({ ...rules.subnetId, minItems: 1, maxItems: 16 }), {
        type: "list",
        defaultText: "the legacy node group's subnets",
        description: "required for a greenfield pool",
    }),
    labels: withDefault(
        labelsSchema(),
        {},
        { type: "map", description: "Kubernetes node labels (`[prefix/]name` label syntax checked)" },
    ),
    taints: withDefault(taintsSchema(), [], {
        type: "list",
        description: "`{key, value, effect}`, effect `NO_SCHEDULE`, `NO_EXECUTE` or `PREFER_NO_SCHEDULE`",
    }),
    rootVolume: withDefault(
        rootVolumeSchema,
        {},
        {
            type: "object",
            defaultText: "`{sizeGiB: 20}`",
            description:
                "`sizeGiB`, `type`, `iops`, `throughput`, `kmsKeyId` (below). Always encrypted, deleted on termination",
        },
    ),
    imds: withDefault(
        strictObject({
            hopLimit: withDefault(int(IMDS_HOP_LIMIT.min, IMDS_HOP_LIMIT.max, "hops"), IMDS_HOP_LIMIT.default, {
                type: `int ${IMDS_HOP_LIMIT.min}–${IMDS_HOP_LIMIT.max}`,
                description: `2 lets pods reach IMDS (and the node role), 1 blocks them; above ${IMDS_HOP_LIMIT.safeMax} warns`,
            }),
        }),
        {},
        {
            type: "`{hopLimit}`",
            defaultText: `\`{hopLimit: ${IMDS_HOP_LIMIT.default}}\``,
            description: `\`hopLimit\` ${IMDS_HOP_LIMIT.min}–${IMDS_HOP_LIMIT.max}: 2 lets pods reach IMDS (and the node role), 1 blocks them; above ${IMDS_HOP_LIMIT.safeMax} warns (and the policy pack refuses it)`,
        },
    ),
    securityGroupIds: withDefault(stringList(rules.securityGroupId), [], {
        type: "list",
        description:
            "extra security groups; when given, the cluster security group is added first (EKS stops adding it to a launch template with its own groups)",
    }),
    nodeRoleArn: optional(str(rules.iamRoleArn), {
        type: "string",
        defaultText: "the legacy node group's role",
        description:
            "else the stack creates one (`AmazonEKSWorkerNodePolicy`, `AmazonEKS_CNI_Policy`, `AmazonEC2ContainerRegistryReadOnly`, `AmazonSSMManagedInstanceCore`)",
    }),
    nodeRepair: optional(
        strictObject({
            enabled: required(bool(), { type: "bool", description: "EKS node auto repair on or off" }),
        }),
        {
            type: "`{enabled}`",
            defaultText: "the AL2 node group's, else unset (EKS: off)",
            description:
                "EKS node auto repair (`nodeRepairConfig`): `{enabled: true}` replaces nodes EKS finds unhealthy; unset, the node group declares none",
        },
    ),
    kubelet: withDefault(kubeletSchema, {}, { type: "object", description: "`maxPods`, `flags`, `config` (below)" }),
    preBootstrapScripts: withDefault(
        list(str({ pattern: /^#!/, patternText: "a script starting with #! (e.g. #!/bin/bash)" })),
        [],
        {
            type: "list",
            description:
                "shell scripts (starting `#!`) run by cloud-init before nodeadm starts kubelet; scripts after nodeadm never run on EKS AMIs",
        },
    ),
    tags: withDefault(
        kit.checked(kit.stringMap(), awsTagRules),
        {},
        {
            type: "map",
            description:
                "tags on the node group and, through the launch template, on instances, volumes and network interfaces",
        },
    ),
    al2Migration: optional(
        strictObject({
            acknowledge: withDefault(stringList({ ...ACKNOWLEDGEMENT_ID, maxItems: 100 }), [], {
                type: "list",
                description: "ids of report items handled by hand",
            }),
        }),
        {
            type: "object",
            defaultText: "`{acknowledge: []}`",
            description:
                "`acknowledge`: ids of what cannot move from the AL2 node group's user data and you have handled by hand (see [Carrying the AL2 node configuration over](#carrying-the-al2-node-configuration-over)); an id that matches nothing is an error",
        },
    ),
};

/** Whether `value` is a valid `scaling` (whole numbers in range, min ≤ desired ≤ max). */
function isScaling(value: unknown): value is { min: number; desired: number; max: number } {
    if (!kit.isPlainObject(value)) return false;
    const { min, desired, max } = value;
    const size = (n: unknown, least: number): n is number =>
        typeof n === "number" && Number.isInteger(n) && n >= least && n <= MAX_NODES;
    return size(min, 0) && size(desired, 0) && size(max, 1) && min <= desired && desired <= max;
}

/** Rules between a pool's keys, on the values as parsed (a key that failed on its own is left to its message). */
const poolRules: kit.CrossCheck = (pool, addIssue) => {
    if (!kit.isPlainObject(pool)) return;
    const at = (key: string) => [pathItem(pool, key, pool[key])] as [v.IssuePathItem];
    const given = (key: string) => pool[key] !== undefined && pool[key] !== null;
    if (typeof pool.customAmi === "string" && rules.amiId.pattern.test(pool.customAmi) && given("amiType")) {
        addIssue({
            input: pool.amiType,
            message: notAllowedText(
                pool.amiType,
                "not allowed together with customAmi (with an image id in the launch template the node group sets no amiType); remove one",
            ),
            path: at("amiType"),
        });
    }
    const max = isScaling(pool.scaling) ? pool.scaling.max : undefined;
    const canary = pool.canarySize;
    if (max !== undefined && typeof canary === "number" && canary > max && canary <= MAX_NODES) {
        addIssue({
            input: canary,
            message: notAllowedText(canary, `allowed: 1 to ${max} nodes (at most scaling.max)`),
            path: at("canarySize"),
        });
    }
    if (given("maxUnavailable") && given("maxUnavailablePercentage")) {
        addIssue({
            input: pool.maxUnavailablePercentage,
            message: notAllowedText(
                pool.maxUnavailablePercentage,
                "set either maxUnavailable or maxUnavailablePercentage, not both (EKS NodegroupUpdateConfig)",
            ),
            path: at("maxUnavailablePercentage"),
        });
    }
    if (!given("subnetIds") && !given("legacyNodeGroup")) {
        addIssue({
            input: undefined,
            message: notAllowedText(
                undefined,
                "required for a pool without legacyNodeGroup (there is no legacy node group to take the subnets from)",
            ),
            path: at("subnetIds"),
        });
    }
};

/** `pools[i]`, with the two update keys folded into `update` as the node group takes them. */
export const poolSchema = v.pipe(
    kit.checked(strictObject(poolEntries, { required: { scaling: "is required: { min, desired, max }" } }), poolRules),
    v.transform(({ maxUnavailable, maxUnavailablePercentage, amiType, ...pool }) => ({
        ...pool,
        amiType: amiType ?? DEFAULT_AMI_TYPE,
        update:
            maxUnavailablePercentage !== undefined
                ? { maxUnavailablePercentage }
                : { maxUnavailable: maxUnavailable ?? 1 },
    })),
);
