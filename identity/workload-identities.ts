import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../common/cluster-facts";
import type { IdentityConfig, IdentityKind, WorkloadRoleConfig } from "./identity-config";
import { ConfigError } from "../common/config-error";
import { kubernetesAccess, kubernetesProvider } from "../common/kubernetes-access";
import { ServiceAccountBinding } from "./service-account-binding";
import { WorkloadRole } from "./workload-role";
import {
    checkTrustPolicyLength,
    IRSA_AUDIENCE,
    irsaTrustPolicy,
    issuerHostPath,
    oidcProviderArn,
    podIdentityTrustPolicy,
    type TrustPolicyDocument,
} from "./workload-trust-policy";
import { TYPE_TOKENS } from "../common/project";
import {
    addonReader,
    agentAddonInputs,
    agentAdoption,
    POD_IDENTITY_AGENT_ADDON,
    type AgentAdoption,
    type AgentRecord,
} from "./pod-identity-agent";
import { CHILD_NAMES } from "../common/child-names";

/** Arguments of WorkloadIdentities.create. */
export interface WorkloadIdentitiesArgs {
    /** The validated identity settings. */
    readonly identity: IdentityConfig;
    /**
     * The cluster. Its `oidcIssuer` must be a plain string or a promise when IRSA is used, unless `oidcProviderArn`
     * is given (see create).
     */
    readonly cluster: ClusterFacts;
    /**
     * The cluster's IAM OIDC provider, when whoever created the cluster created it too (rehearsal): no lookup, and
     * `cluster.oidcIssuer` may be an Output. @default looked up, or created with `oidcProvider.create`
     */
    readonly oidcProviderArn?: pulumi.Input<string>;
    /** Tags added to every AWS resource (a role's own tags win). @default {} */
    readonly tags?: Readonly<Record<string, string>>;
    /** The Kubernetes provider to bind with. @default one built from `identity.kubernetes` and the cluster */
    readonly kubernetesProvider?: k8s.Provider;
    /**
     * The last completed run's `podIdentityAgent` output says the stack manages the agent add-on (created or
     * imported it), so it is never imported again. @default false
     */
    readonly podIdentityAgentManagedBefore?: boolean;
}

/** What the stack reports for each service account. */
export interface WorkloadIdentityOutput {
    readonly namespace: string;
    readonly name: string;
    readonly roleArn: string;
    readonly binding: IdentityKind;
    readonly restartRequested: boolean;
}

/** Everything create() decides before declaring a resource. */
interface IdentityPlan {
    /** The OIDC provider ARN, when any role uses IRSA. */
    readonly providerArn?: pulumi.Input<string>;
    /** The issuer, when the provider is looked up or created here. */
    readonly issuerUrl?: string;
    /** By role key; Outputs when the issuer is (see create). */
    readonly trustPolicies: ReadonlyMap<string, pulumi.Input<TrustPolicyDocument>>;
    /** How the agent add-on is declared, when `podIdentityAgent.manage`. */
    readonly agent?: AgentAdoption;
}

/**
 * Every workload identity of the stack: the cluster's IAM OIDC provider (looked up, or created with
 * `oidcProvider.create`), the `eks-pod-identity-agent` add-on when `podIdentityAgent.manage`, one WorkloadRole per
 * role and one ServiceAccountBinding per service account. Build it with `await WorkloadIdentities.create(...)`:
 * the provider lookup and the trust policy quota check run first, so their errors come before any resource.
 */
export class WorkloadIdentities extends pulumi.ComponentResource {
    /** Per service account: role ARN, binding kind and whether workloads restart. */
    public readonly serviceAccounts: pulumi.Output<WorkloadIdentityOutput[]>;
    /** The IAM OIDC provider ARN the IRSA roles trust; undefined when no role uses IRSA. */
    public readonly oidcProviderArn: pulumi.Input<string> | undefined;
    /**
     * The `podIdentityAgent` record: resolves once the add-on is created, imported or updated in this run; undefined
     * when the stack does not manage the add-on.
     */
    public readonly podIdentityAgent: pulumi.Output<AgentRecord> | undefined;

