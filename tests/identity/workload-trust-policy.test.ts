import { describe, expect, it } from "vitest";
import {
    checkTrustPolicyLength,
    irsaTrustPolicy,
    issuerHostPath,
    oidcProviderArn,
    parseOidcProviderArn,
    podIdentityTrustPolicy,
    trustPolicyLength,
} from "../../identity/workload-trust-policy";

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5E1B0F2A7C3D9E8F6A4B2C1D0E9F8A7B";
const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
const CN_ISSUER = "oidc.eks.cn-north-1.amazonaws.com.cn/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
const CN_PROVIDER = `arn:aws-cn:iam::444455556666:oidc-provider/${CN_ISSUER}`;

/** Serialises once and parses back, as IAM would receive it. */
function roundTrip(document: unknown): unknown {
    return JSON.parse(JSON.stringify(document));
}

describe("irsaTrustPolicy", () => {
    it("trusts one service account exactly (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html)", () => {
        const document = irsaTrustPolicy({
            providerArn: PROVIDER,
            issuerHostPath: ISSUER,
            subjects: [{ namespace: "shop", name: "s3-reader" }],
        });
        expect(roundTrip(document)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            [`${ISSUER}:sub`]: "system:serviceaccount:shop:s3-reader",
                        },
                    },
                },
            ],
        });
    });

    it("lists every subject of a shared role in one statement (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), each once", () => {
        const document = irsaTrustPolicy({
            providerArn: PROVIDER,
            issuerHostPath: ISSUER,
            subjects: [
                { namespace: "shop", name: "orders" },
                { namespace: "batch", name: "reports" },
                { namespace: "shop", name: "orders" },
            ],
        });
        expect(roundTrip(document)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            [`${ISSUER}:sub`]: [
                                "system:serviceaccount:shop:orders",
                                "system:serviceaccount:batch:reports",
                            ],
                        },
                    },
                },
            ],
        });
    });

    it("namespace-wide moves only :sub to StringLike with <ns>:*", () => {
        const document = irsaTrustPolicy({
            providerArn: PROVIDER,
            issuerHostPath: ISSUER,
            subjects: [
                { namespace: "jobs", name: "a" },
                { namespace: "jobs", name: "b" },
            ],
            namespaceWide: true,
        });
        expect(roundTrip(document)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                        StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:jobs:*" },
                    },
                },
            ],
        });
    });

    it("keeps the aws-cn partition of the provider ARN", () => {
        const document = irsaTrustPolicy({
            providerArn: CN_PROVIDER,
            issuerHostPath: CN_ISSUER,
            subjects: [{ namespace: "shop", name: "s3-reader" }],
        });
        expect(roundTrip(document)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: CN_PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${CN_ISSUER}:aud`]: "sts.amazonaws.com",
                            [`${CN_ISSUER}:sub`]: "system:serviceaccount:shop:s3-reader",
                        },
                    },
                },
            ],
        });
        expect(JSON.stringify(document)).not.toContain("arn:aws:");
    });

    it("rejects a provider of another issuer, a non-provider ARN and an empty subject list", () => {
        const subjects = [{ namespace: "shop", name: "x" }];
        expect(() => irsaTrustPolicy({ providerArn: CN_PROVIDER, issuerHostPath: ISSUER, subjects })).toThrow(
            /is not for the issuer/,
        );
        expect(() =>
            irsaTrustPolicy({ providerArn: "arn:aws:iam::111122223333:role/x", issuerHostPath: ISSUER, subjects }),
        ).toThrow(/not an IAM OIDC provider ARN/);
        expect(() => irsaTrustPolicy({ providerArn: PROVIDER, issuerHostPath: ISSUER, subjects: [] })).toThrow(
            /at least one service account/,
        );
    });
});

describe("provider ARN helpers", () => {
    it("builds and splits provider ARNs in every partition", () => {
        expect(oidcProviderArn("aws", "111122223333", `https://${ISSUER}`)).toBe(PROVIDER);
        expect(oidcProviderArn("aws-cn", "444455556666", `https://${CN_ISSUER}`)).toBe(CN_PROVIDER);
        expect(parseOidcProviderArn(CN_PROVIDER)).toStrictEqual({
            partition: "aws-cn",
            accountId: "444455556666",
            issuerHostPath: CN_ISSUER,
        });
        expect(issuerHostPath(`https://${ISSUER}/`)).toBe(ISSUER);
    });
});

