import { floorProgram, type FloorSpec } from "./floor-program";

/** The package modules the stand-in loads: the program's own (see `programPackageImports`). */
const SDK_MODULES = ["@kubernetes/client-node", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/pulumi", "yaml"];

const CLUSTER = "shop-prod";
const ROLE = "arn:aws:iam::444455556666:role/shop-prod-node-role";
const SUBNETS = ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"];

/**
 * A prod-shaped program with constant inputs (two pools, each with a launch template, an AL2023 node group and its
 * adopted AL2 node group; a few IRSA service accounts), for measuring the harness before the real program exists.
 */
const STAND_IN_SPEC: FloorSpec = {
    sdkModules: SDK_MODULES,
    resources: [
        { type: "eks-al2023-migration:nodes:NodeLaunchTemplate", count: 2, inputs: {} },
        { type: "eks-al2023-migration:nodes:Al2023NodeGroup", count: 2, inputs: {} },
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            count: 2,
            inputs: { namePrefix: "general-", userData: "Q29udGVudC1UeXBlOiBtdWx0aXBhcnQvbWl4ZWQ=" },
        },
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            count: 4,
            inputs: {
                clusterName: CLUSTER,
                nodeRoleArn: ROLE,
                subnetIds: SUBNETS,
                scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
            },
        },
        { type: "pulumi:pulumi:StackReference", count: 1, inputs: { name: "acme/eks-al2023-migration/prod" } },
        { type: "pulumi:providers:kubernetes", count: 1, inputs: {} },
        {
            type: "aws:iam/role:Role",
            count: 3,
            inputs: { assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' },
        },
        {
            type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            count: 3,
            inputs: { role: "app", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
        },
        {
            type: "kubernetes:core/v1:ServiceAccountPatch",
            count: 3,
            inputs: {
                metadata: { name: "app", namespace: "team", annotations: { "eks.amazonaws.com/role-arn": ROLE } },
            },
        },
        {
            type: "kubernetes:apps/v1:DeploymentPatch",
            count: 3,
            inputs: { metadata: { name: "app", namespace: "team" } },
        },
    ],
};

export = floorProgram(STAND_IN_SPEC);
