/**
 * The launch template version an AL2 node group runs, read with EC2 DescribeLaunchTemplateVersions
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html) by template id and
 * that exact version: the Pulumi AWS provider's `aws.ec2.getLaunchTemplate` takes no version and reads the default.
 */

/** What the program reads of a launch template version: its user data translation and the pool's inheritance. */
export interface LaunchTemplateVersionData {
    /** The user data, base64 as EC2 returns it; empty when the version has none. */
    readonly userData: string;
    /** The image id (a CUSTOM node group's AMI); empty when the version names none. */
    readonly imageId: string;
    readonly blockDeviceMappings: readonly {
        readonly deviceName: string;
        /** Absent for a mapping without EBS (an instance store or `NoDevice`). */
        readonly ebs?: {
            /** GiB; absent when the mapping leaves the AMI's size. */
            readonly volumeSize?: number;
            readonly volumeType?: string;
            readonly kmsKeyId?: string;
        };
    }[];
    readonly securityGroupIds: readonly string[];
}

/**
 * One version as EC2 describes it: `LaunchTemplateVersions[]` of the SDK's DescribeLaunchTemplateVersions output and
 * of `aws ec2 describe-launch-template-versions` (the same field names), the fields the program reads.
 */
export interface DescribedLaunchTemplateVersion {
    readonly LaunchTemplateId?: string;
    readonly VersionNumber?: number;
    readonly LaunchTemplateData?: {
        readonly UserData?: string;
        readonly ImageId?: string;
        readonly BlockDeviceMappings?: readonly {
            readonly DeviceName?: string;
            readonly Ebs?: { readonly VolumeSize?: number; readonly VolumeType?: string; readonly KmsKeyId?: string };
        }[];
        readonly SecurityGroupIds?: readonly string[];
    };
}

/** The launch template and version to read (`aws.eks.getNodeGroup` → `launchTemplates[0]`), in the node group's region. */
export interface LaunchTemplateVersionRequest {
    readonly launchTemplateId: string;
    /** The version number, as EKS reports it (`"3"`). */
    readonly version: string;
    readonly region: string;
}

/**
 * The data of exactly that version among described ones (pure: the SDK's answer and the offline facts alike);
 * undefined when none of them is that version of that template.
 */
export function launchTemplateVersionData(
    described: readonly DescribedLaunchTemplateVersion[],
    request: Pick<LaunchTemplateVersionRequest, "launchTemplateId" | "version">,
): LaunchTemplateVersionData | undefined {
    const found = described.find(
        (entry) =>
            entry.LaunchTemplateId === request.launchTemplateId && String(entry.VersionNumber) === request.version,
    );
    if (found === undefined) return undefined;
    const data = found.LaunchTemplateData ?? {};
    return {
        userData: data.UserData ?? "",
        imageId: data.ImageId ?? "",
        blockDeviceMappings: (data.BlockDeviceMappings ?? []).map((mapping) => ({
            deviceName: mapping.DeviceName ?? "",
            ...(mapping.Ebs !== undefined && {
                ebs: {
                    ...(mapping.Ebs.VolumeSize !== undefined && { volumeSize: mapping.Ebs.VolumeSize }),
                    ...(mapping.Ebs.VolumeType !== undefined && { volumeType: mapping.Ebs.VolumeType }),
                    ...(mapping.Ebs.KmsKeyId !== undefined && { kmsKeyId: mapping.Ebs.KmsKeyId }),
                },
            }),
        })),
        securityGroupIds: [...(data.SecurityGroupIds ?? [])],
    };
}

/** Reads one launch template version; fails (never falls back to another version) when it cannot. */
export type LaunchTemplateVersionReader = (request: LaunchTemplateVersionRequest) => Promise<LaunchTemplateVersionData>;

/**
 * Where and as whom the EC2 client calls. Unset, the SDK's defaults: the regional endpoint and the default credential
 * chain. Set only by the tests, which point the real client at a fake EC2 endpoint on 127.0.0.1.
 */
export interface Ec2ClientSettings {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The subject of every error about one version: `DescribeLaunchTemplateVersions of launch template <id> version <v>`. */
function subject(request: LaunchTemplateVersionRequest): string {
    return `DescribeLaunchTemplateVersions of launch template ${request.launchTemplateId} version ${request.version} (${request.region})`;
}

/** The error of a failed DescribeLaunchTemplateVersions: the template, the version, the cause and what to check. */
function describeFailure(error: unknown, request: LaunchTemplateVersionRequest): Error {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const check = `aws ec2 describe-launch-template-versions --launch-template-id ${request.launchTemplateId} --versions ${request.version}`;
    // EC2's error codes for a template or version that does not exist: InvalidLaunchTemplateId.NotFound,
    // InvalidLaunchTemplateId.VersionNotFound, InvalidLaunchTemplateId.Malformed.
    if (name.startsWith("InvalidLaunchTemplateId."))
        return new Error(`${subject(request)}: not found (${name}: ${message}); check \`${check}\``);
    return new Error(
        `${subject(request)} failed${status === undefined ? "" : ` with HTTP ${status}`} (${name}: ${message}): ` +
            "retry, and check the credentials allow ec2:DescribeLaunchTemplateVersions",
    );
}

/**
 * DescribeLaunchTemplateVersions through the AWS SDK for JavaScript v3 (`@aws-sdk/client-ec2`), with `Versions` set to
 * the one version, by default with the SDK's default credential chain (the same credentials as the DescribeNodegroup
 * reads, cutover/nodegroup-health.ts). A version EC2 does not return, or any error (access denied, throttling after
 * the SDK's retries), fails with the template, the version and the cause.
 */
export function describeLaunchTemplateVersionWith(settings: Ec2ClientSettings = {}): LaunchTemplateVersionReader {
    return async (request) => {
        // Loaded on first use: only pools whose AL2 node group runs a launch template call it, and never offline
        // (plan/offline-cloud.ts).
        const { EC2Client, DescribeLaunchTemplateVersionsCommand } =
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
        const client = new EC2Client({
            region: request.region,
            ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
            ...(settings.credentials !== undefined && { credentials: { ...settings.credentials } }),
        });
        let described: readonly DescribedLaunchTemplateVersion[];
        try {
            const output = await client.send(
                new DescribeLaunchTemplateVersionsCommand({
                    LaunchTemplateId: request.launchTemplateId,
                    Versions: [request.version],
                }),
            );
            described = output.LaunchTemplateVersions ?? [];
        } catch (error) {
            throw describeFailure(error, request);
        } finally {
            client.destroy();
        }
        const data = launchTemplateVersionData(described, request);
        if (data === undefined) throw new Error(`${subject(request)}: EC2 returned no such version`);
        return data;
    };
}

let override: LaunchTemplateVersionReader | undefined;

/**
 * Replaces the reader, for an offline evaluation under Pulumi's mocks (plan/offline-cloud.ts answers from the
 * `describe-launch-template-versions` facts); `undefined` restores DescribeLaunchTemplateVersions.
 */
export function useLaunchTemplateVersionReader(reader: LaunchTemplateVersionReader | undefined): void {
    override = reader;
}

/** The reader in use: the offline one when set, else DescribeLaunchTemplateVersions with the SDK's defaults. */
export function launchTemplateVersionReader(): LaunchTemplateVersionReader {
    return override ?? describeLaunchTemplateVersionWith();
}
