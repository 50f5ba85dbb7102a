/** What happened to one thing found in the AL2 user data. */
export type ItemOutcome =
    /** Carried over to the AL2023 pool (`target` says where). */
    | "applied"
    /** Not needed on AL2023 (nodeadm or EKS does it, or it had no effect); `note` says why. */
    | "dropped"
    /** Cannot move by itself: the run stops until the pool's `al2Migration.acknowledge` lists `id`. */
    | "unsupported";

/** One finding of the translation: every flag, line and part of the AL2 user data ends up in exactly such an item. */
export interface TranslationItem {
    /** What to put in `al2Migration.acknowledge` for an `unsupported` item (stable: a flag, an edited file, ...). */
    readonly id: string;
    /** The input as written (a flag with its value, a script line). */
    readonly source: string;
    readonly outcome: ItemOutcome;
    /** Where an applied item went: `kubelet.config.maxPods`, `nodeGroup.labels.team`, ... */
    readonly target?: string;
    /** What happened, and for `unsupported` what to do instead. */
    readonly note: string;
    /** Applied or dropped, but worth a look (containerd 2 config format, a cluster value that differs, ...). */
    readonly warning?: boolean;
}

/** A Kubernetes taint in the EKS node group API's spelling. */
export interface TranslatedTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

/** nodeadm's local storage strategies (NodeConfig `spec.instance.localStorage.strategy`). */
export type LocalStorageStrategy = "RAID0" | "RAID10" | "Mount";

/** The NodeConfig `spec` fields the translation fills (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/api/). */
export interface NodeConfigSpecFragment {
    kubelet?: { config?: Record<string, unknown>; flags?: string[] };
    containerd?: { config: string };
    instance?: { localStorage: { strategy: LocalStorageStrategy } };
}

/** The result of translating one AL2 user data. */
export interface Al2Translation {
    /** NodeConfig `spec` fields for the AL2023 pool (cluster fields excluded: they come from the live cluster). */
    readonly nodeConfig: NodeConfigSpecFragment;
    /** Node labels and taints for the node group (`--node-labels`, `--register-with-taints`). */
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly TranslatedTaint[];
    /** Shell run before bootstrap.sh, offered as `preBootstrapScripts` (never applied by itself). */
    readonly offeredScripts: readonly string[];
    readonly items: readonly TranslationItem[];
    /** Whether the user data itself calls `/etc/eks/bootstrap.sh` (a custom AL2 AMI's launch template does). */
    readonly callsBootstrap: boolean;
}

/** Accumulates a translation; one per user data. */
export class TranslationBuilder {
    readonly config: Record<string, unknown> = {};
    readonly flags: string[] = [];
    readonly labels: Record<string, string> = {};
    readonly taints: TranslatedTaint[] = [];
    readonly offeredScripts: string[] = [];
    readonly items: TranslationItem[] = [];
    /** Files the script writes with a here-document, by path. */
    readonly files = new Map<string, string>();
    /** Files whose content went into the NodeConfig (their here-document is not offered as a script). */
    readonly consumedFiles = new Set<string>();
    containerdConfig?: string;
    localStorage?: LocalStorageStrategy;
    callsBootstrap = false;

    /** Records a finding. */
    add(item: TranslationItem): void {
        this.items.push(item);
    }

    /** Records an unsupported finding (needs an acknowledgement). */
    unsupported(id: string, source: string, note: string): void {
        this.items.push({ id, source, outcome: "unsupported", note });
    }

    /** Sets a KubeletConfiguration field (`path` may be nested: `evictionHard`, `authentication.anonymous`). */
    setConfig(path: readonly string[], value: unknown): void {
        let node = this.config;
        for (const key of path.slice(0, -1)) {
            const next = node[key];
            node[key] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
            node = node[key] as Record<string, unknown>;
        }
        const last = path[path.length - 1];
        const previous = node[last];
        const merge =
            typeof previous === "object" && previous !== null && !Array.isArray(previous) && typeof value === "object";
        node[last] = merge ? { ...previous, ...(value as object) } : value;
    }

    /** The finished translation. */
    build(): Al2Translation {
        const kubelet = {
            ...(Object.keys(this.config).length > 0 && { config: this.config }),
            ...(this.flags.length > 0 && { flags: this.flags }),
        };
        return {
            nodeConfig: {
                ...(Object.keys(kubelet).length > 0 && { kubelet }),
                ...(this.containerdConfig !== undefined && { containerd: { config: this.containerdConfig } }),
                ...(this.localStorage !== undefined && { instance: { localStorage: { strategy: this.localStorage } } }),
            },
            labels: this.labels,
            taints: this.taints,
            offeredScripts: this.offeredScripts,
            items: this.items,
            callsBootstrap: this.callsBootstrap,
        };
    }
}
