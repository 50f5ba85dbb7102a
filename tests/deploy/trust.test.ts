import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../deploy/config";
import { deployRoleTrustPolicy, pulumiDeploymentSubjects } from "../../deploy/trust";
import { exampleDeployConfig } from "./deploy-helpers";

const config = parseDeployConfig(exampleDeployConfig());

/** The trust policy exactly as the role receives it: serialised, then parsed back. */
function trustOf(name: "dev" | "prod"): unknown {
    const env = config.environments[name];
    return JSON.parse(JSON.stringify(deployRoleTrustPolicy(config, env)));
}

describe("deploy role trust policies", () => {
    it("dev: Pulumi Deployments of acme/eks-al2023-migration/dev and GitHub previews + pushes to main", () => {
        expect(trustOf("dev")).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "PulumiDeployments",
                    Effect: "Allow",
                    Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/api.pulumi.com/oidc" },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "api.pulumi.com/oidc:aud": "acme",
                            "api.pulumi.com/oidc:sub": [
                                "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:dev:operation:preview:scope:write",
                                "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:dev:operation:update:scope:write",
                                "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:dev:operation:refresh:scope:write",
                            ],
                        },
                    },
                },
                {
                    Sid: "GitHubActions",
                    Effect: "Allow",
                    Principal: {
                        Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                    },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                            "token.actions.githubusercontent.com:sub": [
                                "repo:acme/eks-al2023-migration:pull_request",
                                "repo:acme/eks-al2023-migration:ref:refs/heads/main",
                            ],
                        },
                    },
                },
            ],
        });
    });

    it("prod: only prod's Deployments, and GitHub `up` only from the production environment", () => {
        const trust = trustOf("prod") as { Statement: { Principal: { Federated: string }; Condition: unknown }[] };
        expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([
            "arn:aws:iam::444455556666:oidc-provider/api.pulumi.com/oidc",
            "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
        ]);
        expect(trust.Statement.map((s) => s.Condition)).toStrictEqual([
            {
                StringEquals: {
                    "api.pulumi.com/oidc:aud": "acme",
                    "api.pulumi.com/oidc:sub": pulumiDeploymentSubjects("acme", "prod"),
                },
            },
            {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": [
                        "repo:acme/eks-al2023-migration:pull_request",
                        "repo:acme/eks-al2023-migration:environment:production",
                    ],
                },
            },
        ]);
        // dev's tokens cannot assume the prod role, and a push to main alone cannot either.
        expect(JSON.stringify(trust)).not.toContain(":stack:dev:");
        expect(JSON.stringify(trust)).not.toContain("ref:refs/heads/main");
    });

    it("never trusts a wildcard subject or audience, and never uses StringLike", () => {
        for (const name of ["dev", "prod"] as const) {
            const trust = trustOf(name) as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
            for (const statement of trust.Statement) {
                expect(Object.keys(statement.Condition)).toEqual(["StringEquals"]);
                const values = Object.values(statement.Condition.StringEquals).flat() as string[];
                for (const value of values) expect(value).not.toMatch(/[*?]/);
            }
        }
    });

    it("scopes the Deployments subject to the org, project and stack, with no destroy", () => {
        expect(pulumiDeploymentSubjects("acme", "prod")).toEqual([
            "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:prod:operation:preview:scope:write",
            "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:prod:operation:update:scope:write",
            "pulumi:deploy:org:acme:project:eks-al2023-migration:stack:prod:operation:refresh:scope:write",
        ]);
    });
});
