import { isBooleanKubeletFlag, KUBELET_FLAG_FIELDS, kubeletFieldValue } from "./kubelet-flags";
import type { TranslatedTaint, TranslationBuilder } from "./translation";

/**
 * Label prefixes EKS and eksctl set on managed nodes themselves
 * (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html, eksctl's `alpha.eksctl.io/`
 * labels); the node group API refuses some of them, and EKS sets the rest.
 */
export const MANAGED_LABEL_PREFIXES = ["eks.amazonaws.com/", "alpha.eksctl.io/", "eksctl.io/"] as const;

/** Kubernetes taint effects (core/v1 TaintEffect) to the EKS node group API's names. */
const TAINT_EFFECTS: Readonly<Record<string, TranslatedTaint["effect"]>> = {
    NoSchedule: "NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** kubelet flags nodeadm sets itself on AL2023, or that current kubelets no longer have: not carried over. */
const DROPPED_FLAGS: Readonly<Record<string, string>> = {
    "--cloud-provider":
        "nodeadm sets --cloud-provider=external (the in-tree aws provider is gone since Kubernetes 1.27)",
    "--container-runtime": "removed from kubelet in Kubernetes 1.27; AL2023 runs containerd only",
    "--container-runtime-endpoint": "nodeadm points kubelet at containerd itself",
    "--kubeconfig": "nodeadm writes kubelet's kubeconfig",
    "--bootstrap-kubeconfig": "nodeadm writes kubelet's kubeconfig",
    "--config": "nodeadm writes kubelet's config file; put fields in kubelet.config",
    "--network-plugin": "removed from kubelet with dockershim in Kubernetes 1.24",
    "--cni-bin-dir": "removed from kubelet with dockershim in Kubernetes 1.24",
    "--cni-conf-dir": "removed from kubelet with dockershim in Kubernetes 1.24",
    "--pod-infra-container-image": "the AL2023 AMI configures the pause image in containerd",
    "--image-credential-provider-config": "nodeadm configures the ECR credential provider",
    "--image-credential-provider-bin-dir": "nodeadm configures the ECR credential provider",
};

/** kubelet flags whose AL2 value cannot simply be reused on AL2023. */
const UNSUPPORTED_FLAGS: Readonly<Record<string, string>> = {
    "--node-ip":
        "nodeadm sets the node IP from the instance; a fixed value would be wrong on every other node. Remove it, or add the flag to kubelet.flags yourself",
    "--hostname-override":
        "nodeadm names the node from the instance (see featureGates.InstanceIdNodeName); remove it, or add the flag to kubelet.flags yourself",
};

/** Splits KUBELET_EXTRA_ARGS as systemd splits the unquoted `$KUBELET_EXTRA_ARGS` in kubelet's unit: at whitespace. */
function kubeletTokens(args: string): { flag: string; value?: string; source: string }[] {
    const tokens = args.split(/\s+/).filter((token) => token !== "");
    const result: { flag: string; value?: string; source: string }[] = [];
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        const eq = token.indexOf("=");
        if (!token.startsWith("-") || eq !== -1) {
            result.push(
                eq === -1
                    ? { flag: token, source: token }
                    : { flag: token.slice(0, eq), value: token.slice(eq + 1), source: token },
            );
            continue;
        }
        const next = tokens[i + 1];
        if (next !== undefined && !next.startsWith("-") && !isBooleanKubeletFlag(token) && token !== "--v") {
            result.push({ flag: token, value: next, source: `${token} ${next}` });
            i++;
        } else {
            result.push({ flag: token, source: token });
        }
    }
    return result;
}

function addLabels(value: string, source: string, builder: TranslationBuilder): void {
    for (const pair of value.split(",").filter((item) => item !== "")) {
        const eq = pair.indexOf("=");
        const key = eq === -1 ? pair : pair.slice(0, eq);
        const label = eq === -1 ? "" : pair.slice(eq + 1);
        const itemSource = `${source} (${pair})`;
        if (MANAGED_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix))) {
            builder.add({
                id: `label:${key}`,
                source: itemSource,
                outcome: "dropped",
                note: "EKS or eksctl sets this label on managed nodes itself",
            });
            continue;
        }
        builder.labels[key] = label;
        builder.add({
            id: `label:${key}`,
            source: itemSource,
            outcome: "applied",
            target: `nodeGroup.labels.${key}`,
            note: "a node group label (EKS applies it)",
        });
    }
}

