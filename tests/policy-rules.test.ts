import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
    LAUNCH_TEMPLATE,
    ebsVolumesEncrypted,
    hopLimitAtMostTwo,
    hopLimitTwoAdvisory,
    imdsV2Required,
    noPublicIp,
    noSshKey,
    type LaunchTemplateInputs,
} from "../policy/rules/launch-template";
import { CEILING_DESIRED_TAG, CEILING_MAX_TAG, LEGACY_ROLE, ROLE_TAG } from "../policy/rules/markers";
import { NODE_GROUP, al2023AmiType, legacyNeverGrows, noRemoteAccess } from "../policy/rules/node-group";
import { nodeGroupProtected, stackOfUrn, type StackResourceView } from "../policy/rules/protection";
import { ROLE, noWildcardPrincipal, oidcTrustScoped, podIdentityTrust } from "../policy/rules/trust-policy";
import { exampleFacts, runProgram, useOfflineCloud } from "./mocks";
import { evaluateForPolicy } from "./policy-evaluate";

/** A launch template as the pools component declares it: IMDSv2, hop limit 1, encrypted gp3 root volume. */
const goodTemplate = {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50, volumeType: "gp3" } }],
};

const launchTemplateRules = [
    imdsV2Required,
    hopLimitAtMostTwo,
    hopLimitTwoAdvisory,
    ebsVolumesEncrypted,
    noSshKey,
    noPublicIp,
];

describe("launch template rules", () => {
    it("pass a hardened launch template", () => {
        for (const rule of launchTemplateRules) expect(rule(goodTemplate)).toEqual([]);
    });

    it("imdsV2Required fails on optional or unset httpTokens", () => {
        expect(imdsV2Required({ ...goodTemplate, metadataOptions: { httpTokens: "optional" } })).toEqual([
            'metadataOptions.httpTokens: "optional" is not allowed; set "required" (IMDSv2 only)',
        ]);
        expect(imdsV2Required({})).toEqual([
            'metadataOptions.httpTokens: nothing is not allowed; set "required" (IMDSv2 only)',
        ]);
    });

    it("hopLimitAtMostTwo allows 1, 2 and the default, nothing else", () => {
        const withLimit = (limit: unknown): LaunchTemplateInputs => ({
            ...goodTemplate,
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: limit },
        });
        expect(hopLimitAtMostTwo(withLimit(2))).toEqual([]);
        expect(hopLimitAtMostTwo(withLimit(undefined))).toEqual([]);
        expect(hopLimitAtMostTwo(withLimit(3))).toEqual([
            "metadataOptions.httpPutResponseHopLimit: 3 is not allowed; use 1 (only the node reaches IMDS) or 2 " +
                "(pods reach it too)",
        ]);
        expect(hopLimitAtMostTwo(withLimit(64))).toHaveLength(1);
        expect(hopLimitAtMostTwo(withLimit(0))).toHaveLength(1);
    });

    it("hopLimitTwoAdvisory explains hop limit 2 and is silent for 1", () => {
        const hop2 = { ...goodTemplate, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } };
        expect(hopLimitTwoAdvisory(hop2)).toEqual([
            "metadataOptions.httpPutResponseHopLimit: 2 lets every pod reach IMDS and use the node role's " +
                "credentials; set 1 once all workloads that call AWS use IRSA or Pod Identity",
        ]);
        expect(hopLimitTwoAdvisory({ metadataOptions: { httpPutResponseHopLimit: 1 } })).toEqual([]);
        expect(hopLimitAtMostTwo(hop2)).toEqual([]);
    });

    it("ebsVolumesEncrypted checks every EBS mapping, accepts boolean true, and fails without any", () => {
        expect(
            ebsVolumesEncrypted({
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { encrypted: true } },
                    { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
                    { deviceName: "/dev/xvdb", ebs: { encrypted: "false" } },
                    { deviceName: "/dev/xvdc", ebs: {} },
                ],
            }),
        ).toEqual([
            'blockDeviceMappings[2].ebs.encrypted: "false" is not allowed (device "/dev/xvdb"); set "true"',
            'blockDeviceMappings[3].ebs.encrypted: nothing is not allowed (device "/dev/xvdc"); set "true"',
        ]);
        expect(ebsVolumesEncrypted({ blockDeviceMappings: [] })).toEqual([
            "blockDeviceMappings: no EBS mapping, so the root volume's encryption is left to the AMI and the account " +
                'default; map the root device (/dev/xvda) with ebs.encrypted "true"',
        ]);
    });

    it("noSshKey fails on a key pair", () => {
        expect(noSshKey({ ...goodTemplate, keyName: "ops-admin" })).toEqual([
            'keyName: "ops-admin" is not allowed; nodes get no SSH key (use SSM Session Manager)',
        ]);
        expect(noSshKey({ ...goodTemplate, keyName: "" })).toEqual([]);
    });

    it("noPublicIp fails on each interface that asks for a public IP", () => {
        expect(
            noPublicIp({
                networkInterfaces: [
                    { associatePublicIpAddress: "false" },
                    { associatePublicIpAddress: "true" },
                    { associatePublicIpAddress: true },
                    {},
                ],
            }),
        ).toEqual([
            'networkInterfaces[1].associatePublicIpAddress: "true" is not allowed; set "false" (nodes live in private subnets)',
            'networkInterfaces[2].associatePublicIpAddress: true is not allowed; set "false" (nodes live in private subnets)',
        ]);
    });
});

