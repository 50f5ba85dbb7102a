import type { EnvironmentConfig } from "./config";
import type { PolicyDocument, PolicyStatement } from "./trust";

/** The lifecycle steps of a resource, each needing its own IAM actions. */
export type Lifecycle = "create" | "read" | "update" | "delete";

/** The AWS type token of the cluster's IAM OIDC provider: created only when `createClusterOidcProvider` is set. */
export const OIDC_PROVIDER_TYPE = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";

/**
 * The IAM actions each AWS resource type the migration program declares needs, per lifecycle step (what the AWS
 * provider calls; `read` also covers refresh and the `import` of legacy node groups). Keep in step with the program:
 * tests/deploy-permissions.test.ts fails when the policy lacks one of these or holds anything else.
 */
export const RESOURCE_ACTIONS: Readonly<Record<string, Readonly<Record<Lifecycle, readonly string[]>>>> = {
    "aws:ec2/launchTemplate:LaunchTemplate": {
        create: ["ec2:CreateLaunchTemplate", "ec2:CreateTags"],
        read: ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
        update: ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:CreateTags", "ec2:DeleteTags"],
        delete: ["ec2:DeleteLaunchTemplate"],
    },
    "aws:eks/nodeGroup:NodeGroup": {
        // PassRole: the node role; CreateServiceLinkedRole: AWSServiceRoleForAmazonEKSNodegroup on first use.
        create: ["eks:CreateNodegroup", "eks:TagResource", "iam:PassRole", "iam:CreateServiceLinkedRole"],
        read: ["eks:DescribeNodegroup", "eks:ListNodegroups"],
        update: [
            "eks:UpdateNodegroupConfig",
            "eks:UpdateNodegroupVersion",
            "eks:DescribeUpdate",
            "eks:TagResource",
            "eks:UntagResource",
        ],
        delete: ["eks:DeleteNodegroup"],
    },
    "aws:iam/role:Role": {
        // Permissions boundaries: workload roles may set `permissionsBoundaryArn`.
        create: ["iam:CreateRole", "iam:TagRole", "iam:PutRolePermissionsBoundary"],
        read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
        update: [
            "iam:UpdateRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:PutRolePermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
        ],
        delete: ["iam:DeleteRole", "iam:ListInstanceProfilesForRole", "iam:DeleteRolePermissionsBoundary"],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        create: ["iam:AttachRolePolicy"],
        read: ["iam:ListAttachedRolePolicies"],
        update: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        delete: ["iam:DetachRolePolicy"],
    },
    "aws:iam/rolePolicy:RolePolicy": {
        create: ["iam:PutRolePolicy"],
        read: ["iam:GetRolePolicy"],
        update: ["iam:PutRolePolicy"],
        delete: ["iam:DeleteRolePolicy"],
    },
    "aws:iam/policy:Policy": {
        create: ["iam:CreatePolicy", "iam:TagPolicy"],
        read: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
        update: ["iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
        delete: ["iam:DeletePolicy", "iam:DeletePolicyVersion"],
    },
    [OIDC_PROVIDER_TYPE]: {
        create: ["iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"],
        read: ["iam:GetOpenIDConnectProvider"],
        update: [
            "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider",
            "iam:RemoveClientIDFromOpenIDConnectProvider",
            "iam:TagOpenIDConnectProvider",
            "iam:UntagOpenIDConnectProvider",
        ],
        delete: ["iam:DeleteOpenIDConnectProvider"],
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        create: ["eks:CreatePodIdentityAssociation", "eks:TagResource", "iam:PassRole", "iam:GetRole"],
        read: ["eks:DescribePodIdentityAssociation"],
        update: ["eks:UpdatePodIdentityAssociation", "eks:TagResource", "eks:UntagResource", "iam:PassRole"],
        delete: ["eks:DeletePodIdentityAssociation"],
    },
    "aws:eks/addon:Addon": {
        // No PassRole: add-ons get AWS access through Pod Identity associations, not `serviceAccountRoleArn`.
        create: ["eks:CreateAddon", "eks:TagResource"],
        read: ["eks:DescribeAddon"],
        update: ["eks:UpdateAddon", "eks:DescribeUpdate", "eks:TagResource", "eks:UntagResource"],
        delete: ["eks:DeleteAddon"],
    },
};

/** The IAM actions each data source (invoke) the program calls needs; the provider itself calls GetCallerIdentity. */
export const INVOKE_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    "aws:eks/getCluster:getCluster": ["eks:DescribeCluster"],
    "aws:eks/getNodeGroup:getNodeGroup": ["eks:DescribeNodegroup"],
    "aws:eks/getNodeGroups:getNodeGroups": ["eks:ListNodegroups"],
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": [
        "iam:GetOpenIDConnectProvider",
        "iam:ListOpenIDConnectProviders",
    ],
    "aws:ssm/getParameter:getParameter": ["ssm:GetParameter"],
    // The zones of the AL2023 node groups' subnets, for the pre-flight live gates.
    "aws:ec2/getSubnet:getSubnet": ["ec2:DescribeSubnets"],
    "pulumi:providers:aws": ["sts:GetCallerIdentity"],
};

