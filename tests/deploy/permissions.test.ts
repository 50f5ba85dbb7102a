import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseDeployConfig, type EnvironmentConfig } from "../../deploy/config";
import { INVOKE_ACTIONS, RESOURCE_ACTIONS, deployRolePolicy, requiredActions } from "../../deploy/permissions";
import type { PolicyStatement } from "../../deploy/trust";
import { exampleDeployConfig } from "./deploy-helpers";
import { ROOT, exampleFacts } from "../fakes/mocks";

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
    "aws:ec2/getSubnet:getSubnet",
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
/** True when an ARN matches one of an IAM statement's ARN patterns (a string or a list). */
function covers(patterns: string | readonly string[] | undefined, arn: string): boolean {
    return [patterns ?? []].flat().some((pattern) => iamGlob(pattern).test(arn));
}

/** Every `managedPolicyArns` entry of a migration stack file (Pulumi.<stack>.yaml), read with the yaml package. */
function stackFileManagedPolicyArns(stack: "dev" | "prod"): string[] {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    const accounts = (doc.config["eks-al2023-migration:serviceAccounts"] ?? []) as { managedPolicyArns?: string[] }[];
    return accounts.flatMap((account) => account.managedPolicyArns ?? []);
}

const dev = config.environments.dev;
const withOidcCreate: EnvironmentConfig = { ...dev, createClusterOidcProvider: true };

function statements(env: EnvironmentConfig): PolicyStatement[] {
    return (JSON.parse(JSON.stringify(deployRolePolicy(env))) as { Statement: PolicyStatement[] }).Statement;
}

function actionsOf(env: EnvironmentConfig): string[] {
    return [...new Set(statements(env).flatMap((s) => [s.Action].flat()))].sort();
}

/**
 * Every action of the dev deploy role, sorted, written out: the program's resources (create, read, update, delete of
 * each type) and invokes, plus sts:GetCallerIdentity.
 */
const DEV_ACTIONS = [
    "ec2:CreateLaunchTemplate",
    "ec2:CreateLaunchTemplateVersion",
    "ec2:CreateTags",
    "ec2:DeleteLaunchTemplate",
    "ec2:DeleteTags",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeSubnets",
    "ec2:ModifyLaunchTemplate",
    "eks:CreateAddon",
    "eks:CreateNodegroup",
    "eks:CreatePodIdentityAssociation",
    "eks:DeleteAddon",
    "eks:DeleteNodegroup",
    "eks:DeletePodIdentityAssociation",
    "eks:DescribeAddon",
    "eks:DescribeCluster",
    "eks:DescribeNodegroup",
    "eks:DescribePodIdentityAssociation",
    "eks:DescribeUpdate",
    "eks:ListNodegroups",
    "eks:TagResource",
    "eks:UntagResource",
    "eks:UpdateAddon",
    "eks:UpdateNodegroupConfig",
    "eks:UpdateNodegroupVersion",
    "eks:UpdatePodIdentityAssociation",
    "iam:AttachRolePolicy",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:CreateServiceLinkedRole",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:GetOpenIDConnectProvider",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListOpenIDConnectProviders",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
    "iam:PassRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagPolicy",
    "iam:TagRole",
    "iam:UntagPolicy",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "ssm:GetParameter",
    "sts:GetCallerIdentity",
];

