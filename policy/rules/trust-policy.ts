import { asList, isObject, show } from "./values";

/** Pulumi type token of `aws.iam.Role`. */
export const ROLE = "aws:iam/role:Role";

/** The `aws.iam.Role` inputs the trust rules read: the trust policy as JSON text or as an object. */
export interface RoleInputs {
    readonly assumeRolePolicy?: unknown;
}

/** The service principal EKS Pod Identity assumes roles as (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html). */
export const POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";

/** The actions a Pod Identity role must trust, and the only ones (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html). */
const POD_IDENTITY_ACTIONS = ["sts:assumerole", "sts:tagsession"];

/** One trust policy statement, with the index it has in the document for messages. */
interface Statement {
    readonly index: number;
    readonly body: Record<string, unknown>;
}

/** A trust policy parsed into its statements, or the reason it could not be read. */
type ParsedTrust = { readonly statements: Statement[] } | { readonly problem: string };

/** Reads `assumeRolePolicy` (JSON text or an object) into its statements. */
function parseTrust(role: RoleInputs): ParsedTrust {
    const raw = role.assumeRolePolicy;
    let document: unknown = raw;
    if (typeof raw === "string") {
        try {
            document = JSON.parse(raw);
        } catch {
            return { problem: `assumeRolePolicy: ${show(raw)} is not allowed; it must be a JSON policy document` };
        }
    }
    if (!isObject(document)) {
        return { problem: `assumeRolePolicy: ${show(raw)} is not allowed; it must be a JSON policy document` };
    }
    const statements = asList(document.Statement).map((body, index) => ({ index, body: isObject(body) ? body : {} }));
    return { statements };
}

/** Statements that grant (anything but an explicit Deny). */
function allowStatements(parsed: ParsedTrust): Statement[] {
    return "statements" in parsed ? parsed.statements.filter(({ body }) => body.Effect !== "Deny") : [];
}

/** The principals of a statement by type (`AWS`, `Service`, `Federated`, ...); `"*"` becomes `{ "*": ["*"] }`. */
function principals(statement: Statement): Record<string, string[]> {
    const principal = statement.body.Principal;
    if (principal === "*") return { "*": ["*"] };
    if (!isObject(principal)) return {};
    return Object.fromEntries(Object.entries(principal).map(([kind, value]) => [kind, asList(value).map(String)]));
}

/** The statement's actions, lower-cased (IAM action names are case-insensitive). */
function actions(statement: Statement): string[] {
    return asList(statement.body.Action).map((action) => String(action).toLowerCase());
}

/** An IAM OIDC identity provider ARN's issuer part (`oidc.eks.<region>.amazonaws.com/id/<ID>`), or undefined. */
function oidcIssuer(federated: string): string | undefined {
    const match = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(federated);
    return match ? match[1] : undefined;
}

/** The statements trusting an IAM OIDC provider, with the provider's issuer. */
function oidcStatements(parsed: ParsedTrust): { statement: Statement; issuers: string[] }[] {
    return allowStatements(parsed)
        .map((statement) => ({
            statement,
            issuers: (principals(statement).Federated ?? []).flatMap((arn) => oidcIssuer(arn) ?? []),
        }))
        .filter(({ issuers }) => issuers.length > 0);
}

/** The trust policy could not be read: report it once, from the rule that always applies. */
function unreadable(parsed: ParsedTrust): string[] {
    return "problem" in parsed ? [parsed.problem] : [];
}

/**
 * No statement trusts everyone: `Principal: "*"`, `{"AWS": "*"}` (or `"*"` of any principal type), and no Allow
 * with `NotPrincipal` (which trusts everyone but the listed principals).
 */
export function noWildcardPrincipal(role: RoleInputs): string[] {
    const parsed = parseTrust(role);
    return [
        ...unreadable(parsed),
        ...allowStatements(parsed).flatMap((statement) => {
            const found: string[] = [];
            if (statement.body.NotPrincipal !== undefined) {
                found.push(
                    `assumeRolePolicy.Statement[${statement.index}].NotPrincipal: ` +
                        `${show(statement.body.NotPrincipal)} is not allowed in an Allow statement; name the principals`,
                );
            }
            const wildcard = Object.entries(principals(statement)).filter(([, values]) => values.includes("*"));
            for (const [kind] of wildcard) {
                const shown = kind === "*" ? '"*"' : `{"${kind}": "*"}`;
                found.push(
                    `assumeRolePolicy.Statement[${statement.index}].Principal: ${shown} is not allowed; ` +
                        "trust named principals only",
                );
            }
            return found;
        }),
    ];
}

/** `system:serviceaccount:<namespace>:*` with a fixed namespace (a DNS-1123 label, no wildcard). */
const NAMESPACE_WIDE_SUB = /^system:serviceaccount:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?:\*$/;

