import type * as aws from "@pulumi/aws";
import type { CutoverPhase } from "./phases";
import type { PoolConfig } from "../nodes/pools";
import type { PoolCutoverRecord } from "./cutover-record";
import { describeValue } from "../common/config-error";
import type { NodegroupHealthIssue } from "./nodegroup-health";
import type { CustomAmiFacts } from "./custom-al2-ami";

/** A managed node group as `aws.eks.getNodeGroup` returns it (the fields the guards read). */
export type LiveNodeGroup = Pick<
    aws.eks.GetNodeGroupResult,
    "nodeGroupName" | "amiType" | "status" | "scalingConfigs"
> &
    Partial<Pick<aws.eks.GetNodeGroupResult, "tags">> & {
        /** Health issues from DescribeNodegroup (`cutover/nodegroup-health.ts`); undefined when they were not read. */
        readonly healthIssues?: readonly NodegroupHealthIssue[];
    };

/** One pool as the guards see it. */
export interface PoolGuardContext {
    readonly pool: PoolConfig;
    /** Its position in `pools`, for key names in messages. */
    readonly poolIndex: number;
    /** Its effective phase (`effectivePhase`). */
    readonly phase: CutoverPhase;
    /** What the last deployment recorded for it; undefined on its first deployment. */
    readonly previous?: PoolCutoverRecord;
    /** The cluster's managed node groups, read when the AL2 node group is missing (for a did-you-mean). */
    readonly clusterNodeGroups?: readonly string[];
    /** What was read about the AL2 node group's custom AMI, when its amiType is CUSTOM. */
    readonly legacyCustomAmi?: CustomAmiFacts;
}

/** A guard's refusal: the key, its bad value and what is allowed. */
export function problem(key: string, value: unknown, allowed: string): string {
    return `${key}: ${describeValue(value)} is not allowed; ${allowed}`;
}

/** A node group is in the stack's state (adopted or still being migrated) per the last record. */
export function managesLegacy(previous: PoolCutoverRecord | undefined): previous is PoolCutoverRecord {
    return previous?.adopted === true;
}

/** Errors that stop the deployment, and warnings the lead logs with `pulumi.log.warn`. */
export interface GuardFindings {
    readonly problems: string[];
    readonly warnings: string[];
}
