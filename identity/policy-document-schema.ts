/**
 * Identity-based IAM policy documents as written in the stack config, and their schema
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
 */
import * as v from "valibot";
import { notAllowedText } from "../common/config-error";
import * as kit from "../common/schema-kit";

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

const ACTION = {
    pattern: /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/,
    patternText: 'an IAM action such as "s3:GetObject", "s3:Get*" or "*"',
};
const RESOURCE = { pattern: /^(\*|arn:\S+)$/, patternText: 'a resource ARN (wildcards allowed) or "*"' };

/** A string or a non-empty list of strings, each following `rule` (`Action`, `Resource`...). */
function stringOrList(rule: kit.StringRule) {
    const one = kit.str(rule);
    return kit.checked(v.unknown(), (value, addIssue) => {
        const items = Array.isArray(value) ? value : [value];
        if (Array.isArray(value) && value.length === 0) {
            addIssue({ input: value, message: notAllowedText(value, "expected at least one item") });
        }
        items.forEach((item, i) => {
            const result = v.safeParse(one, item);
            if (result.success) return;
            const path = Array.isArray(value) ? ([kit.pathItem(value, i, item)] as [v.IssuePathItem]) : undefined;
            addIssue({ input: item, message: result.issues[0].message, ...(path && { path }) });
        });
    });
}

/** `Condition`: operator → condition key → a string, number, boolean or a non-empty list of them. */
const condition = kit.checked(
    v.custom<Record<string, unknown>>(kit.isPlainObject, kit.notAllowed("expected an object (a YAML mapping)")),
    (operators, addIssue) => {
        if (!kit.isPlainObject(operators)) return;
        for (const [operator, block] of Object.entries(operators)) {
            const at = kit.pathItem(operators, operator, block);
            if (!kit.isPlainObject(block)) {
                addIssue({
                    input: block,
                    message: notAllowedText(block, "expected an object (a YAML mapping)"),
                    path: [at],
                });
                continue;
            }
            for (const [key, value] of Object.entries(block)) {
                const values = Array.isArray(value) ? value : [value];
                if (values.length > 0 && values.every((item) => ["string", "number", "boolean"].includes(typeof item)))
                    continue;
                addIssue({
                    input: value,
                    message: notAllowedText(value, "expected a string, number, boolean or a list of them"),
                    path: [at, kit.pathItem(block, key, value)],
                });
            }
        }
    },
);

/** Exactly one of `field` and `negated` (`Action`/`NotAction`), as a problem on the statement. */
function exactlyOne(field: string, negated: string): kit.CrossCheck {
    return (statement, addIssue) => {
        if (!kit.isPlainObject(statement)) return;
        const present = [field, negated].filter((key) => statement[key] !== undefined && statement[key] !== null);
        if (present.length === 1) return;
        addIssue({
            input: statement,
            message:
                present.length === 0 ? `needs ${field} or ${negated}` : `${field} and ${negated} cannot both be set`,
        });
    };
}

const statementSchema = kit.checked(
    kit.checked(
        kit.strictObject(
            {
                Sid: v.nullish(kit.str({ pattern: /^[A-Za-z0-9]*$/, patternText: "letters and digits only" })),
                Effect: kit.oneOf(["Allow", "Deny"] as const),
                Action: v.nullish(stringOrList(ACTION)),
                NotAction: v.nullish(stringOrList(ACTION)),
                Resource: v.nullish(stringOrList(RESOURCE)),
                NotResource: v.nullish(stringOrList(RESOURCE)),
                Condition: v.nullish(condition),
            },
            { required: { Effect: "is required; allowed: Allow, Deny" } },
        ),
        exactlyOne("Action", "NotAction"),
    ),
    exactlyOne("Resource", "NotResource"),
);

/**
 * An identity-based IAM policy document: Version "2012-10-17", a non-empty Statement list, each statement with Effect
 * Allow/Deny, exactly one of Action/NotAction and of Resource/NotResource, optional Sid and Condition, and no other
 * keys (a `Principal` belongs in resource policies, not here). Its size is checked against IAM's inline limit. The
 * document is kept as written.
 */
export const policyDocumentSchema = v.pipe(
    kit.strictObject(
        {
            Version: v.picklist(["2012-10-17"] as const, kit.notAllowed('allowed: "2012-10-17"')),
            Id: v.nullish(kit.str()),
            Statement: v.pipe(
                kit.list(statementSchema),
                v.check((statements) => statements.length > 0, kit.notAllowed("expected at least one statement")),
            ),
        },
        { required: { Version: 'is required; allowed: "2012-10-17"', Statement: "is required: a list of statements" } },
    ),
    v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed || dataset.issues) return;
        const length = JSON.stringify(dataset.value).replace(/\s/g, "").length;
        if (length <= MAX_INLINE_POLICY_LENGTH) return;
        addIssue({
            input: dataset.value,
            message: notAllowedText(
                dataset.value,
                `IAM allows ${MAX_INLINE_POLICY_LENGTH} characters of inline policy per role (this is ${length})`,
            ),
        });
    }),
    v.transform((document) => document as IamPolicyDocument),
);
