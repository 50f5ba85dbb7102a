import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { PROJECT, TYPE_TOKENS } from "../common/project";
import type { DeployConfig, EnvironmentConfig } from "./config";
import { deployRolePolicy } from "./permissions";
import { MAX_SESSION_SECONDS, deploymentSettingsArgs } from "./settings";
import { GITHUB_AWS_AUDIENCE, GITHUB_OIDC_URL, PULUMI_OIDC_URL, deployRoleTrustPolicy } from "./trust";
import {
    DEPLOY_ISSUERS,
    deployOidcTags,
    type DeployIssuer,
    type ExistingOidcProvider,
    type OidcProviderLookup,
    type OidcProviderUse,
} from "./oidc-providers";

/** Arguments of a DeployEnvironment. */
export interface DeployEnvironmentArgs {
    /** The validated deploy config (organization, repository, branch). */
    readonly config: DeployConfig;
    /** The environment (migration stack) to wire up. */
    readonly environment: EnvironmentConfig;
}

/** How `DeployEnvironment.declare` gets each issuer's provider, with the resources of shared ones to wait for. */
export type OidcProviderChoice = Readonly<
    Record<
        DeployIssuer,
        | Exclude<OidcProviderUse, { use: "shared" }>
        | { readonly use: "shared"; readonly provider: aws.iam.OpenIdConnectProvider }
    >
>;

/**
 * Everything one migration stack needs to be deployed without keys: in its AWS account, the Pulumi and GitHub OIDC
 * providers (created unless the account has them: see deploy/oidc-providers.ts) and a deploy role trusting exactly
 * this stack's Deployments and this repository's workflow jobs, with the least-privilege policy inline, and (by
 * default) an EKS access entry so the role can cordon and drain nodes; in Pulumi Cloud, the stack's Deployments
 * settings using that role. Declared in two steps: the constructor declares the account's AWS provider, which
 * `lookUpOidcProviders` uses; `declare` then declares the rest.
 */
export class DeployEnvironment extends pulumi.ComponentResource {
    /** ARN of the deploy role (set it as the GitHub variable `AWS_ROLE_ARN_<ENV>`); set by `declare`. */
    public roleArn!: pulumi.Output<string>;
    /** Id of the stack's Deployments settings (`<org>/<project>/<stack>`); set by `declare`. */
    public deploymentSettingsId!: pulumi.Output<string>;
    /** The OIDC providers this environment created, by issuer; set by `declare`. */
    public readonly createdOidcProviders: Partial<Record<DeployIssuer, aws.iam.OpenIdConnectProvider>> = {};
    /** The AWS provider of the environment's account (assuming `bootstrapRoleArn` when set). */
    public readonly provider: aws.Provider;
    private readonly args: DeployEnvironmentArgs;

    constructor(
        private readonly environmentName: string,
        args: DeployEnvironmentArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(TYPE_TOKENS.DeployEnvironment, environmentName, {}, opts);
        this.args = args;
        const env = args.environment;
        this.provider = new aws.Provider(
            `${environmentName}-aws`,
            {
                region: env.region as aws.Region,
                allowedAccountIds: [env.accountId],
                ...(env.bootstrapRoleArn === undefined
                    ? {}
                    : { assumeRoles: [{ roleArn: env.bootstrapRoleArn, sessionName: `${PROJECT}-bootstrap` }] }),
            },
            { parent: this },
        );
    }

    /** The Pulumi and GitHub OIDC providers the account already has (undefined where it has none). */
    async lookUpOidcProviders(
        lookup: OidcProviderLookup,
    ): Promise<Record<DeployIssuer, ExistingOidcProvider | undefined>> {
        return {
            pulumi: await lookup({ url: DEPLOY_ISSUERS.pulumi, provider: this.provider }),
            github: await lookup({ url: DEPLOY_ISSUERS.github, provider: this.provider }),
        };
    }

    /** Declares the OIDC providers this environment creates, the deploy role, its access and the Deployments settings. */
    declare(oidc: OidcProviderChoice): void {
        const name = this.environmentName;
        const provider = this.provider;
        const { config, environment: env } = this.args;
        const tags = deployOidcTags(env.name);
        const audiences: Record<DeployIssuer, string[]> = {
            pulumi: [config.organization],
            github: [GITHUB_AWS_AUDIENCE],
        };
        const resourceNames: Record<DeployIssuer, string> = {
            pulumi: `${name}-pulumi-oidc`,
            github: `${name}-github-oidc`,
        };
        const waitFor: pulumi.Resource[] = [];
        for (const issuer of ["pulumi", "github"] as const) {
            const choice = oidc[issuer];
            if (choice.use === "create") {
                const created = new aws.iam.OpenIdConnectProvider(
                    resourceNames[issuer],
                    {
                        url: issuer === "pulumi" ? PULUMI_OIDC_URL : GITHUB_OIDC_URL,
                        clientIdLists: audiences[issuer],
                        tags,
                    },
                    { parent: this, provider },
                );
                this.createdOidcProviders[issuer] = created;
                waitFor.push(created);
            } else if (choice.use === "shared") {
                waitFor.push(choice.provider);
            }
        }
        const role = new aws.iam.Role(
            `${name}-deploy-role`,
            {
                name: `${PROJECT}-deploy-${env.name}`,
                description: `Deploys the ${PROJECT} ${env.name} stack (Pulumi Deployments and GitHub Actions, OIDC)`,
                assumeRolePolicy: JSON.stringify(deployRoleTrustPolicy(config, env)),
                maxSessionDuration: MAX_SESSION_SECONDS,
                tags,
            },
            { parent: this, provider, dependsOn: waitFor },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-deploy-policy`,
            { role: role.name, name: "least-privilege", policy: JSON.stringify(deployRolePolicy(env)) },
            { parent: this, provider },
        );
        const access: pulumi.Resource[] = [];
        if (env.kubernetesAccessEntry) {
            const entry = new aws.eks.AccessEntry(
                `${name}-deploy-access`,
                { clusterName: env.clusterName, principalArn: role.arn, type: "STANDARD", tags },
                { parent: this, provider },
            );
            access.push(
                new aws.eks.AccessPolicyAssociation(
                    `${name}-deploy-cluster-admin`,
                    {
                        clusterName: env.clusterName,
                        principalArn: entry.principalArn,
                        policyArn: `arn:${env.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                        accessScope: { type: "cluster" },
                    },
                    { parent: this, provider },
                ),
            );
        }
        const settings = new pulumiservice.DeploymentSettings(
            `${name}-settings`,
            deploymentSettingsArgs(config, env, role.arn),
            { parent: this, dependsOn: [policy, ...access] },
        );

        this.roleArn = role.arn;
        this.deploymentSettingsId = settings.id;
        this.registerOutputs({ roleArn: this.roleArn, deploymentSettingsId: this.deploymentSettingsId });
    }
}
