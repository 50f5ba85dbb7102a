import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamPolicyDocument } from "./policy-document-schema";
import type { TrustPolicyDocument } from "./workload-trust-policy";
import { TYPE_TOKENS } from "../common/project";

/**
 * Arguments of a WorkloadRole. The trust policy is passed in as a finished document (built by `irsaTrustPolicy` or
 * `podIdentityTrustPolicy`), so one component serves IRSA and Pod Identity roles alike.
 */
export interface WorkloadRoleArgs {
    /** The IAM role name (1-64 of `[\w+=,.@-]`). */
    readonly roleName: string;
    /** Who may assume the role (an Output when the cluster's issuer is). Serialised once with JSON.stringify. */
    readonly trustPolicy: pulumi.Input<TrustPolicyDocument>;
    /** Managed policies to attach. @default [] */
    readonly managedPolicyArns?: readonly string[];
    /** An inline policy, when given. */
    readonly policy?: IamPolicyDocument;
    /** A permissions boundary policy ARN. */
    readonly permissionsBoundaryArn?: string;
    /** Maximum session duration in seconds. @default IAM's 3600 */
    readonly maxSessionDuration?: number;
    /** Tags on the role. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The last segment of a policy ARN (`.../policy/service-role/AmazonEKS_CNI_Policy` → `AmazonEKS_CNI_Policy`). */
export function policyArnName(policyArn: string): string {
    return policyArn.slice(policyArn.lastIndexOf("/") + 1);
}

/**
 * An IAM role for Kubernetes workloads: the role with its trust policy, one RolePolicyAttachment per managed policy
 * (child named after the policy, so removing one does not rename the others) and the optional inline policy.
 */
export class WorkloadRole extends pulumi.ComponentResource {
    /** The role ARN, for the service account annotation or the Pod Identity association. */
    public readonly arn: pulumi.Output<string>;
    /** The role name. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: WorkloadRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.WorkloadRole, name, {}, opts);
        const managedPolicyArns = args.managedPolicyArns ?? [];
        const attachmentNames = managedPolicyArns.map(policyArnName);
        const duplicate = attachmentNames.find((n, i) => attachmentNames.indexOf(n) !== i);
        if (duplicate !== undefined) {
            throw new pulumi.InputPropertiesError({
                message: `WorkloadRole ${name}: two managed policies end in ${duplicate}`,
                errors: [{ propertyPath: "managedPolicyArns", reason: `two ARNs end in /${duplicate}` }],
            });
        }

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                assumeRolePolicy: pulumi.output(args.trustPolicy).apply((document) => JSON.stringify(document)),
                ...(args.permissionsBoundaryArn !== undefined
                    ? { permissionsBoundary: args.permissionsBoundaryArn }
                    : {}),
                ...(args.maxSessionDuration !== undefined ? { maxSessionDuration: args.maxSessionDuration } : {}),
                tags: { ...(args.tags ?? {}) },
            },
            { parent: this },
        );
        managedPolicyArns.forEach((policyArn, i) => {
            new aws.iam.RolePolicyAttachment(
                `${name}-${attachmentNames[i]}`,
                { role: role.name, policyArn },
                { parent: this },
            );
        });
        if (args.policy !== undefined) {
            new aws.iam.RolePolicy(
                `${name}-inline`,
                { role: role.name, name: "inline", policy: JSON.stringify(args.policy) },
                { parent: this },
            );
        }

        this.arn = role.arn;
        this.name = role.name;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