/**
 * Every action the deploy role needs: all lifecycle steps of every resource type and every invoke, except the
 * create/update/delete of the cluster's OIDC provider unless the stack creates it.
 */
export function requiredActions(env: Pick<EnvironmentConfig, "createClusterOidcProvider">): string[] {
    const actions = new Set<string>();
    for (const [type, steps] of Object.entries(RESOURCE_ACTIONS)) {
        for (const [step, list] of Object.entries(steps)) {
            if (type === OIDC_PROVIDER_TYPE && step !== "read" && !env.createClusterOidcProvider) continue;
            list.forEach((action) => actions.add(action));
        }
    }
    Object.values(INVOKE_ACTIONS).forEach((list) => list.forEach((action) => actions.add(action)));
    return [...actions].sort();
}

/**
 * The least-privilege permissions of an environment's deploy role. Resources are scoped to the account, region and
 * cluster wherever IAM supports it; IAM writes only touch roles and policies named `<roleNamePrefix>*`; those roles may
 * get AWS managed policies and the account's own customer managed policies attached (stack configs name existing ones
 * in `managedPolicyArns`, e.g. AWSLoadBalancerControllerIAMPolicy); `iam:PassRole` only hands `<roleNamePrefix>*node*`
 * roles and the configured `nodeRoleArns` (the legacy AL2 node role the AL2023 node groups reuse) to EKS, and
 * `<roleNamePrefix>*` roles to Pod Identity. The only `Resource: "*"` statements hold actions IAM offers no
 * resource-level permission for (EC2 Describe*, ListOpenIDConnectProviders, GetCallerIdentity).
 *
 * Unverified: the `iam:PassedToService` values (`eks.amazonaws.com` for CreateNodegroup, `pods.eks.amazonaws.com` for
 * Pod Identity associations) are the service principals the roles serve, not checked against the IAM or EKS docs. If
 * the first real `up` is denied `iam:PassRole`, read the denied request in CloudTrail and correct the value here.
 */
