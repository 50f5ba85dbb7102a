import * as aws from "@pulumi/aws";
import { PROJECT } from "../common/project";
import { ConfigError } from "../common/config-error";
import { ENVIRONMENTS, type DeployConfig, type EnvironmentName } from "./config";
import { GITHUB_AWS_AUDIENCE, GITHUB_OIDC_URL, PULUMI_OIDC_URL, oidcProviderArn } from "./trust";

/** The two issuers every deploy role trusts; IAM holds at most one OIDC provider per URL per account. */
export const DEPLOY_ISSUERS = { pulumi: PULUMI_OIDC_URL, github: GITHUB_OIDC_URL } as const;

/** Which issuer: Pulumi Deployments or GitHub Actions. */
export type DeployIssuer = keyof typeof DEPLOY_ISSUERS;

/** An IAM OIDC provider that exists in the account (`aws.iam.getOpenIdConnectProvider`'s result, the fields read). */
export interface ExistingOidcProvider {
    readonly arn: string;
    readonly clientIdLists: readonly string[];
    readonly tags: Readonly<Record<string, string>>;
}

/** Looks an IAM OIDC provider up by URL with one environment's AWS provider; undefined when the account has none. */
export type OidcProviderLookup = (args: {
    readonly url: string;
    readonly provider: aws.Provider;
}) => Promise<ExistingOidcProvider | undefined>;

/**
 * What the AWS provider's data source answers when the account has no provider for the URL
 * (`finding IAM OIDC Provider by url (<url>): not found`), or IAM's own NoSuchEntity. The Pulumi AWS provider has no
 * data source that lists OIDC providers, so absence is read from this error; every other error (access denied,
 * throttling) fails the run rather than be taken for absence.
 */
const ABSENT = /IAM OIDC Provider by url \([^)]*\): not found|NoSuchEntity/;

/** `aws.iam.getOpenIdConnectProvider({url})` through the environment's provider; absent only on ABSENT. */
export const getOidcProvider: OidcProviderLookup = async ({ url, provider }) => {
    try {
        const found = await aws.iam.getOpenIdConnectProvider({ url }, { provider });
        return { arn: found.arn, clientIdLists: found.clientIdLists, tags: found.tags };
    } catch (error) {
        if (ABSENT.test(String(error instanceof Error ? error.message : error))) return undefined;
        throw error;
    }
};

/**
 * How one environment gets the provider of one issuer:
 * - `create`: it declares the provider (none exists, or the one that exists is the one it created: tagged with this
 *   project and environment, as `create` tags it, so it stays in the stack);
 * - `shared`: an earlier environment in the same account declares it (dev and prod in one account need one);
 * - `existing`: the account has one this bootstrap did not create: referenced by ARN, never created or changed.
 */
export type OidcProviderUse =
    | { readonly use: "create" }
    | { readonly use: "shared"; readonly with: EnvironmentName }
    | { readonly use: "existing"; readonly arn: string };

/** The tags a created deploy OIDC provider carries: how a later run knows it is the stack's own. */
export function deployOidcTags(environment: EnvironmentName): Record<string, string> {
    return { "pulumi:project": PROJECT, "pulumi:stack": environment };
}

/** The audience each issuer's tokens carry: the Pulumi organization, and `sts.amazonaws.com` for GitHub. */
function audience(config: DeployConfig, issuer: DeployIssuer): string {
    return issuer === "pulumi" ? config.organization : GITHUB_AWS_AUDIENCE;
}

/**
 * Decides, per environment and issuer, whether to create, share or reference the provider, from what each
 * environment's account holds (`found`, looked up before anything is declared). Environments are taken in order (dev,
 * then prod): the first one in an account creates a missing provider, the next shares it. Throws a ConfigError when a
 * provider that exists does not accept the audience the deploy role's tokens carry.
 */
export function planOidcProviders(
    config: DeployConfig,
    found: Readonly<Record<EnvironmentName, Readonly<Record<DeployIssuer, ExistingOidcProvider | undefined>>>>,
): Record<EnvironmentName, Record<DeployIssuer, OidcProviderUse>> {
    const problems: string[] = [];
    const creator = new Map<string, EnvironmentName>();
    const plans = {} as Record<EnvironmentName, Record<DeployIssuer, OidcProviderUse>>;
    for (const name of ENVIRONMENTS) {
        const env = config.environments[name];
        const plan = {} as Record<DeployIssuer, OidcProviderUse>;
        for (const issuer of Object.keys(DEPLOY_ISSUERS) as DeployIssuer[]) {
            const url = DEPLOY_ISSUERS[issuer];
            const key = oidcProviderArn(env, url);
            const existing = found[name][issuer];
            const owner = creator.get(key);
            const ownTags = deployOidcTags(owner ?? name);
            if (owner !== undefined) {
                plan[issuer] = { use: "shared", with: owner };
            } else if (
                existing === undefined ||
                Object.entries(ownTags).every(([tag, value]) => existing.tags[tag] === value)
            ) {
                plan[issuer] = { use: "create" };
                creator.set(key, name);
            } else {
                if (!existing.clientIdLists.includes(audience(config, issuer))) {
                    problems.push(
                        `environments.${name}.accountId: the IAM OIDC provider for ${url} in account ${env.accountId} ` +
                            `(${existing.arn}, not created by this bootstrap) does not accept the audience ` +
                            `"${audience(config, issuer)}" (it has ${JSON.stringify(existing.clientIdLists)}); add it: ` +
                            `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ` +
                            `${existing.arn} --client-id ${audience(config, issuer)}`,
                    );
                }
                plan[issuer] = { use: "existing", arn: existing.arn };
            }
        }
        plans[name] = plan;
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return plans;
}
