/** Name and id syntaxes of Kubernetes and AWS, each with the words an error message uses for it. */

/** A string syntax: the pattern and the words an error message uses for it. */
export interface NameRule {
    readonly pattern: RegExp;
    readonly patternText: string;
}

/** Common name rules (sources: the Kubernetes names doc and each AWS API's parameter constraints). */
export const rules = {
    /** Kubernetes DNS-1123 label: namespaces, service accounts (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/). */
    dns1123Label: {
        pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        patternText:
            "a DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63",
    },
    /** Kubernetes DNS-1123 subdomain: workload names. */
    dns1123Subdomain: {
        pattern: /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        patternText: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
    },
    /** EKS cluster names (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html): 1-100, letters, digits, '-' and '_', starting alphanumeric. */
    eksClusterName: {
        pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
        patternText: "an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
    },
    /** EKS node group names (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html): 1-63, letters, digits, '-' and '_', starting alphanumeric. */
    eksNodeGroupName: {
        pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/,
        patternText: "an EKS node group name: 1-63 letters, digits, '-' or '_', starting with a letter or digit",
    },
    /** Any IAM role ARN, in any partition. */
    iamRoleArn: {
        pattern: /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/,
        patternText: "an IAM role ARN such as arn:aws:iam::123456789012:role/name",
    },
    /** Any IAM policy ARN, in any partition (AWS managed policies have the account "aws"). */
    iamPolicyArn: {
        pattern: /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws):policy\/[\w+=,.@\-/]{1,512}$/,
        patternText: "an IAM policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    },
    subnetId: {
        pattern: /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/,
        patternText: "a subnet id such as subnet-0123456789abcdef0",
    },
    securityGroupId: {
        pattern: /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/,
        patternText: "a security group id such as sg-0123456789abcdef0",
    },
    amiId: { pattern: /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, patternText: "an AMI id such as ami-0123456789abcdef0" },
    /** EC2 instance type names: family (with optional generation options) "." size, e.g. m6i.large, u-6tb1.metal. */
    instanceType: {
        pattern: /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/,
        patternText: "an EC2 instance type such as m6i.large or m7g.2xlarge",
    },
} satisfies Record<string, NameRule>;
