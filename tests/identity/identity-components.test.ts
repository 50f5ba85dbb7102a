import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { buildKubeconfig } from "../../common/kubernetes-access";
import { identityHash } from "../../identity/service-account-binding";
import { WorkloadIdentities } from "../../identity/workload-identities";
import type { OfflineCloud } from "../../plan/offline-cloud";
import { lookupClusterFacts } from "../../common/cluster-facts";
import type { IdentityConfig } from "../../identity/identity-config";
import { ConfigError } from "../../common/config-error";
import { parseConfig } from "../../config/read-config";
import { MINIMAL_POOL } from "../config/config-errors";
import { exampleFacts, runProgram, useOfflineCloud } from "../fakes/mocks";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const INLINE = "aws:iam/rolePolicy:RolePolicy";
const SA_PATCH = "kubernetes:core/v1:ServiceAccountPatch";
const SA = "kubernetes:core/v1:ServiceAccount";
const DEPLOYMENT_PATCH = "kubernetes:apps/v1:DeploymentPatch";
const STATEFULSET_PATCH = "kubernetes:apps/v1:StatefulSetPatch";
const DAEMONSET_PATCH = "kubernetes:apps/v1:DaemonSetPatch";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const ADDON = "aws:eks/addon:Addon";
const OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const K8S_PROVIDER = "pulumi:providers:kubernetes";

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5E1B0F2A7C3D9E8F6A4B2C1D0E9F8A7B";
const PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
const S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const LBC_POLICY = "arn:aws:iam::111122223333:policy/AWSLoadBalancerControllerIAMPolicy";
const TAGS = { env: "dev" };

/** Validated identity settings for cluster shop-dev. */
function identityConfig(raw: Record<string, unknown>): IdentityConfig {
    return parseConfig({ clusterName: "shop-dev", pools: [MINIMAL_POOL], ...raw }).identity;
}

