/** A pool's root EBS volume: always gp3 and encrypted, sized and tuned within gp3's limits. */
import * as v from "valibot";
import { AL2023_ROOT_SNAPSHOT_GIB, GP3_LIMITS } from "../common/aws-limits";
import { notAllowedText } from "../common/config-error";
import {
    checked,
    int,
    isPlainObject,
    oneOf,
    optional,
    pathItem,
    str,
    strictObject,
    withDefault,
} from "../common/schema-kit";

/** KMS key ARN, alias ARN, or alias name (LaunchTemplateEbsBlockDeviceRequest `KmsKeyId`). */
const KMS_KEY = {
    pattern:
        /^(arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)|alias\/[A-Za-z0-9/_-]+)$/,
    patternText: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>",
};

const { sizeGiB, iops, throughput } = GP3_LIMITS;

/** The keys of `pools[i].rootVolume`. */
export const rootVolumeEntries = {
    sizeGiB: withDefault(
        v.pipe(
            int(sizeGiB.min, sizeGiB.max, "GiB"),
            v.check(
                (size) => size >= AL2023_ROOT_SNAPSHOT_GIB,
                (issue) =>
                    notAllowedText(
                        issue.input,
                        `at least ${AL2023_ROOT_SNAPSHOT_GIB} GiB (the AL2023 EKS AMI's root snapshot; EC2 rejects a smaller root volume)`,
                    ),
            ),
        ),
        AL2023_ROOT_SNAPSHOT_GIB,
        {
            type: `int ${AL2023_ROOT_SNAPSHOT_GIB}–${sizeGiB.max}`,
            description: "root volume size in GiB (not below the AL2023 EKS AMI's root snapshot)",
        },
    ),
    type: withDefault(oneOf(["gp3"] as const), "gp3", { type: "string", description: "`gp3` only" }),
    iops: withDefault(int(iops.min, iops.max, "IOPS"), iops.min, {
        type: `int ${iops.min}–${iops.max}`,
        description: `at most ${iops.perGiB} per GiB`,
    }),
    throughput: withDefault(int(throughput.min, throughput.max, "MiB/s"), throughput.min, {
        type: `int ${throughput.min}–${throughput.max}`,
        description: `MiB/s, at most IOPS × ${throughput.perIops}`,
    }),
    kmsKeyId: optional(str(KMS_KEY), {
        type: "string",
        description: "key ARN, alias ARN or `alias/...`; the account's default EBS key when absent",
    }),
};

/** `pools[i].rootVolume`. */
export const rootVolumeSchema = checked(
    strictObject(rootVolumeEntries),
    // gp3's ratios (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html), on the values with defaults.
    (volume, addIssue) => {
        if (!isPlainObject(volume)) return;
        // A value that failed its own range is checked as its default, as EC2 would see the rest.
        const within = (
            value: unknown,
            range: { readonly min: number; readonly max: number; readonly fallback: number },
        ) =>
            typeof value === "number" && Number.isInteger(value) && value >= range.min && value <= range.max
                ? value
                : range.fallback;
        const size = within(volume.sizeGiB, {
            min: AL2023_ROOT_SNAPSHOT_GIB,
            max: sizeGiB.max,
            fallback: AL2023_ROOT_SNAPSHOT_GIB,
        });
        const ops = within(volume.iops, { min: iops.min, max: iops.max, fallback: iops.min });
        const rate = within(volume.throughput, { min: throughput.min, max: throughput.max, fallback: throughput.min });
        if (ops > iops.perGiB * size) {
            addIssue({
                input: ops,
                message: notAllowedText(
                    ops,
                    `gp3 allows at most ${iops.perGiB} IOPS per GiB: ${iops.perGiB * size} for ${size} GiB`,
                ),
                path: [pathItem(volume, "iops", ops)],
            });
        }
        if (rate > throughput.perIops * ops) {
            addIssue({
                input: rate,
                message: notAllowedText(
                    rate,
                    `gp3 allows at most ${throughput.perIops} MiB/s per IOPS: ${throughput.perIops * ops} MiB/s for ${ops} IOPS`,
                ),
                path: [pathItem(volume, "throughput", rate)],
            });
        }
    },
);

/** The root EBS volume, always gp3 and encrypted. */
export type RootVolumeConfig = v.InferOutput<typeof rootVolumeSchema>;
