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
} from "../../policy/rules/launch-template";
import {
    LEGACY_NODE_GROUP_COMPONENT,
    isLegacyNodeGroupUrn,
    typeChainOfUrn,
    type ParentView,
} from "../../policy/rules/markers";
import {
    NODE_GROUP,
    al2023AmiType,
    legacyNeverGrows,
    noRemoteAccess,
    type NodeGroupInputs,
} from "../../policy/rules/node-group";
import { nodeGroupProtected, stackOfUrn, type StackResourceView } from "../../policy/rules/protection";
import { ROLE, noWildcardPrincipal, oidcTrustScoped, podIdentityTrust } from "../../policy/rules/trust-policy";
import { exampleFacts } from "../fakes/mocks";
import { evaluateForPolicy } from "../fakes/policy-evaluate";

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
        for (const rule of launchTemplateRules) expect(rule(goodTemplate)).toStrictEqual([]);
    });

    it("imdsV2Required fails on optional or unset httpTokens", () => {
        expect(imdsV2Required({ ...goodTemplate, metadataOptions: { httpTokens: "optional" } })).toStrictEqual([
            'metadataOptions.httpTokens: "optional" is not allowed; set "required" (IMDSv2 only)',
        ]);
        expect(imdsV2Required({})).toStrictEqual([
            'metadataOptions.httpTokens: nothing is not allowed; set "required" (IMDSv2 only)',
        ]);
    });

    it("hopLimitAtMostTwo allows 1, 2 and the default, nothing else", () => {
        const withLimit = (limit: unknown): LaunchTemplateInputs => ({
            ...goodTemplate,
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: limit },
        });
        expect(hopLimitAtMostTwo(withLimit(2))).toStrictEqual([]);
        expect(hopLimitAtMostTwo(withLimit(undefined))).toStrictEqual([]);
        expect(hopLimitAtMostTwo(withLimit(3))).toStrictEqual([
            "metadataOptions.httpPutResponseHopLimit: 3 is not allowed; use 1 (only the node reaches IMDS) or 2 " +
                "(pods reach it too)",
        ]);
        expect(hopLimitAtMostTwo(withLimit(64))).toHaveLength(1);
        expect(hopLimitAtMostTwo(withLimit(0))).toHaveLength(1);
    });

    it("hopLimitTwoAdvisory explains hop limit 2 and is silent for 1", () => {
        const hop2 = { ...goodTemplate, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } };
        expect(hopLimitTwoAdvisory(hop2)).toStrictEqual([
            "metadataOptions.httpPutResponseHopLimit: 2 lets every pod reach IMDS and use the node role's " +
                "credentials; set 1 once all workloads that call AWS use IRSA or Pod Identity",
        ]);
        expect(hopLimitTwoAdvisory({ metadataOptions: { httpPutResponseHopLimit: 1 } })).toStrictEqual([]);
        expect(hopLimitAtMostTwo(hop2)).toStrictEqual([]);
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
        ).toStrictEqual([
            'blockDeviceMappings[2].ebs.encrypted: "false" is not allowed (device "/dev/xvdb"); set "true"',
            'blockDeviceMappings[3].ebs.encrypted: nothing is not allowed (device "/dev/xvdc"); set "true"',
        ]);
        expect(ebsVolumesEncrypted({ blockDeviceMappings: [] })).toStrictEqual([
            "blockDeviceMappings: no EBS mapping, so the root volume's encryption is left to the AMI and the account " +
                'default; map the root device (/dev/xvda) with ebs.encrypted "true"',
        ]);
    });

    it("noSshKey fails on a key pair", () => {
        expect(noSshKey({ ...goodTemplate, keyName: "ops-admin" })).toStrictEqual([
            'keyName: "ops-admin" is not allowed; nodes get no SSH key (use SSM Session Manager)',
        ]);
        expect(noSshKey({ ...goodTemplate, keyName: "" })).toStrictEqual([]);
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
        ).toStrictEqual([
            'networkInterfaces[1].associatePublicIpAddress: "true" is not allowed; set "false" (nodes live in private subnets)',
            'networkInterfaces[2].associatePublicIpAddress: true is not allowed; set "false" (nodes live in private subnets)',
        ]);
    });
});

