/**
 * Node groups on a custom AMI (`amiType: CUSTOM`, the image in the launch template): which of them are AL2 (a build of
 * the amazon-eks-ami AL2 template, often hardened: https://github.com/awslabs/amazon-eks-ami), so that the cutover can
 * migrate them, and what their AL2023 pool must then choose. Pure: the program reads the launch template and the AMI.
 */
import { AL2023_AMI_TYPES } from "../common/ami-types";
import { describeValue } from "../common/config-error";
import type { PoolConfig } from "../nodes/pools";

/** An AMI as `aws ec2 describe-images` (or `aws.ec2.getAmi`) describes it: the fields recognition reads. */
export interface AmiDescription {
    readonly imageId: string;
    readonly name: string;
    readonly description: string;
    /** EC2 `PlatformDetails` (`Linux/UNIX`, `Windows`, `Red Hat Enterprise Linux`, ...); empty when unknown. */
    readonly platformDetails: string;
    /**
     * EC2 `Architecture` (`x86_64`, `arm64`, ...): the CPU the image boots on, whatever the node group's `amiType`
     * (`CUSTOM` says nothing about it); empty when unknown.
     */
    readonly architecture: string;
}

/** What was read about a CUSTOM node group: the launch template version it runs, and the AMI in it. */
export interface CustomAmiFacts {
    /** Why the launch template could not be read (another version than the default, none at all); else undefined. */
    readonly readProblem?: string;
    /** The launch template's `ImageId`; undefined when it names none. */
    readonly imageId?: string;
    /** The AMI as EC2 describes it; undefined when EC2 does not (deregistered, not shared) or there is no image id. */
    readonly image?: AmiDescription;
    /** Why EC2 did not describe the image (its error text), for the messages. */
    readonly imageError?: string;
    /** The launch template's user data calls `/etc/eks/bootstrap.sh` (the AL2 AMI's bootstrap script). */
    readonly callsBootstrap: boolean;
}

/** Whether a custom AMI is AL2, and why (for the messages). */
export type CustomAmiVerdict =
    | { readonly al2: true; readonly because: string; readonly ami: string }
    | { readonly al2: false; readonly found: string };

/** Operating systems other than AL2 that an EKS custom AMI's name, description or platform names. */
const OTHER_SYSTEMS: readonly { readonly system: string; readonly pattern: RegExp }[] = [
    { system: "AL2023", pattern: /al2023|amazon ?linux ?2023|amzn2023/i },
    { system: "Bottlerocket", pattern: /bottlerocket/i },
    { system: "Ubuntu", pattern: /ubuntu/i },
    { system: "Windows", pattern: /windows/i },
    { system: "Red Hat Enterprise Linux", pattern: /red ?hat|(?<![a-z0-9])rhel(?![a-z])/i },
    { system: "Flatcar", pattern: /flatcar/i },
    { system: "SUSE", pattern: /suse|(?<![a-z0-9])sles(?![a-z])/i },
];

/**
 * What says an AMI is AL2: the amazon-eks-ami AL2 build's default names (`amazon-eks-node-1.29-v…`, with `gpu-` or
 * `arm64-`) and description (`EKS Kubernetes Worker AMI with AmazonLinux2 image`), or Amazon Linux 2 named outright.
 */
const AL2_MARKERS: readonly { readonly says: string; readonly pattern: RegExp }[] = [
    { says: "amazon-eks-node", pattern: /amazon-eks-(gpu-|arm64-)?node-\d/i },
    { says: "Amazon Linux 2", pattern: /amazon ?linux ?2(?!\d)|(?<![a-z0-9])(amzn2|al2)(?![0-9])/i },
];

/** The AMI in words: its id, name and description as EC2 gives them, or why they are unknown. */
function amiText(facts: CustomAmiFacts): string {
    if (facts.imageId === undefined) return "no AMI in its launch template";
    if (facts.image === undefined) {
        return `AMI ${facts.imageId} (EC2 does not describe it${facts.imageError ? `: ${facts.imageError}` : ""})`;
    }
    const { name, description } = facts.image;
    return `AMI ${facts.imageId} (name ${describeValue(name)}, description ${describeValue(description)})`;
}