    /**
     * Resolves the OIDC provider and checks every trust policy, then declares the component. Throws a ConfigError
     * (before declaring anything) when the provider is missing and not to be created, or a trust policy is too long.
     *
     * With `oidcProviderArn` (a cluster created in the same deployment) the issuer is an Output, known only once the
     * cluster exists: each IRSA trust policy is then built in an apply and its length checked there, failing the
     * deployment with the same ConfigError message before the role is created. Only an issuer length check could
     * run earlier, and the issuer's ID is fixed-format anyway (`oidc.eks.<region>.<suffix>/id/<32 hex>`), so a policy
     * that fits on one cluster fits on the next.
     */
    static async create(
        name: string,
        args: WorkloadIdentitiesArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): Promise<WorkloadIdentities> {
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
        const plan = {
            providerArn: irsaRoles.length > 0 ? (args.oidcProviderArn ?? providerArn) : undefined,
            issuerUrl,
            trustPolicies,
            ...(agent !== undefined && { agent }),
        };
        return new WorkloadIdentities(name, args, plan, opts);
    }

    private constructor(
        name: string,
        args: WorkloadIdentitiesArgs,
        plan: IdentityPlan,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(TYPE_TOKENS.WorkloadIdentities, name, {}, opts);
        const { identity, cluster } = args;
        const tags = args.tags ?? {};

        const provider =
            identity.oidcProvider.create && plan.issuerUrl !== undefined
                ? [
                      new aws.iam.OpenIdConnectProvider(
                          `${name}-oidc-provider`,
                          { url: plan.issuerUrl, clientIdLists: [IRSA_AUDIENCE], tags: { ...tags } },
                          { parent: this },
                      ),
                  ]
                : [];
        const agent =
            plan.agent === undefined
                ? []
                : [
                      new aws.eks.Addon(
                          `${name}-pod-identity-agent`,
                          agentAddonInputs({ clusterName: cluster.name, identity, adoption: plan.agent, tags }),
                          {
                              parent: this,
                              ...(plan.agent.mode === "import" && {
                                  import: `${cluster.name}:${POD_IDENTITY_AGENT_ADDON}`,
                              }),
                          },
                      ),
                  ];

        const roles = new Map<string, WorkloadRole>();
        for (const role of identity.roles) {
            roles.set(
                role.key,
                new WorkloadRole(
                    `${name}-${role.key}`,
                    {
                        roleName: role.roleName,
                        trustPolicy: plan.trustPolicies.get(role.key)!,
                        managedPolicyArns: role.managedPolicyArns,
                        ...(role.policy !== undefined ? { policy: role.policy } : {}),
                        ...(role.permissionsBoundaryArn !== undefined
                            ? { permissionsBoundaryArn: role.permissionsBoundaryArn }
                            : {}),
                        ...(role.maxSessionDuration !== undefined
                            ? { maxSessionDuration: role.maxSessionDuration }
                            : {}),
                        tags: { ...tags, ...role.tags },
                    },
                    { parent: this, dependsOn: role.identity === "irsa" ? provider : [] },
                ),
            );
        }

        const k8sProvider =
            identity.serviceAccounts.length === 0
                ? undefined
                : (args.kubernetesProvider ??
                  kubernetesProvider(`${name}-kubernetes`, cluster, kubernetesAccess(cluster, identity.kubernetes), {
                      parent: this,
                  }));
        const outputs = identity.serviceAccounts.map((account) => {
            const role = roles.get(account.role)!;
            new ServiceAccountBinding(
                CHILD_NAMES.serviceAccountBinding(name, account.namespace, account.name),
                {
                    namespace: account.namespace,
                    serviceAccount: account.name,
                    binding: account.identity,
                    roleArn: role.arn,
                    role,
                    clusterName: cluster.name,
                    kubernetesProvider: k8sProvider!,
                    create: account.create,
                    stsRegionalEndpoints: account.stsRegionalEndpoints,
                    ...(account.tokenExpiration !== undefined ? { tokenExpiration: account.tokenExpiration } : {}),
                    restart: account.restart,
                    tags: { ...tags },
                },
                { parent: this, dependsOn: account.identity === "pod-identity" ? agent : [] },
            );
            return role.arn.apply((roleArn): WorkloadIdentityOutput => ({
                namespace: account.namespace,
                name: account.name,
                roleArn,
                binding: account.identity,
                restartRequested: account.restart.length > 0,
            }));
        });

        this.serviceAccounts = pulumi.all(outputs);
        this.oidcProviderArn = plan.providerArn;
        this.podIdentityAgent =
            agent[0] === undefined
                ? undefined
                : agent[0].id.apply((): AgentRecord => ({ addonName: POD_IDENTITY_AGENT_ADDON, managed: true }));
        this.registerOutputs({
            serviceAccounts: this.serviceAccounts,
            oidcProviderArn: this.oidcProviderArn,
            podIdentityAgent: this.podIdentityAgent,
        });
    }
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
