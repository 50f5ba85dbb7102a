import { ConfigObject, Problems, rules } from "../common/validate";
import type { Finding } from "./finding";

/** The config key of the acknowledgements. */
export const ACKNOWLEDGE_KEY = "preflightAcknowledge";

/** The ids of every rule that can report a blocker: the ones the live gates enforce and an acknowledgement names. */
export const BLOCKING_RULES: readonly string[] = [
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
];

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

/**
 * Parses `preflightAcknowledge`: a list of `{namespace, kind, name, rule}`, each field required, `rule` one of the
 * blocking rules, no entry twice. @default []
 */
export function parseAcknowledgements(root: ConfigObject, problems: Problems): Acknowledgement[] {
    const acknowledgements: Acknowledgement[] = [];
    const seen = new Set<string>();
    (root.objectList(ACKNOWLEDGE_KEY) ?? []).forEach((entry) => {
        entry.onlyKeys(["namespace", "kind", "name", "rule"]);
        const namespace = entry.string("namespace", { ...rules.dns1123Label, required: true });
        const kind = entry.string("kind", { required: true });
        const name = entry.string("name", { required: true });
        const rule = entry.oneOf("rule", BLOCKING_RULES);
        if (!entry.has("rule")) problems.addMessage(entry.key("rule"), "is required");
        if (kind !== undefined && !KIND.test(kind))
            problems.add(entry.key("kind"), kind, "expected a Kubernetes kind such as Deployment, StatefulSet or Pod");
        if (namespace === undefined || kind === undefined || name === undefined || rule === undefined) return;
        const key = JSON.stringify([namespace, kind, name, rule]);
        if (seen.has(key))
            problems.add(entry.path, { namespace, kind, name, rule }, "each acknowledgement may appear only once");
        seen.add(key);
        acknowledgements.push({ namespace, kind, name, rule });
    });
    return acknowledgements;
}
