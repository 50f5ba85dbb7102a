import { amiArchitecture } from "./ami-variant";
import type { PoolConfig } from "./pools";

/** The AL2023 AMI types a pool may name. */
type Al2023AmiType = PoolConfig["amiType"];

/** What EC2 says about one instance type (`aws.ec2.getInstanceType`: `supportedArchitectures`), or nothing. */
export type InstanceTypeFacts = { readonly supportedArchitectures: readonly string[] } | undefined;

/** Inputs of `instanceTypeProblems`. */
export interface InstanceTypeCheck {
    /** The pool's key, `pools[0]`. */
    readonly poolKey: string;
    /** The pool's AMI type; undefined with a custom AMI, whose architecture is not known here (existence only). */
    readonly amiType?: Al2023AmiType;
    readonly instanceTypes: readonly string[];
    /** EC2's answer per instance type; undefined when EC2 does not know the type. */
    readonly facts: Readonly<Record<string, InstanceTypeFacts>>;
}

/**
 * Each instance type that EC2 does not know, or whose architecture the AMI type cannot boot (a Graviton `m7g` on an
 * x86_64 AMI type), as a problem naming `pools[i].instanceTypes[j]`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ProcessorInfo.html).
 */
export function instanceTypeProblems(check: InstanceTypeCheck): string[] {
    const architecture = check.amiType === undefined ? undefined : amiArchitecture(check.amiType);
    return check.instanceTypes.flatMap((type, i) => {
        const key = `${check.poolKey}.instanceTypes[${i}]`;
        const facts = check.facts[type];
        if (facts === undefined) {
            return [
                `${key}: "${type}" is not allowed; it is not an EC2 instance type in this region (aws ec2 describe-instance-types lists those that are)`,
            ];
        }
        if (architecture === undefined || facts.supportedArchitectures.includes(architecture)) return [];
        return [
            `${key}: "${type}" is not allowed; it runs ${facts.supportedArchitectures.join("/")}, but amiType ${check.amiType} is ${architecture}; choose a ${architecture} instance type or an ${architecture === "arm64" ? "x86_64" : "ARM_64"} AMI type`,
        ];
    });
}