export function deployRolePolicy(env: EnvironmentConfig): PolicyDocument {
    const { partition: p, region, accountId: account, clusterName: cluster, roleNamePrefix: prefix } = env;
    const iam = `arn:${p}:iam::${account}`;
    const eks = `arn:${p}:eks:${region}:${account}`;
    const clusterOidcProviders = `${iam}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/*`;
    const statements: PolicyStatement[] = [
        {
            Sid: "Ec2Describe",
            Effect: "Allow",
            Action: ["ec2:DescribeLaunchTemplateVersions", "ec2:DescribeLaunchTemplates", "ec2:DescribeSubnets"],
            Resource: "*",
        },
        {
            Sid: "Ec2LaunchTemplates",
            Effect: "Allow",
            Action: [
                "ec2:CreateLaunchTemplate",
                "ec2:CreateLaunchTemplateVersion",
                "ec2:CreateTags",
                "ec2:DeleteLaunchTemplate",
                "ec2:DeleteTags",
                "ec2:ModifyLaunchTemplate",
            ],
            Resource: `arn:${p}:ec2:${region}:${account}:launch-template/*`,
        },
        {
            Sid: "EksCluster",
            Effect: "Allow",
            Action: [
                "eks:CreateAddon",
                "eks:CreateNodegroup",
                "eks:CreatePodIdentityAssociation",
                "eks:DeleteAddon",
                "eks:DeleteNodegroup",
                "eks:DeletePodIdentityAssociation",
                "eks:DescribeAddon",
                "eks:DescribeCluster",
                "eks:DescribeNodegroup",
                "eks:DescribePodIdentityAssociation",
                "eks:DescribeUpdate",
                "eks:ListNodegroups",
                "eks:TagResource",
                "eks:UntagResource",
                "eks:UpdateAddon",
                "eks:UpdateNodegroupConfig",
                "eks:UpdateNodegroupVersion",
                "eks:UpdatePodIdentityAssociation",
            ],
            Resource: [
                `${eks}:cluster/${cluster}`,
                `${eks}:nodegroup/${cluster}/*/*`,
                `${eks}:addon/${cluster}/*/*`,
                `${eks}:podidentityassociation/${cluster}/*`,
            ],
        },
        {
            Sid: "IamStackRoles",
            Effect: "Allow",
            Action: [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:DeleteRolePermissionsBoundary",
                "iam:DeleteRolePolicy",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:ListRolePolicies",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
            ],
            Resource: `${iam}:role/${prefix}*`,
        },
        {
            Sid: "IamStackRoleAttachments",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: `${iam}:role/${prefix}*`,
            Condition: { ArnLike: { "iam:PolicyARN": [`arn:${p}:iam::aws:policy/*`, `${iam}:policy/*`] } },
        },
        {
            Sid: "IamStackPolicies",
            Effect: "Allow",
            Action: [
                "iam:CreatePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            Resource: `${iam}:policy/${prefix}*`,
        },
        {
            Sid: "IamClusterOidcProvider",
            Effect: "Allow",
            Action: env.createClusterOidcProvider
                ? [
                      "iam:AddClientIDToOpenIDConnectProvider",
                      "iam:CreateOpenIDConnectProvider",
                      "iam:DeleteOpenIDConnectProvider",
                      "iam:GetOpenIDConnectProvider",
                      "iam:RemoveClientIDFromOpenIDConnectProvider",
                      "iam:TagOpenIDConnectProvider",
                      "iam:UntagOpenIDConnectProvider",
                      "iam:UpdateOpenIDConnectProviderThumbprint",
                  ]
                : ["iam:GetOpenIDConnectProvider"],
            Resource: clusterOidcProviders,
        },
        {
            Sid: "IamPassNodeRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [...new Set([`${iam}:role/${prefix}*node*`, ...env.nodeRoleArns])],
            Condition: { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } },
        },
        {
            Sid: "IamPassWorkloadRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `${iam}:role/${prefix}*`,
            Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
        },
        {
            Sid: "IamEksNodegroupServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: `${iam}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup`,
            Condition: { StringEquals: { "iam:AWSServiceName": "eks-nodegroup.amazonaws.com" } },
        },
        {
            Sid: "SsmEksOptimizedAmis",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: `arn:${p}:ssm:${region}::parameter/aws/service/eks/optimized-ami/*`,
        },
        {
            Sid: "GlobalReads",
            Effect: "Allow",
            Action: ["iam:ListOpenIDConnectProviders", "sts:GetCallerIdentity"],
            Resource: "*",
        },
    ];
    return { Version: "2012-10-17", Statement: statements };
}
