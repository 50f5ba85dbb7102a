import * as crypto from "node:crypto";
import { parsePolicyDocument, type IamPolicyDocument } from "./iam-policy-document";
import { ConfigObject, describeValue, Problems, rules } from "../common/validate";

/**
 * How a workload gets AWS credentials: `irsa` (IAM roles for service accounts: OIDC web identity, the service account
 * is annotated with the role ARN) or `pod-identity` (EKS Pod Identity: an association in the EKS API, no annotation).
 */
export const IDENTITY_KINDS = ["irsa", "pod-identity"] as const;
/** `irsa` or `pod-identity`. */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** Workload kinds whose pods can be restarted after the identity is attached (their pod template is annotated). */
export const RESTART_KINDS = ["Deployment", "StatefulSet", "DaemonSet"] as const;
/** `Deployment`, `StatefulSet` or `DaemonSet`. */
export type RestartKind = (typeof RESTART_KINDS)[number];

/** A Kubernetes service account, by namespace and name. */
export interface ServiceAccountRef {
    readonly namespace: string;
    readonly name: string;
}

/** A workload whose pods restart once when its service account's identity changes. */
export interface RestartTarget {
    readonly kind: RestartKind;
    readonly name: string;
}

/**
 * One IAM role the stack creates for workloads: either a service account's own role (declared with permissions on
 * the service account entry) or a `sharedRoles` entry that several service accounts reference with `role:`.
 */
export interface WorkloadRoleConfig {
    /** Identifies the role in the stack; child resource names derive from it: `<namespace>-<name>` or the shared name. */
    readonly key: string;
    /** Where the role was declared, for error messages: `serviceAccounts[2]` or `sharedRoles[0]`. */
    readonly configKey: string;
    readonly identity: IdentityKind;
    /** The IAM role name: the configured `roleName`, or `<clusterName>-<key>` (shortened with a hash to 64). */
    readonly roleName: string;
    /** @default [] */
    readonly managedPolicyArns: readonly string[];
    /** The inline policy, when given. */
    readonly policy?: IamPolicyDocument;
    readonly permissionsBoundaryArn?: string;
    /** Seconds, 3600..43200; IAM's default (3600) when absent. */
    readonly maxSessionDuration?: number;
    /** @default {} */
    readonly tags: Readonly<Record<string, string>>;
    /** IRSA only: trust every service account of the subjects' namespaces (`StringLike ...:sub ns:*`). @default false */
    readonly namespaceWide: boolean;
    /** Every service account bound to the role, in config order. */
    readonly subjects: readonly ServiceAccountRef[];
}

/** One service account entry of `serviceAccounts`, resolved to the role it uses. */
export interface ServiceAccountConfig extends ServiceAccountRef {
    readonly identity: IdentityKind;
    /** The `key` of the WorkloadRoleConfig this service account uses. */
    readonly role: string;
    /** Create the service account; false annotates (IRSA) or associates (Pod Identity) an existing one. @default false */
    readonly create: boolean;
    /** Workloads to restart once the identity is attached. @default [] */
    readonly restart: readonly RestartTarget[];
    /** IRSA only: annotate `eks.amazonaws.com/sts-regional-endpoints: "true"`. @default false */
    readonly stsRegionalEndpoints: boolean;
    /** IRSA only: `eks.amazonaws.com/token-expiration` in seconds (600..86400); the webhook's default when absent. */
    readonly tokenExpiration?: number;
}

/**
 * Workload identity settings. Stack config keys (all optional):
 *
 * - `serviceAccounts`: list of `{namespace, name, identity?, create?, restart?, stsRegionalEndpoints?,
 *   tokenExpiration?}` plus EITHER `role: <sharedRoles name>` OR the service account's own role settings
 *   (`managedPolicyArns`, `policy`, `permissionsBoundaryArn`, `roleName`, `maxSessionDuration`, `tags`,
 *   `namespaceWide`). `identity` defaults to `irsa`, or to the shared role's identity when `role` is set.
 * - `sharedRoles`: list of `{name, identity?, managedPolicyArns?, policy?, permissionsBoundaryArn?, roleName?,
 *   maxSessionDuration?, tags?, namespaceWide?}`; an IRSA shared role trusts every service account that uses it.
 * - `oidcProvider`: `{create: false}`; true creates the cluster's IAM OIDC provider instead of looking it up.
 * - `podIdentityAgent`: `{manage: false, addonVersion?}`; true manages the `eks-pod-identity-agent` add-on.
 * - `trustPolicyMaxLength`: IAM's role trust policy quota in characters (2048 default, raisable to 4096).
 * - `kubernetes`: `{context?}`; a kubeconfig context to use instead of the kubeconfig built from the cluster.
 */