/** URNs as the engine builds them: the adopted node group is a child of the LegacyNodeGroup component. */
const urnOf = (chain: string, name: string) => ({ urn: `urn:pulumi:prod::eks-al2023-migration::${chain}::${name}` });
const legacyUrn = urnOf(`${LEGACY_NODE_GROUP_COMPONENT}$${NODE_GROUP}`, "general-legacy");
const newUrn = urnOf(`eks-al2023-migration:nodes:Al2023NodeGroup$${NODE_GROUP}`, "general");
/** The LegacyNodeGroup component as a stack policy sees it (the node group's parent): adopted at 6 desired, 12 max. */
const legacyParent: ParentView = {
    type: LEGACY_NODE_GROUP_COMPONENT,
    props: { nodeGroupName: "prod-general-al2", sizeAtAdoption: { min: 3, desired: 6, max: 12 } },
};
const newNodeGroup = {
    amiType: "AL2023_x86_64_STANDARD",
    launchTemplate: { id: "lt-0123", version: "1" },
    scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 12 },
    tags: { team: "platform" },
};
/** The adopted AL2 node group: its inputs are the live group's, no marker tag. */
const legacyNodeGroup = {
    amiType: "AL2_x86_64",
    scalingConfig: { minSize: 3, desiredSize: 6, maxSize: 12 },
    tags: { team: "platform" },
};

/** A node group as the stack rule sees it, under `parent`. */
function nodeGroupView(props: NodeGroupInputs, parent?: ParentView) {
    return { type: NODE_GROUP, name: "general-legacy", props, ...(parent !== undefined && { parent }) };
}

describe("legacy node group markers", () => {
    it("read the type chain of a URN", () => {
        expect(typeChainOfUrn(legacyUrn.urn)).toStrictEqual([LEGACY_NODE_GROUP_COMPONENT, NODE_GROUP]);
        expect(typeChainOfUrn("urn:pulumi:prod::p::aws:iam/role:Role::r")).toStrictEqual(["aws:iam/role:Role"]);
        expect(typeChainOfUrn("not a urn")).toStrictEqual([]);
    });

    it("know the adopted node group by its parent's type only, not its own type or its name", () => {
        expect(isLegacyNodeGroupUrn(legacyUrn.urn)).toBe(true);
        expect(isLegacyNodeGroupUrn(newUrn.urn)).toBe(false);
        expect(isLegacyNodeGroupUrn(urnOf(LEGACY_NODE_GROUP_COMPONENT, "general").urn)).toBe(false);
        expect(isLegacyNodeGroupUrn(urnOf(NODE_GROUP, LEGACY_NODE_GROUP_COMPONENT).urn)).toBe(false);
        expect(isLegacyNodeGroupUrn(`${LEGACY_NODE_GROUP_COMPONENT}$${NODE_GROUP}`)).toBe(false);
    });
});