/** The tags the program puts on the adopted AL2 node group (ceilings 6 desired, 12 max). */
const legacyTags = { team: "platform", [ROLE_TAG]: LEGACY_ROLE, [CEILING_DESIRED_TAG]: "6", [CEILING_MAX_TAG]: "12" };
const newNodeGroup = {
    amiType: "AL2023_x86_64_STANDARD",
    launchTemplate: { id: "lt-0123", version: "1" },
    scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 12 },
    tags: { team: "platform" },
};
const legacyNodeGroup = {
    amiType: "AL2_x86_64",
    scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 12 },
    tags: legacyTags,
};

describe("node group rules", () => {
    it("pass a new AL2023 node group and the adopted legacy node group at its adopted size", () => {
        for (const rule of [al2023AmiType, noRemoteAccess, legacyNeverGrows]) {
            expect(rule(newNodeGroup)).toEqual([]);
            expect(rule(legacyNodeGroup)).toEqual([]);
        }
    });

    it("al2023AmiType allows AL2023, CUSTOM, and no amiType with a launch template", () => {
        expect(al2023AmiType({ ...newNodeGroup, amiType: "AL2023_ARM_64_NVIDIA" })).toEqual([]);
        expect(al2023AmiType({ ...newNodeGroup, amiType: "CUSTOM" })).toEqual([]);
        expect(al2023AmiType({ ...newNodeGroup, amiType: undefined })).toEqual([]);
    });

    it("al2023AmiType fails on AL2 without the legacy marker, other OSes, and an implicit type", () => {
        const allowed =
            "use AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, " +
            "AL2023_x86_64_NEURON, or CUSTOM with an AL2023 launch template";
        expect(al2023AmiType({ ...newNodeGroup, amiType: "AL2_x86_64" })).toEqual([
            'amiType: "AL2_x86_64" is not allowed; Amazon Linux 2 is allowed only on the adopted legacy node group ' +
                `(tag eks-al2023-migration/role=legacy): ${allowed}`,
        ]);
        expect(al2023AmiType({ ...legacyNodeGroup, tags: { ...legacyTags, [ROLE_TAG]: "replacement" } })).toHaveLength(
            1,
        );
        expect(al2023AmiType({ ...newNodeGroup, amiType: "BOTTLEROCKET_x86_64" })).toEqual([
            `amiType: "BOTTLEROCKET_x86_64" is not allowed; a new node group runs Amazon Linux 2023: ${allowed}`,
        ]);
        expect(al2023AmiType({ scalingConfig: newNodeGroup.scalingConfig })).toEqual([
            `amiType: nothing is not allowed; a new node group runs Amazon Linux 2023: ${allowed}`,
        ]);
    });

    it("noRemoteAccess fails on SSH access except on the legacy node group", () => {
        const remoteAccess = { ec2SshKey: "ops-admin", sourceSecurityGroupIds: [] };
        expect(noRemoteAccess({ ...newNodeGroup, remoteAccess })).toEqual([
            'remoteAccess: {"ec2SshKey":"ops-admin","sourceSecurityGroupIds":[]} is not allowed; nodes get no SSH ' +
                "access (use SSM Session Manager)",
        ]);
        expect(noRemoteAccess({ ...legacyNodeGroup, remoteAccess })).toEqual([]);
    });

    it("legacyNeverGrows lets the legacy node group shrink, never grow past its ceilings", () => {
        const sized = (desiredSize: number, maxSize: number) => ({
            ...legacyNodeGroup,
            scalingConfig: { minSize: 0, desiredSize, maxSize },
        });
        expect(legacyNeverGrows(sized(0, 1))).toEqual([]);
        expect(legacyNeverGrows(sized(7, 12))).toEqual([
            "scalingConfig.desiredSize: 7 is not allowed; the legacy AL2 node group may only shrink or disappear " +
                "once adopted, at most 6 (eks-al2023-migration/ceiling-desired-size)",
        ]);
        expect(legacyNeverGrows(sized(6, 20))).toEqual([
            "scalingConfig.maxSize: 20 is not allowed; the legacy AL2 node group may only shrink or disappear " +
                "once adopted, at most 12 (eks-al2023-migration/ceiling-max-size)",
        ]);
        expect(
            legacyNeverGrows({ ...newNodeGroup, scalingConfig: { minSize: 1, desiredSize: 50, maxSize: 90 } }),
        ).toEqual([]);
    });

    it("legacyNeverGrows fails when the legacy node group does not record whole-number ceilings", () => {
        expect(
            legacyNeverGrows({ ...legacyNodeGroup, tags: { [ROLE_TAG]: LEGACY_ROLE, [CEILING_MAX_TAG]: "twelve" } }),
        ).toEqual([
            "tags.eks-al2023-migration/ceiling-desired-size: nothing is not allowed on the legacy node group; record " +
                "its size at adoption as a whole number so it can only shrink",
            'tags.eks-al2023-migration/ceiling-max-size: "twelve" is not allowed on the legacy node group; record ' +
                "its size at adoption as a whole number so it can only shrink",
        ]);
    });
});

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C1D0A7A1E2F3B4C5D6E7F8091A2B3C4";
const PROVIDER = `arn:aws:iam::444455556666:oidc-provider/${ISSUER}`;

