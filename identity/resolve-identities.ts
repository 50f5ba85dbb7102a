/**
 * Resolves the parsed `serviceAccounts` and `sharedRoles` into the roles the stack creates and the service accounts
 * bound to them, checking what no single entry can: references to shared roles, duplicates, IAM role names.
 */
import * as crypto from "node:crypto";
import type { Problems } from "../common/config-error";
import type {
    IdentityKind,
    IdentityConfig,
    ServiceAccountConfig,
    ServiceAccountRef,
    WorkloadRoleConfig,
} from "./identity-config";
import type { ServiceAccountEntry, SharedRoleEntry } from "./identity-schema";

/** The IAM role name the stack uses for a role key: `<clusterName>-<key>`, shortened to 64 with a stable hash. */
export function defaultWorkloadRoleName(clusterName: string, key: string): string {
    const full = `${clusterName}-${key}`;
    if (full.length <= 64) return full;
    const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, 55)}-${hash}`;
}

/** What the resolution reads: the entries as parsed so far, and which of their values parsed cleanly. */
export interface IdentityEntries {
    readonly clusterName: string;
    readonly serviceAccounts: readonly Partial<ServiceAccountEntry>[];
    readonly sharedRoles: readonly Partial<SharedRoleEntry>[];
    /** Whether the value at this key path parsed without an issue. */
    readonly valid: (keys: readonly (string | number)[]) => boolean;
}

/** A role while resolving: its entry, settings and the subjects collected so far. */
interface RoleDraft {
    readonly entry: Partial<SharedRoleEntry> | Partial<ServiceAccountEntry>;
    readonly configKey: string;
    readonly key: string;
    readonly identity: IdentityKind | undefined;
    readonly subjects: ServiceAccountRef[];
}

/** A field of an entry when it parsed cleanly. */
function field<T>(
    entries: IdentityEntries,
    at: {
        /** `sharedRoles` or `serviceAccounts`. */
        readonly list: string;
        /** The entry's position in its list. */
        readonly index: number;
        readonly entry: object;
        /** The field. */
        readonly name: string;
    },
): T | undefined {
    const { list, index, entry, name } = at;
    const value = (entry as Record<string, unknown>)[name];
    return value !== undefined && value !== null && entries.valid([list, index, name]) ? (value as T) : undefined;
}

function given(entry: object, name: string): boolean {
    const value = (entry as Record<string, unknown>)[name];
    return value !== undefined && value !== null;
}

/** Shared roles by name; a repeated name is a problem. */
function sharedRolesByName(entries: IdentityEntries, problems: Problems): Map<string, RoleDraft> {
    const byName = new Map<string, RoleDraft>();
    entries.sharedRoles.forEach((entry, i) => {
        const key = field<string>(entries, { list: "sharedRoles", index: i, entry, name: "name" });
        if (key === undefined) return;
        if (byName.has(key)) {
            problems.add(`sharedRoles[${i}].name`, key, "each shared role name may appear only once");
            return;
        }
        const identity = field<IdentityKind>(entries, { list: "sharedRoles", index: i, entry, name: "identity" });
        byName.set(key, { entry, configKey: `sharedRoles[${i}]`, key, identity, subjects: [] });
    });
    return byName;
}

/** One service account's identity and role key, recording what is wrong about its reference to a shared role. */
function resolveAccount(
    entries: IdentityEntries,
    account: {
        /** The service account's position in `serviceAccounts`. */
        readonly index: number;
        /** The shared roles by name. */
        readonly shared: ReadonlyMap<string, RoleDraft>;
        /** Where what is wrong goes. */
        readonly problems: Problems;
    },
): { identity: IdentityKind | undefined; sharedRole?: RoleDraft } {
    const { index: i, shared, problems } = account;
    const entry = entries.serviceAccounts[i];
    const at = `serviceAccounts[${i}]`;
    const explicit = field<IdentityKind>(entries, { list: "serviceAccounts", index: i, entry, name: "identity" });
    if (!given(entry, "role")) return { identity: explicit ?? (given(entry, "identity") ? undefined : "irsa") };
    const roleRef = field<string>(entries, { list: "serviceAccounts", index: i, entry, name: "role" });
    const sharedRole = roleRef === undefined ? undefined : shared.get(roleRef);
    if (roleRef !== undefined && sharedRole === undefined) {
        const known = [...shared.keys()];
        problems.add(
            `${at}.role`,
            roleRef,
            known.length > 0 ? `allowed: a sharedRoles name (${known.join(", ")})` : "no sharedRoles are declared",
        );
    }
    if (sharedRole === undefined) return { identity: explicit };
    if (explicit !== undefined && sharedRole.identity !== undefined && explicit !== sharedRole.identity) {
        problems.add(
            `${at}.identity`,
            explicit,
            `the shared role ${sharedRole.key} is ${sharedRole.identity}; use the same identity or another role`,
        );
    }
    return { identity: explicit ?? sharedRole.identity, sharedRole };
}

/** The settings of a role as the stack declares it. */
function finishRole(draft: RoleDraft, clusterName: string): WorkloadRoleConfig {
    const entry = draft.entry;
    return {
        key: draft.key,
        configKey: draft.configKey,
        identity: draft.identity ?? "irsa",
        roleName: entry.roleName ?? defaultWorkloadRoleName(clusterName, draft.key),
        managedPolicyArns: entry.managedPolicyArns ?? [],
        ...(entry.policy !== undefined && { policy: entry.policy }),
        ...(entry.permissionsBoundaryArn !== undefined && { permissionsBoundaryArn: entry.permissionsBoundaryArn }),
        ...(entry.maxSessionDuration !== undefined && { maxSessionDuration: entry.maxSessionDuration }),
        tags: entry.tags ?? {},
        namespaceWide: entry.namespaceWide ?? false,
        subjects: draft.subjects,
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

/** The service accounts and roles of the stack, recording every problem across entries on `problems`. */
export function resolveIdentities(
    entries: IdentityEntries,
    problems: Problems,
): Pick<IdentityConfig, "serviceAccounts" | "roles"> {
    const shared = sharedRolesByName(entries, problems);
    const serviceAccounts: ServiceAccountConfig[] = [];
    const ownRoles: RoleDraft[] = [];
    const seen = new Map<string, string>();
    entries.serviceAccounts.forEach((entry, i) => {
        const at = `serviceAccounts[${i}]`;
        const { identity, sharedRole } = resolveAccount(entries, { index: i, shared, problems });
        if (identity === "pod-identity") {
            for (const irsaOnly of ["stsRegionalEndpoints", "tokenExpiration"] as const) {
                if (entry[irsaOnly] !== undefined && entry[irsaOnly] !== false) {
                    problems.add(`${at}.${irsaOnly}`, entry[irsaOnly], "for identity irsa only");
                }
            }
        }
        const namespace = field<string>(entries, { list: "serviceAccounts", index: i, entry, name: "namespace" });
        const name = field<string>(entries, { list: "serviceAccounts", index: i, entry, name: "name" });
        if (namespace === undefined || name === undefined) return;
        const id = `${namespace}-${name}`;
        const previous = seen.get(id);
        if (previous !== undefined) {
            problems.add(
                at,
                `${namespace}/${name}`,
                `${previous} already declares this service account (or one whose <namespace>-<name> is the same); each may appear once`,
            );
            return;
        }
        seen.set(id, at);
        sharedRole?.subjects.push({ namespace, name });
        if (!given(entry, "role")) {
            if (shared.has(id)) {
                problems.add(
                    at,
                    `${namespace}/${name}`,
                    `its own role would be named like the shared role ${id}; rename the shared role`,
                );
            }
            ownRoles.push({ entry, configKey: at, key: id, identity, subjects: [{ namespace, name }] });
        }
        const role = sharedRole?.key ?? (given(entry, "role") ? undefined : id);
        if (identity === undefined || role === undefined) return;
        serviceAccounts.push({
            namespace,
            name,
            identity,
            role,
            create: entry.create ?? false,
            restart: entry.restart ?? [],
            stsRegionalEndpoints: entry.stsRegionalEndpoints ?? false,
            ...(entry.tokenExpiration !== undefined && { tokenExpiration: entry.tokenExpiration }),
        });
    });
    for (const [key, draft] of shared) {
        if (draft.subjects.length === 0) {
            problems.add(
                `${draft.configKey}.name`,
                key,
                "a shared role must be used by at least one service account (serviceAccounts[*].role)",
            );
        }
    }
    const roles = [...shared.values(), ...ownRoles].map((draft) => finishRole(draft, entries.clusterName));
    checkRoleNames(roles, problems);
    return { serviceAccounts, roles };
}
