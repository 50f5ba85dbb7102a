import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../common/cluster-facts";
import { ConfigError } from "../common/config-error";
import type { IdentityConfig, WorkloadRoleConfig } from "./identity-config";
import {
    checkTrustPolicyLength,
    irsaTrustPolicy,
    issuerHostPath,
    oidcProviderArn,
    podIdentityTrustPolicy,
    type TrustPolicyDocument,
} from "./workload-trust-policy";
import { addonReader, agentAdoption, POD_IDENTITY_AGENT_ADDON, type AgentAdoption } from "./pod-identity-agent";

/** What the plan reads (the fields of WorkloadIdentitiesArgs it uses). */
export interface IdentityPlanInput {
    readonly identity: IdentityConfig;
    readonly cluster: ClusterFacts;
    readonly oidcProviderArn?: pulumi.Input<string>;
    readonly podIdentityAgentManagedBefore?: boolean;
}

/** Everything WorkloadIdentities decides before declaring a resource. */
export interface IdentityPlan {
    /** The OIDC provider ARN, when any role uses IRSA. */
    readonly providerArn?: pulumi.Input<string>;
    /** The issuer, when the provider is looked up or created here. */
    readonly issuerUrl?: string;
    /** By role key; Outputs when the issuer is (see planIdentities). */
    readonly trustPolicies: ReadonlyMap<string, pulumi.Input<TrustPolicyDocument>>;
    /** How the agent add-on is declared, when `podIdentityAgent.manage`. */
    readonly agent?: AgentAdoption;
}

/**
 * Resolves the OIDC provider, builds and checks every trust policy and reads the agent add-on, before any resource.
 * Throws a ConfigError when the provider is missing and not to be created, or a trust policy is too long.
 *
 * With `oidcProviderArn` (a cluster created in the same deployment) the issuer is an Output, known only once the
 * cluster exists: each IRSA trust policy is then built in an apply and its length checked there, failing the
 * deployment with the same ConfigError message before the role is created. Only an issuer length check could
 * run earlier, and the issuer's ID is fixed-format anyway (`oidc.eks.<region>.<suffix>/id/<32 hex>`), so a policy
 * that fits on one cluster fits on the next.
 */
export async function planIdentities(args: IdentityPlanInput): Promise<IdentityPlan> {
    const { identity, cluster } = args;
    const irsaRoles = identity.roles.filter((role) => role.identity === "irsa");
    let providerArn: string | undefined;
    let issuerUrl: string | undefined;
    if (irsaRoles.length > 0 && args.oidcProviderArn === undefined) {
        if (pulumi.Output.isInstance(cluster.oidcIssuer)) {
            throw new pulumi.InputPropertiesError({
                message: "WorkloadIdentities needs the cluster's OIDC issuer before declaring IRSA roles",
                errors: [
                    { propertyPath: "cluster.oidcIssuer", reason: "must be a string or a promise, not an Output" },
                ],
            });
        }
        issuerUrl = await cluster.oidcIssuer;
        providerArn = identity.oidcProvider.create
            ? oidcProviderArn(cluster.partition, cluster.accountId, issuerUrl)
            : await lookupOidcProvider(issuerUrl);
    }

    const trustPolicies = new Map<string, pulumi.Input<TrustPolicyDocument>>();
    const problems: string[] = [];
    for (const role of identity.roles) {
        if (role.identity === "irsa" && args.oidcProviderArn !== undefined) {
            trustPolicies.set(
                role.key,
                checkedTrustPolicy(role, {
                    providerArn: args.oidcProviderArn,
                    issuer: cluster.oidcIssuer,
                    maxLength: identity.trustPolicyMaxLength,
                }),
            );
            continue;
        }
        const document =
            role.identity === "irsa"
                ? irsaTrustPolicy({
                      providerArn: providerArn!,
                      issuerHostPath: issuerHostPath(issuerUrl!),
                      subjects: role.subjects,
                      namespaceWide: role.namespaceWide,
                  })
                : podIdentityTrustPolicy();
        const problem = checkTrustPolicyLength(role, document, identity.trustPolicyMaxLength);
        if (problem !== undefined) problems.push(problem);
        trustPolicies.set(role.key, document);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    const agent = identity.podIdentityAgent.manage
        ? agentAdoption({
              live: await addonReader()({
                  clusterName: cluster.name,
                  addonName: POD_IDENTITY_AGENT_ADDON,
                  region: cluster.region,
              }),
              managedBefore: args.podIdentityAgentManagedBefore ?? false,
          })
        : undefined;
    return {
        providerArn: irsaRoles.length > 0 ? (args.oidcProviderArn ?? providerArn) : undefined,
        issuerUrl,
        trustPolicies,
        ...(agent !== undefined && { agent }),
    };
}

/** An IRSA trust policy built once provider and issuer are known (an Output); see checkedIrsaTrustPolicy. */
function checkedTrustPolicy(
    role: WorkloadRoleConfig,
    oidc: {
        readonly providerArn: pulumi.Input<string>;
        readonly issuer: pulumi.Input<string>;
        readonly maxLength: number;
    },
): pulumi.Output<TrustPolicyDocument> {
    return pulumi
        .all([oidc.providerArn, oidc.issuer])
        .apply(([providerArn, issuerUrl]) =>
            checkedIrsaTrustPolicy(role, { providerArn, issuerUrl, maxLength: oidc.maxLength }),
        );
}

/**
 * A role's IRSA trust policy for a known provider and issuer; throws the same ConfigError as create's quota check
 * when it is longer than `maxLength`. Run inside an apply, the error fails the deployment before the role exists.
 */
export function checkedIrsaTrustPolicy(
    role: WorkloadRoleConfig,
    oidc: {
        /** The ARN of the cluster's IAM OIDC provider. */
        readonly providerArn: string;
        /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`). */
        readonly issuerUrl: string;
        /** `trustPolicyMaxLength`. */
        readonly maxLength: number;
    },
): TrustPolicyDocument {
    const { providerArn, issuerUrl, maxLength } = oidc;
    const document = irsaTrustPolicy({
        providerArn,
        issuerHostPath: issuerHostPath(issuerUrl),
        subjects: role.subjects,
        namespaceWide: role.namespaceWide,
    });
    const problem = checkTrustPolicyLength(role, document, maxLength);
    if (problem !== undefined) throw new ConfigError([problem]);
    return document;
}

/** The ARN of the IAM OIDC provider for an issuer; a ConfigError saying how to fix it when there is none. */
async function lookupOidcProvider(issuerUrl: string): Promise<string> {
    try {
        return (await aws.iam.getOpenIdConnectProvider({ url: issuerUrl })).arn;
    } catch (error) {
        throw new ConfigError([
            `oidcProvider: no IAM OIDC provider exists for the cluster's issuer ${issuerUrl} (${String(error)}). ` +
                `Set eks-al2023-migration:oidcProvider to {create: true} to create it with this stack, or run ` +
                `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`,
        ]);
    }
}