describe("node group rules", () => {
    it("pass a new AL2023 node group and the adopted legacy node group at its adopted size", () => {
        for (const rule of [al2023AmiType, noRemoteAccess]) {
            expect(rule(newNodeGroup, newUrn)).toStrictEqual([]);
            expect(rule(legacyNodeGroup, legacyUrn)).toStrictEqual([]);
        }
        expect(legacyNeverGrows(nodeGroupView(newNodeGroup))).toStrictEqual([]);
        expect(legacyNeverGrows(nodeGroupView(legacyNodeGroup, legacyParent))).toStrictEqual([]);
    });

    it("al2023AmiType allows AL2023, CUSTOM, and no amiType with a launch template", () => {
        expect(al2023AmiType({ ...newNodeGroup, amiType: "AL2023_ARM_64_NVIDIA" }, newUrn)).toStrictEqual([]);
        expect(al2023AmiType({ ...newNodeGroup, amiType: "CUSTOM" }, newUrn)).toStrictEqual([]);
        expect(al2023AmiType({ ...newNodeGroup, amiType: undefined }, newUrn)).toStrictEqual([]);
    });

    it("al2023AmiType fails on AL2 outside the LegacyNodeGroup component, other OSes, and an implicit type", () => {
        const allowed =
            "use AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, " +
            "AL2023_x86_64_NEURON, or CUSTOM with an AL2023 launch template";
        expect(al2023AmiType(legacyNodeGroup, newUrn)).toStrictEqual([
            'amiType: "AL2_x86_64" is not allowed; Amazon Linux 2 is allowed only on the adopted legacy node group ' +
                `(a child of eks-al2023-migration:cutover:LegacyNodeGroup): ${allowed}`,
        ]);
        expect(al2023AmiType(legacyNodeGroup, urnOf(NODE_GROUP, "general-legacy"))).toHaveLength(1);
        // A tag does not make a node group the legacy one.
        const tagged = { ...legacyNodeGroup, tags: { "eks-al2023-migration/role": "legacy" } };
        expect(al2023AmiType(tagged, newUrn)).toHaveLength(1);
        expect(al2023AmiType({ ...newNodeGroup, amiType: "BOTTLEROCKET_x86_64" }, legacyUrn)).toStrictEqual([
            `amiType: "BOTTLEROCKET_x86_64" is not allowed; a new node group runs Amazon Linux 2023: ${allowed}`,
        ]);
        expect(al2023AmiType({ scalingConfig: newNodeGroup.scalingConfig }, newUrn)).toStrictEqual([
            `amiType: nothing is not allowed; a new node group runs Amazon Linux 2023: ${allowed}`,
        ]);
    });

    it("noRemoteAccess fails on SSH access except on the legacy node group", () => {
        const remoteAccess = { ec2SshKey: "ops-admin", sourceSecurityGroupIds: [] };
        expect(noRemoteAccess({ ...newNodeGroup, remoteAccess }, newUrn)).toStrictEqual([
            'remoteAccess: {"ec2SshKey":"ops-admin","sourceSecurityGroupIds":[]} is not allowed; nodes get no SSH ' +
                "access (use SSM Session Manager)",
        ]);
        expect(noRemoteAccess({ ...legacyNodeGroup, remoteAccess }, legacyUrn)).toStrictEqual([]);
        expect(noRemoteAccess({ ...legacyNodeGroup, remoteAccess }, newUrn)).toHaveLength(1);
    });

    it("legacyNeverGrows lets the legacy node group shrink, never grow past its size at adoption", () => {
        const sized = (desiredSize: unknown, maxSize: number) =>
            nodeGroupView({ ...legacyNodeGroup, scalingConfig: { minSize: 0, desiredSize, maxSize } }, legacyParent);
        expect(legacyNeverGrows(sized(0, 1))).toStrictEqual([]);
        expect(legacyNeverGrows(sized(7, 12))).toStrictEqual([
            "scalingConfig.desiredSize: 7 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 6 (sizeAtAdoption.desired)",
        ]);
        expect(legacyNeverGrows(sized(6, 20))).toStrictEqual([
            "scalingConfig.maxSize: 20 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 12 (sizeAtAdoption.max)",
        ]);
        expect(legacyNeverGrows(sized("6", 12))).toHaveLength(1);
        const grown = { ...newNodeGroup, scalingConfig: { minSize: 1, desiredSize: 50, maxSize: 90 } };
        expect(legacyNeverGrows(nodeGroupView(grown))).toStrictEqual([]);
        expect(
            legacyNeverGrows(nodeGroupView(grown, { type: "eks-al2023-migration:nodes:Pool", props: {} })),
        ).toStrictEqual([]);
        expect(legacyNeverGrows({ ...nodeGroupView(grown, legacyParent), type: ROLE })).toStrictEqual([]);
    });

    it("legacyNeverGrows holds an autoscaled group's desired size to the adopted max, a fixed group's to desired", () => {
        const under = (autoscaled: unknown) => ({ ...legacyParent, props: { ...legacyParent.props, autoscaled } });
        const sized = (desiredSize: number, maxSize: number, parent: ParentView) =>
            nodeGroupView({ ...legacyNodeGroup, scalingConfig: { minSize: 3, desiredSize, maxSize } }, parent);
        // The autoscaler grew the group to 9 (a refresh reads it back): fine while autoscaled, a violation if not.
        expect(legacyNeverGrows(sized(9, 12, under(true)))).toStrictEqual([]);
        expect(legacyNeverGrows(sized(12, 12, under(true)))).toStrictEqual([]);
        expect(legacyNeverGrows(sized(9, 12, under(false)))).toStrictEqual([
            "scalingConfig.desiredSize: 9 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 6 (sizeAtAdoption.desired)",
        ]);
        // Not recorded (a component from before the flag): held to the adopted desired size.
        expect(legacyNeverGrows(sized(9, 12, legacyParent))).toHaveLength(1);
        expect(legacyNeverGrows(sized(13, 12, under(true)))).toStrictEqual([
            "scalingConfig.desiredSize: 13 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 12 (sizeAtAdoption.max, autoscaled)",
        ]);
        // maxSize is checked always.
        expect(legacyNeverGrows(sized(6, 20, under(true)))).toStrictEqual([
            "scalingConfig.maxSize: 20 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 12 (sizeAtAdoption.max)",
        ]);
        expect(legacyNeverGrows(sized(6, 12, under("yes")))).toStrictEqual([
            'eks-al2023-migration:cutover:LegacyNodeGroup props.autoscaled: "yes" is not allowed (node group ' +
                "general-legacy); record true or false",
        ]);
    });

    it("legacyNeverGrows fails when the component records no whole-number size at adoption", () => {
        const parent = (sizeAtAdoption: unknown) => ({ type: LEGACY_NODE_GROUP_COMPONENT, props: { sizeAtAdoption } });
        expect(legacyNeverGrows(nodeGroupView(legacyNodeGroup, parent(undefined)))).toStrictEqual([
            "eks-al2023-migration:cutover:LegacyNodeGroup props.sizeAtAdoption: nothing is not allowed (node group " +
                "general-legacy); record the size at adoption as whole numbers {min, desired, max} so the group can " +
                "only shrink",
        ]);
        expect(legacyNeverGrows(nodeGroupView(legacyNodeGroup, parent({ min: 3, desired: 6 })))).toHaveLength(1);
        expect(
            legacyNeverGrows(nodeGroupView(legacyNodeGroup, parent({ min: 3, desired: 6.5, max: 12 }))),
        ).toHaveLength(1);
    });
});

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C1D0A7A1E2F3B4C5D6E7F8091A2B3C4";
const PROVIDER = `arn:aws:iam::444455556666:oidc-provider/${ISSUER}`;

