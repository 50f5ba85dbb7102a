import { PROJECT } from "../common/project";
import type { DeployConfig, EnvironmentConfig } from "./config";

/** Pulumi Cloud's OIDC issuer: Deployments tokens are signed by it. */
export const PULUMI_OIDC_URL = "https://api.pulumi.com/oidc";
/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` requests for its GitHub token. */
export const GITHUB_AWS_AUDIENCE = "sts.amazonaws.com";

/**
 * The Deployments operations a deploy role may run. `destroy` is left out on purpose: tearing a node pool stack down
 * is a platform-team action with their own credentials, never a merge.
 */
export const DEPLOYMENT_OPERATIONS = ["preview", "update", "refresh"] as const;

/** The GitHub environment whose required reviewers approve `pulumi up` on prod (deploy.yml). */
export const GITHUB_PROD_ENVIRONMENT = "production";

/** An IAM policy document (identity or trust policy). */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** One IAM policy statement, as IAM spells it. */
export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal?: { readonly Federated: string };
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The IAM OIDC provider ARN for an issuer URL in an account. */
export function oidcProviderArn(env: EnvironmentConfig, issuerUrl: string): string {
    return `arn:${env.partition}:iam::${env.accountId}:oidc-provider/${issuerUrl.replace(/^https:\/\//, "")}`;
}

/**
 * The `sub` claims of Pulumi Deployments tokens for one stack, one per allowed operation:
 * `pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<op>:scope:write` (Pulumi docs, Deployments OIDC
 * for AWS). Listed exactly, so no wildcard is needed in the trust.
 */
export function pulumiDeploymentSubjects(organization: string, stack: string): string[] {
    return DEPLOYMENT_OPERATIONS.map(
        (operation) =>
            `pulumi:deploy:org:${organization}:project:${PROJECT}:stack:${stack}:operation:${operation}:scope:write`,
    );
}

/**
 * The `sub` claims of the GitHub Actions jobs allowed to assume an environment's role: pull-request previews (both
 * environments), `pulumi up` on dev from a push to the branch, and `pulumi up` on prod only from a job running in the
 * `production` GitHub environment (which carries the required approval). GitHub does not give fork pull requests an
 * id-token, so `pull_request` means same-repository branches.
 */
export function githubActionsSubjects(repository: string, branch: string, env: EnvironmentConfig): string[] {
    const deploy =
        env.name === "prod"
            ? `repo:${repository}:environment:${GITHUB_PROD_ENVIRONMENT}`
            : `repo:${repository}:ref:refs/heads/${branch}`;
    return [`repo:${repository}:pull_request`, deploy];
}

/**
 * The trust policy of an environment's deploy role: Pulumi Deployments of exactly this organization/project/stack
 * (audience = the organization name, as Deployments OIDC sends it), and the GitHub Actions jobs of this repository
 * (audience `sts.amazonaws.com`). Every condition is `StringEquals` on exact values.
 */
export function deployRoleTrustPolicy(
    source: Pick<DeployConfig, "organization" | "repository" | "branch">,
    env: EnvironmentConfig,
): PolicyDocument {
    const { organization, repository, branch } = source;
    const pulumiIssuer = PULUMI_OIDC_URL.replace(/^https:\/\//, "");
    const githubIssuer = GITHUB_OIDC_URL.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PulumiDeployments",
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn(env, PULUMI_OIDC_URL) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${pulumiIssuer}:aud`]: organization,
                        [`${pulumiIssuer}:sub`]: pulumiDeploymentSubjects(organization, env.name),
                    },
                },
            },
            {
                Sid: "GitHubActions",
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn(env, GITHUB_OIDC_URL) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${githubIssuer}:aud`]: GITHUB_AWS_AUDIENCE,
                        [`${githubIssuer}:sub`]: githubActionsSubjects(repository, branch, env),
                    },
                },
            },
        ],
    };
}
