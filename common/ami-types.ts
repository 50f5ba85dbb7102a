/**
 * The AL2023 AMI types a managed node group accepts (EKS API `AMITypes`:
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html): what a pool's `amiType` may name, and what
 * the guards offer a pool whose AL2 node group runs a custom AMI.
 */
export const AL2023_AMI_TYPES = [
    "AL2023_x86_64_STANDARD",
    "AL2023_ARM_64_STANDARD",
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
    "AL2023_x86_64_NEURON",
] as const;
