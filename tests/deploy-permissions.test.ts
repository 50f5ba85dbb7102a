import { describe, expect, it } from "vitest";
import { parseDeployConfig, type EnvironmentConfig } from "../deploy/config";
import { INVOKE_ACTIONS, RESOURCE_ACTIONS, deployRolePolicy, requiredActions } from "../deploy/permissions";
import type { PolicyStatement } from "../deploy/trust";
import { exampleDeployConfig } from "./deploy-helpers";
import { exampleFacts } from "./mocks";

/** Every AWS resource type the migration program declares, and every invoke it calls. */
const PROGRAM_RESOURCE_TYPES = [
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:eks/addon:Addon",
];
const PROGRAM_INVOKES = [
    "aws:eks/getCluster:getCluster",
    "aws:eks/getNodeGroup:getNodeGroup",
    "aws:eks/getNodeGroups:getNodeGroups",
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
    "aws:ssm/getParameter:getParameter",
];

const config = parseDeployConfig(exampleDeployConfig());

/** An IAM resource pattern (`*` = any characters) as a regular expression. */
function iamGlob(pattern: string): RegExp {
    return new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
            .join(".*")}$`,
    );
}
const dev = config.environments.dev;
const withOidcCreate: EnvironmentConfig = { ...dev, createClusterOidcProvider: true };

function statements(env: EnvironmentConfig): PolicyStatement[] {
    return (JSON.parse(JSON.stringify(deployRolePolicy(env))) as { Statement: PolicyStatement[] }).Statement;
}

function actionsOf(env: EnvironmentConfig): string[] {
    return [...new Set(statements(env).flatMap((s) => [s.Action].flat()))].sort();
}

describe("deploy role permissions", () => {
    it("knows every resource type and invoke of the program", () => {
        for (const type of PROGRAM_RESOURCE_TYPES) expect(Object.keys(RESOURCE_ACTIONS)).toContain(type);
        for (const token of PROGRAM_INVOKES) expect(Object.keys(INVOKE_ACTIONS)).toContain(token);
    });

    it.each([
        ["reads the cluster's OIDC provider", dev],
        ["creates the cluster's OIDC provider", withOidcCreate],
    ])("holds every action the program needs when the stack %s", (_, env) => {
        const granted = actionsOf(env);
        for (const type of PROGRAM_RESOURCE_TYPES) {
            for (const [step, actions] of Object.entries(RESOURCE_ACTIONS[type])) {
                const optional = type.includes("openIdConnectProvider") && step !== "read";
                if (optional && !env.createClusterOidcProvider) continue;
                for (const action of actions) expect(granted, `${type} ${step} needs ${action}`).toContain(action);
            }
        }
        for (const token of PROGRAM_INVOKES) {
            for (const action of INVOKE_ACTIONS[token]) expect(granted, `${token} needs ${action}`).toContain(action);
        }
        expect(granted).toContain("sts:GetCallerIdentity");
    });

    it("holds nothing beyond what the program needs, and no wildcard action", () => {
        for (const env of [dev, withOidcCreate]) {
            expect(actionsOf(env)).toEqual(requiredActions(env));
            for (const action of actionsOf(env)) {
                expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
                expect(action).not.toContain("*");
            }
        }
        expect(actionsOf(dev)).not.toContain("iam:CreateOpenIDConnectProvider");
        expect(actionsOf(withOidcCreate)).toContain("iam:CreateOpenIDConnectProvider");
    });

    it("uses Resource * only for actions without resource-level permissions", () => {
        const unscoped = statements(dev)
            .filter((s) => [s.Resource].flat().includes("*"))
            .flatMap((s) => [s.Action].flat())
            .sort();
        expect(unscoped).toEqual([
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeLaunchTemplates",
            "iam:ListOpenIDConnectProviders",
            "sts:GetCallerIdentity",
        ]);
    });

    it("scopes EKS to the cluster, EC2 to the account and region, IAM to the stack's name prefix", () => {
        const byId = Object.fromEntries(statements(dev).map((s) => [s.Sid, s]));
        expect(byId.EksCluster.Resource).toEqual([
            "arn:aws:eks:eu-west-1:111122223333:cluster/shop-dev",
            "arn:aws:eks:eu-west-1:111122223333:nodegroup/shop-dev/*/*",
            "arn:aws:eks:eu-west-1:111122223333:addon/shop-dev/*/*",
            "arn:aws:eks:eu-west-1:111122223333:podidentityassociation/shop-dev/*",
        ]);
        expect(byId.Ec2LaunchTemplates.Resource).toBe("arn:aws:ec2:eu-west-1:111122223333:launch-template/*");
        expect(byId.IamStackRoles.Resource).toBe("arn:aws:iam::111122223333:role/shop-dev-*");
        expect(byId.IamStackPolicies.Resource).toBe("arn:aws:iam::111122223333:policy/shop-dev-*");
        expect(byId.IamClusterOidcProvider.Resource).toBe(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/*",
        );
        expect(byId.SsmEksOptimizedAmis.Resource).toBe(
            "arn:aws:ssm:eu-west-1::parameter/aws/service/eks/optimized-ami/*",
        );
    });

    it("passes only node roles to EKS and only stack roles to Pod Identity", () => {
        const passRole = statements(dev).filter((s) => [s.Action].flat().includes("iam:PassRole"));
        expect(passRole).toEqual([
            {
                Sid: "IamPassNodeRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::111122223333:role/shop-dev-*node*",
                Condition: { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } },
            },
            {
                Sid: "IamPassWorkloadRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::111122223333:role/shop-dev-*",
                Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
            },
        ]);
    });

    it("lets the stack pass the legacy node roles of the example clusters to EKS", () => {
        for (const name of ["dev", "prod"] as const) {
            const env = config.environments[name];
            const node = statements(env).find((s) => s.Sid === "IamPassNodeRole")!;
            const roles = Object.values(exampleFacts(name).nodegroups).map((ng) => ng.nodegroup.nodeRole);
            expect(roles.length).toBeGreaterThan(0);
            for (const role of roles) expect(iamGlob(node.Resource as string).test(role), role).toBe(true);
            expect(iamGlob(node.Resource as string).test(`arn:aws:iam::${env.accountId}:role/other-node-role`)).toBe(
                false,
            );
        }
    });

    it("limits policy attachments to AWS managed and the stack's own policies", () => {
        const attach = statements(dev).find((s) => s.Sid === "IamStackRoleAttachments");
        expect(attach?.Condition).toEqual({
            ArnLike: { "iam:PolicyARN": ["arn:aws:iam::aws:policy/*", "arn:aws:iam::111122223333:policy/shop-dev-*"] },
        });
    });

    it("uses the partition of the region", () => {
        const china: EnvironmentConfig = { ...dev, region: "cn-north-1", partition: "aws-cn" };
        const arns = statements(china)
            .flatMap((s) => [s.Resource ?? []].flat())
            .filter((r) => r !== "*");
        for (const arn of arns) expect(arn).toMatch(/^arn:aws-cn:/);
    });
});