function addTaints(value: string, source: string, builder: TranslationBuilder): void {
    for (const spec of value.split(",").filter((item) => item !== "")) {
        const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|NoExecute|PreferNoSchedule)$/.exec(spec);
        if (match === null) {
            builder.unsupported(
                `taint:${spec}`,
                `${source} (${spec})`,
                "not a taint key[=value]:Effect; set the taint in the pool's taints yourself",
            );
            continue;
        }
        const [, key, taintValue, effect] = match;
        builder.taints.push({
            key,
            ...(taintValue !== undefined && taintValue !== "" && { value: taintValue }),
            effect: TAINT_EFFECTS[effect],
        });
        builder.add({
            id: `taint:${key}`,
            source: `${source} (${spec})`,
            outcome: "applied",
            target: `nodeGroup.taints.${key}`,
            note: "a node group taint (EKS applies it)",
        });
    }
}

/**
 * Translates kubelet arguments (`--kubelet-extra-args` or `KUBELET_EXTRA_ARGS`): `--node-labels` and
 * `--register-with-taints` to the node group, flags with a KubeletConfiguration field to `kubelet.config`, flags
 * nodeadm sets itself dropped, the rest to `kubelet.flags`. `unresolved` lists references the shell could not know.
 */
export function translateKubeletArgs(args: string, origin: string, builder: TranslationBuilder): void {
    for (const { flag, value, source } of kubeletTokens(args)) {
        const shown = `${origin}: ${source}`;
        if (/[$`]/.test(source)) {
            builder.unsupported(
                `unresolved:${source}`,
                shown,
                "refers to a value the user data computes or reads at boot; set the equivalent in the pool's config yourself",
            );
        } else if (!flag.startsWith("-")) {
            builder.unsupported(
                `kubelet-arg:${flag}`,
                shown,
                "not a kubelet flag (kubelet takes no positional arguments)",
            );
        } else if (flag === "--node-labels") {
            addLabels(value ?? "", shown, builder);
        } else if (flag === "--register-with-taints") {
            addTaints(value ?? "", shown, builder);
        } else if (DROPPED_FLAGS[flag] !== undefined) {
            builder.add({ id: `kubelet:${flag}`, source: shown, outcome: "dropped", note: DROPPED_FLAGS[flag] });
        } else if (UNSUPPORTED_FLAGS[flag] !== undefined) {
            builder.unsupported(`kubelet:${flag}`, shown, UNSUPPORTED_FLAGS[flag]);
        } else if (KUBELET_FLAG_FIELDS[flag] !== undefined) {
            const { field } = KUBELET_FLAG_FIELDS[flag];
            const parsed = kubeletFieldValue(flag, value ?? (isBooleanKubeletFlag(flag) ? "true" : ""));
            if (parsed === undefined) {
                builder.unsupported(
                    `kubelet:${flag}`,
                    shown,
                    `the value does not parse as KubeletConfiguration ${field}; set kubelet.config.${field} yourself`,
                );
                continue;
            }
            builder.setConfig([field], parsed);
            builder.add({
                id: `kubelet:${flag}`,
                source: shown,
                outcome: "applied",
                target: `kubelet.config.${field}`,
                note: "a KubeletConfiguration field",
            });
        } else {
            builder.flags.push(value === undefined ? flag : `${flag}=${value}`);
            builder.add({
                id: `kubelet:${flag}`,
                source: shown,
                outcome: "applied",
                target: "kubelet.flags",
                note: "passed to kubelet as a flag (no KubeletConfiguration field known for it); check the AL2023 kubelet version still has it",
                warning: true,
            });
        }
    }
}
