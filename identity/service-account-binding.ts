import * as crypto from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityKind, RestartTarget } from "./identity-config";
import { TYPE_TOKENS } from "../common/project";
import { CHILD_NAMES } from "../common/child-names";
import { POD_IDENTITY_SETTLE_SECONDS } from "../common/aws-limits";
import { AssociationSettle } from "./association-settle";

/** The service account annotation the EKS Pod Identity Webhook reads the IRSA role from (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html). */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
/** Tells the webhook to point the SDKs at the regional STS endpoint. */
export const STS_REGIONAL_ENDPOINTS_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints";
/** The projected token's lifetime in seconds. */
export const TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration";
/** Makes a Patch take ownership of conflicting fields, as `kubectl annotate --overwrite` does (https://www.pulumi.com/registry/packages/kubernetes/api-docs/core/v1/serviceaccountpatch/). */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";
/** The pod template annotation whose change makes a workload roll its pods once. */
export const IDENTITY_HASH_ANNOTATION = "eks-al2023-migration/identity-hash";

/**
 * The restart annotation value: 16 hex digits of sha256 over the binding kind and the role ARN. It changes exactly
 * when the identity a workload gets changes, and never on a re-run that changes nothing (no timestamps).
 */
export function identityHash(binding: IdentityKind, roleArn: string): string {
    return crypto.createHash("sha256").update(`${binding}\n${roleArn}`).digest("hex").slice(0, 16);
}

/** The IRSA annotations of a service account. */
export function irsaAnnotations(
    roleArn: string,
    options: { readonly stsRegionalEndpoints?: boolean; readonly tokenExpiration?: number },
): Record<string, string> {
    return {
        [ROLE_ARN_ANNOTATION]: roleArn,
        ...(options.stsRegionalEndpoints ? { [STS_REGIONAL_ENDPOINTS_ANNOTATION]: "true" } : {}),
        ...(options.tokenExpiration !== undefined
            ? { [TOKEN_EXPIRATION_ANNOTATION]: String(options.tokenExpiration) }
            : {}),
    };
}

/** Arguments of a ServiceAccountBinding. */
export interface ServiceAccountBindingArgs {
    readonly namespace: string;
    readonly serviceAccount: string;
    /** `irsa` annotates the service account; `pod-identity` creates an EKS Pod Identity association. */
    readonly binding: IdentityKind;
    readonly roleArn: pulumi.Input<string>;
    /**
     * The role's component, with its policy attachments and inline policy: the restarts wait for all of it, so new
     * pods never start before their permissions are attached (Pulumi waits for a component's children when a
     * resource depends on it: https://www.pulumi.com/docs/iac/concepts/options/dependson/). @default none
     */
    readonly role?: pulumi.Resource;
    /** The cluster name, for the Pod Identity association. */
    readonly clusterName: string;
    /** The provider of the cluster's Kubernetes API. */
    readonly kubernetesProvider: k8s.Provider;
    /** Create the service account instead of patching an existing one. @default false */
    readonly create?: boolean;
    /** IRSA: annotate `eks.amazonaws.com/sts-regional-endpoints: "true"`. @default false */
    readonly stsRegionalEndpoints?: boolean;
    /** IRSA: `eks.amazonaws.com/token-expiration` in seconds. @default the webhook's (86400) */
    readonly tokenExpiration?: number;
    /** Workloads whose pod template gets the identity hash, so their pods restart with the identity. @default [] */
    readonly restart?: readonly RestartTarget[];
    /** Tags on the Pod Identity association. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Binds one Kubernetes service account to an IAM role and restarts the listed workloads once.
 *
 * IRSA: an existing service account gets a `ServiceAccountPatch` (server-side apply) that owns only the annotations,
 * forced like `kubectl annotate --overwrite`; with `create` a `ServiceAccount` is created with them. Deleting the
 * binding removes the annotations again. Pod Identity: an `aws.eks.PodIdentityAssociation` (the service account is
 * created only with `create`; no annotation; an existing one keeps an annotation-free patch, see below). Restarts
 * are Deployment/StatefulSet/DaemonSetPatches of one pod template annotation, which depend on the binding so the
 * webhook or the agent sees the identity before the pods are re-created, on the whole role (policies included), and
 * for Pod Identity on an AssociationSettle that waits for the association to become effective after it changes.
 */
export class ServiceAccountBinding extends pulumi.ComponentResource {
    /** The role the service account is bound to. */
    public readonly roleArn: pulumi.Output<string>;
    /** The restart annotation value (see identityHash). */
    public readonly identityHash: pulumi.Output<string>;

