import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../common/config-error";
import { parseDeployConfig, readDeployConfig } from "../../deploy/config";
import { deployPipeline } from "../../deploy/program";
import { deployRolePolicy } from "../../deploy/permissions";
import { MAX_SESSION_SECONDS, SESSION_DURATION } from "../../deploy/settings";
import { deployRoleTrustPolicy } from "../../deploy/trust";
import { exampleDeployConfig, useDeployMocks, workflow } from "./deploy-helpers";
import { resolve, ROOT, runProgram } from "../fakes/mocks";

const SETTINGS = "pulumiservice:index:DeploymentSettings";
const PROGRAM_PATHS = (stack: string) => [
    "index.ts",
    "program/**",
    "config/**",
    "common/**",
    "nodes/**",
    "cutover/**",
    "identity/**",
    "rehearsal/**",
    "preflight/**",
    "Pulumi.yaml",
    `Pulumi.${stack}.yaml`,
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "pulumi-main.js",
    "build-freshness.js",
];

async function evaluate() {
    const mocks = await useDeployMocks();
    const config = parseDeployConfig(exampleDeployConfig());
    const outputs = await runProgram(async () => {
        const { roleArns, deploymentSettings } = await deployPipeline(config);
        return {
            dev: await resolve(roleArns.dev),
            prod: await resolve(roleArns.prod),
            settings: [await resolve(deploymentSettings.dev), await resolve(deploymentSettings.prod)],
        };
    });
    return { mocks, config, outputs };
}

