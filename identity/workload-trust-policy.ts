import type { ServiceAccountRef } from "./identity-config";

/** A role trust policy document (one statement), built as an object and serialised once with JSON.stringify. */
export interface TrustPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly TrustStatement[];
}

/** One statement of a role trust policy. */
export interface TrustStatement {
    readonly Effect: "Allow";
    readonly Principal: { readonly Federated: string } | { readonly Service: string };
    readonly Action: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The audience EKS projects into IRSA service account tokens, and the OIDC provider's client id. */
export const IRSA_AUDIENCE = "sts.amazonaws.com";

/** The service principal EKS Pod Identity assumes roles as (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html). */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** `arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>`. */
const OIDC_PROVIDER_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):oidc-provider\/(.+)$/;

/** The parts of an IAM OIDC provider ARN: the partition, the account and the issuer without `https://`. */
export interface OidcProviderArnParts {
    readonly partition: string;
    readonly accountId: string;
    readonly issuerHostPath: string;
}

/** Splits an IAM OIDC provider ARN; throws on anything else, since a wrong principal would only fail in IAM. */
export function parseOidcProviderArn(providerArn: string): OidcProviderArnParts {
    const parts = OIDC_PROVIDER_ARN.exec(providerArn);
    if (!parts) throw new Error(`not an IAM OIDC provider ARN: ${JSON.stringify(providerArn)}`);
    return { partition: parts[1], accountId: parts[2], issuerHostPath: parts[3] };
}

/** The issuer URL without its scheme (`oidc.eks.<region>.amazonaws.com/id/<ID>`): the IAM condition key prefix. */
export function issuerHostPath(issuerUrl: string): string {
    return issuerUrl.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

/** The ARN IAM gives the OIDC provider of an issuer (the same string whether it is looked up or created). */
export function oidcProviderArn(partition: string, accountId: string, issuerUrl: string): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${issuerHostPath(issuerUrl)}`;
}

/** The `sub` claim of a service account token: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountSubject(subject: ServiceAccountRef): string {
    return `system:serviceaccount:${subject.namespace}:${subject.name}`;
}

/** Arguments of irsaTrustPolicy. */
export interface IrsaTrustPolicyArgs {
    /** The cluster's IAM OIDC provider ARN; its partition and account are used as they are. */
    readonly providerArn: string;
    /** The issuer without `https://`; must match the provider ARN's suffix. */
    readonly issuerHostPath: string;
    /** Every service account allowed to assume the role (at least one). */
    readonly subjects: readonly ServiceAccountRef[];
    /**
     * Trust every service account in the subjects' namespaces (`StringLike` `system:serviceaccount:<ns>:*`). Weaker:
     * any service account created later in those namespaces can assume the role. @default false
     */
    readonly namespaceWide?: boolean;
}

/**
 * The IRSA trust policy (AWS user guide shape, https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html; size quota: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): one statement, principal `Federated` = the provider ARN,
 * action `sts:AssumeRoleWithWebIdentity`, `StringEquals` on `<issuer>:aud` = `sts.amazonaws.com` and `<issuer>:sub` =
 * the one subject or the list of subjects. Namespace-wide moves only `:sub` to `StringLike` with `<ns>:*` (as eksctl
 * does), so the audience check stays exact.
 */
export function irsaTrustPolicy(args: IrsaTrustPolicyArgs): TrustPolicyDocument {
    const provider = parseOidcProviderArn(args.providerArn);
    if (provider.issuerHostPath !== args.issuerHostPath) {
        throw new Error(
            `the OIDC provider ${args.providerArn} is not for the issuer ${args.issuerHostPath}; a role trusting it would never be assumable`,
        );
    }
    if (args.subjects.length === 0) throw new Error("an IRSA trust policy needs at least one service account");
    const subjects = [
        ...new Set(
            args.subjects.map((s) =>
                args.namespaceWide
                    ? serviceAccountSubject({ namespace: s.namespace, name: "*" })
                    : serviceAccountSubject(s),
            ),
        ),
    ];
    const sub = subjects.length === 1 ? subjects[0] : subjects;
    const prefix = args.issuerHostPath;
    const condition: TrustStatement["Condition"] = args.namespaceWide
        ? { StringEquals: { [`${prefix}:aud`]: IRSA_AUDIENCE }, StringLike: { [`${prefix}:sub`]: sub } }
        : { StringEquals: { [`${prefix}:aud`]: IRSA_AUDIENCE, [`${prefix}:sub`]: sub } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: args.providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: condition,
            },
        ],
    };
}

/** The EKS Pod Identity trust policy (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html): `pods.eks.amazonaws.com` may `sts:AssumeRole` and `sts:TagSession`. */
export function podIdentityTrustPolicy(): TrustPolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: POD_IDENTITY_PRINCIPAL },
                Action: ["sts:AssumeRole", "sts:TagSession"],
            },
        ],
    };
}

/** The length IAM counts against the trust policy quota: the serialised document without whitespace. */
export function trustPolicyLength(document: TrustPolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

/**
 * Checks a trust policy against the configured quota (`trustPolicyMaxLength`). Returns a message naming the role,
 * its length and its subjects when it is too long (so it can be reported before any resource is declared), or
 * undefined when it fits.
 */
export function checkTrustPolicyLength(
    role: { readonly configKey: string; readonly roleName: string; readonly subjects: readonly ServiceAccountRef[] },
    document: TrustPolicyDocument,
    maxLength: number,
): string | undefined {
    const length = trustPolicyLength(document);
    if (length <= maxLength) return undefined;
    const subjects = role.subjects.map((s) => `${s.namespace}/${s.name}`).join(", ");
    return (
        `${role.configKey}: the trust policy of role ${role.roleName} is ${length} characters, over the limit of ` +
        `${maxLength} (trustPolicyMaxLength); it trusts ${role.subjects.length} service account(s): ${subjects}. ` +
        `Split the role, use namespaceWide, or raise the IAM quota and trustPolicyMaxLength (at most 4096)`
    );
}