/** The violations of one OIDC-trusting statement. */
function oidcStatementViolations(statement: Statement, issuers: string[]): string[] {
    const at = `assumeRolePolicy.Statement[${statement.index}]`;
    if (issuers.length > 1) {
        return [
            `${at}.Principal.Federated: ${show(issuers)} is not allowed; one OIDC provider per statement, ` +
                "each with its own :sub and :aud conditions",
        ];
    }
    const issuer = issuers[0].toLowerCase();
    const found: string[] = [];
    const acts = actions(statement);
    if (acts.length === 0 || acts.some((action) => action !== "sts:assumerolewithwebidentity")) {
        found.push(
            `${at}.Action: ${show(statement.body.Action)} is not allowed; an OIDC provider may be trusted ` +
                "for sts:AssumeRoleWithWebIdentity only",
        );
    }
    const uses: { key: "sub" | "aud"; operator: string; values: string[] }[] = [];
    const condition = isObject(statement.body.Condition) ? statement.body.Condition : {};
    for (const [operator, tests] of Object.entries(condition)) {
        if (!isObject(tests)) continue;
        for (const [key, value] of Object.entries(tests)) {
            const lower = key.toLowerCase();
            if (lower === `${issuer}:sub` || lower === `${issuer}:aud`) {
                uses.push({ key: lower.endsWith(":sub") ? "sub" : "aud", operator, values: asList(value).map(String) });
            }
        }
    }
    for (const key of ["sub", "aud"] as const) {
        if (!uses.some((use) => use.key === key)) {
            found.push(
                `${at}.Condition: no "${issuers[0]}:${key}" condition; both :sub and :aud must be pinned ` +
                    "with StringEquals (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html)",
            );
        }
    }
    for (const use of uses) {
        if (use.operator === "StringEquals") continue;
        const namespaceWide =
            use.key === "sub" &&
            use.operator === "StringLike" &&
            use.values.length > 0 &&
            use.values.every((value) => NAMESPACE_WIDE_SUB.test(value));
        if (namespaceWide) continue;
        found.push(
            `${at}.Condition.${use.operator}["${issuers[0]}:${use.key}"]: ${show(use.values)} is not allowed; ` +
                (use.key === "aud"
                    ? ":aud must use StringEquals"
                    : ':sub must use StringEquals, or StringLike only as "system:serviceaccount:<namespace>:*" ' +
                      "with a fixed namespace"),
        );
    }
    return found;
}

/**
 * A role trusted by an IAM OIDC provider (IRSA) may be assumed only through `sts:AssumeRoleWithWebIdentity`, and
 * only with both `<issuer>:sub` and `<issuer>:aud` pinned: `StringEquals`, except a namespace-wide `:sub`
 * (`StringLike` on `system:serviceaccount:<namespace>:*`, namespace fixed); `:aud` always `StringEquals` (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
 */
export function oidcTrustScoped(role: RoleInputs): string[] {
    return oidcStatements(parseTrust(role)).flatMap(({ statement, issuers }) =>
        oidcStatementViolations(statement, issuers),
    );
}

/**
 * A Pod Identity role (one that trusts pods.eks.amazonaws.com) is trusted only by that service, for exactly
 * `sts:AssumeRole` and `sts:TagSession` (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html). A statement trusting the cluster's OIDC provider may stay beside it
 * while workloads move from IRSA to Pod Identity; `oidcTrustScoped` checks that one.
 */
export function podIdentityTrust(role: RoleInputs): string[] {
    const parsed = parseTrust(role);
    const statements = allowStatements(parsed);
    const isPodIdentity = statements.some((statement) =>
        (principals(statement).Service ?? []).includes(POD_IDENTITY_SERVICE),
    );
    if (!isPodIdentity) return [];
    const oidc = new Set(oidcStatements(parsed).map(({ statement }) => statement.index));
    return statements
        .filter((statement) => !oidc.has(statement.index))
        .flatMap((statement) => {
            const at = `assumeRolePolicy.Statement[${statement.index}]`;
            const found: string[] = [];
            const kinds = principals(statement);
            const onlyPods =
                Object.keys(kinds).length === 1 &&
                kinds.Service !== undefined &&
                kinds.Service.every((service) => service === POD_IDENTITY_SERVICE);
            if (!onlyPods) {
                found.push(
                    `${at}.Principal: ${show(statement.body.Principal)} is not allowed on a Pod Identity role; ` +
                        `trust only {"Service": "${POD_IDENTITY_SERVICE}"}`,
                );
            }
            const acts = [...new Set(actions(statement))].sort();
            if (acts.join(",") !== POD_IDENTITY_ACTIONS.join(",")) {
                found.push(
                    `${at}.Action: ${show(statement.body.Action)} is not allowed on a Pod Identity role; ` +
                        'use exactly ["sts:AssumeRole", "sts:TagSession"]',
                );
            }
            return found;
        });
}
