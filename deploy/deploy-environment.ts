import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { PROJECT, TYPE_TOKENS } from "../common/project";
import type { DeployConfig, EnvironmentConfig } from "./config";
import { deployRolePolicy } from "./permissions";
import { MAX_SESSION_SECONDS, deploymentSettingsArgs } from "./settings";
import { GITHUB_AWS_AUDIENCE, GITHUB_OIDC_URL, PULUMI_OIDC_URL, deployRoleTrustPolicy } from "./trust";

/** Arguments of a DeployEnvironment. */
export interface DeployEnvironmentArgs {
    /** The validated deploy config (organization, repository, branch). */
    readonly config: DeployConfig;
    /** The environment (migration stack) to wire up. */
    readonly environment: EnvironmentConfig;
}

/**
 * Everything one migration stack needs to be deployed without keys: in its AWS account, the Pulumi and GitHub OIDC
 * providers and a deploy role trusting exactly this stack's Deployments and this repository's workflow jobs, with the
 * least-privilege policy inline, and (by default) an EKS access entry so the role can cordon and drain nodes; in Pulumi
 * Cloud, the stack's Deployments settings using that role.
 */
export class DeployEnvironment extends pulumi.ComponentResource {
    /** ARN of the deploy role (set it as the GitHub variable `AWS_ROLE_ARN_<ENV>`). */
    public readonly roleArn: pulumi.Output<string>;
    /** Id of the stack's Deployments settings (`<org>/<project>/<stack>`). */
    public readonly deploymentSettingsId: pulumi.Output<string>;

    constructor(name: string, args: DeployEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.DeployEnvironment, name, {}, opts);
        const { config, environment: env } = args;

        const provider = new aws.Provider(
            `${name}-aws`,
            {
                region: env.region as aws.Region,
                allowedAccountIds: [env.accountId],
                ...(env.bootstrapRoleArn === undefined
                    ? {}
                    : { assumeRoles: [{ roleArn: env.bootstrapRoleArn, sessionName: `${PROJECT}-bootstrap` }] }),
            },
            { parent: this },
        );
        const tags = { "pulumi:project": PROJECT, "pulumi:stack": env.name };
        const pulumiOidc = new aws.iam.OpenIdConnectProvider(
            `${name}-pulumi-oidc`,
            { url: PULUMI_OIDC_URL, clientIdLists: [config.organization], tags },
            { parent: this, provider },
        );
        const githubOidc = new aws.iam.OpenIdConnectProvider(
            `${name}-github-oidc`,
            { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_AWS_AUDIENCE], tags },
            { parent: this, provider },
        );
        const role = new aws.iam.Role(
            `${name}-deploy-role`,
            {
                name: `${PROJECT}-deploy-${env.name}`,
                description: `Deploys the ${PROJECT} ${env.name} stack (Pulumi Deployments and GitHub Actions, OIDC)`,
                assumeRolePolicy: JSON.stringify(deployRoleTrustPolicy(config, env)),
                maxSessionDuration: MAX_SESSION_SECONDS,
                tags,
            },
            { parent: this, provider, dependsOn: [pulumiOidc, githubOidc] },
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
