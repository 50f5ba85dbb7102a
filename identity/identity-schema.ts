/** The schema of the workload-identity keys: service accounts, shared roles, the OIDC provider, the agent add-on. */
import * as v from "valibot";
import { AWS_TAG_LIMITS } from "../common/aws-limits";
import { describeValue, notAllowedText } from "../common/config-error";
import { rules } from "../common/name-rules";
import * as kit from "../common/schema-kit";
import { policyDocumentSchema } from "./policy-document-schema";

/**
 * How a workload gets AWS credentials: `irsa` (IAM roles for service accounts: OIDC web identity, the service account
 * is annotated with the role ARN) or `pod-identity` (EKS Pod Identity: an association in the EKS API, no annotation).
 */
export const IDENTITY_KINDS = ["irsa", "pod-identity"] as const;

/** Workload kinds whose pods can be restarted after the identity is attached (their pod template is annotated). */
export const RESTART_KINDS = ["Deployment", "StatefulSet", "DaemonSet"] as const;

/** IAM role names: 1-64 of `[\w+=,.@-]` (IAM CreateRole `RoleName`). */
const IAM_ROLE_NAME = {
    pattern: /^[\w+=,.@-]{1,64}$/,
    patternText: "an IAM role name: 1-64 of A-Z a-z 0-9 _ + = , . @ -",
};

/** IAM's limit on the managed policies attached to one role (default quota 10, raisable to 20). */
const MAX_MANAGED_POLICIES = 20;

/** IAM's default role trust policy quota, in characters; an account can have it raised up to 4,096. */
const DEFAULT_TRUST_POLICY_MAX_LENGTH = 2048;

/** Attachments are named after the policy name, so two ARNs ending in the same name would collide. */
const distinctPolicyNames: kit.CrossCheck = (arns, addIssue) => {
    if (!Array.isArray(arns)) return;
    const names = arns.map((arn) => (typeof arn === "string" ? arn.slice(arn.lastIndexOf("/") + 1) : undefined));
    names.forEach((name, i) => {
        if (name === undefined || names.indexOf(name) === i) return;
        addIssue({
            input: arns[i],
            message: notAllowedText(
                arns[i],
                `another policy of this role is also named ${name}; attachments are named after the policy name`,
            ),
            path: [kit.pathItem(arns, i, arns[i])],
        });
    });
};

/** IAM tags: at most 50, keys 1-128 characters not starting with `aws:`, values at most 256. */
const iamTagRules: kit.CrossCheck = (tags, addIssue) => {
    if (!kit.isPlainObject(tags)) return;
    if (Object.keys(tags).length > AWS_TAG_LIMITS.maxTags) {
        addIssue({
            input: tags,
            message: notAllowedText(tags, `IAM allows at most ${AWS_TAG_LIMITS.maxTags} tags per role`),
        });
    }
    for (const [name, value] of Object.entries(tags)) {
        if (typeof value !== "string") continue;
        const path: [v.IssuePathItem] = [kit.pathItem(tags, name, value)];
        if (name.length > AWS_TAG_LIMITS.maxKeyLength || name.toLowerCase().startsWith(AWS_TAG_LIMITS.reservedPrefix)) {
            addIssue({
                input: name,
                message: notAllowedText(name, "a tag key of 1-128 characters that does not start with aws:"),
                path,
            });
        }
        if (value.length > AWS_TAG_LIMITS.maxValueLength) {
            addIssue({ input: value, message: notAllowedText(value, "a tag value of at most 256 characters"), path });
        }
    }
};

/**
 * Role settings accepted both on a service account (its own role) and on a shared role. They have no defaults here, so
 * the checks can tell a key that was given; the resolved role fills them in (`identity/resolve-identities.ts`).
 */
const roleEntries = {
    managedPolicyArns: v.nullish(
        kit.checked(kit.stringList({ ...rules.iamPolicyArn, maxItems: MAX_MANAGED_POLICIES }), distinctPolicyNames),
    ),
    policy: v.nullish(policyDocumentSchema),
    permissionsBoundaryArn: v.nullish(kit.str(rules.iamPolicyArn)),
    roleName: v.nullish(kit.str(IAM_ROLE_NAME)),
    maxSessionDuration: v.nullish(kit.int(3600, 43200, "seconds")),
    tags: v.nullish(kit.checked(kit.stringMap(), iamTagRules)),
    namespaceWide: v.nullish(kit.bool()),
};

/** The keys of `roleEntries`. */
const ROLE_KEYS = Object.keys(roleEntries) as (keyof typeof roleEntries)[];

const restartSchema = kit.checked(
    kit.list(
        kit.strictObject(
            { kind: kit.oneOf(RESTART_KINDS), name: kit.str(rules.dns1123Subdomain) },
            { required: { kind: `is required; allowed: ${RESTART_KINDS.join(", ")}` } },
        ),
    ),
    (targets, addIssue) => {
        if (!Array.isArray(targets)) return;
        const seen = new Set<string>();
        targets.forEach((target: { kind?: unknown; name?: unknown } | undefined, i) => {
            if (typeof target?.kind !== "string" || typeof target.name !== "string") return;
            const id = `${target.kind}/${target.name}`;
            if (seen.has(id)) {
                addIssue({
                    input: id,
                    message: notAllowedText(id, "each workload may appear only once"),
                    path: [kit.pathItem(targets, i, target)],
                });
            }
            seen.add(id);
        });
    },
);