export interface IdentityConfig {
    readonly serviceAccounts: readonly ServiceAccountConfig[];
    /** Every role to create: shared roles first, then the service accounts' own roles, each in config order. */
    readonly roles: readonly WorkloadRoleConfig[];
    readonly oidcProvider: { readonly create: boolean };
    readonly podIdentityAgent: { readonly manage: boolean; readonly addonVersion?: string };
    /** @default 2048 */
    readonly trustPolicyMaxLength: number;
    readonly kubernetes: { readonly context?: string };
}

/** Top-level config keys this module reads. */
export const IDENTITY_KEYS = [
    "serviceAccounts",
    "sharedRoles",
    "oidcProvider",
    "podIdentityAgent",
    "trustPolicyMaxLength",
    "kubernetes",
] as const;

/** Role settings accepted both on a service account (its own role) and on a shared role. */
const ROLE_KEYS = [
    "managedPolicyArns",
    "policy",
    "permissionsBoundaryArn",
    "roleName",
    "maxSessionDuration",
    "tags",
    "namespaceWide",
] as const;
const SERVICE_ACCOUNT_KEYS = [
    "namespace",
    "name",
    "identity",
    "role",
    "create",
    "restart",
    "stsRegionalEndpoints",
    "tokenExpiration",
    ...ROLE_KEYS,
] as const;
const SHARED_ROLE_KEYS = ["name", "identity", ...ROLE_KEYS] as const;

/** IAM's default role trust policy quota, in characters; an account can have it raised up to 4,096. */
const DEFAULT_TRUST_POLICY_MAX_LENGTH = 2048;

/** IAM role names: 1-64 of `[\w+=,.@-]` (IAM CreateRole `RoleName`). */
export const IAM_ROLE_NAME = {
    pattern: /^[\w+=,.@-]{1,64}$/,
    patternText: "an IAM role name: 1-64 of A-Z a-z 0-9 _ + = , . @ -",
};

/** IAM's limit on the managed policies attached to one role (default quota 10, raisable to 20). */
const MAX_MANAGED_POLICIES = 20;