/** An IRSA trust statement with the given conditions (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html shape). */
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
        for (const inputs of roles) for (const rule of trustRules) expect(rule(inputs)).toStrictEqual([]);
    });

    it("noWildcardPrincipal fails on *, AWS *, a * in a list, NotPrincipal, and an unreadable document", () => {
        expect(noWildcardPrincipal(role({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }))).toStrictEqual([
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
        ).toStrictEqual([
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
        ).toStrictEqual([
            'assumeRolePolicy.Statement[0].NotPrincipal: {"AWS":"arn:aws:iam::111122223333:root"} is not allowed ' +
                "in an Allow statement; name the principals",
        ]);
        expect(noWildcardPrincipal({ assumeRolePolicy: "{not json" })).toStrictEqual([
            'assumeRolePolicy: "{not json" is not allowed; it must be a JSON policy document',
        ]);
    });

    it("oidcTrustScoped fails without :sub or :aud, or with conditions for another issuer", () => {
        expect(
            oidcTrustScoped(role(irsaStatement({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }))),
        ).toStrictEqual([
            `assumeRolePolicy.Statement[0].Condition: no "${ISSUER}:sub" condition; both :sub and :aud must be ` +
                "pinned with StringEquals (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html)",
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
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:*:*"))).toStrictEqual([
            `assumeRolePolicy.Statement[0].Condition.StringLike["${ISSUER}:sub"]: ["system:serviceaccount:*:*"] ` +
                `is not allowed; ${subRule}`,
        ]);
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:shop:checkout-*"))).toHaveLength(1);
        expect(oidcTrustScoped(withSub("StringLike", "system:serviceaccount:sh?p:*"))).toHaveLength(1);
        expect(oidcTrustScoped(withSub("StringEqualsIfExists", "system:serviceaccount:shop:checkout"))).toStrictEqual([
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
        ).toStrictEqual([
            `assumeRolePolicy.Statement[0].Condition.StringLike["${ISSUER}:aud"]: ["*"] is not allowed; ` +
                ":aud must use StringEquals",
        ]);
    });

    it("oidcTrustScoped allows sts:AssumeRoleWithWebIdentity only, and one provider per statement", () => {
        expect(
            oidcTrustScoped(
                role(irsaStatement(irsaConditions, { Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] })),
            ),
        ).toStrictEqual([
            'assumeRolePolicy.Statement[0].Action: ["sts:AssumeRoleWithWebIdentity","sts:TagSession"] is not ' +
                "allowed; an OIDC provider may be trusted for sts:AssumeRoleWithWebIdentity only",
        ]);
        expect(oidcTrustScoped(role(irsaStatement(irsaConditions, { Action: "sts:*" })))).toHaveLength(1);
        const second = "arn:aws:iam::444455556666:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FFFF";
        expect(
            oidcTrustScoped(role(irsaStatement(irsaConditions, { Principal: { Federated: [PROVIDER, second] } }))),
        ).toStrictEqual([
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
        ).toStrictEqual([
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
        // The actions in another order, or repeated, are the same two actions.
        expect(
            podIdentityTrust(
                role({ ...podIdentityStatement, Action: ["sts:TagSession", "sts:AssumeRole", "sts:TagSession"] }),
            ),
        ).toStrictEqual([]);
        expect(podIdentityTrust(role({ ...podIdentityStatement, Action: "sts:AssumeRole" }))).toStrictEqual([
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
    parent?: ParentView,
): StackResourceView {
    return {
        type: NODE_GROUP,
        name: "general",
        urn: `urn:pulumi:${stack}::eks-al2023-migration::eks-al2023-migration:nodes:Al2023NodeGroup$${NODE_GROUP}::general`,
        protect,
        props,
        ...(parent !== undefined && { parent }),
    };
}

describe("stack rule: node groups protected", () => {
    it("reads the stack name from the URN", () => {
        expect(stackOfUrn("urn:pulumi:prod::eks-al2023-migration::aws:iam/role:Role::r")).toBe("prod");
        expect(stackOfUrn("not a urn")).toBe("");
    });

    it("fails an unprotected node group in prod and nowhere else", () => {
        expect(nodeGroupProtected(stackNodeGroup("prod", false), ["prod"])).toStrictEqual([
            "node group general in stack prod is not protected; set the protect resource option (config " +
                "protectNodeGroups: true) so no update can delete it",
        ]);
        expect(nodeGroupProtected(stackNodeGroup("prod", true), ["prod"])).toStrictEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("dev", false), ["prod"])).toStrictEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("staging", false), ["staging"])).toHaveLength(1);
        expect(nodeGroupProtected({ ...stackNodeGroup("prod", false), type: ROLE }, ["prod"])).toStrictEqual([]);
    });

    it("lets only the legacy node group (parent LegacyNodeGroup) scaled to zero drop protect", () => {
        const emptied = { ...legacyNodeGroup, scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 } };
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptied, legacyParent), ["prod"])).toStrictEqual([]);
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptied), ["prod"])).toHaveLength(1);
        const otherParent = { type: "eks-al2023-migration:nodes:Pool", props: {} };
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptied, otherParent), ["prod"])).toHaveLength(1);
        expect(nodeGroupProtected(stackNodeGroup("prod", false, legacyNodeGroup, legacyParent), ["prod"])).toHaveLength(
            1,
        );
        const emptiedNew = { ...newNodeGroup, scalingConfig: emptied.scalingConfig };
        expect(nodeGroupProtected(stackNodeGroup("prod", false, emptiedNew), ["prod"])).toHaveLength(1);
    });
});

