import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "./config-error";

/**
 * What the program needs to know about the EKS cluster, whatever its source (an existing cluster read with
 * `aws.eks.getCluster`, or a cluster the stack creates). Values a created cluster only knows after it exists are
 * `pulumi.Input`s; the rest are plain, because validation and the phase guards need them before anything is declared.
 */
export interface ClusterFacts {
    readonly name: string;
    /** Kubernetes `major.minor`, e.g. "1.32". */
    readonly kubernetesVersion: string;
    /** The service CIDR nodeadm needs (`spec.cluster.cidr`): IPv4, or IPv6 on an IPv6 cluster. */
    readonly serviceCidr: string;
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** An Input: a VPC the stack creates (rehearsal) is known only after it exists; nothing validates it. */
    readonly vpcId: pulumi.Input<string>;
    /** The API server URL (`https://...`). */
    readonly endpoint: pulumi.Input<string>;
    /** Base64 PEM, exactly as DescribeCluster returns it (already base64: never re-encode). */
    readonly certificateAuthority: pulumi.Input<string>;
    /** The security group EKS created for the cluster; nodes need it to reach the control plane. */
    readonly clusterSecurityGroupId: pulumi.Input<string>;
    /** The OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
    readonly oidcIssuer: pulumi.Input<string>;
}

/** Parts of an EKS cluster ARN: `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
const CLUSTER_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/;

/**
 * Turns the result of `aws.eks.getCluster` into ClusterFacts, checking every field the program relies on.
 * Malformed facts raise a ConfigError that names the field (`cluster.kubernetesNetworkConfig.serviceIpv4Cidr`).
 */
export function clusterFactsFromDescribe(cluster: aws.eks.GetClusterResult): ClusterFacts {
    const problems = new Problems();
    const need = (field: string, value: unknown, allowed: string): string => {
        if (typeof value !== "string" || value === "") problems.add(`cluster.${field}`, value, allowed);
        return typeof value === "string" ? value : "";
    };
    const arn = need("arn", cluster.arn, "an EKS cluster ARN");
    const arnParts = CLUSTER_ARN.exec(arn);
    if (arn !== "" && !arnParts)
        problems.add("cluster.arn", arn, "expected arn:<partition>:eks:<region>:<account>:cluster/<name>");

    const network = cluster.kubernetesNetworkConfigs?.[0];
    const ipv6 = network?.ipFamily === "ipv6";
    const serviceCidr = ipv6
        ? need(
              "kubernetesNetworkConfig.serviceIpv6Cidr",
              network?.serviceIpv6Cidr,
              "an IPv6 CIDR (the cluster is IPv6)",
          )
        : need(
              "kubernetesNetworkConfig.serviceIpv4Cidr",
              network?.serviceIpv4Cidr,
              "an IPv4 CIDR such as 172.20.0.0/16",
          );
    const endpoint = need("endpoint", cluster.endpoint, "the API server URL (https://...)");
    if (endpoint !== "" && !endpoint.startsWith("https://")) {
        problems.add("cluster.endpoint", endpoint, "expected an https:// URL");
    }
    const certificateAuthority = need(
        "certificateAuthority.data",
        cluster.certificateAuthorities?.[0]?.data,
        "the base64 cluster CA",
    );
    const kubernetesVersion = need("version", cluster.version, 'a Kubernetes version such as "1.32"');
    if (kubernetesVersion !== "" && !/^1\.\d+$/.test(kubernetesVersion)) {
        problems.add("cluster.version", kubernetesVersion, 'expected "1.<minor>"');
    }
    const clusterSecurityGroupId = need(
        "resourcesVpcConfig.clusterSecurityGroupId",
        cluster.vpcConfig?.clusterSecurityGroupId,
        "the cluster security group id (sg-...)",
    );
    const vpcId = need("resourcesVpcConfig.vpcId", cluster.vpcConfig?.vpcId, "the cluster's VPC id (vpc-...)");
    const oidcIssuer = need(
        "identity.oidc.issuer",
        cluster.identities?.[0]?.oidcs?.[0]?.issuer,
        "the cluster's OIDC issuer URL (https://oidc.eks...)",
    );
    problems.throwIfAny();

    return {
        name: arnParts![4],
        kubernetesVersion,
        serviceCidr,
        partition: arnParts![1],
        region: arnParts![2],
        accountId: arnParts![3],
        vpcId,
        endpoint,
        certificateAuthority,
        clusterSecurityGroupId,
        oidcIssuer,
    };
}

/** Reads an existing cluster by name. */
export async function lookupClusterFacts(clusterName: string): Promise<ClusterFacts> {
    return clusterFactsFromDescribe(await aws.eks.getCluster({ name: clusterName }));
}

/** Kubernetes minor version as a number ("1.32" → 32), for version rules such as "no AL2 AMIs from 1.33". */
export function kubernetesMinor(facts: Pick<ClusterFacts, "kubernetesVersion">): number {
    return Number(facts.kubernetesVersion.split(".")[1]);
}
