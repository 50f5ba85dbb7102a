import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { POOL_TAG } from "../nodes/pool-tags";
import { useNodegroupHealthReader } from "../cutover/nodegroup-health";
import { factsRegion, type CloudFacts } from "./cloud-facts";
import { answerInvoke, factsAddonReader, factsNodegroupHealth, factsNodeRepair } from "./invoke-answers";
import { useNodeRepairReader } from "../cutover/nodegroup-repair";
import { useAddonReader } from "../identity/pod-identity-agent";
import { useLaunchTemplateVersionReader } from "../cutover/launch-template-version";
import { factsLaunchTemplateVersionReader } from "./offline-ec2";

/** One resource the program declared, with its inputs exactly as the engine would have received them. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly id: string;
}

/** A short stable hex digest, so mock ids and ARNs are the same on every run. */
function stableSuffix(text: string, length = 17): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Pulumi mocks that answer the program's data-source calls from AWS-CLI-shaped facts and record every resource the
 * program declares. Used by the tests and by the offline plan, so both evaluate the real program the same way.
 * An invoke it does not know fails loudly: a new data source cannot slip by unanswered.
 */
export class OfflineCloud implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[] = [];

    constructor(
        readonly facts: CloudFacts,
        /** Outputs of the stack's last deployment, as a StackReference to this stack reads them. */
        readonly previousOutputs: Record<string, unknown> = {},
        /** Outputs of other stacks by full name (`acme/eks-al2023-migration/dev`); others have none. */
        readonly otherStacks: Readonly<Record<string, Record<string, unknown>>> = {},
    ) {
        // DescribeNodegroup is an AWS SDK call, not a Pulumi invoke the mocks see: answer it from the same facts.
        useNodegroupHealthReader(factsNodegroupHealth(facts));
        // And its node repair setting (what a pool inherits at first declaration).
        useNodeRepairReader(factsNodeRepair(facts));
        // So is DescribeAddon (the agent add-on's adoption).
        useAddonReader(factsAddonReader(facts));
        // And DescribeLaunchTemplateVersions (the version each AL2 node group runs), from the same facts.
        useLaunchTemplateVersionReader(factsLaunchTemplateVersionReader(facts.launchTemplateVersions));
    }

    /**
     * Answers an invoke from the facts. A failure carries its text in `details` as well: the SDK builds the program's
     * error from the `details` of a failed invoke (a gRPC status field), and a plain Error has none, which would
     * leave the plan's error message empty.
     */
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        try {
            return answerInvoke(this.factsWithCreatedSubnets(), args.token, args.inputs);
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw Object.assign(new Error(message), { details: message });
        }
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const id = args.id || this.mockId(args.type, args.name);
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        return { id, state: { ...args.inputs, ...this.computedOutputs(args, id) } };
    }

    /** The facts, plus the zone of each subnet the program created (a rehearsal's VPC), as EC2 would describe it. */
    private factsWithCreatedSubnets(): CloudFacts {
        const created = this.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
        if (created.length === 0) return this.facts;
        const zones = Object.fromEntries(created.map((r) => [r.id, String(r.inputs.availabilityZone)]));
        return { ...this.facts, subnetZones: { ...this.facts.subnetZones, ...zones } };
    }

    /** The first recorded resource of a type and name; throws when there is none. */
    resource(type: string, name: string): RecordedResource {
        const found = this.resources.find((r) => r.type === type && r.name === name);
        if (!found) {
            const names = this.resources.filter((r) => r.type === type).map((r) => r.name);
            throw new Error(`no ${type} named ${name}; declared: ${names.join(", ") || "none"}`);
        }
        return found;
    }

    /** All recorded resources of a type. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    private mockId(type: string, name: string): string {
        const suffix = stableSuffix(`${type}/${name}`);
        switch (type) {
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return `lt-${suffix}`;
            case "aws:eks/nodeGroup:NodeGroup":
                return `${this.facts.cluster.cluster.name}:${name}`;
            default:
                return `${name}-${suffix.slice(0, 8)}`;
        }
    }

    /**
     * The name of the node group in the facts that a node group declared with `nodeGroupNamePrefix` is: same cluster,
     * a name with that prefix and the same pool tag. That is the node group an earlier deployment created; a real
     * preview reads its name from the state, so the plan shows it (not a made-up one) in its commands.
     */
    private existingNodeGroupName(inputs: Record<string, unknown>): string | undefined {
        const prefix = inputs.nodeGroupNamePrefix;
        const pool = (inputs.tags as Record<string, string> | undefined)?.[POOL_TAG];
        if (typeof prefix !== "string" || pool === undefined) return undefined;
        return Object.values(this.facts.nodegroups)
            .map((output) => output.nodegroup)
            .filter((ng) => ng.clusterName === this.facts.cluster.cluster.name && ng.nodegroupName.startsWith(prefix))
            .filter((ng) => ng.tags?.[POOL_TAG] === pool)
            .map((ng) => ng.nodegroupName)
            .sort()[0];
    }

    /** Outputs a real provider computes and the program reads back. */
    private computedOutputs(args: pulumi.runtime.MockResourceArgs, id: string): Record<string, unknown> {
        const [, partition, , , account] = this.facts.cluster.cluster.arn.split(":");
        const inputs = args.inputs as Record<string, unknown>;
        switch (args.type) {
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return {
                    arn: `arn:${partition}:ec2:${this.region()}:${account}:launch-template/${id}`,
                    latestVersion: 1,
                    defaultVersion: 1,
                };
            case "aws:iam/role:Role": {
                const roleName = (inputs.name as string | undefined) ?? `${args.name}-${stableSuffix(args.name, 7)}`;
                return {
                    name: roleName,
                    arn: `arn:${partition}:iam::${account}:role/${roleName}`,
                    uniqueId: `AROA${stableSuffix(roleName, 16).toUpperCase()}`,
                };
            }
            case "aws:iam/policy:Policy":
                return {
                    arn: `arn:${partition}:iam::${account}:policy/${(inputs.name as string | undefined) ?? args.name}`,
                };
            case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
                // EKS association ids: `a-` and 17 lowercase letters and digits.
                const associationId = `a-${stableSuffix(`${inputs.namespace}/${inputs.serviceAccount}`)}`;
                return {
                    associationId,
                    associationArn: `arn:${partition}:eks:${this.region()}:${account}:podidentityassociation/${this.facts.cluster.cluster.name}/${associationId}`,
                };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                return {
                    arn: `arn:${partition}:iam::${account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
                };
            case "aws:eks/nodeGroup:NodeGroup": {
                const nodeGroupName =
                    (inputs.nodeGroupName as string | undefined) ??
                    this.existingNodeGroupName(inputs) ??
                    `${(inputs.nodeGroupNamePrefix as string | undefined) ?? args.name}${stableSuffix(args.name, 26)}`;
                return {
                    nodeGroupName,
                    arn: `arn:${partition}:eks:${this.region()}:${account}:nodegroup/${this.facts.cluster.cluster.name}/${nodeGroupName}/x`,
                    status: "ACTIVE",
                };
            }
            case "eks:index:Cluster":
                return this.eksClusterOutputs(String(inputs.name ?? args.name), partition, account);
            case "pulumi:pulumi:StackReference": {
                const name = String(inputs.name);
                const self = name === `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
                return { outputs: self ? this.previousOutputs : (this.otherStacks[name] ?? {}), secretOutputNames: [] };
            }
            default:
                return {};
        }
    }

    /**
     * The outputs of a @pulumi/eks Cluster (a remote component) that the rehearsal reads: the kubeconfig as JSON text
     * (endpoint and CA), the EKS-created cluster security group, the OIDC issuer and the IAM OIDC provider it created.
     */
    private eksClusterOutputs(name: string, partition: string, account: string): Record<string, unknown> {
        const id = stableSuffix(`eks/${name}`, 32).toUpperCase();
        const endpoint = `https://${id}.gr7.${this.region()}.eks.amazonaws.com`;
        const certificateAuthority = Buffer.from(`offline CA of ${name}`).toString("base64");
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
            users: [{ name, user: { exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", name] } } }],
        };
        const issuerHost = `oidc.eks.${this.region()}.amazonaws.com/id/${id}`;
        return {
            kubeconfigJson: JSON.stringify(kubeconfig),
            clusterSecurityGroupId: `sg-${stableSuffix(`sg/${name}`)}`,
            oidcProviderUrl: `https://${issuerHost}`,
            oidcIssuer: issuerHost,
            oidcProviderArn: `arn:${partition}:iam::${account}:oidc-provider/${issuerHost}`,
        };
    }

    private region(): string {
        return factsRegion(this.facts);
    }
}
