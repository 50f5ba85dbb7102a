import type * as pulumi from "@pulumi/pulumi";
import type * as pulumiservice from "@pulumi/pulumiservice";
import { PROJECT } from "../common/project";
import type { DeployConfig, EnvironmentConfig } from "./config";
import programBuild from "../tsconfig.build.json";

/**
 * The repository files that make up the migration program: a merge that touches none of them deploys nothing.
 * Only the stack's own `Pulumi.<stack>.yaml` counts, so a prod config change does not redeploy dev and vice versa.
 * Left out on purpose: `deploy/` (this bootstrap), `tests/`, `plan/`, `facts/`, docs, `.github/`.
 */
export function programPaths(stack: string): string[] {
    return [
        // What `npm run build` compiles: `index.ts` and each program folder (`<folder>/**/*.ts` → `<folder>/**`).
        ...programBuild.include.map((pattern) => pattern.replace(/\/\*\*\/\*\.ts$/, "/**")),
        "Pulumi.yaml",
        `Pulumi.${stack}.yaml`,
        "package.json",
        "package-lock.json",
        "tsconfig.json",
        "tsconfig.build.json",
        "pulumi-main.js",
        "build-freshness.js",
    ];
}

/**
 * How long a deployment's AWS session lasts. The longest `pulumi up` is a drain plus node group rollouts; the migration
 * program caps `drainTimeoutMinutes` at 90 (cutover/cutover-schema.ts), leaving 30 minutes for the AL2023 scale-up before the
 * drain and the AL2 scale-down after it. Keep it equal to the deploy role's `maxSessionDuration` (MAX_SESSION_SECONDS)
 * and to `role-duration-seconds` in .github/workflows/deploy.yml; raise all three if that cap is ever raised.
 */
export const SESSION_DURATION = "2h0m0s";

/** The deploy role's `maxSessionDuration`, in seconds: SESSION_DURATION, so a deployment can get the whole session. */
export const MAX_SESSION_SECONDS = 7200;

/**
 * The Pulumi Deployments settings of one migration stack. dev deploys every merge to the branch; prod never deploys on
 * merge (`deployCommits: false`): it is deployed by an explicit "Deploy" in Pulumi Cloud once dev is green, and its
 * program refuses any cutover phase dev has not completed (cutover/promotion-gate.ts). Both preview every pull request.
 * Credentials: Deployments' own OIDC exchange for the environment's deploy role, so no key is stored anywhere.
 */
export function deploymentSettingsArgs(
    config: DeployConfig,
    env: EnvironmentConfig,
    roleArn: pulumi.Input<string>,
): pulumiservice.DeploymentSettingsArgs {
    return {
        organization: config.organization,
        project: PROJECT,
        stack: env.name,
        sourceContext: { git: { branch: `refs/heads/${config.branch}`, repoDir: "." } },
        vcs: {
            provider: "github",
            repository: config.repository,
            deployCommits: env.name === "dev",
            previewPullRequests: true,
            pullRequestTemplate: false,
            paths: programPaths(env.name),
        },
        operationContext: {
            preRunCommands: ["npm ci"],
            options: { skipInstallDependencies: true, skipIntermediateDeployments: true },
            oidc: {
                aws: {
                    roleARN: roleArn,
                    sessionName: `pulumi-deploy-${PROJECT}-${env.name}`,
                    duration: SESSION_DURATION,
                },
            },
        },
        cacheOptions: { enable: true },
    };
}
