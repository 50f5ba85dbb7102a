import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { ENVIRONMENTS, type DeployConfig, type EnvironmentName } from "./config";
import { DeployEnvironment, type OidcProviderChoice } from "./deploy-environment";
import { getOidcProvider, planOidcProviders, type OidcProviderLookup } from "./oidc-providers";
import { guardrailsPolicyGroupArgs } from "./policy-group";
import { GITHUB_OIDC_URL, githubActionsSubjects } from "./trust";

/** What the bootstrap exports, per environment. */
export interface DeployPipelineOutputs {
    /** The deploy roles, for the GitHub variables `AWS_ROLE_ARN_<ENV>`. */
    readonly roleArns: Record<EnvironmentName, pulumi.Output<string>>;
    /** The Deployments settings ids (`<org>/<project>/<stack>`). */
    readonly deploymentSettings: Record<EnvironmentName, pulumi.Output<string>>;
}

/**
 * Registers GitHub Actions as a trusted OIDC issuer of the Pulumi organization, so `pulumi/auth-actions` can swap a
 * workflow's GitHub token for a short-lived organization token: only for this repository's previews, merges to the
 * branch, and jobs in the `production` environment (the same subjects the AWS roles trust).
 */
export function githubIssuerArgs(config: DeployConfig): pulumiservice.OidcIssuerArgs {
    const subjects = [
        ...new Set(
            ENVIRONMENTS.flatMap((name) =>
                githubActionsSubjects(config.repository, config.branch, config.environments[name]),
            ),
        ),
    ].sort();
    return {
        organization: config.organization,
        name: `github-${config.repository.replace("/", "-")}`,
        url: GITHUB_OIDC_URL,
        maxExpirationSeconds: 7200,
        policies: subjects.map((sub) => ({
            decision: "allow",
            tokenType: "organization",
            authorizedPermissions: ["standard"],
            rules: { sub },
        })),
    };
}

/**
 * Declares the whole bootstrap: one DeployEnvironment per migration stack, the GitHub issuer in Pulumi Cloud, and the
 * policy group that enforces the guardrails pack on the migration stacks. Each account's Pulumi and GitHub OIDC
 * providers are looked up first (`lookup`, through the environment's AWS provider) and created only where the
 * account has none, once per account (see planOidcProviders).
 */
export async function deployPipeline(
    config: DeployConfig,
    lookup: OidcProviderLookup = getOidcProvider,
): Promise<DeployPipelineOutputs> {
    new pulumiservice.OidcIssuer("github-actions", githubIssuerArgs(config));
    new pulumiservice.PolicyGroup("guardrails", guardrailsPolicyGroupArgs(config));
    const environments = {} as Record<EnvironmentName, DeployEnvironment>;
    for (const name of ENVIRONMENTS) {
        environments[name] = new DeployEnvironment(name, { config, environment: config.environments[name] });
    }
    const found = {} as Record<EnvironmentName, Awaited<ReturnType<DeployEnvironment["lookUpOidcProviders"]>>>;
    for (const name of ENVIRONMENTS) found[name] = await environments[name].lookUpOidcProviders(lookup);
    const plans = planOidcProviders(config, found);
    const roleArns = {} as Record<EnvironmentName, pulumi.Output<string>>;
    const deploymentSettings = {} as Record<EnvironmentName, pulumi.Output<string>>;
    for (const name of ENVIRONMENTS) {
        const choice = {} as Record<"pulumi" | "github", OidcProviderChoice["pulumi"]>;
        for (const issuer of ["pulumi", "github"] as const) {
            const use = plans[name][issuer];
            choice[issuer] =
                use.use === "shared"
                    ? { use: "shared", provider: environments[use.with].createdOidcProviders[issuer]! }
                    : use;
        }
        environments[name].declare(choice);
        roleArns[name] = environments[name].roleArn;
        deploymentSettings[name] = environments[name].deploymentSettingsId;
    }
    return { roleArns, deploymentSettings };
}
