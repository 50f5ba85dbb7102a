import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RehearsalSampleWorkload } from "./rehearsal-schema";
import { TYPE_TOKENS } from "../common/project";

/** Arguments of a SampleWorkload. */
export interface SampleWorkloadArgs {
    /** What to run: namespace, names, replicas, PDB, bucket, image. */
    readonly workload: RehearsalSampleWorkload;
    /** The provider of the rehearsal cluster's Kubernetes API. */
    readonly kubernetesProvider: k8s.Provider;
    /** Tags on the bucket. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The pod labels of the sample Deployment, which its PodDisruptionBudget selects. */
export function sampleWorkloadLabels(workload: Pick<RehearsalSampleWorkload, "name">): Record<string, string> {
    return { app: workload.name };
}

/**
 * The container's loop: every 30 s it prints the AWS identity it runs as and lists the bucket. Before the identity
 * step binds the service account it runs as the node role (listing fails); after the restart, as its IRSA role.
 */
export const SAMPLE_WORKLOAD_SCRIPT =
    'while true; do aws sts get-caller-identity --query Arn --output text; aws s3 ls "s3://$BUCKET" && ' +
    'echo "listed s3://$BUCKET"; sleep 30; done';

/**
 * The rehearsal's sample workload, what the cutover must carry across: an S3 bucket, a namespace, a service account
 * (plain: the stack's identity feature annotates it for IRSA and restarts the Deployment, as on a real cluster), a
 * Deployment of `replicas` pods spread over nodes, with no node selector or toleration (so it runs on the AL2 nodes
 * until their NoSchedule taint and the drain move it), and a PodDisruptionBudget `minAvailable` over the same labels,
 * which the drain must honour. The bucket is emptied on delete (`forceDestroy`), so `pulumi destroy` cannot stop on it.
 */
export class SampleWorkload extends pulumi.ComponentResource {
    /** The bucket's ARN. */
    public readonly bucketArn: pulumi.Output<string>;
    /** The Deployment's name. */
    public readonly deploymentName: pulumi.Output<string>;

    constructor(name: string, args: SampleWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.SampleWorkload, name, {}, opts);
        const { workload } = args;
        const k8sOpts = { parent: this, provider: args.kubernetesProvider };
        const labels = sampleWorkloadLabels(workload);

        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { bucket: workload.bucketName, forceDestroy: true, tags: { ...(args.tags ?? {}) } },
            { parent: this },
        );
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: workload.namespace } },
            k8sOpts,
        );
        const inNamespace = { ...k8sOpts, dependsOn: [namespace] };
        const account = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: workload.serviceAccount, namespace: workload.namespace } },
            inNamespace,
        );
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: workload.name, namespace: workload.namespace, labels },
                spec: {
                    replicas: workload.replicas,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: workload.serviceAccount,
                            terminationGracePeriodSeconds: 5,
                            topologySpreadConstraints: [
                                {
                                    maxSkew: 1,
                                    topologyKey: "kubernetes.io/hostname",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: labels },
                                },
                            ],
                            containers: [
                                {
                                    name: "app",
                                    image: workload.image,
                                    command: ["/bin/sh", "-c"],
                                    args: [SAMPLE_WORKLOAD_SCRIPT],
                                    env: [{ name: "BUCKET", value: bucket.bucket }],
                                    resources: { requests: { cpu: "10m", memory: "64Mi" } },
                                },
                            ],
                        },
                    },
                },
            },
            // The pods need the AL2 nodes, which the cutover creates in the same first run: allow for their start.
            { ...inNamespace, dependsOn: [namespace, account], customTimeouts: { create: "20m", update: "20m" } },
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            {
                metadata: { name: workload.name, namespace: workload.namespace },
                spec: { minAvailable: workload.minAvailable, selector: { matchLabels: labels } },
            },
            inNamespace,
        );

        this.bucketArn = bucket.arn;
        this.deploymentName = deployment.metadata.name;
        this.registerOutputs({ bucketArn: this.bucketArn, deploymentName: this.deploymentName });
    }
}