/** The IAM role name the stack uses for a role key: `<clusterName>-<key>`, shortened to 64 with a stable hash. */
export function defaultWorkloadRoleName(clusterName: string, key: string): string {
    const full = `${clusterName}-${key}`;
    if (full.length <= 64) return full;
    const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, 55)}-${hash}`;
}

/** Validates the identity keys, recording every problem; returns defaults where a value is invalid. */
export function parseIdentityConfig(root: ConfigObject, problems: Problems): IdentityConfig {
    const clusterName = typeof root.value.clusterName === "string" ? root.value.clusterName : "";

    const sharedRoles = (root.objectList("sharedRoles") ?? []).map((entry) => parseSharedRole(entry));
    const sharedByName = new Map<string, ParsedRole>();
    for (const shared of sharedRoles) {
        if (shared.key === undefined) continue;
        if (sharedByName.has(shared.key)) {
            problems.add(shared.entry.key("name"), shared.key, "each shared role name may appear only once");
        } else {
            sharedByName.set(shared.key, shared);
        }
    }

    const serviceAccounts: ServiceAccountConfig[] = [];
    const ownRoles: ParsedRole[] = [];
    const seenAccounts = new Map<string, string>();
    for (const entry of root.objectList("serviceAccounts") ?? []) {
        const parsed = parseServiceAccount(entry, sharedByName, seenAccounts);
        if (parsed === undefined) continue;
        serviceAccounts.push(parsed.account);
        if (parsed.ownRole) ownRoles.push(parsed.ownRole);
    }

    for (const shared of sharedRoles) {
        if (shared.key !== undefined && shared.subjects.length === 0 && sharedByName.get(shared.key) === shared) {
            problems.add(
                shared.entry.key("name"),
                shared.key,
                "a shared role must be used by at least one service account (serviceAccounts[*].role)",
            );
        }
        if (shared.namespaceWide && shared.identity === "pod-identity") {
            problems.add(shared.entry.key("namespaceWide"), true, "namespaceWide is for identity irsa only");
        }
    }

    const roles = [...sharedByName.values(), ...ownRoles].map((role) => finishRole(role, clusterName));
    checkRoleNames(roles, problems);

    const oidc = root.object("oidcProvider");
    oidc?.onlyKeys(["create"]);
    const agent = root.object("podIdentityAgent");
    agent?.onlyKeys(["manage", "addonVersion"]);
    const kubernetes = root.object("kubernetes");
    kubernetes?.onlyKeys(["context"]);
    const addonVersion = agent?.string("addonVersion", {
        pattern: /^v\d+\.\d+\.\d+-eksbuild\.\d+$/,
        patternText: "an EKS add-on version such as v1.3.8-eksbuild.2 (aws eks describe-addon-versions)",
    });
    const context = kubernetes?.string("context", { maxLength: 253 });

    return {
        serviceAccounts,
        roles,
        oidcProvider: { create: oidc?.boolean("create") ?? false },
        podIdentityAgent: {
            manage: agent?.boolean("manage") ?? false,
            ...(addonVersion !== undefined ? { addonVersion } : {}),
        },
        trustPolicyMaxLength:
            root.integer("trustPolicyMaxLength", DEFAULT_TRUST_POLICY_MAX_LENGTH, 4096, "characters") ??
            DEFAULT_TRUST_POLICY_MAX_LENGTH,
        kubernetes: context !== undefined ? { context } : {},
    };
}

/** A role while parsing: settings read (some possibly invalid), subjects still being collected. */
interface ParsedRole extends Pick<
    WorkloadRoleConfig,
    "managedPolicyArns" | "policy" | "permissionsBoundaryArn" | "maxSessionDuration" | "tags" | "namespaceWide"
> {
    readonly entry: ConfigObject;
    readonly key: string | undefined;
    readonly identity: IdentityKind | undefined;
    readonly roleName?: string;
    readonly subjects: ServiceAccountRef[];
}

function parseSharedRole(entry: ConfigObject): ParsedRole {
    entry.onlyKeys(SHARED_ROLE_KEYS);
    const key = entry.string("name", { ...rules.dns1123Label, required: true });
    const identity = entry.oneOf("identity", IDENTITY_KINDS) ?? (entry.has("identity") ? undefined : "irsa");
    const settings = parseRoleSettings(entry);
    if (settings.managedPolicyArns.length === 0 && settings.policy === undefined) {
        entry.problems.addMessage(entry.path, "a shared role needs permissions: managedPolicyArns and/or policy");
    }
    return { entry, key, identity, ...settings, subjects: [] };
}

function parseServiceAccount(
    entry: ConfigObject,
    sharedByName: ReadonlyMap<string, ParsedRole>,
    seenAccounts: Map<string, string>,
): { account: ServiceAccountConfig; ownRole?: ParsedRole } | undefined {
    const problems = entry.problems;
    entry.onlyKeys(SERVICE_ACCOUNT_KEYS);
    const namespace = entry.string("namespace", { ...rules.dns1123Label, required: true });
    const name = entry.string("name", { ...rules.dns1123Subdomain, required: true });
    const explicitIdentity = entry.oneOf("identity", IDENTITY_KINDS);
    const roleRef = entry.string("role", rules.dns1123Label);
    const create = entry.boolean("create") ?? false;
    const stsRegionalEndpoints = entry.boolean("stsRegionalEndpoints") ?? false;
    const tokenExpiration = entry.integer("tokenExpiration", 600, 86400, "seconds");
    const restart = parseRestart(entry);

    const ownRoleKeys = ROLE_KEYS.filter((field) => entry.has(field));
    let identity: IdentityKind | undefined = explicitIdentity;
    let ownRole: ParsedRole | undefined;
    let roleKey: string | undefined;
    if (entry.has("role")) {
        for (const field of ownRoleKeys) {
            problems.addMessage(
                entry.key(field),
                `cannot be set together with role ${describeValue(entry.value.role)}; set it on the shared role instead`,
            );
        }
        const shared = roleRef === undefined ? undefined : sharedByName.get(roleRef);
        if (roleRef !== undefined && shared === undefined) {
            const known = [...sharedByName.keys()];
            problems.add(
                entry.key("role"),
                roleRef,
                known.length > 0 ? `allowed: a sharedRoles name (${known.join(", ")})` : "no sharedRoles are declared",
            );
        }
        if (shared !== undefined) {
            if (
                explicitIdentity !== undefined &&
                shared.identity !== undefined &&
                explicitIdentity !== shared.identity
            ) {
                problems.add(
                    entry.key("identity"),
                    explicitIdentity,
                    `the shared role ${shared.key} is ${shared.identity}; use the same identity or another role`,
                );
            }
            identity = identity ?? shared.identity;
            roleKey = shared.key;
            if (namespace !== undefined && name !== undefined) shared.subjects.push({ namespace, name });
        }
    } else {
        identity = identity ?? (entry.has("identity") ? undefined : "irsa");
        if (!entry.has("managedPolicyArns") && !entry.has("policy")) {
            problems.addMessage(
                entry.path,
                "needs permissions: role (a sharedRoles name), or managedPolicyArns and/or policy for its own role",
            );
        }
        const settings = parseRoleSettings(entry);
        if (settings.namespaceWide && identity === "pod-identity") {
            problems.add(entry.key("namespaceWide"), true, "namespaceWide is for identity irsa only");
        }
        if (namespace !== undefined && name !== undefined) {
            roleKey = `${namespace}-${name}`;
            ownRole = { entry, key: roleKey, identity, ...settings, subjects: [{ namespace, name }] };
        }
    }

    if (identity === "pod-identity") {
        if (entry.has("stsRegionalEndpoints")) {
            problems.add(entry.key("stsRegionalEndpoints"), entry.value.stsRegionalEndpoints, "for identity irsa only");
        }
        if (entry.has("tokenExpiration")) {
            problems.add(entry.key("tokenExpiration"), entry.value.tokenExpiration, "for identity irsa only");
        }
    }

    if (namespace === undefined || name === undefined) return undefined;
    const id = `${namespace}-${name}`;
    const previous = seenAccounts.get(id);
    if (previous !== undefined) {
        problems.add(
            entry.path,
            `${namespace}/${name}`,
            `${previous} already declares this service account (or one whose <namespace>-<name> is the same); each may appear once`,
        );
        return undefined;
    }
    seenAccounts.set(id, entry.path);
    if (ownRole !== undefined && sharedByName.has(id)) {
        problems.add(
            entry.path,
            `${namespace}/${name}`,
            `its own role would be named like the shared role ${id}; rename the shared role`,
        );
    }
    if (identity === undefined || roleKey === undefined) return undefined;
    return {
        account: {
            namespace,
            name,
            identity,
            role: roleKey,
            create,
            restart,
            stsRegionalEndpoints,
            ...(tokenExpiration !== undefined ? { tokenExpiration } : {}),
        },
        ownRole,
    };
}

function parseRestart(entry: ConfigObject): RestartTarget[] {
    const targets: RestartTarget[] = [];
    const seen = new Set<string>();
    for (const item of entry.objectList("restart") ?? []) {
        item.onlyKeys(["kind", "name"]);
        const kind = item.oneOf("kind", RESTART_KINDS);
        if (!item.has("kind"))
            item.problems.addMessage(item.key("kind"), `is required; allowed: ${RESTART_KINDS.join(", ")}`);
        const name = item.string("name", { ...rules.dns1123Subdomain, required: true });
        if (kind === undefined || name === undefined) continue;
        if (seen.has(`${kind}/${name}`)) {
            item.problems.add(item.path, `${kind}/${name}`, "each workload may appear only once");
            continue;
        }
        seen.add(`${kind}/${name}`);
        targets.push({ kind, name });
    }
    return targets;
}

function parseRoleSettings(
    entry: ConfigObject,
): Pick<
    ParsedRole,
    | "roleName"
    | "managedPolicyArns"
    | "policy"
    | "permissionsBoundaryArn"
    | "maxSessionDuration"
    | "tags"
    | "namespaceWide"
> {
    const roleName = entry.string("roleName", IAM_ROLE_NAME);
    const managedPolicyArns = entry.stringList("managedPolicyArns", {
        ...rules.iamPolicyArn,
        maxItems: MAX_MANAGED_POLICIES,
    });
    const segments = (managedPolicyArns ?? []).map((arn) => arn.slice(arn.lastIndexOf("/") + 1));
    segments.forEach((segment, i) => {
        if (segments.indexOf(segment) !== i) {
            entry.problems.add(
                `${entry.key("managedPolicyArns")}[${i}]`,
                managedPolicyArns![i],
                `another policy of this role is also named ${segment}; attachments are named after the policy name`,
            );
        }
    });
    const policy = entry.has("policy")
        ? parsePolicyDocument(entry.key("policy"), entry.value.policy, entry.problems)
        : undefined;
    const permissionsBoundaryArn = entry.string("permissionsBoundaryArn", rules.iamPolicyArn);
    const maxSessionDuration = entry.integer("maxSessionDuration", 3600, 43200, "seconds");
    const tags = parseTags(entry);
    return {
        ...(roleName !== undefined ? { roleName } : {}),
        managedPolicyArns: managedPolicyArns ?? [],
        ...(policy !== undefined ? { policy } : {}),
        ...(permissionsBoundaryArn !== undefined ? { permissionsBoundaryArn } : {}),
        ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
        tags,
        namespaceWide: entry.boolean("namespaceWide") ?? false,
    };
}

/** IAM tags: at most 50, keys 1-128 characters not starting with `aws:`, values at most 256. */
function parseTags(entry: ConfigObject): Record<string, string> {
    const tags = entry.stringMap("tags");
    if (tags === undefined) return {};
    const key = entry.key("tags");
    if (Object.keys(tags).length > 50) entry.problems.add(key, tags, "IAM allows at most 50 tags per role");
    for (const [name, value] of Object.entries(tags)) {
        if (name.length > 128 || name.toLowerCase().startsWith("aws:")) {
            entry.problems.add(`${key}.${name}`, name, "a tag key of 1-128 characters that does not start with aws:");
        }
        if (value.length > 256) entry.problems.add(`${key}.${name}`, value, "a tag value of at most 256 characters");
    }
    return tags;
}

function finishRole(role: ParsedRole, clusterName: string): WorkloadRoleConfig {
    const key = role.key ?? "";
    return {
        key,
        configKey: role.entry.path,
        identity: role.identity ?? "irsa",
        roleName: role.roleName ?? defaultWorkloadRoleName(clusterName, key),
        managedPolicyArns: role.managedPolicyArns,
        ...(role.policy !== undefined ? { policy: role.policy } : {}),
        ...(role.permissionsBoundaryArn !== undefined ? { permissionsBoundaryArn: role.permissionsBoundaryArn } : {}),
        ...(role.maxSessionDuration !== undefined ? { maxSessionDuration: role.maxSessionDuration } : {}),
        tags: role.tags,
        namespaceWide: role.namespaceWide,
        subjects: role.subjects,
    };
}

/** IAM role names are unique per account (case-insensitively). */
function checkRoleNames(roles: readonly WorkloadRoleConfig[], problems: Problems): void {
    const seen = new Map<string, string>();
    for (const role of roles) {
        const lower = role.roleName.toLowerCase();
        const previous = seen.get(lower);
        if (previous !== undefined) {
            problems.add(
                `${role.configKey}.roleName`,
                role.roleName,
                `${previous} already uses this IAM role name (names are unique per account, ignoring case)`,
            );
        }
        seen.set(lower, role.configKey);
    }
}
