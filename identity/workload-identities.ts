import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../common/cluster-facts";
import type { IdentityConfig, IdentityKind } from "./identity-config";
import { kubernetesAccess, kubernetesProvider } from "../common/kubernetes-access";
import { planIdentities, type IdentityPlan } from "./identity-plan";
import { ServiceAccountBinding } from "./service-account-binding";
import { WorkloadRole } from "./workload-role";
import { IRSA_AUDIENCE } from "./workload-trust-policy";
import { TYPE_TOKENS } from "../common/project";
import { agentAddonInputs, POD_IDENTITY_AGENT_ADDON, type AgentRecord } from "./pod-identity-agent";
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
     * Resolves the OIDC provider and checks every trust policy (`planIdentities`), then declares the component. Throws
     * a ConfigError (before declaring anything) when the provider is missing and not to be created, or a trust policy
     * is too long; with `oidcProviderArn` the IRSA trust policies are checked in an apply (see planIdentities).
     */
    static async create(
        name: string,
        args: WorkloadIdentitiesArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): Promise<WorkloadIdentities> {
        return new WorkloadIdentities(name, { ...args, plan: await planIdentities(args) }, opts);
    }

    private constructor(
        name: string,
        args: WorkloadIdentitiesArgs & { readonly plan: IdentityPlan },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(TYPE_TOKENS.WorkloadIdentities, name, {}, opts);
        const { identity, cluster, plan } = args;
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
                  kubernetesProvider(
                      `${name}-kubernetes`,
                      { cluster, access: kubernetesAccess(cluster, identity.kubernetes) },
                      {
                          parent: this,
                      },
                  ));
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
