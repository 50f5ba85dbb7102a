import { amiArchitecture } from "./ami-variant";
import type { PoolConfig } from "./pools";

/** The AL2023 AMI types a pool may name. */
type Al2023AmiType = PoolConfig["amiType"];

/** What EC2 says about one instance type (`aws.ec2.getInstanceType`: `supportedArchitectures`), or nothing. */
export type InstanceTypeFacts = { readonly supportedArchitectures: readonly string[] } | undefined;

/** A pool's custom AMI (`customAmi`) and its architecture as EC2 describes it (`aws.ec2.getAmi`). */
export interface CustomAmiArchitecture {
    readonly imageId: string;
    /** EC2 `Architecture` (`x86_64`, `arm64`); undefined when EC2 did not describe the image. */
    readonly architecture?: string;
}

/** Inputs of `instanceTypeProblems`. */
export interface InstanceTypeCheck {
    /** The pool's key, `pools[0]`. */
    readonly poolKey: string;
    /** The pool's AMI type; undefined with a custom AMI (`customAmi`), whose own architecture counts. */
    readonly amiType?: Al2023AmiType;
    /**
     * The pool's custom AMI: its architecture (`amiType` says nothing about it) decides; with none known (EC2 did not
     * describe the image) the instance types are checked for existence only.
     */
    readonly customAmi?: CustomAmiArchitecture;
    readonly instanceTypes: readonly string[];
    /** EC2's answer per instance type; undefined when EC2 does not know the type. */
    readonly facts: Readonly<Record<string, InstanceTypeFacts>>;
}

/** The architecture the pool's nodes boot, the setting it comes from and the other choice, for the message. */
function bootArchitecture(
    check: InstanceTypeCheck,
): { readonly architecture: string; readonly from: string; readonly otherwise: string } | undefined {
    if (check.customAmi !== undefined) {
        const { imageId, architecture } = check.customAmi;
        if (architecture === undefined) return undefined;
        const other = architecture === "arm64" ? "x86_64" : "arm64";
        return { architecture, from: `customAmi ${imageId}`, otherwise: `an ${other} custom AMI` };
    }
    if (check.amiType === undefined) return undefined;
    const architecture = amiArchitecture(check.amiType);
    return {
        architecture,
        from: `amiType ${check.amiType}`,
        otherwise: `an ${architecture === "arm64" ? "x86_64" : "ARM_64"} AMI type`,
    };
}

/**
 * Each instance type that EC2 does not know, or whose architecture the pool's image cannot boot (a Graviton `m7g` on
 * an x86_64 AMI type, an x86_64 `m6i` on an arm64 custom AMI), as a problem naming `pools[i].instanceTypes[j]`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ProcessorInfo.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html).
 */
export function instanceTypeProblems(check: InstanceTypeCheck): string[] {
    const boots = bootArchitecture(check);
    return check.instanceTypes.flatMap((type, i) => {
        const key = `${check.poolKey}.instanceTypes[${i}]`;
        const facts = check.facts[type];
        if (facts === undefined) {
            return [
                `${key}: "${type}" is not allowed; it is not an EC2 instance type in this region (aws ec2 describe-instance-types lists those that are)`,
            ];
        }
        if (boots === undefined || facts.supportedArchitectures.includes(boots.architecture)) return [];
        return [
            `${key}: "${type}" is not allowed; it runs ${facts.supportedArchitectures.join("/")}, but ${boots.from} is ${boots.architecture}; choose a ${boots.architecture} instance type or ${boots.otherwise}`,
        ];
    });
}