const BASE = {
    serviceAccounts: [
        {
            namespace: "shop",
            name: "s3-reader",
            managedPolicyArns: [S3_READ, LBC_POLICY],
            policy: {
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-1:111122223333:key/*" },
                ],
            },
            permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/workload-boundary",
            maxSessionDuration: 7200,
            tags: { team: "shop" },
            stsRegionalEndpoints: true,
            tokenExpiration: 3600,
            restart: [
                { kind: "Deployment", name: "invoice-api" },
                { kind: "StatefulSet", name: "ledger" },
                { kind: "DaemonSet", name: "log-shipper" },
            ],
        },
        {
            namespace: "orders",
            name: "publisher",
            role: "events",
            create: true,
            restart: [{ kind: "Deployment", name: "publisher" }],
        },
        { namespace: "orders", name: "consumer", role: "events", restart: [{ kind: "Deployment", name: "consumer" }] },
        { namespace: "jobs", name: "reports", role: "reports", create: true },
    ],
    sharedRoles: [
        {
            name: "events",
            identity: "pod-identity",
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"],
        },
        { name: "reports", managedPolicyArns: [S3_READ], namespaceWide: true },
    ],
    podIdentityAgent: { manage: true, addonVersion: "v1.3.8-eksbuild.2" },
};

interface Run {
    readonly cloud: OfflineCloud;
    readonly outputs: Record<string, unknown>;
}

/** Declares the identities of `raw` against the given facts, as the stack does. */
async function declare(raw: Record<string, unknown>, facts = exampleFacts("dev")): Promise<Run> {
    const cloud = await useOfflineCloud(facts);
    const identity = identityConfig(raw);
    const outputs = await runProgram(async () => {
        const cluster = await lookupClusterFacts("shop-dev");
        const identities = await WorkloadIdentities.create("identities", { identity, cluster, tags: TAGS });
        return { serviceAccounts: identities.serviceAccounts, oidcProviderArn: identities.oidcProviderArn };
    });
    return { cloud, outputs };
}

/** Runs create() expecting it to throw (caught inside the program, as the engine would report it); returns the error. */
async function declareError(
    raw: Record<string, unknown>,
    facts = exampleFacts("dev"),
): Promise<{ cloud: OfflineCloud; error: unknown }> {
    const cloud = await useOfflineCloud(facts);
    const identity = identityConfig(raw);
    let error: unknown;
    await runProgram(async () => {
        const cluster = await lookupClusterFacts("shop-dev");
        try {
            await WorkloadIdentities.create("identities", { identity, cluster, tags: TAGS });
        } catch (e) {
            error = e;
        }
        return {};
    });
    return { cloud, error };
}

/** Resources other than the root stack and the components. */
function declaredResources(cloud: OfflineCloud) {
    return cloud.resources.filter(
        (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("eks-al2023-migration:"),
    );
}

const roleArn = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

describe("WorkloadIdentities", () => {
    it("declares the IRSA role with its trust, attachments and inline policy", async () => {
        const { cloud } = await declare(BASE);
        const role = cloud.resource(ROLE, "identities-shop-s3-reader-role");
        const { assumeRolePolicy, ...rest } = role.inputs;
        expect(rest).toStrictEqual({
            name: "shop-dev-shop-s3-reader",
            permissionsBoundary: "arn:aws:iam::111122223333:policy/workload-boundary",
            maxSessionDuration: 7200,
            tags: { env: "dev", team: "shop" },
        });
        expect(JSON.parse(assumeRolePolicy as string)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER_ARN },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            [`${ISSUER}:sub`]: "system:serviceaccount:shop:s3-reader",
                        },
                    },
                },
            ],
        });
        expect(cloud.resource(ATTACHMENT, "identities-shop-s3-reader-AmazonS3ReadOnlyAccess").inputs).toStrictEqual({
            role: "shop-dev-shop-s3-reader",
            policyArn: S3_READ,
        });
        expect(
            cloud.resource(ATTACHMENT, "identities-shop-s3-reader-AWSLoadBalancerControllerIAMPolicy").inputs,
        ).toStrictEqual({
            role: "shop-dev-shop-s3-reader",
            policyArn: LBC_POLICY,
        });
        const inline = cloud.resource(INLINE, "identities-shop-s3-reader-inline").inputs;
        expect({ ...inline, policy: JSON.parse(inline.policy as string) }).toStrictEqual({
            role: "shop-dev-shop-s3-reader",
            name: "inline",
            policy: BASE.serviceAccounts[0].policy,
        });
    });

    it("declares shared roles: pod identity trust, and namespace-wide IRSA trust", async () => {
        const { cloud } = await declare(BASE);
        const events = cloud.resource(ROLE, "identities-events-role").inputs;
        expect(events.name).toBe("shop-dev-events");
        expect(JSON.parse(events.assumeRolePolicy as string)).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        });
        const reports = JSON.parse(cloud.resource(ROLE, "identities-reports-role").inputs.assumeRolePolicy as string);
        expect(reports.Statement[0].Condition).toStrictEqual({
            StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:jobs:*" },
        });
        expect(
            cloud
                .ofType(ROLE)
                .map((r) => r.name)
                .sort(),
        ).toStrictEqual(["identities-events-role", "identities-reports-role", "identities-shop-s3-reader-role"]);
        expect(cloud.ofType(OIDC_PROVIDER)).toStrictEqual([]);
    });

    it("annotates an existing service account in place, forced, and restarts its workloads", async () => {
        const { cloud } = await declare(BASE);
        const arn = roleArn("shop-dev-shop-s3-reader");
        expect(cloud.resource(SA_PATCH, "identities-shop-s3-reader-sa").inputs).toStrictEqual({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: {
                name: "s3-reader",
                namespace: "shop",
                annotations: {
                    "eks.amazonaws.com/role-arn": arn,
                    "eks.amazonaws.com/sts-regional-endpoints": "true",
                    "eks.amazonaws.com/token-expiration": "3600",
                    "pulumi.com/patchForce": "true",
                },
            },
        });
        const hash = identityHash("irsa", arn);
        expect(hash).toMatch(/^[0-9a-f]{16}$/);
        const template = { template: { metadata: { annotations: { "eks-al2023-migration/identity-hash": hash } } } };
        const metadata = (name: string) => ({ name, namespace: "shop" });
        expect(
            cloud.resource(DEPLOYMENT_PATCH, "identities-shop-s3-reader-restart-deployment-invoice-api").inputs,
        ).toStrictEqual({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: metadata("invoice-api"),
            spec: template,
        });
        expect(
            cloud.resource(STATEFULSET_PATCH, "identities-shop-s3-reader-restart-statefulset-ledger").inputs,
        ).toStrictEqual({
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: metadata("ledger"),
            spec: template,
        });
        expect(
            cloud.resource(DAEMONSET_PATCH, "identities-shop-s3-reader-restart-daemonset-log-shipper").inputs,
        ).toStrictEqual({
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: metadata("log-shipper"),
            spec: template,
        });
    });

    it("creates service accounts when asked: annotated for IRSA, plain for Pod Identity", async () => {
        const { cloud } = await declare(BASE);
        expect(cloud.resource(SA, "identities-jobs-reports-sa").inputs).toStrictEqual({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: {
                name: "reports",
                namespace: "jobs",
                annotations: { "eks.amazonaws.com/role-arn": roleArn("shop-dev-reports") },
            },
        });
        expect(cloud.resource(SA, "identities-orders-publisher-sa").inputs).toStrictEqual({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "publisher", namespace: "orders" },
        });
        expect(
            cloud
                .ofType(SA_PATCH)
                .map((r) => r.name)
                .sort(),
        ).toStrictEqual(["identities-orders-consumer-sa", "identities-shop-s3-reader-sa"]);
    });

    it("associates Pod Identity service accounts, manages the agent add-on, and restarts with the pod-identity hash", async () => {
        const { cloud } = await declare(BASE);
        const association = (sa: string) => ({
            clusterName: "shop-dev",
            namespace: "orders",
            serviceAccount: sa,
            roleArn: roleArn("shop-dev-events"),
            tags: TAGS,
        });
        expect(cloud.resource(ASSOCIATION, "identities-orders-publisher-association").inputs).toStrictEqual(
            association("publisher"),
        );
        expect(cloud.resource(ASSOCIATION, "identities-orders-consumer-association").inputs).toStrictEqual(
            association("consumer"),
        );
        expect(cloud.ofType(ASSOCIATION)).toHaveLength(2);
        // An existing Pod Identity service account gets a patch that owns no IRSA annotation (drops one it owned).
        expect(cloud.resource(SA_PATCH, "identities-orders-consumer-sa").inputs).toStrictEqual({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "consumer", namespace: "orders", annotations: { "pulumi.com/patchForce": "true" } },
        });
        expect(cloud.resource(ADDON, "identities-pod-identity-agent").inputs).toStrictEqual({
            clusterName: "shop-dev",
            addonName: "eks-pod-identity-agent",
            addonVersion: "v1.3.8-eksbuild.2",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: TAGS,
        });
        expect(
            cloud.resource(DEPLOYMENT_PATCH, "identities-orders-publisher-restart-deployment-publisher").inputs.spec,
        ).toStrictEqual({
            template: {
                metadata: {
                    annotations: {
                        "eks-al2023-migration/identity-hash": identityHash("pod-identity", roleArn("shop-dev-events")),
                    },
                },
            },
        });
    });

    it("orders restarts after the binding and the whole role, the roles after a created OIDC provider; k8s children use the provider", async () => {
        await useOfflineCloud(exampleFacts("dev"));
        const identity = identityConfig({ ...BASE, oidcProvider: { create: true } });
        const seen: Record<string, { dependsOn: string[]; provider?: string }> = {};
        const nameOf = (r: unknown) => (r as { __name: string }).__name;
        await runProgram(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                const dependsOn = ([] as unknown[]).concat(args.opts.dependsOn ?? []);
                seen[`${args.type.split(":").pop()}/${args.name}`] = {
                    dependsOn: dependsOn.map(nameOf),
                    ...(args.opts.provider ? { provider: nameOf(args.opts.provider) } : {}),
                };
                return undefined;
            });
            const cluster = await lookupClusterFacts("shop-dev");
            await WorkloadIdentities.create("identities", { identity, cluster });
            return {};
        });
        expect(seen["DeploymentPatch/identities-shop-s3-reader-restart-deployment-invoice-api"]).toStrictEqual({
            dependsOn: ["identities-shop-s3-reader-sa", "identities-shop-s3-reader"],
            provider: "identities-kubernetes",
        });
        // Pod Identity: after the association, the wait for it to become effective, and the whole role.
        expect(seen["DeploymentPatch/identities-orders-publisher-restart-deployment-publisher"]).toStrictEqual({
            dependsOn: [
                "identities-orders-publisher-association",
                "identities-orders-publisher-association-settle",
                "identities-events",
            ],
            provider: "identities-kubernetes",
        });
        expect(seen["Resource/identities-orders-publisher-association-settle"].dependsOn).toStrictEqual([
            "identities-orders-publisher-association",
        ]);
        expect(seen["PodIdentityAssociation/identities-orders-publisher-association"].dependsOn).toStrictEqual([
            "identities-orders-publisher-sa",
        ]);
        expect(seen["DeploymentPatch/identities-orders-consumer-restart-deployment-consumer"].dependsOn).toStrictEqual([
            "identities-orders-consumer-sa",
            "identities-orders-consumer-association-settle",
            "identities-events",
        ]);
        expect(seen["ServiceAccountPatch/identities-orders-consumer-sa"].dependsOn).toStrictEqual([
            "identities-orders-consumer-association",
        ]);
        expect(seen["ServiceAccountBinding/identities-orders-publisher"].dependsOn).toStrictEqual([
            "identities-pod-identity-agent",
        ]);
        expect(seen["WorkloadRole/identities-shop-s3-reader"].dependsOn).toStrictEqual(["identities-oidc-provider"]);
        expect(seen["WorkloadRole/identities-events"].dependsOn).toStrictEqual([]);
        expect(seen["ServiceAccountPatch/identities-shop-s3-reader-sa"].provider).toBe("identities-kubernetes");
    });

    it("builds the Kubernetes provider from the cluster facts with the exec plugin", async () => {
        const { cloud } = await declare(BASE);
        const [provider] = cloud.ofType(K8S_PROVIDER);
        expect(provider.name).toBe("identities-kubernetes");
        const { kubeconfig, ...rest } = provider.inputs;
        expect(rest).toStrictEqual({
            clusterIdentifier: "arn:aws:eks:eu-west-1:111122223333:cluster/shop-dev",
            enableServerSideApply: "true",
        });
        const facts = exampleFacts("dev").cluster.cluster;
        expect(JSON.parse(kubeconfig as string)).toStrictEqual(
            buildKubeconfig({
                name: "shop-dev",
                region: "eu-west-1",
                endpoint: facts.endpoint,
                certificateAuthority: facts.certificateAuthority.data,
            }),
        );
    });

    it("uses a kubeconfig context when configured", async () => {
        const { cloud } = await declare({ ...BASE, kubernetes: { context: "shop-dev-admin" } });
        expect(cloud.ofType(K8S_PROVIDER).map((p) => p.inputs)).toStrictEqual([
            {
                context: "shop-dev-admin",
                clusterIdentifier: "arn:aws:eks:eu-west-1:111122223333:cluster/shop-dev",
                enableServerSideApply: "true",
            },
        ]);
    });

    it("outputs each service account's role, binding and restart request", async () => {
        const { outputs } = await declare(BASE);
        expect(outputs).toStrictEqual({
            oidcProviderArn: PROVIDER_ARN,
            serviceAccounts: [
                {
                    namespace: "shop",
                    name: "s3-reader",
                    roleArn: roleArn("shop-dev-shop-s3-reader"),
                    binding: "irsa",
                    restartRequested: true,
                },
                {
                    namespace: "orders",
                    name: "publisher",
                    roleArn: roleArn("shop-dev-events"),
                    binding: "pod-identity",
                    restartRequested: true,
                },
                {
                    namespace: "orders",
                    name: "consumer",
                    roleArn: roleArn("shop-dev-events"),
                    binding: "pod-identity",
                    restartRequested: true,
                },
                {
                    namespace: "jobs",
                    name: "reports",
                    roleArn: roleArn("shop-dev-reports"),
                    binding: "irsa",
                    restartRequested: false,
                },
            ],
        });
    });

    it("keeps the restart annotation across re-evaluations and changes it when the role changes", async () => {
        const restartHash = async (raw: Record<string, unknown>) => {
            const { cloud } = await declare(raw);
            const spec = cloud.resource(DEPLOYMENT_PATCH, "identities-shop-s3-reader-restart-deployment-invoice-api")
                .inputs.spec as { template: { metadata: { annotations: Record<string, string> } } };
            return spec.template.metadata.annotations["eks-al2023-migration/identity-hash"];
        };
        const first = await restartHash(BASE);
        expect(await restartHash(BASE)).toBe(first);
        const renamed = {
            ...BASE,
            serviceAccounts: [
                { ...BASE.serviceAccounts[0], roleName: "shop-dev-invoices" },
                ...BASE.serviceAccounts.slice(1),
            ],
        };
        const second = await restartHash(renamed);
        expect(second).not.toBe(first);
        expect(second).toBe(identityHash("irsa", roleArn("shop-dev-invoices")));
    });

    it("fails before declaring anything when the OIDC provider is missing and not to be created", async () => {
        const { cloud, error } = await declareError(BASE, { ...exampleFacts("dev"), oidcProviderUrls: [] });
        expect(error).toBeInstanceOf(ConfigError);
        const [problem] = (error as ConfigError).problems;
        expect(problem).toMatch(/^oidcProvider: no IAM OIDC provider exists for the cluster's issuer /);
        expect(problem).toContain(`https://${ISSUER}`);
        expect(problem).toContain("eks-al2023-migration:oidcProvider to {create: true}");
        expect(problem).toContain("eksctl utils associate-iam-oidc-provider");
        expect(declaredResources(cloud)).toStrictEqual([]);
    });

    it("creates the OIDC provider when told to, and the IRSA roles trust it and wait for it", async () => {
        const facts = { ...exampleFacts("dev"), oidcProviderUrls: [] };
        const { cloud, outputs } = await declare({ ...BASE, oidcProvider: { create: true } }, facts);
        expect(cloud.resource(OIDC_PROVIDER, "identities-oidc-provider").inputs).toStrictEqual({
            url: `https://${ISSUER}`,
            clientIdLists: ["sts.amazonaws.com"],
            tags: TAGS,
        });
        expect(outputs.oidcProviderArn).toBe(PROVIDER_ARN);
        const trust = JSON.parse(
            cloud.resource(ROLE, "identities-shop-s3-reader-role").inputs.assumeRolePolicy as string,
        );
        expect(trust.Statement[0].Principal).toStrictEqual({ Federated: PROVIDER_ARN });
        expect(cloud.invokes.map((i) => i.token)).not.toContain(
            "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
        );
    });

    it("rejects a trust policy over the quota before declaring anything", async () => {
        const many = Array.from({ length: 45 }, (_, i) => ({
            namespace: "tenants",
            name: `tenant-${i}`,
            role: "tenants",
        }));
        const raw = { serviceAccounts: many, sharedRoles: [{ name: "tenants", managedPolicyArns: [S3_READ] }] };
        const { cloud, error } = await declareError(raw);
        expect(error).toBeInstanceOf(ConfigError);
        const [problem] = (error as ConfigError).problems;
        expect(problem).toMatch(
            /^sharedRoles\[0\]: the trust policy of role shop-dev-tenants is \d+ characters, over the limit of 2048/,
        );
        expect(problem).toContain("tenants/tenant-0, tenants/tenant-1,");
        expect(declaredResources(cloud)).toStrictEqual([]);
        const raised = await declare({ ...raw, trustPolicyMaxLength: 4096 });
        expect(raised.cloud.ofType(SA_PATCH)).toHaveLength(45);
    });

    it("declares nothing and looks nothing up without service accounts", async () => {
        const { cloud, outputs } = await declare({});
        expect(declaredResources(cloud)).toStrictEqual([]);
        // No IRSA role, so the component has no OIDC provider ARN to give.
        expect(outputs).toStrictEqual({ serviceAccounts: [], oidcProviderArn: undefined });
    });
});
