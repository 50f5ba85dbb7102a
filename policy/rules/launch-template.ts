import { isTrue, show } from "./values";
import { IMDS_HOP_LIMIT } from "../../common/aws-limits";

/** Pulumi type token of `aws.ec2.LaunchTemplate`. */
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** The `aws.ec2.LaunchTemplate` inputs the launch template rules read (camelCase, as the engine passes them). */
export interface LaunchTemplateInputs {
    readonly keyName?: unknown;
    readonly metadataOptions?: {
        readonly httpTokens?: unknown;
        readonly httpPutResponseHopLimit?: unknown;
        readonly httpEndpoint?: unknown;
    };
    readonly blockDeviceMappings?: readonly {
        readonly deviceName?: unknown;
        readonly noDevice?: unknown;
        readonly virtualName?: unknown;
        readonly ebs?: { readonly encrypted?: unknown };
    }[];
    readonly networkInterfaces?: readonly { readonly associatePublicIpAddress?: unknown }[];
}

/** The IMDS hop limit EC2 applies when the launch template does not set one (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html). */
const DEFAULT_HOP_LIMIT = 1;

/** The hop limit the launch template gives instances. */
function hopLimit(template: LaunchTemplateInputs): number {
    const value = template.metadataOptions?.httpPutResponseHopLimit;
    return value === undefined || value === null ? DEFAULT_HOP_LIMIT : Number(value);
}

/**
 * IMDSv2 only: `metadataOptions.httpTokens` must be "required", so a stolen or SSRF'd plain GET cannot read the node
 * role's credentials. Left unset, EC2 decides from the AMI (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html); the guardrail wants it explicit.
 */
export function imdsV2Required(template: LaunchTemplateInputs): string[] {
    const tokens = template.metadataOptions?.httpTokens;
    if (tokens === "required") return [];
    return [`metadataOptions.httpTokens: ${show(tokens)} is not allowed; set "required" (IMDSv2 only)`];
}

/** The IMDS hop limit is at most 2: more lets anything further than a pod (nested containers, proxies) reach IMDS. */
export function hopLimitAtMostTwo(template: LaunchTemplateInputs): string[] {
    const limit = hopLimit(template);
    if (Number.isInteger(limit) && limit >= IMDS_HOP_LIMIT.min && limit <= IMDS_HOP_LIMIT.safeMax) return [];
    return [
        `metadataOptions.httpPutResponseHopLimit: ${show(template.metadataOptions?.httpPutResponseHopLimit)} is ` +
            "not allowed; use 1 (only the node reaches IMDS) or 2 (pods reach it too)",
    ];
}

/**
 * Advisory: hop limit 2 is the one hop a pod's network namespace adds, so every pod can fetch the node role's
 * credentials from IMDS (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html). Keep 2 only while IMDS-dependent workloads (aws-load-balancer-controller,
 * ebs-csi, CloudWatch agent without IRSA) still need it; set 1 once every workload has IRSA or Pod Identity.
 */
export function hopLimitTwoAdvisory(template: LaunchTemplateInputs): string[] {
    if (hopLimit(template) !== 2) return [];
    return [
        "metadataOptions.httpPutResponseHopLimit: 2 lets every pod reach IMDS and use the node role's credentials; " +
            "set 1 once all workloads that call AWS use IRSA or Pod Identity",
    ];
}

/**
 * Every EBS volume the template maps is encrypted (`blockDeviceMappings[].ebs.encrypted` "true"). A template with no
 * EBS mapping leaves the root volume's encryption to the AMI snapshot and the account's EBS default, which a policy
 * cannot see, so it fails too (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html: the root device of AL2023 EKS AMIs is /dev/xvda).
 */
export function ebsVolumesEncrypted(template: LaunchTemplateInputs): string[] {
    const mappings = template.blockDeviceMappings ?? [];
    const ebs = mappings
        .map((mapping, index) => ({ mapping, index }))
        .filter(({ mapping }) => mapping.ebs !== undefined && mapping.ebs !== null);
    if (ebs.length === 0) {
        return [
            "blockDeviceMappings: no EBS mapping, so the root volume's encryption is left to the AMI and the " +
                'account default; map the root device (/dev/xvda) with ebs.encrypted "true"',
        ];
    }
    return ebs
        .filter(({ mapping }) => !isTrue(mapping.ebs?.encrypted))
        .map(
            ({ mapping, index }) =>
                `blockDeviceMappings[${index}].ebs.encrypted: ${show(mapping.ebs?.encrypted)} is not allowed ` +
                `(device ${show(mapping.deviceName)}); set "true"`,
        );
}

/** No SSH key pair on the nodes: use SSM Session Manager (`keyName` unset). */
export function noSshKey(template: LaunchTemplateInputs): string[] {
    const key = template.keyName;
    if (key === undefined || key === null || key === "") return [];
    return [`keyName: ${show(key)} is not allowed; nodes get no SSH key (use SSM Session Manager)`];
}

/**
 * No public IPv4 address on any network interface the template declares. An interface that leaves the flag unset, and
 * a template without interfaces, follow the subnet's auto-assign setting, which a policy cannot see.
 */
export function noPublicIp(template: LaunchTemplateInputs): string[] {
    return (template.networkInterfaces ?? []).flatMap((nic, index) =>
        isTrue(nic.associatePublicIpAddress)
            ? [
                  `networkInterfaces[${index}].associatePublicIpAddress: ${show(nic.associatePublicIpAddress)} ` +
                      'is not allowed; set "false" (nodes live in private subnets)',
              ]
            : [],
    );
}
