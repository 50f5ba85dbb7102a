import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import program from "../../index";
import { SAMPLE_WORKLOAD_SCRIPT } from "../../rehearsal/sample-workload";
import { checkedIrsaTrustPolicy } from "../../identity/identity-plan";
import { checkTrustPolicyLength, irsaTrustPolicy } from "../../identity/workload-trust-policy";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import { OfflineCloud } from "../../plan/offline-cloud";
import { type CloudFacts, type DescribeNodegroupOutput } from "../../plan/cloud-facts";
import { al2ReleaseVersionParameter } from "../../program/cluster-source";
import { parseConfig } from "../../config/read-config";
import { CUTOVER_PHASES, type CutoverPhase } from "../../cutover/phases";
import { PROJECT } from "../../common/project";
import type { PoolCutoverRecord } from "../../cutover/cutover-record";
import { LEGACY_TAINT } from "../../cutover/phase-plan";
import { exampleFacts, ROOT } from "../fakes/mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const EKS_CLUSTER = "eks:index:Cluster";
const CLUSTER = "shop-rehearsal";
const LEGACY = "rehearsal-general-al2";
const AL2023 = "general-rehearsal-al2023";
const RELEASE = "1.32.9-20251209";
const BUCKET = "shop-rehearsal-sample-111122223333";

/** `Pulumi.rehearsal.yaml`'s config, keys without the project prefix. */
function rehearsalStackConfig(): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.rehearsal.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    return Object.fromEntries(
        Object.entries(doc.config)
            .filter(([key]) => key.startsWith(`${PROJECT}:`))
            .map(([key, value]) => [key.slice(PROJECT.length + 1), value]),
    );
}

/**
 * The AWS account as the rehearsal sees it: dev's account and region, no cluster of its own yet except the AL2023
 * node group a `shift` deployment left (read by the readiness gate), and the SSM parameter of the last AL2 release.
 */
