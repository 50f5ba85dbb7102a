import { translateKubeletArgs } from "./kubelet-args";
import type { LocalStorageStrategy, TranslationBuilder } from "./translation";

/** The live cluster's values, which replace the connection flags of bootstrap.sh. */
export interface LiveClusterValues {
    readonly name: string;
    readonly endpoint: string;
    /** Base64 CA bundle, as DescribeCluster returns it. */
    readonly certificateAuthority: string;
    readonly serviceCidr: string;
    /** `ipv4` or `ipv6`. */
    readonly ipFamily: string;
}

/**
 * bootstrap.sh options that take a value, from its `print_help` on the amazon-eks-ami `al2` branch
 * (https://github.com/awslabs/amazon-eks-ami/blob/al2/templates/al2/runtime/bootstrap.sh). Both `--flag value` and
 * `--flag=value` are read.
 */
const VALUE_FLAGS = new Set([
    "--apiserver-endpoint",
    "--aws-api-retry-attempts",
    "--b64-cluster-ca",
    "--cluster-id",
    "--container-runtime",
    "--containerd-config-file",
    "--dns-cluster-ip",
    "--docker-config-json",
    "--enable-docker-bridge",
    "--enable-local-outpost",
    "--ip-family",
    "--kubelet-extra-args",
    "--local-disks",
    "--mount-bfs-fs",
    "--mount-bpf-fs",
    "--pause-container-account",
    "--pause-container-version",
    "--service-ipv4-cidr",
    "--service-ipv6-cidr",
    "--use-max-pods",
]);

/** Flags with no AL2023 equivalent, and what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
    "--docker-config-json":
        "AL2023 has no Docker; configure the container runtime through the pool's NodeConfig containerd settings",
    "--pause-container-account":
        "AL2023 AMIs bake the pause image in (containerd's sandbox image); to use another one, set it in a containerd config",
    "--pause-container-version":
        "AL2023 AMIs bake the pause image in (containerd's sandbox image); to use another one, set it in a containerd config",
    "--mount-bfs-fs":
        "AL2023 has no such option; if a workload needs bpffs mounted, mount it in a preBootstrapScripts script",
    "--mount-bpf-fs":
        "AL2023 has no such option; if a workload needs bpffs mounted, mount it in a preBootstrapScripts script",
    "--enable-local-outpost": "EKS local clusters on Outposts are not managed by this program",
    "--cluster-id": "EKS local clusters on Outposts are not managed by this program",
};

const LOCAL_DISKS: Readonly<Record<string, LocalStorageStrategy>> = {
    raid0: "RAID0",
    raid10: "RAID10",
    mount: "Mount",
};

interface BootstrapArgs {
    readonly clusterName?: string;
    readonly options: readonly { flag: string; value?: string; source: string }[];
}

/** Reads bootstrap.sh's arguments the way its `while [[ $# -gt 0 ]]` loop does. */
export function parseBootstrapArgs(args: readonly string[]): BootstrapArgs {
    let clusterName: string | undefined;
    const options: { flag: string; value?: string; source: string }[] = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const eq = arg.indexOf("=");
        if (arg.startsWith("--") && eq !== -1) {
            options.push({ flag: arg.slice(0, eq), value: arg.slice(eq + 1), source: arg });
        } else if (VALUE_FLAGS.has(arg)) {
            options.push({ flag: arg, value: args[i + 1], source: `${arg} ${args[i + 1] ?? ""}`.trim() });
            i++;
        } else if (arg.startsWith("-")) {
            options.push({ flag: arg, source: arg });
        } else if (clusterName === undefined) {
            clusterName = arg;
        } else {
            options.push({ flag: arg, source: arg });
        }
    }
    return { ...(clusterName !== undefined && { clusterName }), options };
}

/** What the AL2 node used for a cluster connection setting, against what the live cluster has. */
function connectionItem(
    builder: TranslationBuilder,
    args: { flag: string; source: string; value: string | undefined; live: string | undefined },
): void {
    const mismatch =
        args.live !== undefined && args.value !== undefined && !/[$`]/.test(args.value) && args.value !== args.live;
    builder.add({
        id: args.flag,
        source: args.source,
        outcome: "dropped",
        note: mismatch
            ? `the live cluster has ${JSON.stringify(args.live)}, not ${JSON.stringify(args.value)}: the NodeConfig uses the live cluster's value`
            : "the NodeConfig's spec.cluster takes this from the live cluster (DescribeCluster)",
        ...(mismatch && { warning: true }),
    });
}

/** Options the caller has already resolved: `--use-max-pods` and the heredoc files the script writes. */
interface BootstrapContext {
    readonly builder: TranslationBuilder;
    readonly cluster?: LiveClusterValues;
    /** Where the invocation is, for the report: `part 1 line 12`. */
    readonly where: string;
}