    constructor(name: string, args: ServiceAccountBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.ServiceAccountBinding, name, {}, opts);
        const k8sOpts = { parent: this, provider: args.kubernetesProvider };
        const roleArn = pulumi.output(args.roleArn);
        const metadata = { name: args.serviceAccount, namespace: args.namespace };

        let binding: pulumi.Resource;
        // Pod Identity: the restarts also wait for the association to become effective (AssociationSettle).
        const settled: pulumi.Resource[] = [];
        if (args.binding === "irsa") {
            const annotations = roleArn.apply((arn) =>
                irsaAnnotations(arn, {
                    stsRegionalEndpoints: args.stsRegionalEndpoints,
                    tokenExpiration: args.tokenExpiration,
                }),
            );
            binding = args.create
                ? new k8s.core.v1.ServiceAccount(
                      CHILD_NAMES.serviceAccount(name),
                      { metadata: { ...metadata, annotations } },
                      k8sOpts,
                  )
                : new k8s.core.v1.ServiceAccountPatch(
                      CHILD_NAMES.serviceAccount(name),
                      {
                          metadata: {
                              ...metadata,
                              annotations: annotations.apply((a) => ({ ...a, [PATCH_FORCE_ANNOTATION]: "true" })),
                          },
                      },
                      k8sOpts,
                  );
        } else {
            const account = args.create
                ? [new k8s.core.v1.ServiceAccount(CHILD_NAMES.serviceAccount(name), { metadata }, k8sOpts)]
                : [];
            const association = new aws.eks.PodIdentityAssociation(
                CHILD_NAMES.podIdentityAssociation(name),
                {
                    clusterName: args.clusterName,
                    namespace: args.namespace,
                    serviceAccount: args.serviceAccount,
                    roleArn,
                    tags: { ...(args.tags ?? {}) },
                },
                { parent: this, dependsOn: account },
            );
            settled.push(
                new AssociationSettle(
                    CHILD_NAMES.associationSettle(name),
                    {
                        associationId: association.associationId,
                        roleArn,
                        settleSeconds: POD_IDENTITY_SETTLE_SECONDS,
                    },
                    { parent: this, dependsOn: [association] },
                ),
            );
            // An existing service account keeps a patch that owns no IRSA annotation: when the account moves from
            // irsa to pod-identity, this update (same resource) drops the role-arn annotation it owned, after the
            // association exists and before the restart, so restarted pods do not keep IRSA credentials (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html).
            binding = args.create
                ? association
                : new k8s.core.v1.ServiceAccountPatch(
                      CHILD_NAMES.serviceAccount(name),
                      { metadata: { ...metadata, annotations: { [PATCH_FORCE_ANNOTATION]: "true" } } },
                      { ...k8sOpts, dependsOn: [association] },
                  );
        }

        this.identityHash = roleArn.apply((arn) => identityHash(args.binding, arn));
        for (const target of args.restart ?? []) {
            const patchArgs = {
                metadata: { name: target.name, namespace: args.namespace },
                spec: { template: { metadata: { annotations: { [IDENTITY_HASH_ANNOTATION]: this.identityHash } } } },
            };
            const patchName = `${CHILD_NAMES.restartPrefix(name)}${target.kind.toLowerCase()}-${target.name}`;
            const patchOpts = {
                ...k8sOpts,
                dependsOn: [binding, ...settled, ...(args.role !== undefined ? [args.role] : [])],
            };
            switch (target.kind) {
                case "Deployment":
                    new k8s.apps.v1.DeploymentPatch(patchName, patchArgs, patchOpts);
                    break;
                case "StatefulSet":
                    new k8s.apps.v1.StatefulSetPatch(patchName, patchArgs, patchOpts);
                    break;
                case "DaemonSet":
                    new k8s.apps.v1.DaemonSetPatch(patchName, patchArgs, patchOpts);
                    break;
            }
        }

        this.roleArn = roleArn;
        this.registerOutputs({ roleArn: this.roleArn, identityHash: this.identityHash });
    }
}
