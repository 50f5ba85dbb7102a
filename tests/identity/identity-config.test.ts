import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/read-config";
import type { IdentityConfig } from "../../identity/identity-config";
import { defaultWorkloadRoleName } from "../../identity/resolve-identities";
import { configProblems, MINIMAL_POOL } from "../config/config-errors";

const S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

/** Parses the identity keys of a raw config (cluster shop-dev, one valid pool), throwing the collected ConfigError. */
function parse(raw: Record<string, unknown>): IdentityConfig {
    return parseConfig({ clusterName: "shop-dev", pools: [MINIMAL_POOL], ...raw }).identity;
}

/** The problems a raw config produces (fails the test when it parses). */
function problemsOf(raw: Record<string, unknown>): readonly string[] {
    return configProblems(() => parse(raw));
}

/** One valid service account with its own role, overridable. */
function account(fields: Record<string, unknown> = {}): Record<string, unknown> {
    return { namespace: "shop", name: "s3-reader", managedPolicyArns: [S3_READ], ...fields };
}

describe("identity settings: valid", () => {
    it("defaults everything when no key is set", () => {
        expect(parse({})).toStrictEqual({
            serviceAccounts: [],
            roles: [],
            oidcProvider: { create: false },
            podIdentityAgent: { manage: false },
            trustPolicyMaxLength: 2048,
            kubernetes: {},
        });
    });

    it("resolves own roles and shared roles, with every setting", () => {
        const policy = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ReadInvoices",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:ListBucket"],
                    Resource: ["arn:aws:s3:::shop-invoices", "arn:aws:s3:::shop-invoices/*"],
                    Condition: { Bool: { "aws:SecureTransport": "true" } },
                },
            ],
        };
        const config = parse({
            sharedRoles: [
                {
                    name: "events",
                    identity: "pod-identity",
                    policy,
                    roleName: "shop-dev-events",
                    maxSessionDuration: 7200,
                    tags: { team: "orders" },
                },
            ],
            serviceAccounts: [
                account({
                    permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/workload-boundary",
                    create: true,
                    restart: [{ kind: "Deployment", name: "invoice-api" }],
                    stsRegionalEndpoints: true,
                    tokenExpiration: 3600,
                }),
                { namespace: "orders", name: "publisher", role: "events" },
                { namespace: "orders", name: "consumer", role: "events", identity: "pod-identity" },
            ],
            oidcProvider: { create: true },
            podIdentityAgent: { manage: true, addonVersion: "v1.3.8-eksbuild.2" },
            trustPolicyMaxLength: 4096,
            kubernetes: { context: "shop-dev-admin" },
        });
        expect(config).toStrictEqual({
            serviceAccounts: [
                {
                    namespace: "shop",
                    name: "s3-reader",
                    identity: "irsa",
                    role: "shop-s3-reader",
                    create: true,
                    restart: [{ kind: "Deployment", name: "invoice-api" }],
                    stsRegionalEndpoints: true,
                    tokenExpiration: 3600,
                },
                {
                    namespace: "orders",
                    name: "publisher",
                    identity: "pod-identity",
                    role: "events",
                    create: false,
                    restart: [],
                    stsRegionalEndpoints: false,
                },
                {
                    namespace: "orders",
                    name: "consumer",
                    identity: "pod-identity",
                    role: "events",
                    create: false,
                    restart: [],
                    stsRegionalEndpoints: false,
                },
            ],
            roles: [
                {
                    key: "events",
                    configKey: "sharedRoles[0]",
                    identity: "pod-identity",
                    roleName: "shop-dev-events",
                    managedPolicyArns: [],
                    policy,
                    maxSessionDuration: 7200,
                    tags: { team: "orders" },
                    namespaceWide: false,
                    subjects: [
                        { namespace: "orders", name: "publisher" },
                        { namespace: "orders", name: "consumer" },
                    ],
                },
                {
                    key: "shop-s3-reader",
                    configKey: "serviceAccounts[0]",
                    identity: "irsa",
                    roleName: "shop-dev-shop-s3-reader",
                    managedPolicyArns: [S3_READ],
                    permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/workload-boundary",
                    tags: {},
                    namespaceWide: false,
                    subjects: [{ namespace: "shop", name: "s3-reader" }],
                },
            ],
            oidcProvider: { create: true },
            podIdentityAgent: { manage: true, addonVersion: "v1.3.8-eksbuild.2" },
            trustPolicyMaxLength: 4096,
            kubernetes: { context: "shop-dev-admin" },
        });
    });

    it("derives role names: the full name up to 64 characters, else cut to 55 with a hash of the whole name", () => {
        expect(defaultWorkloadRoleName("shop-dev", "kube-system-aws-load-balancer-controller")).toBe(
            "shop-dev-kube-system-aws-load-balancer-controller",
        );
        // Too long: the first 55 characters, "-", and the first 8 hex digits of the SHA-256 of the whole name
        // (written out, from `printf %s shop-dev-payments-xxx… | sha256sum`).
        const long = defaultWorkloadRoleName("shop-dev", `payments-${"x".repeat(60)}`);
        expect(long).toBe(`shop-dev-payments-${"x".repeat(37)}-7bb79250`);
        expect(long).toHaveLength(64);
        expect(defaultWorkloadRoleName("shop-dev", `payments-${"x".repeat(61)}`)).toBe(
            `shop-dev-payments-${"x".repeat(37)}-2626b8fb`,
        );
    });

    it("keeps namespace-wide IRSA roles", () => {
        const config = parse({ serviceAccounts: [account({ namespaceWide: true })] });
        expect(config.roles[0].namespaceWide).toBe(true);
    });
});