/** Translates one bootstrap.sh invocation's arguments into the builder. */
export function translateBootstrapArgs(args: readonly string[], context: BootstrapContext): void {
    const { builder, cluster, where } = context;
    const parsed = parseBootstrapArgs(args);
    if (parsed.clusterName !== undefined) {
        connectionItem(builder, {
            flag: "cluster-name",
            source: `${where}: bootstrap.sh ${parsed.clusterName}`,
            value: parsed.clusterName,
            live: cluster?.name,
        });
    }
    let useMaxPods: { value: string; source: string } | undefined;
    for (const { flag, value, source } of parsed.options) {
        const shown = `${where}: ${source}`;
        switch (flag) {
            case "--kubelet-extra-args":
                translateKubeletArgs(value ?? "", `${where}: --kubelet-extra-args`, builder);
                break;
            case "--apiserver-endpoint":
                connectionItem(builder, { flag, source: shown, value, live: cluster?.endpoint });
                break;
            case "--b64-cluster-ca":
                connectionItem(builder, { flag, source: shown, value, live: cluster?.certificateAuthority });
                break;
            case "--service-ipv4-cidr":
            case "--service-ipv6-cidr":
                connectionItem(builder, { flag, source: shown, value, live: cluster?.serviceCidr });
                break;
            case "--ip-family":
                connectionItem(builder, { flag, source: shown, value, live: cluster?.ipFamily });
                break;
            case "--use-max-pods":
                useMaxPods = { value: value ?? "", source: shown };
                break;
            case "--dns-cluster-ip":
                builder.setConfig(["clusterDNS"], [value]);
                builder.add({
                    id: flag,
                    source: shown,
                    outcome: "applied",
                    target: "kubelet.config.clusterDNS",
                    note: "nodeadm otherwise derives it from the service CIDR",
                });
                break;
            case "--local-disks": {
                const strategy = LOCAL_DISKS[value ?? ""];
                if (strategy === undefined) {
                    builder.unsupported(
                        flag,
                        shown,
                        "expected raid0, raid10 or mount; set spec.instance.localStorage yourself",
                    );
                    break;
                }
                builder.localStorage = strategy;
                builder.add({
                    id: flag,
                    source: shown,
                    outcome: "applied",
                    target: "instance.localStorage.strategy",
                    note: `nodeadm's ${strategy} strategy (disks mounted under /mnt/k8s-disks)`,
                });
                break;
            }
            case "--containerd-config-file": {
                const content = builder.files.get(value ?? "");
                if (content === undefined) {
                    builder.unsupported(
                        flag,
                        shown,
                        "the file's content is not written by the user data; put its TOML in the NodeConfig's containerd.config yourself (AL2023 runs containerd 2: config version 3)",
                    );
                    break;
                }
                builder.containerdConfig = content;
                builder.consumedFiles.add(value ?? "");
                builder.add({
                    id: flag,
                    source: shown,
                    outcome: "applied",
                    target: "containerd.config",
                    note: "merged by nodeadm into containerd's config; AL2023 runs containerd 2, whose config format (version 3) differs from containerd 1.x: check the sections",
                    warning: true,
                });
                break;
            }
            case "--container-runtime":
                if (value === "containerd")
                    builder.add({ id: flag, source: shown, outcome: "dropped", note: "AL2023 runs containerd only" });
                else builder.unsupported(flag, shown, "AL2023 runs containerd only; Docker (dockerd) is not available");
                break;
            case "--enable-docker-bridge":
                if (value === "false")
                    builder.add({ id: flag, source: shown, outcome: "dropped", note: "AL2023 has no Docker bridge" });
                else
                    builder.unsupported(
                        flag,
                        shown,
                        "AL2023 has no Docker and no docker0 bridge; run Docker-in-Docker builds with a daemonless builder (buildkit, kaniko)",
                    );
                break;
            case "--aws-api-retry-attempts":
                builder.add({
                    id: flag,
                    source: shown,
                    outcome: "dropped",
                    note: "nodeadm does not call DescribeCluster: the cluster values are in the NodeConfig",
                });
                break;
            default:
                builder.unsupported(
                    flag,
                    shown,
                    UNSUPPORTED[flag] ?? "not a bootstrap.sh option this program knows; translate it by hand",
                );
        }
    }
    if (useMaxPods === undefined) return;
    if (useMaxPods.value === "false") {
        const explicit = builder.config.maxPods !== undefined;
        if (!explicit) builder.setConfig(["maxPods"], 110);
        builder.add({
            id: "--use-max-pods",
            source: useMaxPods.source,
            outcome: "applied",
            target: "kubelet.config.maxPods",
            note: explicit
                ? "the --max-pods kubelet flag gives maxPods (nodeadm's own ENI-based value, which ignores prefix delegation, is not used)"
                : "AL2 left maxPods at kubelet's default, 110; nodeadm would compute an ENI-based value instead, so 110 is set",
        });
    } else {
        builder.add({
            id: "--use-max-pods",
            source: useMaxPods.source,
            outcome: "dropped",
            note: "nodeadm computes maxPods from the instance's ENIs, as bootstrap.sh did",
        });
    }
}