const given = (entry: Record<string, unknown>, key: string) => entry[key] !== undefined && entry[key] !== null;

/** Rules between a service account's keys: its own role or a shared one, and permissions for its own. */
const serviceAccountRules: kit.CrossCheck = (entry, addIssue) => {
    if (!kit.isPlainObject(entry)) return;
    if (given(entry, "role")) {
        for (const key of ROLE_KEYS.filter((field) => given(entry, field))) {
            addIssue({
                input: entry[key],
                message: `cannot be set together with role ${describeValue(entry.role)}; set it on the shared role instead`,
                path: [kit.pathItem(entry, key, entry[key])],
            });
        }
        return;
    }
    if (!given(entry, "managedPolicyArns") && !given(entry, "policy")) {
        addIssue({
            input: entry,
            message:
                "needs permissions: role (a sharedRoles name), or managedPolicyArns and/or policy for its own role",
        });
    }
    if (entry.namespaceWide === true && entry.identity === "pod-identity") {
        addIssue({
            input: true,
            message: notAllowedText(true, "namespaceWide is for identity irsa only"),
            path: [kit.pathItem(entry, "namespaceWide", true)],
        });
    }
};

/** `serviceAccounts[i]`. */
const serviceAccountSchema = kit.checked(
    kit.strictObject({
        namespace: kit.str(rules.dns1123Label),
        name: kit.str(rules.dns1123Subdomain),
        identity: v.nullish(kit.oneOf(IDENTITY_KINDS)),
        role: v.nullish(kit.str(rules.dns1123Label)),
        create: v.nullish(kit.bool(), false),
        restart: v.nullish(restartSchema, []),
        stsRegionalEndpoints: v.nullish(kit.bool(), false),
        tokenExpiration: v.nullish(kit.int(600, 86400, "seconds")),
        ...roleEntries,
    }),
    serviceAccountRules,
);

/** `sharedRoles[i]`: a role several service accounts use with `role: <name>`. */
const sharedRoleSchema = kit.checked(
    kit.strictObject({
        name: kit.str(rules.dns1123Label),
        identity: v.nullish(kit.oneOf(IDENTITY_KINDS), "irsa"),
        ...roleEntries,
    }),
    (entry, addIssue) => {
        if (!kit.isPlainObject(entry)) return;
        if (!given(entry, "managedPolicyArns") && !given(entry, "policy")) {
            addIssue({ input: entry, message: "a shared role needs permissions: managedPolicyArns and/or policy" });
        }
        if (entry.namespaceWide === true && entry.identity === "pod-identity") {
            addIssue({
                input: true,
                message: notAllowedText(true, "namespaceWide is for identity irsa only"),
                path: [kit.pathItem(entry, "namespaceWide", true)],
            });
        }
    },
);

/** The workload-identity top-level keys. */
export const identityEntries = {
    serviceAccounts: kit.withDefault(kit.list(serviceAccountSchema), [], {
        type: "list",
        description:
            "`namespace`, `name` (the Kubernetes service account) and its identity: see [below](#workload-identity-irsa-and-eks-pod-identity)",
    }),
    sharedRoles: kit.withDefault(kit.list(sharedRoleSchema), [], {
        type: "list",
        description:
            "`name`, `identity`, and the role fields of a service account; service accounts use it with `role: <name>`",
    }),
    oidcProvider: kit.withDefault(
        kit.strictObject({ create: v.nullish(kit.bool(), false) }),
        {},
        {
            type: "`{create}`",
            defaultText: "`{create: false}`",
            description:
                "`false`: look up the cluster's IAM OIDC provider; `true`: create it (client id `sts.amazonaws.com`)",
        },
    ),
    podIdentityAgent: kit.withDefault(
        kit.strictObject({
            manage: v.nullish(kit.bool(), false),
            addonVersion: v.nullish(
                kit.str({
                    pattern: /^v\d+\.\d+\.\d+-eksbuild\.\d+$/,
                    patternText: "an EKS add-on version such as v1.3.8-eksbuild.2 (aws eks describe-addon-versions)",
                }),
            ),
        }),
        {},
        {
            type: "`{manage, addonVersion}`",
            defaultText: "`{manage: false}`",
            description:
                "`manage: true` manages the `eks-pod-identity-agent` add-on: adopts (imports once) the cluster's, or installs it (optional `addonVersion`)",
        },
    ),
    trustPolicyMaxLength: kit.withDefault(
        kit.int(DEFAULT_TRUST_POLICY_MAX_LENGTH, 4096, "characters"),
        DEFAULT_TRUST_POLICY_MAX_LENGTH,
        {
            type: "int 2048–4096",
            pulumiType: "integer",
            description:
                "IAM role trust policy quota in characters (2048 by default; up to 4096 if the account's quota was raised).",
        },
    ),
    kubernetes: kit.withDefault(
        kit.strictObject({ context: v.nullish(kit.str({ maxLength: 253 })) }),
        {},
        {
            type: "`{context}`",
            defaultText: "none",
            description: "use this kubeconfig context instead of the kubeconfig built from the cluster",
        },
    ),
};

/** A `serviceAccounts` entry as parsed. */
export type ServiceAccountEntry = v.InferOutput<typeof serviceAccountSchema>;
/** A `sharedRoles` entry as parsed. */
export type SharedRoleEntry = v.InferOutput<typeof sharedRoleSchema>;