describe("podIdentityTrustPolicy", () => {
    it("trusts pods.eks.amazonaws.com with AssumeRole and TagSession (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html)", () => {
        expect(roundTrip(podIdentityTrustPolicy())).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        });
    });
});

describe("trust policy quota", () => {
    const subjects = Array.from({ length: 40 }, (_, i) => ({ namespace: "tenants", name: `tenant-${i}` }));
    const role = { configKey: "sharedRoles[0]", roleName: "shop-dev-tenants", subjects };
    const document = irsaTrustPolicy({ providerArn: PROVIDER, issuerHostPath: ISSUER, subjects });

    // IAM counts a policy's size without whitespace
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length).
    it("counts characters without whitespace, as IAM does", () => {
        // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},
        // "Action":["sts:AssumeRole","sts:TagSession"]}]} is 151 characters.
        expect(trustPolicyLength(podIdentityTrustPolicy())).toBe(151);
        // Two subjects: 520 characters. Each further subject adds "system:serviceaccount:tenants:tenant-N" with its
        // quotes and comma: 41 characters for N = 2..9, 42 for N = 10..39, so 40 subjects: 520 + 8 * 41 + 30 * 42.
        const two = irsaTrustPolicy({ providerArn: PROVIDER, issuerHostPath: ISSUER, subjects: subjects.slice(0, 2) });
        expect(trustPolicyLength(two)).toBe(520);
        expect(trustPolicyLength(document)).toBe(2108);
    });

    it("accepts a document within the limit, and one exactly at it", () => {
        const small = irsaTrustPolicy({
            providerArn: PROVIDER,
            issuerHostPath: ISSUER,
            subjects: subjects.slice(0, 2),
        });
        expect(checkTrustPolicyLength(role, small, 2048)).toBeUndefined();
        expect(checkTrustPolicyLength(role, document, 2108)).toBeUndefined();
    });

    it("names the role, its length, the limit and its subjects when over, one character past the limit", () => {
        expect(checkTrustPolicyLength(role, document, 2107)).toBe(
            "sharedRoles[0]: the trust policy of role shop-dev-tenants is 2108 characters, over the limit of 2107 " +
                "(trustPolicyMaxLength); it trusts 40 service account(s): " +
                "tenants/tenant-0, tenants/tenant-1, tenants/tenant-2, tenants/tenant-3, tenants/tenant-4, " +
                "tenants/tenant-5, tenants/tenant-6, tenants/tenant-7, tenants/tenant-8, tenants/tenant-9, " +
                "tenants/tenant-10, tenants/tenant-11, tenants/tenant-12, tenants/tenant-13, tenants/tenant-14, " +
                "tenants/tenant-15, tenants/tenant-16, tenants/tenant-17, tenants/tenant-18, tenants/tenant-19, " +
                "tenants/tenant-20, tenants/tenant-21, tenants/tenant-22, tenants/tenant-23, tenants/tenant-24, " +
                "tenants/tenant-25, tenants/tenant-26, tenants/tenant-27, tenants/tenant-28, tenants/tenant-29, " +
                "tenants/tenant-30, tenants/tenant-31, tenants/tenant-32, tenants/tenant-33, tenants/tenant-34, " +
                "tenants/tenant-35, tenants/tenant-36, tenants/tenant-37, tenants/tenant-38, tenants/tenant-39. " +
                "Split the role, use namespaceWide, or raise the IAM quota and trustPolicyMaxLength (at most 4096)",
        );
    });
});