/** An IRSA trust statement with the given conditions (F-44 shape). */
function irsaStatement(
    condition: Record<string, unknown>,
    extra: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        Effect: "Allow",
        Principal: { Federated: PROVIDER },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
        ...extra,
    };
}

/** A role whose trust policy holds these statements, serialised as the program does. */
function role(...statements: Record<string, unknown>[]): { assumeRolePolicy: string } {
    return { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
}

const irsaConditions = {
    StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com", [`${ISSUER}:sub`]: "system:serviceaccount:shop:checkout" },
};
const podIdentityStatement = {
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
};
const trustRules = [noWildcardPrincipal, oidcTrustScoped, podIdentityTrust];

describe("IAM trust rules", () => {
    it("pass IRSA (exact, several service accounts, namespace-wide), Pod Identity, and node roles", () => {
        const roles = [
            role(irsaStatement(irsaConditions)),
            {
                assumeRolePolicy: {
                    Version: "2012-10-17",
                    Statement: [
                        irsaStatement({
                            StringEquals: {
                                [`${ISSUER}:aud`]: ["sts.amazonaws.com"],
                                [`${ISSUER}:sub`]: ["system:serviceaccount:shop:a", "system:serviceaccount:shop:b"],
                            },
                        }),
                    ],
                },
            },
            role(
                irsaStatement({
                    StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                    StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:batch:*" },
                }),
            ),
            role(podIdentityStatement),
            role(podIdentityStatement, irsaStatement(irsaConditions)),
            role({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
            role({ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }),
        ];
        for (const inputs of roles) for (const rule of trustRules) expect(rule(inputs)).toEqual([]);
    });

    it("noWildcardPrincipal fails on *, AWS *, a * in a list, NotPrincipal, and an unreadable document", () => {
        expect(noWildcardPrincipal(role({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }))).toEqual([
            'assumeRolePolicy.Statement[0].Principal: "*" is not allowed; trust named principals only',
        ]);
        expect(
            noWildcardPrincipal(
                role(
                    { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" },
                    {
                        Effect: "Allow",
                        Principal: { AWS: ["arn:aws:iam::444455556666:root", "*"] },
                        Action: "sts:AssumeRole",
                    },
                ),
            ),
        ).toEqual([
            'assumeRolePolicy.Statement[0].Principal: {"AWS": "*"} is not allowed; trust named principals only',
            'assumeRolePolicy.Statement[1].Principal: {"AWS": "*"} is not allowed; trust named principals only',
        ]);
        expect(
            noWildcardPrincipal(
                role({
                    Effect: "Allow",
                    NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" },
                    Action: "sts:AssumeRole",
                }),
            ),
        ).toEqual([
            'assumeRolePolicy.Statement[0].NotPrincipal: {"AWS":"arn:aws:iam::111122223333:root"} is not allowed ' +
                "in an Allow statement; name the principals",
        ]);
        expect(noWildcardPrincipal({ assumeRolePolicy: "{not json" })).toEqual([
            'assumeRolePolicy: "{not json" is not allowed; it must be a JSON policy document',
        ]);
    });

    it("oidcTrustScoped fails without :sub or :aud, or with conditions for another issuer", () => {
        expect(
            oidcTrustScoped(role(irsaStatement({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }))),
        ).toEqual([
            `assumeRolePolicy.Statement[0].Condition: no "${ISSUER}:sub" condition; both :sub and :aud must be ` +
                "pinned with StringEquals (F-44)",
        ]);
        expect(oidcTrustScoped(role(irsaStatement({})))).toHaveLength(2);
        const other = "oidc.eks.eu-west-1.amazonaws.com/id/FFFF";
        expect(
            oidcTrustScoped(
                role(irsaStatement({ StringEquals: { [`${other}:aud`]: "sts.amazonaws.com", [`${other}:sub`]: "x" } })),
            ),
        ).toHaveLength(2);
    });

    it("oidcTrustScoped allows StringLike only for a namespace-wide :sub with a fixed namespace", () => {
        const withSub = (operator: string, sub: string) =>
            role(
                irsaStatement({
                    StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                    [operator]: { [`${ISSUER}:sub`]: sub },
                }),
            );
        const subRule =
            ':sub must use StringEquals, or StringLike only as "system:serviceaccount:<namespace>:*" with a fixed namespace';
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:*:*"))).toEqual([
            `assumeRolePolicy.Statement[0].Condition.StringLike["${ISSUER}:sub"]: ["system:serviceaccount:*:*"] ` +
                `is not allowed; ${subRule}`,
        ]);
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:shop:checkout-*"))).toHaveLength(1);
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:sh?p:*"))).toHaveLength(1);
        expect(oidcTrustScoped(withSub("StringEqualsIfExists", "system:serviceaccount:shop:checkout"))).toEqual([
            `assumeRolePolicy.Statement[0].Condition.StringEqualsIfExists["${ISSUER}:sub"]: ` +
                `["system:serviceaccount:shop:checkout"] is not allowed; ${subRule}`,
        ]);
    });

    it("oidcTrustScoped keeps :aud under StringEquals", () => {
        expect(
            oidcTrustScoped(
                role(
                    irsaStatement({
                        StringLike: { [`${ISSUER}:aud`]: "*", [`${ISSUER}:sub`]: "system:serviceaccount:batch:*" },
                    }),
                ),
            ),
        ).toEqual([
            `assumeRolePolicy.Statement[0].Condition.StringLike["${ISSUER}:aud"]: ["*"] is not allowed; ` +
                ":aud must use StringEquals",
        ]);
    });

    it("oidcTrustScoped allows sts:AssumeRoleWithWebIdentity only, and one provider per statement", () => {
        expect(
            oidcTrustScoped(
                role(irsaStatement(irsaConditions, { Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] })),
            ),
        ).toEqual([
            'assumeRolePolicy.Statement[0].Action: ["sts:AssumeRoleWithWebIdentity","sts:TagSession"] is not ' +
                "allowed; an OIDC provider may be trusted for sts:AssumeRoleWithWebIdentity only",
        ]);
        expect(oidcTrustScoped(role(irsaStatement(irsaConditions, { Action: "sts:*" })))).toHaveLength(1);
        const second = "arn:aws:iam::444455556666:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FFFF";
        expect(
            oidcTrustScoped(role(irsaStatement(irsaConditions, { Principal: { Federated: [PROVIDER, second] } }))),
        ).toEqual([
            `assumeRolePolicy.Statement[0].Principal.Federated: ["${ISSUER}","oidc.eks.eu-west-1.amazonaws.com/id/FFFF"] ` +
                "is not allowed; one OIDC provider per statement, each with its own :sub and :aud conditions",
        ]);
    });

    it("podIdentityTrust fails on other principals or actions beside pods.eks.amazonaws.com", () => {
        expect(
            podIdentityTrust(
                role({
                    ...podIdentityStatement,
                    Principal: { Service: ["pods.eks.amazonaws.com", "ec2.amazonaws.com"] },
                }),
            ),
        ).toEqual([
            'assumeRolePolicy.Statement[0].Principal: {"Service":["pods.eks.amazonaws.com","ec2.amazonaws.com"]} is ' +
                'not allowed on a Pod Identity role; trust only {"Service": "pods.eks.amazonaws.com"}',
        ]);
        expect(
            podIdentityTrust(
                role(podIdentityStatement, {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::444455556666:root" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                }),
            ),
        ).toHaveLength(1);
        expect(podIdentityTrust(role({ ...podIdentityStatement, Action: "sts:AssumeRole" }))).toEqual([
            'assumeRolePolicy.Statement[0].Action: "sts:AssumeRole" is not allowed on a Pod Identity role; use ' +
                'exactly ["sts:AssumeRole", "sts:TagSession"]',
        ]);
    });
});

/** A node group as a stack policy sees it. */
function stackNodeGroup(
    stack: string,
    protect: boolean,
    props: Record<string, unknown> = newNodeGroup,
): StackResourceView {
    return {
        type: NODE_GROUP,
        name: "general",
        urn: `urn:pulumi:${stack}::eks-al2023-migration::eks-al2023-migration:nodes:Al2023NodeGroup$${NODE_GROUP}::general`,
        protect,
        props,
    };
}

describe("stack rule: node groups protected", () => {
    it("reads the stack name from the URN", () => {
        expect(stackOfUrn("urn:pulumi:prod::eks-al2023-migration::aws:iam/role:Role::r")).toBe("prod");
        expect(stackOfUrn("not a urn")).toBe("");
    });

    it("fails an unprotected node group in prod and nowhere else", () => {
        expect(nodeGroupProtected(stackNodeGroup("prod", false), ["prod"])).toEqual([
            "node group general in stack prod is not protected; set the protect resource option (config " +
                "protectNodeGroups: true) so no update can delete it",
        ]);
        expect(nodeGroupProtected(stackNodeGroup("prod", true), ["prod"])).toEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("dev", false), ["prod"])).toEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("staging", false), ["staging"])).toHaveLength(1);
        expect(nodeGroupProtected({ ...stackNodeGroup("prod", false), type: ROLE }, ["prod"])).toEqual([]);
    });

    it("lets only the legacy node group scaled to zero drop protect", () => {
        const emptied = { ...legacyNodeGroup, scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 } };
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptied), ["prod"])).toEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("prod", false, legacyNodeGroup), ["prod"])).toHaveLength(1);
        const emptiedNew = { ...newNodeGroup, scalingConfig: emptied.scalingConfig };
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptiedNew), ["prod"])).toHaveLength(1);
    });
});