describe("deploy program under mocks", () => {
    it("exports each environment's deploy role ARN in its own account", async () => {
        const { outputs } = await evaluate();
        expect(outputs).toStrictEqual({
            dev: "arn:aws:iam::111122223333:role/eks-al2023-migration-deploy-dev",
            prod: "arn:aws:iam::444455556666:role/eks-al2023-migration-deploy-prod",
            settings: ["dev-settings-id", "prod-settings-id"],
        });
    });

    it("declares dev's DeploymentSettings: deploy every merge to main, preview PRs, keyless AWS", async () => {
        const { mocks } = await evaluate();
        expect(mocks.resource(SETTINGS, "dev-settings").inputs).toStrictEqual({
            organization: "acme",
            project: "eks-al2023-migration",
            stack: "dev",
            sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
            vcs: {
                provider: "github",
                repository: "acme/eks-al2023-migration",
                deployCommits: true,
                previewPullRequests: true,
                pullRequestTemplate: false,
                paths: PROGRAM_PATHS("dev"),
            },
            operationContext: {
                preRunCommands: ["npm ci"],
                options: { skipInstallDependencies: true, skipIntermediateDeployments: true },
                oidc: {
                    aws: {
                        roleARN: "arn:aws:iam::111122223333:role/eks-al2023-migration-deploy-dev",
                        sessionName: "pulumi-deploy-eks-al2023-migration-dev",
                        duration: "2h0m0s",
                    },
                },
            },
            cacheOptions: { enable: true },
        });
    });

    it("declares prod's DeploymentSettings: previews PRs but never deploys on merge, prod role", async () => {
        const { mocks } = await evaluate();
        const inputs = mocks.resource(SETTINGS, "prod-settings").inputs as {
            stack: string;
            vcs: Record<string, unknown>;
            operationContext: { oidc: { aws: { roleARN: string } }; preRunCommands: string[] };
        };
        expect(inputs.stack).toBe("prod");
        expect(inputs.vcs).toStrictEqual({
            provider: "github",
            repository: "acme/eks-al2023-migration",
            deployCommits: false,
            previewPullRequests: true,
            pullRequestTemplate: false,
            paths: PROGRAM_PATHS("prod"),
        });
        expect(inputs.operationContext.oidc.aws.roleARN).toBe(
            "arn:aws:iam::444455556666:role/eks-al2023-migration-deploy-prod",
        );
        expect(inputs.operationContext.preRunCommands).toStrictEqual(["npm ci"]);
        // Path filters exclude the bootstrap, tests, docs and the other stack's config.
        expect(inputs.vcs.paths).not.toContain("Pulumi.dev.yaml");
        expect((inputs.vcs.paths as string[]).some((p) => p.startsWith("deploy") || p.startsWith("tests"))).toBe(false);
    });

    it("uses the deprecated `github` block nowhere and stores no credential in the settings", async () => {
        const { mocks } = await evaluate();
        for (const settings of mocks.ofType(SETTINGS)) {
            expect(settings.inputs.github).toBeUndefined();
            expect(JSON.stringify(settings.inputs)).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secret/i);
        }
    });

    it("creates the Pulumi and GitHub OIDC providers and the role in each environment's account", async () => {
        const { mocks, config } = await evaluate();
        const providers = mocks.ofType("pulumi:providers:aws");
        expect(
            providers.map((p) => [p.name, JSON.parse(p.inputs.allowedAccountIds as string), p.inputs.region]),
        ).toStrictEqual([
            ["dev-aws", ["111122223333"], "eu-west-1"],
            ["prod-aws", ["444455556666"], "eu-west-1"],
        ]);
        expect(providers.map((p) => p.inputs.assumeRoles)).toStrictEqual([undefined, undefined]);
        const oidc = mocks.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        expect(oidc.map((p) => [p.name, p.inputs.url, p.inputs.clientIdLists])).toStrictEqual([
            ["dev-pulumi-oidc", "https://api.pulumi.com/oidc", ["acme"]],
            ["dev-github-oidc", "https://token.actions.githubusercontent.com", ["sts.amazonaws.com"]],
            ["prod-pulumi-oidc", "https://api.pulumi.com/oidc", ["acme"]],
            ["prod-github-oidc", "https://token.actions.githubusercontent.com", ["sts.amazonaws.com"]],
        ]);
        for (const env of [config.environments.dev, config.environments.prod]) {
            const role = mocks.resource("aws:iam/role:Role", `${env.name}-deploy-role`).inputs;
            expect(role.name).toBe(`eks-al2023-migration-deploy-${env.name}`);
            expect(role.maxSessionDuration).toBe(MAX_SESSION_SECONDS);
            expect(JSON.parse(role.assumeRolePolicy as string)).toStrictEqual(
                deployRoleTrustPolicy(
                    { organization: "acme", repository: "acme/eks-al2023-migration", branch: "main" },
                    env,
                ),
            );
            const policy = mocks.resource("aws:iam/rolePolicy:RolePolicy", `${env.name}-deploy-policy`).inputs;
            expect(policy.role).toBe(`eks-al2023-migration-deploy-${env.name}`);
            expect(JSON.parse(policy.policy as string)).toStrictEqual(deployRolePolicy(env));
        }
    });

    it("lets every deployment session last the whole 2 hours the deploy role allows (drains are capped below)", () => {
        const [, hours, minutes, seconds] = /^(\d+)h(\d+)m(\d+)s$/.exec(SESSION_DURATION)!.map(Number);
        expect(hours * 3600 + minutes * 60 + seconds).toBe(MAX_SESSION_SECONDS);
        expect(MAX_SESSION_SECONDS).toBe(7200);
        const jobs = workflow("deploy.yml").jobs as Record<string, { steps: { with?: Record<string, unknown> }[] }>;
        const durations = Object.values(jobs)
            .flatMap((job) => job.steps.map((step) => step.with?.["role-duration-seconds"]))
            .filter((duration) => duration !== undefined);
        expect(durations).toStrictEqual([MAX_SESSION_SECONDS, MAX_SESSION_SECONDS]);
    });

    it("gives each deploy role cluster-admin Kubernetes access through an EKS access entry", async () => {
        const { mocks } = await evaluate();
        expect(mocks.ofType("aws:eks/accessEntry:AccessEntry").map((e) => [e.name, e.inputs])).toStrictEqual([
            [
                "dev-deploy-access",
                {
                    clusterName: "shop-dev",
                    principalArn: "arn:aws:iam::111122223333:role/eks-al2023-migration-deploy-dev",
                    type: "STANDARD",
                    tags: { "pulumi:project": "eks-al2023-migration", "pulumi:stack": "dev" },
                },
            ],
            [
                "prod-deploy-access",
                {
                    clusterName: "shop-prod",
                    principalArn: "arn:aws:iam::444455556666:role/eks-al2023-migration-deploy-prod",
                    type: "STANDARD",
                    tags: { "pulumi:project": "eks-al2023-migration", "pulumi:stack": "prod" },
                },
            ],
        ]);
        expect(
            mocks.resource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "prod-deploy-cluster-admin")
                .inputs,
        ).toStrictEqual({
            clusterName: "shop-prod",
            principalArn: "arn:aws:iam::444455556666:role/eks-al2023-migration-deploy-prod",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
        });
    });

    it("enforces the published guardrails pack on both migration stacks, preventatively", async () => {
        const { mocks } = await evaluate();
        expect(mocks.resource("pulumiservice:index:PolicyGroup", "guardrails").inputs).toStrictEqual({
            name: "eks-al2023-migration-stacks",
            organizationName: "acme",
            entityType: "stacks",
            mode: "preventative",
            stacks: [
                { name: "dev", routingProject: "eks-al2023-migration" },
                { name: "prod", routingProject: "eks-al2023-migration" },
            ],
            policyPacks: [{ name: "eks-al2023-migration-guardrails" }],
        });
        // The name policy/index.ts publishes the pack under.
        const pack = fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8");
        expect(pack).toContain('new PolicyPack("eks-al2023-migration-guardrails", {');
    });

    it("registers GitHub Actions as an OIDC issuer for exactly this repository's jobs", async () => {
        const { mocks } = await evaluate();
        expect(mocks.resource("pulumiservice:index:OidcIssuer", "github-actions").inputs).toStrictEqual({
            organization: "acme",
            name: "github-acme-eks-al2023-migration",
            url: "https://token.actions.githubusercontent.com",
            maxExpirationSeconds: 7200,
            policies: [
                "repo:acme/eks-al2023-migration:environment:production",
                "repo:acme/eks-al2023-migration:pull_request",
                "repo:acme/eks-al2023-migration:ref:refs/heads/main",
            ].map((sub) => ({
                decision: "allow",
                tokenType: "organization",
                authorizedPermissions: ["standard"],
                rules: { sub },
            })),
        });
    });
});

