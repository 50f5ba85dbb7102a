import {
    PolicyPack,
    type EnforcementLevel,
    type PolicyResource,
    type ResourceValidationPolicy,
    type StackValidationPolicy,
} from "@pulumi/policy";
import {
    LAUNCH_TEMPLATE,
    ebsVolumesEncrypted,
    hopLimitAtMostTwo,
    hopLimitTwoAdvisory,
    imdsV2Required,
    noPublicIp,
    noSshKey,
} from "./rules/launch-template";
import { NODE_GROUP, al2023AmiType, legacyNeverGrows, noRemoteAccess } from "./rules/node-group";
import { DEFAULT_PROTECTED_STACKS, nodeGroupProtected } from "./rules/protection";
import { ROLE, noWildcardPrincipal, oidcTrustScoped, podIdentityTrust } from "./rules/trust-policy";

/** A rule over one resource's inputs and URN: the violation messages, none when the resource complies. */
type Rule = (inputs: Record<string, unknown>, resource: { readonly urn: string }) => string[];

/** A resource policy that runs `rule` on every resource of `type` and reports each message it returns. */
function resourcePolicy(policy: {
    readonly name: string;
    readonly description: string;
    /** The resource type the rule applies to. */
    readonly type: string;
    readonly rule: Rule;
    /** @default "mandatory" */
    readonly enforcementLevel?: EnforcementLevel;
}): ResourceValidationPolicy {
    const { name, description, type, rule, enforcementLevel = "mandatory" } = policy;
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            if (args.type !== type) return;
            for (const message of rule(args.props, { urn: args.urn })) reportViolation(message);
        },
    };
}

/** What the stack rules read of a resource: type, name, outputs, and its parent's type and outputs. */
function stackView(resource: PolicyResource) {
    return {
        type: resource.type,
        name: resource.name,
        props: resource.props,
        ...(resource.parent !== undefined && {
            parent: { type: resource.parent.type, props: resource.parent.props },
        }),
    };
}

new PolicyPack("eks-al2023-migration-guardrails", {
    description:
        "Security and safety rules of the EKS AL2 to AL2023 migration: nodes, node groups, workload identities.",
    enforcementLevel: "mandatory",
    policies: [
        resourcePolicy({
            name: "lt-imdsv2-required",
            description: "Launch templates require IMDSv2 (httpTokens required).",
            type: LAUNCH_TEMPLATE,
            rule: imdsV2Required,
        }),
        resourcePolicy({
            name: "lt-imds-hop-limit-max-2",
            description: "Launch templates keep the IMDS hop limit at 1 or 2.",
            type: LAUNCH_TEMPLATE,
            rule: hopLimitAtMostTwo,
        }),
        resourcePolicy({
            name: "lt-imds-hop-limit-2-pods-reach-node-role",
            description:
                "Hop limit 2 lets pods reach IMDS and the node role; use 1 once workloads have IRSA or Pod Identity.",
            type: LAUNCH_TEMPLATE,
            rule: hopLimitTwoAdvisory,
            enforcementLevel: "advisory",
        }),
        resourcePolicy({
            name: "lt-ebs-encrypted",
            description: "Every EBS volume of a launch template is encrypted.",
            type: LAUNCH_TEMPLATE,
            rule: ebsVolumesEncrypted,
        }),
        resourcePolicy({
            name: "lt-no-ssh-key",
            description: "Launch templates set no SSH key pair.",
            type: LAUNCH_TEMPLATE,
            rule: noSshKey,
        }),
        resourcePolicy({
            name: "lt-no-public-ip",
            description: "Launch template network interfaces get no public IP.",
            type: LAUNCH_TEMPLATE,
            rule: noPublicIp,
        }),
        resourcePolicy({
            name: "ng-al2023-ami-type",
            description: "New node groups run AL2023 (or a custom AMI); AL2 only on the adopted legacy node group.",
            type: NODE_GROUP,
            rule: al2023AmiType,
        }),
        resourcePolicy({
            name: "ng-no-remote-access",
            description: "Node groups have no remoteAccess (SSH).",
            type: NODE_GROUP,
            rule: noRemoteAccess,
        }),
        {
            name: "ng-legacy-never-grows",
            description: "The adopted AL2 node group only shrinks or disappears once the cutover has started.",
            enforcementLevel: "mandatory",
            validateStack: (args, reportViolation) => {
                for (const resource of args.resources) {
                    for (const message of legacyNeverGrows(stackView(resource))) reportViolation(message, resource.urn);
                }
            },
        } satisfies StackValidationPolicy,
        resourcePolicy({
            name: "iam-no-wildcard-principal",
            description: "Role trust policies name their principals (no *).",
            type: ROLE,
            rule: noWildcardPrincipal,
        }),
        resourcePolicy({
            name: "iam-oidc-trust-scoped",
            description:
                "OIDC-trusted roles: sts:AssumeRoleWithWebIdentity only, :sub and :aud pinned with StringEquals.",
            type: ROLE,
            rule: oidcTrustScoped,
        }),
        resourcePolicy({
            name: "iam-pod-identity-trust",
            description: "Pod Identity roles trust only pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession.",
            type: ROLE,
            rule: podIdentityTrust,
        }),
        {
            name: "stack-node-groups-protected",
            description: "In protected stacks (default: prod) every EKS node group has the protect option.",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    protectedStacks: {
                        type: "array",
                        items: { type: "string" },
                        default: [...DEFAULT_PROTECTED_STACKS],
                    },
                },
            },
            validateStack: (args, reportViolation) => {
                const protectedStacks =
                    args.getConfig<{ protectedStacks?: string[] }>().protectedStacks ?? DEFAULT_PROTECTED_STACKS;
                for (const resource of args.resources) {
                    const view = { ...stackView(resource), urn: resource.urn, protect: resource.opts.protect };
                    for (const message of nodeGroupProtected(view, protectedStacks))
                        reportViolation(message, resource.urn);
                }
            },
        },
    ],
});
