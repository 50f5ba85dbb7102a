import type { V1Pod } from "@kubernetes/client-node";
import type { ServiceAccountRef } from "../../identity/identity-config";
import type { Finding } from "../finding";
import { podFinding, type PoolRuleContext } from "./context";

// Identity: a pod that calls AWS with the node role (through IMDS) loses it on AL2023 at hop limit 1, and keeps it
// silently at hop limit 2 (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html, the IMDS note).

/** Images of well-known workloads that call AWS APIs (controllers, CSI drivers, agents), matched in the image path. */
export const AWS_CALLING_IMAGES: readonly string[] = [
    "aws-load-balancer-controller",
    "aws-ebs-csi-driver",
    "aws-efs-csi-driver",
    "cluster-autoscaler",
    "external-dns",
    "cloudwatch-agent",
    "aws-for-fluent-bit",
    "karpenter",
    "aws-cli",
    "external-secrets",
];

/** Variables the IRSA and Pod Identity webhooks inject: a pod with one already has its own credentials. */
const CREDENTIAL_VARIABLES = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"];

function containers(pod: V1Pod) {
    return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
}

/**
 * Why a pod looks like it calls AWS, or undefined: an `AWS_*` environment variable (region, profile, SDK settings)
 * or an image of a well-known AWS-calling workload. A heuristic: a pod may call AWS without either sign.
 */
export function awsCallingSign(pod: V1Pod): string | undefined {
    for (const container of containers(pod)) {
        const variable = (container.env ?? []).find(
            (e) => e.name.startsWith("AWS_") && !CREDENTIAL_VARIABLES.includes(e.name),
        );
        if (variable !== undefined) return `container ${container.name} sets ${variable.name}`;
        const image = AWS_CALLING_IMAGES.find((name) => (container.image ?? "").includes(name));
        if (image !== undefined) return `container ${container.name} runs ${container.image}`;
    }
    return undefined;
}

/** What gives a pod its own AWS identity, or undefined when it would use the node role. */
export function ownIdentity(
    context: PoolRuleContext,
    pod: V1Pod,
    stackAccounts: readonly ServiceAccountRef[],
): string | undefined {
    const namespace = pod.metadata?.namespace ?? "default";
    const name = pod.spec?.serviceAccountName ?? "default";
    if (stackAccounts.some((a) => a.namespace === namespace && a.name === name)) return "stack serviceAccounts";
    const account = context.dump.serviceAccounts.find(
        (a) => a.metadata?.namespace === namespace && a.metadata?.name === name,
    );
    if (account?.metadata?.annotations?.["eks.amazonaws.com/role-arn"] !== undefined) return "IRSA annotation";
    const associations = context.dump.podIdentityAssociations ?? [];
    if (associations.some((a) => a.namespace === namespace && a.serviceAccount === name)) return "Pod Identity";
    const injected = containers(pod).some((c) => (c.env ?? []).some((e) => CREDENTIAL_VARIABLES.includes(e.name)));
    return injected ? "injected credentials" : undefined;
}

/**
 * Pods on the AL2 nodes that look like they call AWS and have no IRSA or Pod Identity: a blocker at hop limit 1
 * (they lose every credential), a warning at 2 (they keep the node role). Host-network pods reach IMDS in one hop
 * and are skipped.
 */
export function identityFindings(context: PoolRuleContext, stackAccounts: readonly ServiceAccountRef[]): Finding[] {
    const { target } = context;
    return context.pods.flatMap((pod) => {
        if (pod.spec?.hostNetwork === true) return [];
        const sign = awsCallingSign(pod);
        if (sign === undefined || ownIdentity(context, pod, stackAccounts) !== undefined) return [];
        const account = `${pod.metadata?.namespace ?? "default"}/${pod.spec?.serviceAccountName ?? "default"}`;
        const blocked = target.hopLimit < 2;
        return [
            podFinding(context, pod, {
                id: "identity-node-role",
                severity: blocked ? "blocker" : "warning",
                what: `looks like it calls AWS (${sign}) and service account ${account} has no IRSA or Pod Identity`,
                why: blocked
                    ? `pool "${target.pool}" has IMDS hop limit ${target.hopLimit}: containers cannot reach the node role, so its AWS calls fail`
                    : `pool "${target.pool}" has IMDS hop limit ${target.hopLimit}: the pod keeps using the node role, silently, with every permission of every pod on the node`,
                fix: `add ${account} to serviceAccounts (identity irsa or pod-identity, with its policy and a restart) and deploy it before the move`,
            }),
        ];
    });
}