describe("rules read the inputs the engine receives from @pulumi/aws", () => {
    it("type tokens and input shapes match resources declared through the SDK", async () => {
        const cloud = await useOfflineCloud(exampleFacts("prod"));
        await runProgram(async () => {
            const template = new aws.ec2.LaunchTemplate("lt", {
                keyName: "ops-admin",
                metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 20 } }],
                networkInterfaces: [{ associatePublicIpAddress: "true" }],
            });
            const nodeGroup = new aws.eks.NodeGroup("ng", {
                clusterName: "shop-prod",
                nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
                subnetIds: ["subnet-0d4e5f60718293a4b"],
                amiType: "AL2_x86_64",
                remoteAccess: { ec2SshKey: "ops-admin" },
                scalingConfig: { minSize: 1, desiredSize: 9, maxSize: 12 },
                tags: legacyTags,
            });
            const trusted = new aws.iam.Role("role", {
                assumeRolePolicy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
                },
            });
            return { template: template.id, nodeGroup: nodeGroup.id, trusted: trusted.id };
        });
        const lt = cloud.resource(LAUNCH_TEMPLATE, "lt").inputs;
        for (const rule of [imdsV2Required, hopLimitAtMostTwo, ebsVolumesEncrypted, noSshKey, noPublicIp]) {
            expect(rule(lt)).toHaveLength(1);
        }
        const ng = cloud.resource(NODE_GROUP, "ng").inputs;
        expect(legacyNeverGrows(ng)).toEqual([
            "scalingConfig.desiredSize: 9 is not allowed; the legacy AL2 node group may only shrink or disappear " +
                "once adopted, at most 6 (eks-al2023-migration/ceiling-desired-size)",
        ]);
        expect(noRemoteAccess({ ...ng, tags: {} })).toHaveLength(1);
        expect(al2023AmiType({ ...ng, tags: {} })).toHaveLength(1);
        expect(noWildcardPrincipal(cloud.resource(ROLE, "role").inputs)).toEqual([
            'assumeRolePolicy.Statement[0].Principal: {"AWS": "*"} is not allowed; trust named principals only',
        ]);
    });
});