/**
 * Recognises a custom AL2 AMI. Refused first: an image whose name, description or platform names another system
 * (AL2023, Bottlerocket, Ubuntu, Windows, RHEL, Flatcar, SUSE), even if its user data calls a `bootstrap.sh` (Ubuntu's
 * EKS images ship one). Then AL2: the name or description says so (`amazon-eks-node`, Amazon Linux 2), or the user
 * data calls `/etc/eks/bootstrap.sh` (a hardened image renamed by its builder still runs AL2's bootstrap script).
 */
export function recogniseCustomAl2Ami(facts: CustomAmiFacts): CustomAmiVerdict {
    if (facts.readProblem !== undefined) return { al2: false, found: facts.readProblem };
    const ami = amiText(facts);
    const image = facts.image;
    const texts = image === undefined ? [] : [image.name, image.description, image.platformDetails];
    const other = OTHER_SYSTEMS.find(({ pattern }) => texts.some((text) => pattern.test(text)));
    if (other !== undefined) return { al2: false, found: `${ami}, which is ${other.system}, not AL2` };
    const marker = AL2_MARKERS.find(({ pattern }) => texts.slice(0, 2).some((text) => pattern.test(text)));
    if (marker !== undefined) return { al2: true, ami, because: `its name or description says ${marker.says}` };
    if (facts.callsBootstrap) {
        return { al2: true, ami, because: "its launch template's user data calls /etc/eks/bootstrap.sh" };
    }
    return {
        al2: false,
        found:
            `${ami}: neither its name nor its description says AL2 (amazon-eks-node, Amazon Linux 2), and its ` +
            "launch template's user data does not call /etc/eks/bootstrap.sh",
    };
}

/** Errors that stop the deployment, and warnings to log. */
export interface CustomAmiFindings {
    readonly problems: string[];
    readonly warnings: string[];
}

/**
 * The guard for a pool whose AL2 node group runs a custom AMI: refused unless the AMI is recognised as AL2; then the
 * pool must choose its AL2023 image itself (`amiType` or `customAmi`), since no AL2023 AMI type follows from a custom
 * AMI; accepted, a warning says what was recognised and that what the image itself adds does not move.
 */
export function customAl2AmiFindings(args: {
    readonly pool: Pick<PoolConfig, "amiType" | "customAmi" | "setKeys">;
    readonly poolIndex: number;
    readonly nodeGroupName: string;
    /** Undefined when nothing could be read (no launch template was looked at). */
    readonly facts: CustomAmiFacts | undefined;
}): CustomAmiFindings {
    const { pool, poolIndex, nodeGroupName } = args;
    const key = (field: string) => `pools[${poolIndex}].${field}`;
    const verdict: CustomAmiVerdict = recogniseCustomAl2Ami(
        args.facts ?? { readProblem: "its launch template was not read", callsBootstrap: false },
    );
    if (!verdict.al2) {
        return {
            problems: [
                `${key("legacyNodeGroup")}: ${describeValue(nodeGroupName)} is not allowed; its amiType is CUSTOM and ` +
                    `${verdict.found}; this program migrates a custom AMI only when it is AL2 (its name or description ` +
                    "says amazon-eks-node or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); a node " +
                    "group with another custom AMI moves to AL2023 in place by changing the AMI in its launch template",
            ],
            warnings: [],
        };
    }
    const amiTypeSet = pool.setKeys?.includes("amiType") ?? true;
    if (pool.customAmi === undefined && !amiTypeSet) {
        return {
            problems: [
                `${key("amiType")}: nothing is not allowed; AL2 node group "${nodeGroupName}" runs custom AL2 ` +
                    `${verdict.ami} (${verdict.because}), from which no AL2023 AMI type follows: choose the AL2023 ` +
                    `image, either ${key("amiType")} (${AL2023_AMI_TYPES.join(", ")}) or ${key("customAmi")} (a ` +
                    "custom AL2023 AMI id, ami-...)",
            ],
            warnings: [],
        };
    }
    const chosen =
        pool.customAmi === undefined ? `${key("amiType")} ${pool.amiType}` : `${key("customAmi")} ${pool.customAmi}`;
    return {
        problems: [],
        warnings: [
            `${key("legacyNodeGroup")}: AL2 node group "${nodeGroupName}" runs custom ${verdict.ami}, recognised as ` +
                `AL2 (${verdict.because}); its AL2023 nodes run ${chosen}. Its user data is translated like any AL2 ` +
                "launch template's, but what the image itself adds (hardening, agents, files) does not move: build " +
                `it into the AL2023 image, or add it to ${key("preBootstrapScripts")}`,
        ],
    };
}
