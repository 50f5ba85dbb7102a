import { rules } from "../common/name-rules";
import { list, oneOf, str, strictObject, withDefault } from "../common/schema-kit";
import type { Finding } from "./finding";

/** The config key of the acknowledgements. */
export const ACKNOWLEDGE_KEY = "preflightAcknowledge" as const;

/** The ids of every rule that can report a blocker: the ones the live gates enforce and an acknowledgement names. */
export const BLOCKING_RULES = [
    "sched-node-selector",
    "sched-node-affinity",
    "sched-taint-not-tolerated",
    "sched-gpu-missing",
    "sched-neuron-missing",
    "sched-volume-zone",
    "identity-node-role",
    "runtime-docker-socket",
    "disruption-pdb-blocks-eviction",
    "disruption-pdb-overlap",
    "disruption-unmanaged-pod",
    "addon-vpc-cni-version",
    "addon-nvidia-device-plugin",
    "addon-ebs-csi-driver",
] as const;

/**
 * One blocker the operator accepts for one workload (config `preflightAcknowledge[i]`): the live gates before `shift`
 * and `drain` let it pass, and the report marks it acknowledged.
 */
export interface Acknowledgement {
    readonly namespace: string;
    /** The workload's kind as findings name it: Deployment, StatefulSet, DaemonSet, CronJob, Job, Pod, ... */
    readonly kind: string;
    readonly name: string;
    /** A rule id of `BLOCKING_RULES`. */
    readonly rule: string;
}

/** Whether an acknowledgement covers a finding (same rule and workload). */
export function isAcknowledged(finding: Finding, acknowledgements: readonly Acknowledgement[]): boolean {
    return acknowledgements.some(
        (a) =>
            a.rule === finding.id &&
            a.namespace === finding.workload.namespace &&
            a.kind === finding.workload.kind &&
            a.name === finding.workload.name,
    );
}

const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

/** One `preflightAcknowledge` entry: every field required, `rule` one of the blocking rules. */
const acknowledgementSchema = strictObject({
    namespace: str(rules.dns1123Label),
    kind: str({ pattern: KIND, patternText: "a Kubernetes kind such as Deployment, StatefulSet or Pod" }),
    name: str({ ...rules.dns1123Subdomain }),
    rule: oneOf(BLOCKING_RULES),
});

/** The `preflightAcknowledge` stack key (composed into config/schema.ts). @default [] */
export const acknowledgeEntries = {
    [ACKNOWLEDGE_KEY]: withDefault(list(acknowledgementSchema), [], {
        type: "list",
        description:
            "`{namespace, kind, name, rule}`: a pre-flight blocker accepted for one workload; the live gates before shift and drain let it pass (see Before you start).",
    }),
};
