import type { PoolConfig } from "./pools";

/** The AL2023 AMI types a pool may name. */
type Al2023AmiType = PoolConfig["amiType"];

/** The AL2 AMI types of a managed node group (EKS API `AMITypes`). */
export type Al2AmiType = "AL2_x86_64" | "AL2_x86_64_GPU" | "AL2_ARM_64";

/**
 * Instance families with AWS Inferentia or Trainium chips: on AL2 they ran the GPU (accelerated) AMI, on AL2023 they
 * need the Neuron AMI (https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html).
 */
export const NEURON_FAMILIES = ["inf1", "inf2", "trn1", "trn1n", "trn2", "trn2u"] as const;

/** The EC2 instance family of an instance type (`inf2.xlarge` → `inf2`). */
export function instanceFamily(instanceType: string): string {
    return instanceType.split(".")[0];
}

/** The AL2023 AMI type that replaces an AL2 one, with what the user should know about the change. */
export interface AmiVariant {
    readonly amiType: Al2023AmiType;
    readonly note?: string;
}

/**
 * The AL2023 AMI type for an AL2 node group (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html):
 * `AL2_x86_64` → `AL2023_x86_64_STANDARD`, `AL2_ARM_64` → `AL2023_ARM_64_STANDARD`, `AL2_x86_64_GPU` →
 * `AL2023_x86_64_NEURON` when every instance type is an Inferentia/Trainium family, else `AL2023_x86_64_NVIDIA`
 * (which ships the NVIDIA driver but not the Kubernetes device plugin). Undefined for anything else (`CUSTOM`):
 * the pool's config must then choose.
 */
export function al2023Variant(al2AmiType: string, instanceTypes: readonly string[]): AmiVariant | undefined {
    switch (al2AmiType) {
        case "AL2_x86_64":
            return { amiType: "AL2023_x86_64_STANDARD" };
        case "AL2_ARM_64":
            return { amiType: "AL2023_ARM_64_STANDARD" };
        case "AL2_x86_64_GPU": {
            const families: readonly string[] = NEURON_FAMILIES;
            const neuron =
                instanceTypes.length > 0 && instanceTypes.every((type) => families.includes(instanceFamily(type)));
            return neuron
                ? { amiType: "AL2023_x86_64_NEURON", note: "Inferentia/Trainium instances: the Neuron AMI variant" }
                : {
                      amiType: "AL2023_x86_64_NVIDIA",
                      note: "the AL2023 NVIDIA AMI ships the NVIDIA driver but not the Kubernetes device plugin: install the NVIDIA device plugin (or GPU operator) before moving GPU pods",
                  };
        }
        default:
            return undefined;
    }
}

/** The CPU architecture an AL2023 AMI type runs on (EC2 `ProcessorInfo.SupportedArchitectures` values). */
export function amiArchitecture(amiType: Al2023AmiType): "x86_64" | "arm64" {
    return amiType.includes("_ARM_64_") ? "arm64" : "x86_64";
}