describe("bootstrap credentials", () => {
    it("assumes the platform team's bootstrap role in an account when one is configured", async () => {
        const mocks = await useDeployMocks();
        const raw = exampleDeployConfig();
        const environments = raw.environments as Record<string, Record<string, unknown>>;
        const bootstrapRoleArn = "arn:aws:iam::444455556666:role/platform-bootstrap";
        const config = parseDeployConfig({
            ...raw,
            environments: { ...environments, prod: { ...environments.prod, bootstrapRoleArn } },
        });
        await runProgram(async () => ({ role: await resolve((await deployPipeline(config)).roleArns.prod) }));
        const providers = mocks.ofType("pulumi:providers:aws");
        expect(providers.map((p) => p.inputs.assumeRoles)).toStrictEqual([
            undefined,
            JSON.stringify([{ roleArn: bootstrapRoleArn, sessionName: "eks-al2023-migration-bootstrap" }]),
        ]);
    });

    it("leaves Kubernetes access to the platform team when kubernetesAccessEntry is false", async () => {
        const mocks = await useDeployMocks();
        const raw = exampleDeployConfig();
        const environments = raw.environments as Record<string, Record<string, unknown>>;
        const config = parseDeployConfig({
            ...raw,
            environments: { ...environments, dev: { ...environments.dev, kubernetesAccessEntry: false } },
        });
        await runProgram(async () => {
            const { deploymentSettings } = await deployPipeline(config);
            return { settings: [await resolve(deploymentSettings.dev), await resolve(deploymentSettings.prod)] };
        });
        expect(mocks.ofType("aws:eks/accessEntry:AccessEntry").map((e) => e.name)).toStrictEqual([
            "prod-deploy-access",
        ]);
    });
});

