import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { parseDeployConfig, type DeployConfig } from "../../deploy/config";
import { deployPipeline } from "../../deploy/program";
import { exampleDeployConfig, useDeployMocks, type DeployMocks, type ExistingProvider } from "./deploy-helpers";
import { resolve, runProgram } from "../fakes/mocks";

const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const PULUMI_URL = "https://api.pulumi.com/oidc";
const GITHUB_URL = "https://token.actions.githubusercontent.com";
const DEV_ACCOUNT = "111122223333";
const PROD_ACCOUNT = "444455556666";

/** The example config, with prod moved into dev's account when `oneAccount`. */
function deployConfig(oneAccount: boolean): DeployConfig {
    const raw = exampleDeployConfig();
    const environments = raw.environments as Record<string, Record<string, unknown>>;
    if (!oneAccount) return parseDeployConfig(raw);
    return parseDeployConfig({
        ...raw,
        environments: {
            ...environments,
            prod: {
                ...environments.prod,
                accountId: DEV_ACCOUNT,
                nodeRoleArns: [`arn:aws:iam::${DEV_ACCOUNT}:role/shop-prod-node-role`],
            },
        },
    });
}

interface Run {
    readonly mocks: DeployMocks;
    /** Per resource `<name>`: the names of what it depends on. */
    readonly dependsOn: Record<string, string[]>;
    readonly roleArns: Record<string, string>;
    readonly error?: unknown;
}

async function bootstrap(config: DeployConfig, existing: readonly ExistingProvider[] = []): Promise<Run> {
    const mocks = await useDeployMocks(existing);
    const dependsOn: Record<string, string[]> = {};
    let error: unknown;
    const roleArns: Record<string, string> = {};
    await runProgram(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const deps = ([] as unknown[]).concat(args.opts.dependsOn ?? []);
            dependsOn[args.name] = deps.map((r) => (r as { __name: string }).__name);
            return undefined;
        });
        try {
            const outputs = await deployPipeline(config);
            roleArns.dev = await resolve(outputs.roleArns.dev);
            roleArns.prod = await resolve(outputs.roleArns.prod);
        } catch (thrown) {
            error = thrown;
        }
        return {};
    });
    return { mocks, dependsOn, roleArns, ...(error !== undefined && { error }) };
}

function declaredOidc(mocks: DeployMocks): string[][] {
    return mocks.ofType(OIDC).map((p) => [p.name, p.inputs.url as string]);
}