/** Runs `program` for the prod stack under the offline cloud and returns what the policies see. */
async function declaredThroughSdk(program: () => Promise<Record<string, unknown>>) {
    const evaluation = await evaluateForPolicy({
        stack: "prod",
        config: {},
        facts: exampleFacts("prod"),
        previousOutputs: {},
        program,
    });
    expect(evaluation.error).toBeUndefined();
    return evaluation.resources;
}

const nodeGroupArgs = {
    clusterName: "shop-prod",
    nodeRoleArn: "arn:aws:iam::444455556666:role/shop-prod-node-role",
    subnetIds: ["subnet-0d4e5f60718293a4b"],
    amiType: "AL2023_x86_64_STANDARD",
    scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
};

describe("rules read the inputs the engine receives from @pulumi/aws", () => {
    it("type tokens, input shapes, URNs and parents match resources declared through the SDK", async () => {
        const resources = await declaredThroughSdk(async () => {
            const template = new aws.ec2.LaunchTemplate("lt", {
                keyName: "ops-admin",
                metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 20 } }],
                networkInterfaces: [{ associatePublicIpAddress: "true" }],
            });
            const al2 = {
                ...nodeGroupArgs,
                amiType: "AL2_x86_64",
                remoteAccess: { ec2SshKey: "ops-admin" },
                scalingConfig: { minSize: 1, desiredSize: 9, maxSize: 12 },
            };
            const loose = new aws.eks.NodeGroup("ng", al2);
            const component = new pulumi.ComponentResource(LEGACY_NODE_GROUP_COMPONENT, "general", {
                nodeGroupName: "prod-general-al2",
                sizeAtAdoption: { min: 3, desired: 6, max: 12 },
            });
            const adopted = new aws.eks.NodeGroup("general-legacy", al2, { parent: component });
            const trusted = new aws.iam.Role("role", {
                assumeRolePolicy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
                },
            });
            return { template: template.id, loose: loose.id, adopted: adopted.id, trusted: trusted.id };
        });
        const find = (type: string, name: string) => resources.find((r) => r.type === type && r.name === name)!;
        const lt = find(LAUNCH_TEMPLATE, "lt");
        for (const rule of [imdsV2Required, hopLimitAtMostTwo, ebsVolumesEncrypted, noSshKey, noPublicIp]) {
            expect(rule(lt.inputs)).toHaveLength(1);
        }
        const loose = find(NODE_GROUP, "ng");
        expect(loose.parent).toBeUndefined();
        expect(al2023AmiType(loose.inputs, loose)).toHaveLength(1);
        expect(noRemoteAccess(loose.inputs, loose)).toHaveLength(1);
        expect(legacyNeverGrows({ ...loose, props: loose.inputs })).toStrictEqual([]);
        const adopted = find(NODE_GROUP, "general-legacy");
        expect(adopted.urn).toBe(
            `urn:pulumi:prod::eks-al2023-migration::${LEGACY_NODE_GROUP_COMPONENT}$${NODE_GROUP}::general-legacy`,
        );
        expect(adopted.parent).toStrictEqual(legacyParent);
        expect(al2023AmiType(adopted.inputs, adopted)).toStrictEqual([]);
        expect(noRemoteAccess(adopted.inputs, adopted)).toStrictEqual([]);
        expect(legacyNeverGrows({ ...adopted, props: adopted.inputs })).toStrictEqual([
            "scalingConfig.desiredSize: 9 is not allowed on node group general-legacy; the legacy AL2 node group " +
                "may only shrink or disappear once adopted, at most 6 (sizeAtAdoption.desired)",
        ]);
        expect(noWildcardPrincipal(find(ROLE, "role").inputs)).toStrictEqual([
            'assumeRolePolicy.Statement[0].Principal: {"AWS": "*"} is not allowed; trust named principals only',
        ]);
    });
});

describe("stack rule on resources declared through the SDK", () => {
    it("sees protect inherited from a component and the stack name in the URN", async () => {
        const resources = await declaredThroughSdk(async () => {
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
        expect(nodeGroups.map(({ name, urn, protect }) => ({ name, stack: stackOfUrn(urn), protect }))).toStrictEqual([
            { name: "general-ng", stack: "prod", protect: true },
            { name: "batch-ng", stack: "prod", protect: false },
        ]);
        expect(
            nodeGroups.flatMap((resource) => nodeGroupProtected({ ...resource, props: resource.inputs }, ["prod"])),
        ).toStrictEqual([
            "node group batch-ng in stack prod is not protected; set the protect resource option (config " +
                "protectNodeGroups: true) so no update can delete it",
        ]);
    });
});
