import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "./cluster-facts";
import { clientNode } from "./kubernetes-client";

/**
 * How the program reaches the cluster's Kubernetes API.
 *
 * Choice: a kubeconfig whose user runs the exec credential plugin `aws eks get-token` (what `aws eks
 * update-kubeconfig` writes), not a static token from `aws.eks.getClusterAuth`. A static token is valid for 15 minutes
 * from the start of the run, and a cutover step (drain with PodDisruptionBudgets, restarts) can outlive it; the exec
 * plugin fetches a fresh token whenever the client needs one, and nothing secret lands in the state. The cost: the
 * `aws` CLI (a current v2: older releases print a credential version clients reject) must be on the PATH where `pulumi up` runs, with the same AWS credentials as the
 * program (environment variables or `AWS_PROFILE`; the CLI does not read `aws:assumeRole` from stack config). The
 * `pulumi/pulumi` image that Pulumi Deployments runs by default installs AWS CLI v2 (docker/pulumi/Dockerfile in
 * pulumi/pulumi-docker-containers); a custom executor image must install it too. Where that is not possible,
 * `kubernetes.context` points the program at an existing kubeconfig context instead.
 *
 * The identity that runs `pulumi up` needs Kubernetes permissions: an EKS access entry (cluster authentication mode
 * API or API_AND_CONFIG_MAP) with AmazonEKSClusterAdminPolicy, or an `aws-auth` mapping to a group bound to RBAC that
 * can get/patch/apply serviceaccounts (and create them when `create: true`) and patch deployments, statefulsets and
 * daemonsets in the namespaces used.
 */
export type KubernetesAccess =
    /** A kubeconfig (JSON text) built from the cluster facts, with the exec plugin. */
    | { readonly kind: "exec"; readonly kubeconfig: pulumi.Output<string> }
    /** A context of the kubeconfig found the usual way (`KUBECONFIG`, then `~/.kube/config`). */
    | { readonly kind: "context"; readonly context: string };

/** The cluster facts a kubeconfig needs, as plain values. */
export interface KubeconfigFacts {
    readonly name: string;
    readonly region: string;
    readonly endpoint: string;
    /** Base64 PEM, as DescribeCluster returns it (kubeconfig's `certificate-authority-data` takes it unchanged). */
    readonly certificateAuthority: string;
}

/** The kubeconfig object `aws eks update-kubeconfig` would write for the cluster (one cluster, user, context). */
export function buildKubeconfig(facts: KubeconfigFacts): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: facts.name,
                cluster: { server: facts.endpoint, "certificate-authority-data": facts.certificateAuthority },
            },
        ],
        users: [
            {
                name: facts.name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: [
                            "eks",
                            "get-token",
                            "--cluster-name",
                            facts.name,
                            "--region",
                            facts.region,
                            "--output",
                            "json",
                        ],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: facts.name, context: { cluster: facts.name, user: facts.name } }],
        "current-context": facts.name,
    };
}

/** The cluster's kubeconfig as JSON text (a kubeconfig file may be JSON), for the provider and the drain helpers. */
export function clusterKubeconfig(cluster: ClusterFacts): pulumi.Output<string> {
    return pulumi
        .all([cluster.endpoint, cluster.certificateAuthority])
        .apply(([endpoint, certificateAuthority]) =>
            JSON.stringify(
                buildKubeconfig({ name: cluster.name, region: cluster.region, endpoint, certificateAuthority }),
            ),
        );
}

/**
 * One context of the kubeconfig found the usual way (`KUBECONFIG`, then `~/.kube/config`), as kubeconfig text holding
 * only that context, its cluster and its user: what the cordon and drain use when `kubernetes.context` is set. It is
 * kept as a secret.
 */
export function contextKubeconfig(context: string): pulumi.Output<string> {
    const kubeConfig = new (clientNode().KubeConfig)();
    kubeConfig.loadFromDefault();
    if (kubeConfig.getContextObject(context) === null) {
        throw new pulumi.RunError(
            `kubernetes.context: "${context}" is not a context of the kubeconfig (${
                kubeConfig
                    .getContexts()
                    .map((c) => c.name)
                    .join(", ") || "none found"
            }); ` + "allowed: a context name from `kubectl config get-contexts`",
        );
    }
    // Only that context, its cluster and its user: the rest of the file (other clusters' credentials) stays out of
    // the state.
    const chosen = kubeConfig.getContextObject(context)!;
    const cluster = kubeConfig.getCluster(chosen.cluster);
    const user = kubeConfig.getUser(chosen.user);
    const trimmed = new (clientNode().KubeConfig)();
    trimmed.loadFromOptions({
        clusters: cluster ? [cluster] : [],
        users: user ? [user] : [],
        contexts: [chosen],
        currentContext: context,
    });
    return pulumi.secret(trimmed.exportConfig());
}

/** The access to use: the configured kubeconfig context, or the kubeconfig built from the cluster facts. */
export function kubernetesAccess(cluster: ClusterFacts, settings: { readonly context?: string }): KubernetesAccess {
    return settings.context !== undefined
        ? { kind: "context", context: settings.context }
        : { kind: "exec", kubeconfig: clusterKubeconfig(cluster) };
}

/**
 * A Kubernetes provider for the cluster. `clusterIdentifier` is the cluster ARN, so switching between the built
 * kubeconfig and a context (or a new endpoint or CA) updates the provider instead of replacing every resource on it.
 */
export function kubernetesProvider(
    name: string,
    args: { readonly cluster: ClusterFacts; readonly access: KubernetesAccess },
    opts?: pulumi.CustomResourceOptions,
): k8s.Provider {
    const { cluster, access } = args;
    return new k8s.Provider(
        name,
        {
            ...(access.kind === "exec" ? { kubeconfig: access.kubeconfig } : { context: access.context }),
            clusterIdentifier: `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`,
            enableServerSideApply: true,
        },
        opts,
    );
}