describe("deploy: the Pulumi and GitHub OIDC providers are looked up, created only where missing", () => {
    it("looks both URLs up in each environment's account, through that environment's provider", async () => {
        const { mocks } = await bootstrap(deployConfig(false));
        expect(mocks.lookups).toStrictEqual([
            { account: DEV_ACCOUNT, url: PULUMI_URL },
            { account: DEV_ACCOUNT, url: GITHUB_URL },
            { account: PROD_ACCOUNT, url: PULUMI_URL },
            { account: PROD_ACCOUNT, url: GITHUB_URL },
        ]);
    });

    it("dev and prod in one account without providers: dev creates one of each, prod's role waits for them", async () => {
        const { mocks, dependsOn, roleArns } = await bootstrap(deployConfig(true));
        expect(declaredOidc(mocks)).toEqual([
            ["dev-pulumi-oidc", PULUMI_URL],
            ["dev-github-oidc", GITHUB_URL],
        ]);
        expect(dependsOn["prod-deploy-role"]).toEqual(["dev-pulumi-oidc", "dev-github-oidc"]);
        expect(dependsOn["dev-deploy-role"]).toEqual(["dev-pulumi-oidc", "dev-github-oidc"]);
        expect(roleArns).toStrictEqual({
            dev: `arn:aws:iam::${DEV_ACCOUNT}:role/eks-al2023-migration-deploy-dev`,
            prod: `arn:aws:iam::${DEV_ACCOUNT}:role/eks-al2023-migration-deploy-prod`,
        });
        const trust = JSON.parse(
            mocks.resource("aws:iam/role:Role", "prod-deploy-role").inputs.assumeRolePolicy as string,
        ) as { Statement: { Principal: { Federated: string } }[] };
        expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([
            `arn:aws:iam::${DEV_ACCOUNT}:oidc-provider/api.pulumi.com/oidc`,
            `arn:aws:iam::${DEV_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        ]);
    });

    it("an account that already has providers (created elsewhere): they are referenced, none is created", async () => {
        const existing = [
            { account: PROD_ACCOUNT, url: PULUMI_URL, clientIdLists: ["acme", "other-org"] },
            { account: PROD_ACCOUNT, url: GITHUB_URL, clientIdLists: ["sts.amazonaws.com"], tags: { team: "ci" } },
        ];
        const { mocks, dependsOn } = await bootstrap(deployConfig(false), existing);
        expect(declaredOidc(mocks)).toEqual([
            ["dev-pulumi-oidc", PULUMI_URL],
            ["dev-github-oidc", GITHUB_URL],
        ]);
        expect(dependsOn["prod-deploy-role"]).toEqual([]);
        const trust = JSON.parse(
            mocks.resource("aws:iam/role:Role", "prod-deploy-role").inputs.assumeRolePolicy as string,
        ) as { Statement: { Principal: { Federated: string } }[] };
        expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([
            `arn:aws:iam::${PROD_ACCOUNT}:oidc-provider/api.pulumi.com/oidc`,
            `arn:aws:iam::${PROD_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        ]);
    });

    it("a provider this bootstrap created (tagged with its project and environment) stays declared on the next run", async () => {
        const own = { "pulumi:project": "eks-al2023-migration", "pulumi:stack": "dev" };
        const existing = [
            { account: DEV_ACCOUNT, url: PULUMI_URL, clientIdLists: ["acme"], tags: own },
            { account: DEV_ACCOUNT, url: GITHUB_URL, clientIdLists: ["sts.amazonaws.com"], tags: own },
        ];
        const { mocks, dependsOn } = await bootstrap(deployConfig(true), existing);
        expect(declaredOidc(mocks)).toEqual([
            ["dev-pulumi-oidc", PULUMI_URL],
            ["dev-github-oidc", GITHUB_URL],
        ]);
        expect(mocks.resource(OIDC, "dev-pulumi-oidc").inputs).toStrictEqual({
            url: PULUMI_URL,
            clientIdLists: ["acme"],
            tags: own,
        });
        expect(dependsOn["prod-deploy-role"]).toEqual(["dev-pulumi-oidc", "dev-github-oidc"]);
    });

    it("refuses an existing provider that does not accept the deploy tokens' audience, before declaring anything", async () => {
        const existing = [{ account: PROD_ACCOUNT, url: PULUMI_URL, clientIdLists: ["other-org"] }];
        const { mocks, error } = await bootstrap(deployConfig(false), existing);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
            "environments.prod.accountId: the IAM OIDC provider for https://api.pulumi.com/oidc in account " +
                "444455556666 (arn:aws:iam::444455556666:oidc-provider/api.pulumi.com/oidc, not created by this " +
                'bootstrap) does not accept the audience "acme" (it has ["other-org"]); add it: aws iam ' +
                "add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn " +
                "arn:aws:iam::444455556666:oidc-provider/api.pulumi.com/oidc --client-id acme",
        ]);
        expect(mocks.ofType(OIDC)).toEqual([]);
        expect(mocks.ofType("aws:iam/role:Role")).toEqual([]);
    });

    it("a lookup that fails for another reason (access denied) fails the run instead of creating a duplicate", async () => {
        const mocks = await useDeployMocks(
            [],
            "finding IAM OIDC Provider by url (https://api.pulumi.com/oidc): AccessDenied: not authorized",
        );
        let error: unknown;
        await runProgram(async () => {
            try {
                await deployPipeline(deployConfig(false));
            } catch (thrown) {
                error = thrown;
            }
            return {};
        });
        expect(String(error)).toMatch(/AccessDenied: not authorized/);
        expect(mocks.ofType(OIDC)).toEqual([]);
    });
});