describe("deploy config", () => {
    it("reads the example stack config into the typed object", () => {
        expect(parseDeployConfig(exampleDeployConfig())).toStrictEqual({
            organization: "acme",
            repository: "acme/eks-al2023-migration",
            branch: "main",
            environments: {
                dev: {
                    name: "dev",
                    accountId: "111122223333",
                    region: "eu-west-1",
                    partition: "aws",
                    clusterName: "shop-dev",
                    roleNamePrefix: "shop-dev-",
                    createClusterOidcProvider: false,
                    kubernetesAccessEntry: true,
                    nodeRoleArns: ["arn:aws:iam::111122223333:role/shop-dev-node-role"],
                },
                prod: {
                    name: "prod",
                    accountId: "444455556666",
                    region: "eu-west-1",
                    partition: "aws",
                    clusterName: "shop-prod",
                    roleNamePrefix: "shop-prod-",
                    createClusterOidcProvider: false,
                    kubernetesAccessEntry: true,
                    nodeRoleArns: ["arn:aws:iam::444455556666:role/shop-prod-node-role"],
                },
            },
        });
    });

    it("reads the config through pulumi.Config (objects arrive as JSON text)", async () => {
        await useDeployMocks();
        const raw = exampleDeployConfig();
        pulumi.runtime.setAllConfig({
            "eks-al2023-migration-deploy:organization": raw.organization as string,
            "eks-al2023-migration-deploy:repository": raw.repository as string,
            "eks-al2023-migration-deploy:environments": JSON.stringify(raw.environments),
        });
        expect(readDeployConfig()).toStrictEqual(parseDeployConfig(raw));
    });

    it("names the key, the bad value and what is allowed for every problem, and declares nothing", async () => {
        const mocks = await useDeployMocks();
        const raw = exampleDeployConfig();
        const bad = {
            ...raw,
            organization: "acme corp",
            repository: "eks-al2023-migration",
            environments: {
                dev: { accountId: 111122223333, region: "Europe", clusterName: "shop-dev" },
                prod: { accountId: "4444", region: "eu-west-1", clusterName: "shop-prod", roleNamePrfix: "x" },
            },
        };
        let error: unknown;
        await runProgram(async () => {
            try {
                await deployPipeline(parseDeployConfig(bad));
            } catch (e) {
                error = e;
            }
            return {};
        });
        expect(error).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        expect(problems).toStrictEqual([
            expect.stringMatching(/^organization: "acme corp" is not allowed; expected a Pulumi organization name/),
            expect.stringMatching(
                /^repository: "eks-al2023-migration" is not allowed; expected a GitHub repository as owner\/name/,
            ),
            expect.stringMatching(
                /^environments\.dev\.accountId: 111122223333 is not allowed; a 12-digit AWS account id in quotes/,
            ),
            expect.stringMatching(/^environments\.dev\.region: "Europe" is not allowed; expected an AWS region/),
            expect.stringMatching(
                /^environments\.prod\.roleNamePrfix: unknown key \(did you mean "roleNamePrefix"\?\)/,
            ),
            expect.stringMatching(
                /^environments\.prod\.accountId: "4444" is not allowed; expected a 12-digit AWS account id/,
            ),
        ]);
        expect(mocks.resources).toStrictEqual([]);
    });

    it("checks that nodeRoleArns are role ARNs of the environment's own account and partition", () => {
        const raw = exampleDeployConfig();
        const environments = raw.environments as Record<string, Record<string, unknown>>;
        const withNodeRoles = (dev: unknown, prod: unknown) => ({
            ...raw,
            environments: {
                dev: { ...environments.dev, nodeRoleArns: dev },
                prod: { ...environments.prod, nodeRoleArns: prod },
            },
        });
        const eksctl = "arn:aws:iam::111122223333:role/eksctl-shop-dev-nodegroup-ng-1-NodeInstanceRole-1A2B3C4D5E6F";
        expect(parseDeployConfig(withNodeRoles([eksctl], undefined)).environments).toMatchObject({
            dev: { nodeRoleArns: [eksctl] },
            prod: { nodeRoleArns: [] },
        });
        let error: unknown;
        try {
            parseDeployConfig(
                withNodeRoles(
                    ["arn:aws:iam::444455556666:role/shop-prod-node-role", "shop-dev-node-role"],
                    ["arn:aws-cn:iam::444455556666:role/shop-prod-node-role"],
                ),
            );
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toStrictEqual([
            expect.stringMatching(
                /^environments\.dev\.nodeRoleArns\[1\]: "shop-dev-node-role" is not allowed; expected an IAM role ARN/,
            ),
            'environments.dev.nodeRoleArns[0]: "arn:aws:iam::444455556666:role/shop-prod-node-role" is not ' +
                "allowed; expected a role of this environment's account: arn:aws:iam::111122223333:role/<name>",
            'environments.prod.nodeRoleArns[0]: "arn:aws-cn:iam::444455556666:role/shop-prod-node-role" is not ' +
                "allowed; expected a role of this environment's account: arn:aws:iam::444455556666:role/<name>",
        ]);
    });

    it("requires both environments", () => {
        const raw = exampleDeployConfig();
        expect(() =>
            parseDeployConfig({ ...raw, environments: { dev: (raw.environments as Record<string, unknown>).dev } }),
        ).toThrow(/environments\.prod: is required/);
    });
});
