/** The resolved workload identities: the roles the stack creates and the service accounts bound to them. */
import type { IamPolicyDocument } from "./policy-document-schema";
import type { IDENTITY_KINDS, RESTART_KINDS } from "./identity-schema";

/** `irsa` or `pod-identity`. */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

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