/** [what, raw config, the key the problem names, the bad value it shows (JSON), words of what is allowed]. */
const cases: [string, Record<string, unknown>, string, string, string][] = [
    [
        "namespace not DNS-1123",
        { serviceAccounts: [account({ namespace: "Shop" })] },
        "serviceAccounts[0].namespace",
        '"Shop"',
        "DNS-1123",
    ],
    [
        "name not DNS-1123",
        { serviceAccounts: [account({ name: "S3_reader" })] },
        "serviceAccounts[0].name",
        '"S3_reader"',
        "DNS-1123",
    ],
    [
        "namespace missing",
        { serviceAccounts: [{ name: "x", managedPolicyArns: [S3_READ] }] },
        "serviceAccounts[0].namespace",
        "",
        "is required",
    ],
    [
        "identity unknown",
        { serviceAccounts: [account({ identity: "kiam" })] },
        "serviceAccounts[0].identity",
        '"kiam"',
        "irsa, pod-identity",
    ],
    [
        "unknown key with a suggestion",
        { serviceAccounts: [account({ namespacewide: true })] },
        "serviceAccounts[0].namespacewide",
        "",
        'did you mean "namespaceWide"',
    ],
    [
        "no permissions",
        { serviceAccounts: [{ namespace: "shop", name: "x" }] },
        "serviceAccounts[0]",
        "",
        "needs permissions",
    ],
    [
        "role and own permissions",
        { sharedRoles: [{ name: "r", managedPolicyArns: [S3_READ] }], serviceAccounts: [account({ role: "r" })] },
        "serviceAccounts[0].managedPolicyArns",
        "",
        'role "r"',
    ],
    [
        "unknown shared role",
        {
            sharedRoles: [{ name: "r", managedPolicyArns: [S3_READ] }],
            serviceAccounts: [
                { namespace: "a", name: "b", role: "r2" },
                { namespace: "a", name: "c", role: "r" },
            ],
        },
        "serviceAccounts[0].role",
        '"r2"',
        "sharedRoles name (r)",
    ],
    [
        "role without sharedRoles",
        { serviceAccounts: [{ namespace: "a", name: "b", role: "r" }] },
        "serviceAccounts[0].role",
        '"r"',
        "no sharedRoles",
    ],
    [
        "duplicate service account",
        { serviceAccounts: [account(), account({ managedPolicyArns: [] })] },
        "serviceAccounts[1]",
        '"shop/s3-reader"',
        "serviceAccounts[0] already declares",
    ],
    [
        "same <namespace>-<name>",
        { serviceAccounts: [account({ namespace: "a-b", name: "c" }), account({ namespace: "a", name: "b-c" })] },
        "serviceAccounts[1]",
        '"a/b-c"',
        "serviceAccounts[0] already declares",
    ],
    [
        "own role named like a shared role",
        {
            sharedRoles: [{ name: "shop-api", managedPolicyArns: [S3_READ] }],
            serviceAccounts: [account({ name: "api" }), { namespace: "x", name: "y", role: "shop-api" }],
        },
        "serviceAccounts[0]",
        '"shop/api"',
        "shared role shop-api",
    ],
    [
        "policy ARN",
        { serviceAccounts: [account({ managedPolicyArns: ["AmazonS3ReadOnlyAccess"] })] },
        "serviceAccounts[0].managedPolicyArns[0]",
        '"AmazonS3ReadOnlyAccess"',
        "IAM policy ARN",
    ],
    [
        "duplicate policy ARN",
        { serviceAccounts: [account({ managedPolicyArns: [S3_READ, S3_READ] })] },
        "serviceAccounts[0].managedPolicyArns[1]",
        `"${S3_READ}"`,
        "only once",
    ],
    [
        "two policies with one name",
        {
            serviceAccounts: [
                account({ managedPolicyArns: [S3_READ, "arn:aws:iam::111122223333:policy/AmazonS3ReadOnlyAccess"] }),
            ],
        },
        "serviceAccounts[0].managedPolicyArns[1]",
        '"arn:aws:iam::111122223333:policy/AmazonS3ReadOnlyAccess"',
        "also named AmazonS3ReadOnlyAccess",
    ],
    [
        "boundary ARN",
        { serviceAccounts: [account({ permissionsBoundaryArn: "arn:aws:iam::111122223333:role/x" })] },
        "serviceAccounts[0].permissionsBoundaryArn",
        '"arn:aws:iam::111122223333:role/x"',
        "IAM policy ARN",
    ],
    [
        "role name characters",
        { serviceAccounts: [account({ roleName: "shop dev/reader" })] },
        "serviceAccounts[0].roleName",
        '"shop dev/reader"',
        "IAM role name",
    ],
    [
        "role name length",
        { serviceAccounts: [account({ roleName: "r".repeat(65) })] },
        "serviceAccounts[0].roleName",
        `"${"r".repeat(65)}"`.slice(0, 77),
        "IAM role name",
    ],
    [
        "role name taken",
        { serviceAccounts: [account({ roleName: "Reader" }), account({ name: "other", roleName: "reader" })] },
        "serviceAccounts[1].roleName",
        '"reader"',
        "serviceAccounts[0] already uses",
    ],
    [
        "session duration",
        { serviceAccounts: [account({ maxSessionDuration: 60 })] },
        "serviceAccounts[0].maxSessionDuration",
        "60",
        "3600 to 43200 seconds",
    ],
    [
        "tag value type",
        { serviceAccounts: [account({ tags: { cost: 42 } })] },
        "serviceAccounts[0].tags.cost",
        "42",
        "expected a string",
    ],
    [
        "reserved tag key",
        { serviceAccounts: [account({ tags: { "aws:owner": "me" } })] },
        "serviceAccounts[0].tags.aws:owner",
        '"aws:owner"',
        "not start with aws:",
    ],
    [
        "namespace-wide pod identity",
        { serviceAccounts: [account({ identity: "pod-identity", namespaceWide: true })] },
        "serviceAccounts[0].namespaceWide",
        "true",
        "irsa only",
    ],
    [
        "namespace-wide shared pod identity",
        {
            sharedRoles: [{ name: "r", identity: "pod-identity", namespaceWide: true, managedPolicyArns: [S3_READ] }],
            serviceAccounts: [{ namespace: "a", name: "b", role: "r" }],
        },
        "sharedRoles[0].namespaceWide",
        "true",
        "irsa only",
    ],
    [
        "token expiration range",
        { serviceAccounts: [account({ tokenExpiration: 60 })] },
        "serviceAccounts[0].tokenExpiration",
        "60",
        "600 to 86400 seconds",
    ],
    [
        "token expiration on pod identity",
        { serviceAccounts: [account({ identity: "pod-identity", tokenExpiration: 3600 })] },
        "serviceAccounts[0].tokenExpiration",
        "3600",
        "irsa only",
    ],
    [
        "regional STS on pod identity",
        { serviceAccounts: [account({ identity: "pod-identity", stsRegionalEndpoints: true })] },
        "serviceAccounts[0].stsRegionalEndpoints",
        "true",
        "irsa only",
    ],
    [
        "create not a boolean",
        { serviceAccounts: [account({ create: "yes" })] },
        "serviceAccounts[0].create",
        '"yes"',
        "true or false",
    ],
    [
        "restart kind",
        { serviceAccounts: [account({ restart: [{ kind: "CronJob", name: "x" }] })] },
        "serviceAccounts[0].restart[0].kind",
        '"CronJob"',
        "Deployment, StatefulSet, DaemonSet",
    ],
    [
        "restart kind missing",
        { serviceAccounts: [account({ restart: [{ name: "x" }] })] },
        "serviceAccounts[0].restart[0].kind",
        "",
        "is required",
    ],
    [
        "restart name",
        { serviceAccounts: [account({ restart: [{ kind: "Deployment", name: "Api" }] })] },
        "serviceAccounts[0].restart[0].name",
        '"Api"',
        "DNS-1123",
    ],
    [
        "restart twice",
        {
            serviceAccounts: [
                account({
                    restart: [
                        { kind: "Deployment", name: "api" },
                        { kind: "Deployment", name: "api" },
                    ],
                }),
            ],
        },
        "serviceAccounts[0].restart[1]",
        '"Deployment/api"',
        "only once",
    ],
    [
        "shared role name",
        { sharedRoles: [{ name: "Events", managedPolicyArns: [S3_READ] }] },
        "sharedRoles[0].name",
        '"Events"',
        "DNS-1123",
    ],
    [
        "shared role twice",
        {
            sharedRoles: [
                { name: "r", managedPolicyArns: [S3_READ] },
                { name: "r", managedPolicyArns: [S3_READ] },
            ],
            serviceAccounts: [{ namespace: "a", name: "b", role: "r" }],
        },
        "sharedRoles[1].name",
        '"r"',
        "only once",
    ],
    [
        "shared role unused",
        { sharedRoles: [{ name: "r", managedPolicyArns: [S3_READ] }] },
        "sharedRoles[0].name",
        '"r"',
        "at least one service account",
    ],
    [
        "shared role without permissions",
        { sharedRoles: [{ name: "r" }], serviceAccounts: [{ namespace: "a", name: "b", role: "r" }] },
        "sharedRoles[0]",
        "",
        "needs permissions",
    ],
    [
        "identity mismatch",
        {
            sharedRoles: [{ name: "r", managedPolicyArns: [S3_READ] }],
            serviceAccounts: [{ namespace: "a", name: "b", role: "r", identity: "pod-identity" }],
        },
        "serviceAccounts[0].identity",
        '"pod-identity"',
        "shared role r is irsa",
    ],
    [
        "policy version",
        {
            serviceAccounts: [
                account({
                    policy: { Version: "2008-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] },
                }),
            ],
        },
        "serviceAccounts[0].policy.Version",
        '"2008-10-17"',
        '"2012-10-17"',
    ],
    [
        "policy statement missing",
        { serviceAccounts: [account({ policy: { Version: "2012-10-17" } })] },
        "serviceAccounts[0].policy.Statement",
        "",
        "is required",
    ],
    [
        "policy statement empty",
        { serviceAccounts: [account({ policy: { Version: "2012-10-17", Statement: [] } })] },
        "serviceAccounts[0].policy.Statement",
        "[]",
        "at least one statement",
    ],
    [
        "policy not an object",
        { serviceAccounts: [account({ policy: "s3:*" })] },
        "serviceAccounts[0].policy",
        '"s3:*"',
        "expected an object",
    ],
    [
        "policy unknown key",
        { serviceAccounts: [account({ policy: { Version: "2012-10-17", Statment: [] } })] },
        "serviceAccounts[0].policy.Statment",
        "",
        'did you mean "Statement"',
    ],
    [
        "effect",
        {
            serviceAccounts: [
                account({
                    policy: { Version: "2012-10-17", Statement: [{ Effect: "Permit", Action: "s3:*", Resource: "*" }] },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Effect",
        '"Permit"',
        "Allow, Deny",
    ],
    [
        "effect missing",
        {
            serviceAccounts: [
                account({ policy: { Version: "2012-10-17", Statement: [{ Action: "s3:*", Resource: "*" }] } }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Effect",
        "",
        "is required",
    ],
    [
        "action and not-action",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "s3:*", NotAction: "iam:*", Resource: "*" }],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0]",
        "",
        "Action and NotAction cannot both be set",
    ],
    [
        "no resource",
        {
            serviceAccounts: [
                account({ policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] } }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0]",
        "",
        "needs Resource or NotResource",
    ],
    [
        "bad action",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "GetObject"], Resource: "*" }],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Action[1]",
        '"GetObject"',
        "IAM action",
    ],
    [
        "bad resource",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "my-bucket" }],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Resource",
        '"my-bucket"',
        "resource ARN",
    ],
    [
        "principal in an identity policy",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Principal",
        "",
        "allowed keys here: Sid, Effect",
    ],
    [
        "sid characters",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [{ Sid: "read-all", Effect: "Allow", Action: "s3:*", Resource: "*" }],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Sid",
        '"read-all"',
        "letters and digits",
    ],
    [
        "condition value",
        {
            serviceAccounts: [
                account({
                    policy: {
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: "s3:*",
                                Resource: "*",
                                Condition: { StringEquals: { "aws:PrincipalTag/team": { x: 1 } } },
                            },
                        ],
                    },
                }),
            ],
        },
        "serviceAccounts[0].policy.Statement[0].Condition.StringEquals.aws:PrincipalTag/team",
        '{"x":1}',
        "a string, number, boolean",
    ],
    ["oidcProvider.create", { oidcProvider: { create: "true" } }, "oidcProvider.create", '"true"', "true or false"],
    ["oidcProvider unknown key", { oidcProvider: { url: "x" } }, "oidcProvider.url", "", "allowed keys here: create"],
    [
        "addon version",
        { podIdentityAgent: { manage: true, addonVersion: "latest" } },
        "podIdentityAgent.addonVersion",
        '"latest"',
        "v1.3.8-eksbuild.2",
    ],
    ["trust policy limit", { trustPolicyMaxLength: 8192 }, "trustPolicyMaxLength", "8192", "2048 to 4096 characters"],
    ["kubernetes context", { kubernetes: { context: 7 } }, "kubernetes.context", "7", "expected a string"],
    [
        "kubernetes unknown key",
        { kubernetes: { kubeconfig: "~/.kube/config" } },
        "kubernetes.kubeconfig",
        "",
        "allowed keys here: context",
    ],
    [
        "serviceAccounts not a list",
        { serviceAccounts: { namespace: "a" } },
        "serviceAccounts",
        '{"namespace":"a"}',
        "expected a list",
    ],
];

describe("identity settings: every rule names the key, the value and what is allowed", () => {
    it.each(cases)("%s", (_what, raw, key, value, allowed) => {
        const problems = problemsOf(raw);
        const matching = problems.filter((p) => p.startsWith(`${key}: `) && p.includes(allowed));
        expect(matching, problems.join("\n")).toHaveLength(1);
        if (value !== "") expect(matching[0]).toContain(`${key}: ${value}`);
    });

    it("collects every problem at once", () => {
        const problems = problemsOf({
            serviceAccounts: [account({ namespace: "Shop", maxSessionDuration: 1 }), { namespace: "x" }],
            trustPolicyMaxLength: 1,
        });
        expect(problems).toEqual([
            "serviceAccounts[0].namespace: \"Shop\" is not allowed; expected a DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63",
            "serviceAccounts[0].maxSessionDuration: 1 is not allowed; allowed: 3600 to 43200 seconds",
            "serviceAccounts[1].name: is required",
            "serviceAccounts[1]: needs permissions: role (a sharedRoles name), or managedPolicyArns and/or policy for its own role",
            "trustPolicyMaxLength: 1 is not allowed; allowed: 2048 to 4096 characters",
        ]);
    });
});
