import * as eks from "@pulumi/eks";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../common/cluster-facts";
import { REHEARSAL_VPC_CIDR, type RehearsalSampleWorkload } from "./rehearsal-schema";
import { kubernetesProvider } from "../common/kubernetes-access";
import { NodeRole } from "../nodes/node-role";
import { RehearsalVpc } from "./rehearsal-vpc";
import { SampleWorkload } from "./sample-workload";
import { TYPE_TOKENS } from "../common/project";

/** The facts of a rehearsal cluster known before it exists (from config and the AWS provider's account). */
export type PlannedClusterFacts = Pick<
    ClusterFacts,
    "name" | "kubernetesVersion" | "serviceCidr" | "partition" | "region" | "accountId"
>;

/** Where the rehearsal cluster runs: subnets the user names, or two AZs for a VPC it creates. */
export type RehearsalNetwork =
    | { readonly vpcId: string; readonly subnetIds: readonly string[] }
    | { readonly availabilityZones: readonly [string, string] };

/** Arguments of a RehearsalCluster. */
export interface RehearsalClusterArgs {
    /** The cluster to create: name, Kubernetes version, service CIDR; partition, region and account. */
    readonly cluster: PlannedClusterFacts;
    readonly network: RehearsalNetwork;
    /** The workload the cutover must carry across. */
    readonly sampleWorkload: RehearsalSampleWorkload;
    /** Tags on every AWS resource. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The eks.Cluster network arguments: given subnets, or a created VPC's public and private subnets. */
type ClusterPlacement =
    | { readonly vpcId: string; readonly subnetIds: string[] }
    | {
          readonly vpcId: pulumi.Output<string>;
          readonly publicSubnetIds: pulumi.Output<string>[];
          readonly privateSubnetIds: pulumi.Output<string>[];
      };

/** The kubeconfig's cluster entry, as `eks.Cluster` writes it (the fields read here). */
interface KubeconfigCluster {
    readonly clusters: readonly { readonly cluster: { server: string; "certificate-authority-data": string } }[];
}

/**
 * A disposable EKS cluster shaped like a real AL2 cluster, for rehearsing the cutover: an `eks.Cluster` (@pulumi/eks,
 * a remote component) at the configured version with no default node group and no extra security groups (so its
 * cluster security group is the one EKS creates, as on any cluster), its IAM OIDC provider, API authentication mode
 * (the identity that runs `pulumi up` is cluster admin as the creator: pulumi-eks always sets
 * bootstrapClusterCreatorAdminPermissions, pulumi/pulumi-eks#2373), an explicit service CIDR; in the given subnets or
 * a RehearsalVpc; the node role of the AL2 node group (the cutover creates the node group itself); and the sample
 * workload on a Kubernetes provider from the cluster's kubeconfig.
 *
 * `facts` is what the rest of the program knows about the cluster; `nodeGroupDependsOn` (network, node role, cluster)
 * is what every node group must wait for and outlive on `pulumi destroy`; `kubernetesProvider` (a second provider
 * that depends on the sample workload) is for the identity step, whose patches need the sample service account and
 * Deployment to exist.
 */
export class RehearsalCluster extends pulumi.ComponentResource {
    /** The cluster as the cutover sees it. */
    public readonly facts: ClusterFacts;
    /** The node role the AL2 node group is created with (and the AL2023 pool inherits). */
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** The subnets the node groups use (private subnets of a created VPC). */
    public readonly nodeSubnetIds: readonly pulumi.Input<string>[];
    /** The IAM OIDC provider eks.Cluster created. */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** What node groups must wait for (and outlive on destroy). */
    public readonly nodeGroupDependsOn: readonly pulumi.Resource[];
    /** The Kubernetes provider for objects that act on the sample workload. */
    public readonly kubernetesProvider: k8s.Provider;
    /** The sample workload's bucket. */
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: RehearsalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.RehearsalCluster, name, {}, opts);
        const planned = args.cluster;
        const tags = { ...(args.tags ?? {}) };

        const network = args.network;
        let vpc: RehearsalVpc | undefined;
        let placement: ClusterPlacement;
        if ("availabilityZones" in network) {
            vpc = new RehearsalVpc(
                `${name}-vpc`,
                { cidrBlock: REHEARSAL_VPC_CIDR, availabilityZones: network.availabilityZones, tags },
                { parent: this },
            );
            // pulumi-eks's "mixed" layout: nodes in the private subnets, internet-facing load balancers in the public.
            placement = {
                vpcId: vpc.vpcId,
                publicSubnetIds: vpc.publicSubnetIds,
                privateSubnetIds: vpc.privateSubnetIds,
            };
        } else {
            placement = { vpcId: network.vpcId, subnetIds: [...network.subnetIds] };
        }
        const nodeRole = new NodeRole(`${name}-nodes`, { cluster: planned, tags }, { parent: this });

        const cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: planned.name,
                version: planned.kubernetesVersion,
                ...placement,
                skipDefaultNodeGroup: true,
                skipDefaultSecurityGroups: true,
                createOidcProvider: true,
                authenticationMode: "API",
                kubernetesServiceIpAddressRange: planned.serviceCidr,
                tags,
            },
            { parent: this, dependsOn: vpc !== undefined ? [vpc] : [] },
        );

        // The endpoint and CA as eks.Cluster writes them into its kubeconfig (documented as JSON text).
        const kubeconfig = cluster.kubeconfigJson.apply(
            (text) => (JSON.parse(text) as KubeconfigCluster).clusters[0].cluster,
        );
        this.facts = {
            ...planned,
            vpcId: placement.vpcId,
            endpoint: kubeconfig.apply((c) => c.server),
            certificateAuthority: kubeconfig.apply((c) => c["certificate-authority-data"]),
            clusterSecurityGroupId: cluster.clusterSecurityGroupId,
            oidcIssuer: cluster.oidcProviderUrl,
        };
        this.nodeRoleArn = nodeRole.arn;
        this.nodeSubnetIds = "privateSubnetIds" in placement ? placement.privateSubnetIds : placement.subnetIds;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.nodeGroupDependsOn = [...(vpc !== undefined ? [vpc] : []), nodeRole, cluster];

        const access = { kind: "exec" as const, kubeconfig: cluster.kubeconfigJson };
        const workload = new SampleWorkload(
            `${name}-sample`,
            {
                workload: args.sampleWorkload,
                kubernetesProvider: kubernetesProvider(
                    `${name}-sample-kubernetes`,
                    { cluster: this.facts, access },
                    {
                        parent: this,
                    },
                ),
                tags,
            },
            { parent: this },
        );
        this.kubernetesProvider = kubernetesProvider(
            `${name}-kubernetes`,
            { cluster: this.facts, access },
            {
                parent: this,
                dependsOn: [workload],
            },
        );
        this.bucketArn = workload.bucketArn;
        this.registerOutputs({
            nodeRoleArn: this.nodeRoleArn,
            oidcProviderArn: this.oidcProviderArn,
            bucketArn: this.bucketArn,
        });
    }
}