describe("stack rule on resources declared through the SDK", () => {
    it("sees protect inherited from a component and the stack name in the URN", async () => {
        const nodeGroupArgs = {
            clusterName: "shop-prod",
            nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
            subnetIds: ["subnet-0d4e5f60718293a4b"],
            amiType: "AL2023_x86_64_STANDARD",
            scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
        };
        const resources = await evaluateForPolicy("prod", exampleFacts("prod"), {}, async () => {
            const pool = new pulumi.ComponentResource(
                "eks-al2023-migration:nodes:Pool",
                "general",
                {},
                { protect: true },
            );
            const kept = new aws.eks.NodeGroup("general-ng", nodeGroupArgs, { parent: pool });
            const loose = new aws.eks.NodeGroup("batch-ng", nodeGroupArgs);
            return { kept: kept.id, loose: loose.id };
        });
        const nodeGroups = resources.filter((resource) => resource.type === NODE_GROUP);
        expect(nodeGroups.map(({ name, urn, protect }) => ({ name, stack: stackOfUrn(urn), protect }))).toEqual([
            { name: "general-ng", stack: "prod", protect: true },
            { name: "batch-ng", stack: "prod", protect: false },
        ]);
        expect(
            nodeGroups.flatMap((resource) => nodeGroupProtected({ ...resource, props: resource.inputs }, ["prod"])),
        ).toEqual([
            "node group batch-ng in stack prod is not protected; set the protect resource option (config " +
                "protectNodeGroups: true) so no update can delete it",
        ]);
    });
});