function rehearsalFacts(): CloudFacts {
    const dev = exampleFacts("dev");
    const al2023 = dev.nodegroups["general-20261102093015123400000001"].nodegroup;
    const nodegroup: DescribeNodegroupOutput = {
        nodegroup: {
            ...al2023,
            nodegroupName: AL2023,
            nodegroupArn: `arn:aws:eks:eu-west-1:111122223333:nodegroup/${CLUSTER}/${AL2023}/x`,
            clusterName: CLUSTER,
            scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 4 },
            // What Pulumi.rehearsal.yaml's pool created it with (a different value would replace it).
            instanceTypes: ["t3.medium"],
            capacityType: "ON_DEMAND",
        },
    };
    return {
        cluster: {
            cluster: {
                ...dev.cluster.cluster,
                name: CLUSTER,
                arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${CLUSTER}`,
            },
        },
        nodegroups: { [AL2023]: nodegroup },
        oidcProviderUrls: [],
        ssmParameters: { [al2ReleaseVersionParameter("1.32")]: RELEASE },
        ...(dev.instanceTypes !== undefined && { instanceTypes: dev.instanceTypes }),
    };
}

/** What the last deployment recorded, deployed in `phase`. */
function record(phase: CutoverPhase): PoolCutoverRecord {
    return {
        phase,
        adopted: phase !== "decommission",
        legacyNodeGroupName: LEGACY,
        legacySizeAtAdoption: { min: 2, desired: 3, max: 4 },
        al2023NodeGroupName: AL2023,
    };
}

async function evaluateRehearsal(phase: CutoverPhase, previous: CutoverPhase | undefined): Promise<Evaluation> {
    return evaluateOffline({
        stack: "rehearsal",
        config: { ...rehearsalStackConfig(), cutoverPhase: phase },
        facts: rehearsalFacts(),
        previousOutputs:
            previous === undefined ? {} : { cutover: { version: 1, pools: { general: record(previous) } } },
        program,
    });
}

function ok(evaluation: Evaluation): Evaluation {
    if (evaluation.error !== undefined) throw evaluation.error;
    return evaluation;
}

function find(evaluation: Evaluation, type: string, name: string): Record<string, unknown> {
    const found = evaluation.resources.find((r) => r.type === type && r.name === name);
    if (found === undefined) throw new Error(`no ${type} ${name}`);
    return found.inputs;
}

function idOf(evaluation: Evaluation, type: string, name: string): string {
    return evaluation.resources.find((r) => r.type === type && r.name === name)!.id;
}

describe("rehearsal mode", () => {
    it("creates the cluster and its AL2 node group on the first deployment, without any import", async () => {
        const prepare = ok(await evaluateRehearsal("prepare", undefined));
        const subnet = (kind: string, zone: string) =>
            idOf(prepare, "aws:ec2/subnet:Subnet", `rehearsal-vpc-${kind}-eu-west-1${zone}`);
        expect(find(prepare, EKS_CLUSTER, "rehearsal-eks")).toStrictEqual({
            name: CLUSTER,
            version: "1.32",
            vpcId: idOf(prepare, "aws:ec2/vpc:Vpc", "rehearsal-vpc"),
            publicSubnetIds: [subnet("public", "a"), subnet("public", "b")],
            privateSubnetIds: [subnet("private", "a"), subnet("private", "b")],
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            createOidcProvider: true,
            authenticationMode: "API",
            kubernetesServiceIpAddressRange: "172.20.0.0/16",
            tags: { environment: "rehearsal", owner: "platform-team" },
        });
        expect(prepare.options.get(optionsKey(NODE_GROUP, "general-legacy"))).toStrictEqual({
            protect: true,
            ignoreChanges: [],
            dependsOnCount: 3,
        });
        const roleArn = find(prepare, NODE_GROUP, "general-legacy").nodeRoleArn;
        // The rehearsal's node role (the mocks name a prefixed role after its resource name).
        expect(roleArn).toMatch(/^arn:aws:iam::111122223333:role\/rehearsal-nodes-role-/);
        expect(find(prepare, "aws:iam/role:Role", "rehearsal-nodes-role").namePrefix).toBe("shop-rehearsal-node-");
        expect(find(prepare, NODE_GROUP, "general-legacy")).toStrictEqual({
            clusterName: CLUSTER,
            nodeGroupName: LEGACY,
            nodeRoleArn: roleArn,
            subnetIds: [subnet("private", "a"), subnet("private", "b")],
            scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 4 },
            amiType: "AL2_x86_64",
            capacityType: "ON_DEMAND",
            instanceTypes: ["t3.medium"],
            diskSize: 20,
            labels: {},
            taints: [],
            releaseVersion: RELEASE,
            version: "1.32",
            tags: { environment: "rehearsal", owner: "platform-team" },
        });
        // The AL2023 pool takes the AL2 node group's role and subnets, as on a real cluster, and waits for the cluster.
        const al2023 = find(prepare, NODE_GROUP, "general-ng");
        expect(al2023.nodeRoleArn).toBe(roleArn);
        expect(al2023.subnetIds).toStrictEqual([subnet("private", "a"), subnet("private", "b")]);
        expect(prepare.options.get(optionsKey(NODE_GROUP, "general-ng"))!.dependsOnCount).toBe(3);
        // Nothing is read from an existing cluster: no getCluster, no getNodeGroup(s), no OIDC provider lookup.
        expect(
            prepare.invokes.map((i) => i.token).filter((t) => t.startsWith("aws:eks/") || t.includes("OpenId")),
        ).toStrictEqual([]);
    });

    it("builds the VPC in the region's first two zones by name, whatever order AWS lists them in", async () => {
        const answer = OfflineCloud.prototype.call;
        vi.spyOn(OfflineCloud.prototype, "call").mockImplementation(function (this: OfflineCloud, args) {
            if (args.token !== "aws:index/getAvailabilityZones:getAvailabilityZones") return answer.call(this, args);
            const names = ["eu-west-1c", "eu-west-1a", "eu-west-1b"];
            return { id: "eu-west-1", names, zoneIds: names, groupNames: names, state: "available" };
        });
        const prepare = ok(await evaluateRehearsal("prepare", undefined));
        const subnets = prepare.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
        expect(subnets.map((r) => [r.name, r.inputs.availabilityZone])).toStrictEqual([
            ["rehearsal-vpc-public-eu-west-1a", "eu-west-1a"],
            ["rehearsal-vpc-public-eu-west-1b", "eu-west-1b"],
            ["rehearsal-vpc-private-eu-west-1a", "eu-west-1a"],
            ["rehearsal-vpc-private-eu-west-1b", "eu-west-1b"],
        ]);
    });

    it("evaluates in every phase after a one-step move, never importing the AL2 node group", async () => {
        for (const [i, phase] of CUTOVER_PHASES.entries()) {
            if (i === 0) continue;
            const evaluation = await evaluateRehearsal(phase, CUTOVER_PHASES[i - 1]);
            expect(evaluation.error, phase).toBeUndefined();
            const legacy = evaluation.options.get(optionsKey(NODE_GROUP, "general-legacy"));
            if (phase === "decommission") expect(legacy, phase).toBeUndefined();
            else expect(legacy!.import, phase).toBeUndefined();
        }
    });

    it("moves the created AL2 node group exactly as an adopted one: taint in shift, drain, then size 0", async () => {
        const shift = ok(await evaluateRehearsal("shift", "canary"));
        expect(find(shift, NODE_GROUP, "general-legacy").taints).toStrictEqual([
            { key: LEGACY_TAINT.key, value: LEGACY_TAINT.value, effect: LEGACY_TAINT.effect },
        ]);
        const drain = ok(await evaluateRehearsal("drain", "shift"));
        expect(find(drain, "pulumi-nodejs:dynamic:Resource", "general-legacy-drain")).toMatchObject({
            nodeGroupName: LEGACY,
            // The AL2023 node group's generated name (from its prefix).
            readyNodeGroupName: expect.stringMatching(/^general-/),
            minReadyNodes: 3,
            timeoutMinutes: 15,
        });
        expect(find(drain, NODE_GROUP, "general-legacy").scalingConfig).toStrictEqual({
            minSize: 0,
            desiredSize: 0,
            maxSize: 4,
        });
        // Cluster, network and node role, plus the drain.
        expect(drain.options.get(optionsKey(NODE_GROUP, "general-legacy"))!.dependsOnCount).toBe(4);
    });

    it("runs a sample Deployment on the AL2 pool with a PodDisruptionBudget over its pods", async () => {
        const prepare = ok(await evaluateRehearsal("prepare", undefined));
        const labels = { app: "sample-app" };
        expect(find(prepare, "kubernetes:policy/v1:PodDisruptionBudget", "rehearsal-sample-pdb")).toStrictEqual({
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: "sample-app", namespace: "rehearsal" },
            spec: { minAvailable: 2, selector: { matchLabels: labels } },
        });
        const deployment = find(prepare, "kubernetes:apps/v1:Deployment", "rehearsal-sample-deployment");
        expect(deployment.spec).toStrictEqual({
            replicas: 3,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    serviceAccountName: "sample-app",
                    terminationGracePeriodSeconds: 5,
                    topologySpreadConstraints: [
                        {
                            maxSkew: 1,
                            topologyKey: "kubernetes.io/hostname",
                            whenUnsatisfiable: "ScheduleAnyway",
                            labelSelector: { matchLabels: labels },
                        },
                    ],
                    // No nodeSelector, affinity or tolerations: it runs where it may, the AL2 nodes until shift.
                    containers: [
                        {
                            name: "app",
                            image: "public.ecr.aws/aws-cli/aws-cli:2.22.0",
                            command: ["/bin/sh", "-c"],
                            args: [SAMPLE_WORKLOAD_SCRIPT],
                            env: [{ name: "BUCKET", value: BUCKET }],
                            resources: { requests: { cpu: "10m", memory: "64Mi" } },
                        },
                    ],
                },
            },
        });
        expect(find(prepare, "aws:s3/bucket:Bucket", "rehearsal-sample-bucket")).toStrictEqual({
            bucket: BUCKET,
            forceDestroy: true,
            tags: { environment: "rehearsal", owner: "platform-team" },
        });
        expect(find(prepare, "kubernetes:core/v1:ServiceAccount", "rehearsal-sample-sa")).toStrictEqual({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "sample-app", namespace: "rehearsal" },
        });
    });

    it("binds the sample service account with IRSA through the created OIDC provider and restarts the Deployment", async () => {
        const prepare = ok(await evaluateRehearsal("prepare", undefined));
        const eks = new OfflineCloud(rehearsalFacts()).newResource({
            type: EKS_CLUSTER,
            name: "rehearsal-eks",
            inputs: { name: CLUSTER },
            custom: false,
        }).state;
        const role = prepare.resources.find(
            (r) => r.type === "aws:iam/role:Role" && r.name === "workloads-rehearsal-sample-app-role",
        )!;
        const issuer = String(eks.oidcIssuer);
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toStrictEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: eks.oidcProviderArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                            [`${issuer}:sub`]: "system:serviceaccount:rehearsal:sample-app",
                        },
                    },
                },
            ],
        });
        const patch = find(prepare, "kubernetes:core/v1:ServiceAccountPatch", "workloads-rehearsal-sample-app-sa");
        expect(patch.metadata).toMatchObject({
            name: "sample-app",
            namespace: "rehearsal",
            annotations: { "eks.amazonaws.com/role-arn": expect.stringContaining(":role/") },
        });
        const restart = find(
            prepare,
            "kubernetes:apps/v1:DeploymentPatch",
            "workloads-rehearsal-sample-app-restart-deployment-sample-app",
        );
        expect(restart.metadata).toStrictEqual({ name: "sample-app", namespace: "rehearsal" });
        // The identity step's provider waits for the sample workload (service account and Deployment exist first).
        expect(prepare.options.get(optionsKey("pulumi:providers:kubernetes", "rehearsal-kubernetes"))).toMatchObject({
            dependsOnCount: 1,
        });
    });

    it("gives the node pool the same inputs as the existing-cluster path for the same cluster facts", async () => {
        const rehearsal = ok(await evaluateRehearsal("canary", "prepare"));
        const legacy = find(rehearsal, NODE_GROUP, "general-legacy");
        const eks = new OfflineCloud(rehearsalFacts()).newResource({
            type: EKS_CLUSTER,
            name: "rehearsal-eks",
            inputs: { name: CLUSTER },
            custom: false,
        }).state as Record<string, string>;
        const kubeconfig = (JSON.parse(eks.kubeconfigJson) as { clusters: { cluster: Record<string, string> }[] })
            .clusters[0].cluster;
        // The same cluster, described by the AWS CLI: what an existing-cluster stack would read.
        const facts = rehearsalFacts();
        const existing: CloudFacts = {
            ...facts,
            cluster: {
                cluster: {
                    ...facts.cluster.cluster,
                    version: "1.32",
                    endpoint: kubeconfig.server,
                    certificateAuthority: { data: kubeconfig["certificate-authority-data"] },
                    resourcesVpcConfig: {
                        clusterSecurityGroupId: eks.clusterSecurityGroupId,
                        vpcId: idOf(rehearsal, "aws:ec2/vpc:Vpc", "rehearsal-vpc"),
                    },
                    kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4" },
                    identity: { oidc: { issuer: eks.oidcProviderUrl } },
                },
            },
            nodegroups: {
                ...facts.nodegroups,
                // The AL2023 node group was created with the AL2 node group's role and subnets.
                [AL2023]: {
                    nodegroup: {
                        ...facts.nodegroups[AL2023].nodegroup,
                        subnets: legacy.subnetIds as string[],
                        nodeRole: String(legacy.nodeRoleArn),
                    },
                },
                [LEGACY]: {
                    nodegroup: {
                        nodegroupName: LEGACY,
                        nodegroupArn: `arn:aws:eks:eu-west-1:111122223333:nodegroup/${CLUSTER}/${LEGACY}/x`,
                        clusterName: CLUSTER,
                        version: "1.32",
                        releaseVersion: RELEASE,
                        status: "ACTIVE",
                        capacityType: "ON_DEMAND",
                        scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 4 },
                        instanceTypes: ["t3.medium"],
                        subnets: legacy.subnetIds as string[],
                        amiType: "AL2_x86_64",
                        nodeRole: String(legacy.nodeRoleArn),
                        diskSize: 20,
                        tags: { environment: "rehearsal", owner: "platform-team" },
                    },
                },
            },
            oidcProviderUrls: [eks.oidcIssuer],
        };
        const config = rehearsalStackConfig();
        delete config.rehearsal;
        const adopted = ok(
            await evaluateOffline({
                stack: "rehearsal",
                config: { ...config, cutoverPhase: "canary" },
                facts: existing,
                previousOutputs: { cutover: { version: 1, pools: { general: record("prepare") } } },
                program,
            }),
        );
        expect(adopted.invokes.map((i) => i.token)).toContain("aws:eks/getCluster:getCluster");
        const poolInputs = (e: Evaluation) =>
            e.resources
                .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" || r.type === NODE_GROUP)
                .map((r) => [r.type, r.name, r.inputs])
                .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
        expect(poolInputs(adopted).map(([, name]) => name)).toStrictEqual([
            "general-legacy",
            "general-lt",
            "general-ng",
        ]);
        expect(poolInputs(rehearsal)).toStrictEqual(poolInputs(adopted));
        const trust = (e: Evaluation) => find(e, "aws:iam/role:Role", "workloads-rehearsal-sample-app-role");
        expect(trust(rehearsal)).toStrictEqual(trust(adopted));
    });

    it("checks the trust policy quota once the created cluster's issuer is known, with create's message", () => {
        const role = parseConfig(rehearsalStackConfig()).identity.roles[0];
        const issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        const provider = `arn:aws:iam::111122223333:oidc-provider/${issuer.slice("https://".length)}`;
        const document = irsaTrustPolicy({
            providerArn: provider,
            issuerHostPath: issuer.slice("https://".length),
            subjects: role.subjects,
            namespaceWide: false,
        });
        expect(
            checkedIrsaTrustPolicy(role, { providerArn: provider, issuerUrl: issuer, maxLength: 2048 }),
        ).toStrictEqual(document);
        const message = checkTrustPolicyLength(role, document, 200)!;
        expect(message).toContain("serviceAccounts[0]: the trust policy of role shop-rehearsal-");
        expect(() =>
            checkedIrsaTrustPolicy(role, { providerArn: provider, issuerUrl: issuer, maxLength: 200 }),
        ).toThrow(expect.objectContaining({ problems: [message] }));
    });

    it("reports every rehearsal config problem with its key and value, before declaring anything", async () => {
        const config = rehearsalStackConfig();
        const rehearsal = config.rehearsal as Record<string, unknown>;
        const bad = {
            ...config,
            oidcProvider: { create: true },
            rehearsal: {
                ...rehearsal,
                kubernetesVersion: "1.33",
                subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
                legacyNodeGroup: { name: "other-al2", scaling: { min: 1, desired: 1, max: 1 } },
                sampleWorkload: { ...(rehearsal.sampleWorkload as object), minAvailable: 3 },
            },
        };
        expect(() => parseConfig(bad)).toThrow(
            expect.objectContaining({
                problems: [
                    'rehearsal.kubernetesVersion: "1.33" is not allowed; allowed: "1.29" to "1.32" (1.32 is the last ' +
                        "Kubernetes version with AL2 AMIs)",
                    "rehearsal.sampleWorkload.minAvailable: 3 is not allowed; must be below replicas (3), or the " +
                        "drain could never evict a pod",
                    // Rules between keys come after the keys' own problems.
                    "rehearsal.vpcId: is required with subnetIds (or leave out both to create a VPC)",
                ],
            }),
        );
        const unwired = {
            ...config,
            oidcProvider: { create: true },
            rehearsal: { ...rehearsal, legacyNodeGroup: { name: "other-al2" } },
        };
        expect(() => parseConfig(unwired)).toThrow(
            expect.objectContaining({
                problems: [
                    'rehearsal.legacyNodeGroup.name: "other-al2" is not allowed; a pool\'s legacyNodeGroup must name it',
                    "oidcProvider.create: true is not allowed; in rehearsal mode the cluster creates its IAM OIDC provider",
                ],
            }),
        );
        const evaluation = await evaluateOffline({
            stack: "rehearsal",
            config: bad,
            facts: rehearsalFacts(),
            previousOutputs: {},
            program,
        });
        expect(String(evaluation.error)).toContain('rehearsal.kubernetesVersion: "1.33"');
        expect(evaluation.resources.map((r) => r.type).filter((t) => !t.startsWith("pulumi:pulumi:"))).toStrictEqual(
            [],
        );
    });

    it("is off without the rehearsal key or with enabled: false", () => {
        const config = rehearsalStackConfig();
        const { rehearsal, ...without } = config;
        expect(parseConfig(without).rehearsal).toBeUndefined();
        const disabled = { ...(rehearsal as object), enabled: false };
        expect(parseConfig({ ...config, rehearsal: disabled }).rehearsal).toBeUndefined();
        expect(parseConfig(config).rehearsal).toStrictEqual({
            kubernetesVersion: "1.32",
            legacyNodeGroup: { name: LEGACY, instanceTypes: ["t3.medium"], scaling: { min: 2, desired: 3, max: 4 } },
            sampleWorkload: {
                namespace: "rehearsal",
                name: "sample-app",
                serviceAccount: "sample-app",
                replicas: 3,
                minAvailable: 2,
                bucketName: BUCKET,
                image: "public.ecr.aws/aws-cli/aws-cli:2.22.0",
            },
        });
    });
});
