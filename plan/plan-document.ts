import type { ScalingConfig } from "../nodes/pools";
import type { GateResult } from "../cutover/readiness-gate";
import type { NextStep } from "../cutover/runbook";
import type { Evaluation } from "./evaluate";
import type { CloudFacts } from "./cloud-facts";
import type { PreviousPhase, Simulation } from "./simulate";
import type { ClusterDump } from "../preflight/cluster-dump";
import type { PreflightGatePlan } from "./preflight-gates";
import type { InheritancePlan } from "./inheritance-report";

/** The plan document's format version; bumped when a field changes incompatibly. */
export const PLAN_DOCUMENT_VERSION = 1;

/** The first line of every plan: what it is, and what it is not. */
export const OFFLINE_NOTICE =
    "OFFLINE EVALUATION with mocked cloud answers (cluster facts from files, no state): this is NOT `pulumi preview`.";

/** A node taint as EKS spells it. */
export interface PlanTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: string;
}

/** The AL2023 managed node group of a pool, as the program declares it. */
export interface Al2023NodeGroupPlan {
    readonly nodeGroupNamePrefix: string;
    /** The EKS AMI type; absent with a custom AMI (the launch template's image id). */
    readonly amiType?: string;
    readonly customAmi?: string;
    readonly instanceTypes: readonly string[];
    readonly capacityType: string;
    /** Before: the sizes the assumed previous phase planned, or "absent" (the node group does not exist yet). */
    readonly sizes: { readonly before: ScalingConfig | "absent"; readonly after: ScalingConfig };
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly PlanTaint[];
    readonly protect: boolean;
    /** `ignoreChanges: ["scalingConfig.desiredSize"]`: the cluster autoscaler keeps the desired size. */
    readonly ignoreDesiredSize: boolean;
}

/** The launch template of a pool. */
export interface LaunchTemplatePlan {
    readonly namePrefix: string;
    /** Set only with a custom AMI; otherwise EKS picks the AMI from the node group's AMI type. */
    readonly imageId?: string;
    readonly imds: { readonly httpTokens: string; readonly hopLimit: number; readonly endpoint: string };
    readonly rootVolume: {
        readonly deviceName: string;
        readonly type: string;
        readonly sizeGiB: number;
        readonly iops?: number;
        readonly throughput?: number;
        readonly encrypted: boolean;
        readonly kmsKeyId?: string;
    };
    /** Empty: EKS attaches the cluster security group itself. */
    readonly securityGroupIds: readonly string[];
    /** The user data: content type of each MIME part, and the NodeConfig parsed from its YAML. */
    readonly userData: { readonly partContentTypes: readonly string[]; readonly nodeConfig: unknown };
}

/** The AL2 node group of a pool. */
export interface LegacyNodeGroupPlan {
    readonly nodeGroupName: string;
    readonly amiType: string;
    readonly instanceTypes: readonly string[];
    /** Before: live (facts); after: as declared, or "deleted" in decommission. */
    readonly sizes: { readonly before: ScalingConfig | "absent"; readonly after: ScalingConfig | "deleted" };
    readonly taints: { readonly before: readonly PlanTaint[]; readonly after: readonly PlanTaint[] | "deleted" };
    readonly cordon: boolean;
    readonly drain: boolean;
    readonly protect: boolean;
    readonly ignoreDesiredSize: boolean;
    /** The import id when this deployment adopts the node group (`<cluster>:<node group>`). */
    readonly import?: string;
    /** Decommission: the stack no longer declares it, so `pulumi up` deletes it. */
    readonly deleted: boolean;
}

/** One pool of the plan. */
export interface PoolPlan {
    readonly name: string;
    readonly phase: string;
    readonly assumedPreviousPhase: PreviousPhase | "unknown";
    readonly al2023: Al2023NodeGroupPlan;
    readonly launchTemplate: LaunchTemplatePlan;
    /** Absent for a greenfield pool. */
    readonly legacy?: LegacyNodeGroupPlan;
    /** The readiness gate (drain, decommission). */
    readonly gate?: GateResult;
    readonly next?: NextStep;
    /** Per inheritable setting: inherited, set or default; what the AL2023 pool drops. Absent for greenfield. */
    readonly inheritance?: InheritancePlan;
}

/** One workload restarted once so its pods pick up the identity. */
export interface RestartPlan {
    readonly kind: string;
    readonly name: string;
    /** The pod template annotation `eks-al2023-migration/identity-hash`. */
    readonly annotation: string;
}

/** One service account binding. */
export interface ServiceAccountPlan {
    readonly namespace: string;
    readonly name: string;
    readonly binding: string;
    readonly roleName: string;
    readonly roleArn: string;
    /** From the role's trust policy: the OIDC `:sub` values (IRSA), or the service principals (Pod Identity). */
    readonly trust: { readonly subjects: readonly string[]; readonly services: readonly string[] };
    /** `created` (a ServiceAccount), `patched` (a ServiceAccountPatch of an existing one) or `untouched`. */
    readonly serviceAccount: "created" | "patched" | "untouched";
    readonly annotations: Readonly<Record<string, string>>;
    readonly podIdentityAssociation: boolean;
    readonly restarts: readonly RestartPlan[];
}

/** The plan document (`npm run plan -- --json`). Field names are stable; see PLAN_DOCUMENT_VERSION. */
export interface PlanDocument {
    readonly version: typeof PLAN_DOCUMENT_VERSION;
    readonly notice: string;
    readonly stack: string;
    /** Where the cluster facts came from. */
    readonly facts: string;
    /** The stack's `cutoverPhase` as planned (pools may override it). */
    readonly cutoverPhase: string;
    readonly ok: boolean;
    /** When the program failed: its message and, for a ConfigError, each problem. */
    readonly error?: { readonly message: string; readonly problems: readonly string[] };
    readonly cluster?: { readonly name: string; readonly kubernetesVersion: string };
    /** What was simulated because there is no real state. */
    readonly assumptions: readonly string[];
    readonly pools: readonly PoolPlan[];
    readonly serviceAccounts: readonly ServiceAccountPlan[];
    readonly warnings: readonly string[];
    /** Declared resources by type (components included). */
    readonly resourceCounts: Readonly<Record<string, number>>;
    /** The pre-flight gates this deployment runs (before a cordon or drain it creates); absent when none runs. */
    readonly preflightGates?: readonly PreflightGatePlan[];
}

/** What the plan document is built from. */
export interface PlanInput {
    readonly stack: string;
    readonly factsSource: string;
    readonly cutoverPhase: string;
    readonly facts: CloudFacts;
    readonly simulation: Simulation;
    readonly evaluation: Evaluation;
    /** The cluster dump in the facts folder, for the pre-flight gates. */
    readonly dump?: ClusterDump;
}