/** The actions added when the stack creates the cluster's IAM OIDC provider (`oidcProvider.create`). */
const OIDC_CREATE_ACTIONS = [
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:CreateOpenIDConnectProvider",
    "iam:DeleteOpenIDConnectProvider",
    "iam:RemoveClientIDFromOpenIDConnectProvider",
    "iam:TagOpenIDConnectProvider",
    "iam:UntagOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
];

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
        expect(actionsOf(dev)).toStrictEqual(DEV_ACTIONS);
        expect(actionsOf(withOidcCreate)).toStrictEqual([...DEV_ACTIONS, ...OIDC_CREATE_ACTIONS].sort());
        // requiredActions gives the same lists, in name order (written out above, not derived from the role policy).
        expect(requiredActions(dev)).toStrictEqual(DEV_ACTIONS);
        expect(requiredActions(withOidcCreate)).toStrictEqual([...DEV_ACTIONS, ...OIDC_CREATE_ACTIONS].sort());
        for (const env of [dev, withOidcCreate]) {
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
            "ec2:DescribeSubnets",
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
        expect(passRole).toStrictEqual([
            {
                Sid: "IamPassNodeRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: [
                    "arn:aws:iam::111122223333:role/shop-dev-*node*",
                    "arn:aws:iam::111122223333:role/shop-dev-node-role",
                ],
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
            for (const role of roles) expect(covers(node.Resource, role), role).toBe(true);
            expect(env.nodeRoleArns).toEqual([...new Set(roles)]);
            expect(covers(node.Resource, `arn:aws:iam::${env.accountId}:role/other-role`)).toBe(false);
        }
    });

    it("passes a legacy node role named otherwise (eksctl) to EKS only when nodeRoleArns lists it", () => {
        const eksctl = "arn:aws:iam::111122223333:role/eksctl-shop-dev-nodegroup-ng-1-NodeInstanceRole-1A2B3C4D5E6F";
        const nodeRole = (env: EnvironmentConfig) => statements(env).find((s) => s.Sid === "IamPassNodeRole")!;
        const without = { ...dev, nodeRoleArns: [] };
        expect(nodeRole(without).Resource).toEqual(["arn:aws:iam::111122223333:role/shop-dev-*node*"]);
        expect(covers(nodeRole(without).Resource, eksctl)).toBe(false);
        const listed = nodeRole({ ...dev, nodeRoleArns: [eksctl] });
        expect(listed.Resource).toEqual(["arn:aws:iam::111122223333:role/shop-dev-*node*", eksctl]);
        expect(listed.Condition).toStrictEqual({ StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } });
        // Listed roles go to EKS only, never to Pod Identity.
        const workload = statements({ ...dev, nodeRoleArns: [eksctl] }).find((s) => s.Sid === "IamPassWorkloadRole")!;
        expect(covers(workload.Resource, eksctl)).toBe(false);
    });

    it("attaches AWS managed and the account's customer managed policies, to the stack's roles only", () => {
        const attach = statements(dev).find((s) => s.Sid === "IamStackRoleAttachments");
        expect(attach).toStrictEqual({
            Sid: "IamStackRoleAttachments",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: "arn:aws:iam::111122223333:role/shop-dev-*",
            Condition: {
                ArnLike: { "iam:PolicyARN": ["arn:aws:iam::aws:policy/*", "arn:aws:iam::111122223333:policy/*"] },
            },
        });
    });

    it.each(["dev", "prod"] as const)(
        "lets the %s stack attach every managedPolicyArns entry of its stack file",
        (name) => {
            const env = config.environments[name];
            const attach = statements(env).find((s) => s.Sid === "IamStackRoleAttachments")!;
            const allowed = attach.Condition!.ArnLike["iam:PolicyARN"];
            const arns = stackFileManagedPolicyArns(name);
            expect(arns.length).toBeGreaterThan(0);
            for (const arn of arns) expect(covers(allowed, arn), arn).toBe(true);
            expect(covers(allowed, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")).toBe(true);
            // Not another account's policies.
            const other = name === "dev" ? "444455556666" : "111122223333";
            expect(covers(allowed, `arn:aws:iam::${other}:policy/AWSLoadBalancerControllerIAMPolicy`)).toBe(false);
        },
    );

    it("uses the partition of the region", () => {
        const china: EnvironmentConfig = {
            ...dev,
            region: "cn-north-1",
            partition: "aws-cn",
            nodeRoleArns: ["arn:aws-cn:iam::111122223333:role/shop-dev-node-role"],
        };
        const arns = statements(china)
            .flatMap((s) => [s.Resource ?? []].flat())
            .filter((r) => r !== "*");
        for (const arn of arns) expect(arn).toMatch(/^arn:aws-cn:/);
    });
});
