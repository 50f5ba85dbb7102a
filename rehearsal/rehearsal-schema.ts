/** The schema of `rehearsal`: a disposable cluster with an AL2 pool and a sample workload to rehearse the cutover on. */
import * as v from "valibot";
import { notAllowedText } from "../common/config-error";
import { rules } from "../common/name-rules";
import * as kit from "../common/schema-kit";

/**
 * The last Kubernetes minor with AL2 EKS-optimized AMIs: a rehearsal cluster may be no newer
 * (https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html).
 */
export const LAST_MINOR_WITH_AL2 = 32;

/** The oldest Kubernetes minor a rehearsal accepts (AL2023 EKS AMIs are needed for the new pool too). */
export const FIRST_REHEARSAL_MINOR = 29;

/** The service CIDR the rehearsal cluster is created with (set explicitly, so nodeadm's `cidr` is known in advance). */
export const REHEARSAL_SERVICE_CIDR = "172.20.0.0/16";

/** The CIDR of the VPC a rehearsal creates when it is given no subnets. */
export const REHEARSAL_VPC_CIDR = "10.64.0.0/16";

const VPC_ID = { pattern: /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, patternText: "a VPC id such as vpc-0123abcd" };
const INSTANCE_TYPE = { pattern: rules.instanceType.pattern, patternText: "an EC2 instance type such as t3.medium" };
const RELEASE_VERSION = {
    pattern: /^1\.\d+\.\d+-\d{8}$/,
    patternText: "an EKS AMI release version such as 1.32.9-20251209",
};
/** S3 general purpose bucket names: 3-63 lowercase letters, digits, '-' and '.', starting and ending alphanumeric. */
const BUCKET_NAME = {
    pattern: /^(?=.{3,63}$)[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
    patternText: "an S3 bucket name: 3-63 lowercase letters, digits, '-' or '.', starting and ending alphanumeric",
};

/** `1.<minor>` within the versions that have both AL2 and AL2023 EKS AMIs. */
function isRehearsalVersion(version: string): boolean {
    const minor = /^1\.(\d+)$/.exec(version);
    return minor !== null && Number(minor[1]) >= FIRST_REHEARSAL_MINOR && Number(minor[1]) <= LAST_MINOR_WITH_AL2;
}

/** A problem on `later` when it is below `earlier` (sizes that must not decrease). */
function ordered(earlier: string, later: string, text: string): kit.CrossCheck {
    return (value, addIssue) => {
        if (!kit.isPlainObject(value)) return;
        const [a, b] = [value[earlier], value[later]];
        if (typeof a !== "number" || typeof b !== "number" || a <= b) return;
        addIssue({ input: a, message: notAllowedText(a, text), path: [kit.pathItem(value, earlier, a)] });
    };
}

const scalingSchema = kit.checked(
    kit.checked(
        kit.strictObject({
            min: v.nullish(kit.int(0, 20, "nodes"), 2),
            desired: v.nullish(kit.int(0, 20, "nodes"), 3),
            max: v.nullish(kit.int(1, 20, "nodes"), 4),
        }),
        ordered("min", "desired", "must not exceed desired"),
    ),
    ordered("desired", "max", "must not exceed max"),
);

const legacyNodeGroupSchema = kit.strictObject({
    name: kit.str(rules.eksNodeGroupName),
    instanceTypes: v.nullish(kit.stringList({ ...INSTANCE_TYPE, minItems: 1, maxItems: 5 }), ["t3.medium"]),
    scaling: v.nullish(scalingSchema, {}),
    releaseVersion: v.nullish(kit.str(RELEASE_VERSION)),
});

const sampleWorkloadSchema = kit.checked(
    kit.strictObject({
        namespace: v.nullish(kit.str(rules.dns1123Label), "rehearsal"),
        name: v.nullish(kit.str(rules.dns1123Label), "sample-app"),
        serviceAccount: v.nullish(kit.str(rules.dns1123Subdomain), "sample-app"),
        replicas: v.nullish(kit.int(2, 20, "pods"), 3),
        minAvailable: v.nullish(kit.int(1, 19, "pods"), 2),
        bucketName: kit.str(BUCKET_NAME),
        image: v.nullish(
            kit.str({ pattern: /^\S+$/, patternText: "a container image reference without spaces" }),
            "public.ecr.aws/aws-cli/aws-cli:2.22.0",
        ),
    }),
    (workload, addIssue) => {
        if (!kit.isPlainObject(workload)) return;
        const { replicas, minAvailable } = workload;
        if (typeof replicas !== "number" || typeof minAvailable !== "number" || minAvailable < replicas) return;
        addIssue({
            input: minAvailable,
            message: notAllowedText(
                minAvailable,
                `must be below replicas (${replicas}), or the drain could never evict a pod`,
            ),
            path: [kit.pathItem(workload, "minAvailable", minAvailable)],
        });
    },
);

/** Rules between the rehearsal's keys: the network comes whole or not at all; an enabled rehearsal needs its parts. */
const rehearsalRules: kit.CrossCheck = (rehearsal, addIssue) => {
    if (!kit.isPlainObject(rehearsal) || rehearsal.enabled === false) return;
    const given = (key: string) => rehearsal[key] !== undefined && rehearsal[key] !== null;
    const at = (key: string) => [kit.pathItem(rehearsal, key, rehearsal[key])] as [v.IssuePathItem];
    if (given("vpcId") !== given("subnetIds")) {
        const [missing, other] = given("vpcId") ? ["subnetIds", "vpcId"] : ["vpcId", "subnetIds"];
        addIssue({
            input: undefined,
            message: `is required with ${other} (or leave out both to create a VPC)`,
            path: at(missing),
        });
    }
    if (!given("legacyNodeGroup"))
        addIssue({ input: undefined, message: "is required: { name, instanceTypes? }", path: at("legacyNodeGroup") });
    if (!given("sampleWorkload"))
        addIssue({ input: undefined, message: "is required: { bucketName, ... }", path: at("sampleWorkload") });
};

/** `rehearsal`; absent or `enabled: false`: off. */
export const rehearsalSchema = kit.optional(
    v.pipe(
        kit.checked(
            kit.strictObject({
                enabled: v.nullish(kit.bool(), true),
                kubernetesVersion: v.nullish(
                    v.pipe(
                        v.string(kit.notAllowed("expected a string")),
                        v.check(
                            isRehearsalVersion,
                            kit.notAllowed(
                                `allowed: "1.${FIRST_REHEARSAL_MINOR}" to "1.${LAST_MINOR_WITH_AL2}" (1.${LAST_MINOR_WITH_AL2} is the last Kubernetes version with AL2 AMIs)`,
                            ),
                        ),
                    ),
                    `1.${LAST_MINOR_WITH_AL2}`,
                ),
                vpcId: v.nullish(kit.str(VPC_ID)),
                subnetIds: v.nullish(kit.stringList({ ...rules.subnetId, minItems: 2, maxItems: 16 })),
                legacyNodeGroup: v.nullish(legacyNodeGroupSchema),
                sampleWorkload: v.nullish(sampleWorkloadSchema),
            }),
            rehearsalRules,
        ),
        v.transform(({ enabled, kubernetesVersion, vpcId, subnetIds, legacyNodeGroup, sampleWorkload }) =>
            enabled && legacyNodeGroup !== undefined && sampleWorkload !== undefined
                ? {
                      kubernetesVersion,
                      ...(vpcId !== undefined && subnetIds !== undefined && { network: { vpcId, subnetIds } }),
                      legacyNodeGroup,
                      sampleWorkload,
                  }
                : undefined,
        ),
    ),
    {
        type: "object",
        defaultText: "off",
        description:
            "rehearsal mode: the stack creates the cluster `clusterName` with an AL2 pool and a sample workload (see [Rehearse the migration](#rehearse-the-migration))",
    },
);

/** Rehearsal mode's settings (when on). */
export type RehearsalConfig = NonNullable<v.InferOutput<typeof rehearsalSchema>>;
/** The AL2 node group a rehearsal creates: the one the cutover then replaces. */
export type RehearsalLegacyNodeGroup = RehearsalConfig["legacyNodeGroup"];
/** The sample workload that gives the drain and the identity steps something real to move. */
export type RehearsalSampleWorkload = RehearsalConfig["sampleWorkload"];
