/** Identity-based IAM policy documents as written in the stack config, and their validation. */
import { checkString, ConfigObject, Problems } from "../common/validate";

/** One statement of an identity-based IAM policy (no `Principal`: the role is the principal). */
export interface IamPolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** An identity-based IAM policy document, as written in the stack config (YAML mapping or JSON object). */
export interface IamPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Id?: string;
    readonly Statement: readonly IamPolicyStatement[];
}

/** IAM's limit on the total size of a role's inline policies, in characters without whitespace. */
const MAX_INLINE_POLICY_LENGTH = 10240;

const POLICY_KEYS = ["Version", "Id", "Statement"] as const;
const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"] as const;
const ACTION = {
    pattern: /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/,
    patternText: 'an IAM action such as "s3:GetObject", "s3:Get*" or "*"',
};
const RESOURCE = { pattern: /^(\*|arn:\S+)$/, patternText: 'a resource ARN (wildcards allowed) or "*"' };

/**
 * Validates an identity-based IAM policy document: Version "2012-10-17", a non-empty Statement list, each statement
 * with Effect Allow/Deny, exactly one of Action/NotAction and of Resource/NotResource, optional Sid and Condition,
 * and no other keys (a `Principal` belongs in resource policies, not here). Size is checked against IAM's inline limit.
 */
export function parsePolicyDocument(key: string, raw: unknown, problems: Problems): IamPolicyDocument | undefined {
    const doc = ConfigObject.from(key, raw, problems);
    if (doc === undefined) return undefined;
    const before = problems.count;
    doc.onlyKeys(POLICY_KEYS);
    if (doc.value.Version !== "2012-10-17")
        problems.add(doc.key("Version"), doc.value.Version, 'allowed: "2012-10-17"');
    doc.string("Id");
    const statements = doc.list("Statement");
    if (statements === undefined) {
        problems.addMessage(doc.key("Statement"), "is required: a list of statements");
    } else if (statements.length === 0) {
        problems.add(doc.key("Statement"), [], "expected at least one statement");
    }
    for (const item of statements ?? []) {
        const statement = ConfigObject.from(item.key, item.value, problems);
        if (statement !== undefined) checkStatement(statement);
    }
    if (problems.count !== before) return undefined;
    const length = JSON.stringify(raw).replace(/\s/g, "").length;
    if (length > MAX_INLINE_POLICY_LENGTH) {
        problems.add(
            key,
            raw,
            `IAM allows ${MAX_INLINE_POLICY_LENGTH} characters of inline policy per role (this is ${length})`,
        );
        return undefined;
    }
    return raw as IamPolicyDocument;
}

function checkStatement(statement: ConfigObject): void {
    const problems = statement.problems;
    statement.onlyKeys(STATEMENT_KEYS);
    statement.string("Sid", { pattern: /^[A-Za-z0-9]*$/, patternText: "letters and digits only" });
    if (!statement.has("Effect")) problems.addMessage(statement.key("Effect"), "is required; allowed: Allow, Deny");
    statement.oneOf("Effect", ["Allow", "Deny"]);
    exactlyOne(statement, "Action", "NotAction", ACTION);
    exactlyOne(statement, "Resource", "NotResource", RESOURCE);
    const condition = statement.object("Condition");
    for (const [operator, block] of Object.entries(condition?.value ?? {})) {
        const entries = ConfigObject.from(condition!.key(operator), block, problems);
        for (const [conditionKey, value] of Object.entries(entries?.value ?? {})) {
            const values = Array.isArray(value) ? value : [value];
            if (values.length === 0 || values.some((v) => !["string", "number", "boolean"].includes(typeof v))) {
                problems.add(entries!.key(conditionKey), value, "expected a string, number, boolean or a list of them");
            }
        }
    }
}

/** Exactly one of two keys (`Action`/`NotAction`), holding a string or a non-empty list of strings matching `rule`. */
function exactlyOne(
    statement: ConfigObject,
    field: string,
    negated: string,
    rule: { pattern: RegExp; patternText: string },
): void {
    const present = [field, negated].filter((f) => statement.has(f));
    if (present.length !== 1) {
        statement.problems.addMessage(
            statement.path,
            present.length === 0 ? `needs ${field} or ${negated}` : `${field} and ${negated} cannot both be set`,
        );
    }
    for (const f of present) {
        const value = statement.value[f];
        if (Array.isArray(value)) {
            if (value.length === 0) statement.problems.add(statement.key(f), value, "expected at least one item");
            value.forEach((item, i) => checkString(`${statement.key(f)}[${i}]`, item, rule, statement.problems));
        } else {
            checkString(statement.key(f), value, rule, statement.problems);
        }
    }
}
