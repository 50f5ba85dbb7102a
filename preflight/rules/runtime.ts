import type { V1Pod } from "@kubernetes/client-node";
import type { Finding } from "../finding";
import { podFinding, type PoolRuleContext } from "./context";

// Runtime compatibility: AL2023 runs containerd only, no Docker daemon
// (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html), and uses cgroup v2
// (https://docs.aws.amazon.com/linux/al2023/ug/cgroupv2.html).

/** Host paths that only exist with the Docker daemon. */
export const DOCKER_PATHS: readonly string[] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/docker",
    "/var/lib/docker",
];

/** Image repositories of JDK builds, whose version the tag names. */
const JDK_IMAGE = /(openjdk|temurin|corretto|zulu|jdk|jre|java)[^/]*$/;

/**
 * Why a JDK image's tag names a version that does not read cgroup v2 limits, or undefined. cgroup v2 support
 * (JDK-8230305, https://bugs.openjdk.org/browse/JDK-8230305) is in JDK 15, 11.0.16 and 8u372; an older JVM sizes its
 * heap and threads from the whole node. Floating tags (`11`, `latest`) are not judged.
 */
export function oldJdk(image: string): string | undefined {
    const at = image.lastIndexOf(":");
    if (at < 0 || image.indexOf("/", at) >= 0) return undefined;
    const repository = image.slice(0, at);
    const tag = image.slice(at + 1);
    if (!JDK_IMAGE.test(repository)) return undefined;
    const eight = /^(?:jdk|jre)?-?8u(\d+)/.exec(tag);
    if (eight) return Number(eight[1]) < 372 ? `JDK 8u${eight[1]} (needs 8u372 or later)` : undefined;
    const eleven = /^(?:jdk|jre)?-?11\.0\.(\d+)/.exec(tag);
    if (eleven) return Number(eleven[1]) < 16 ? `JDK 11.0.${eleven[1]} (needs 11.0.16 or later)` : undefined;
    const major = /^(?:jdk|jre)?-?(9|10|12|13|14)(?:[.\-_]|$)/.exec(tag);
    return major ? `JDK ${major[1]} (no cgroup v2 support; use 11.0.16+, 17 or later)` : undefined;
}

/**
 * The first release of each monitoring agent that reads cgroup v2, by image repository (its last path segment). A
 * version tag older than this is flagged; floating tags (`latest`) are not judged.
 * - cAdvisor 0.43.0: Kubernetes, "About cgroup v2" (https://kubernetes.io/docs/concepts/architecture/cgroups/).
 * - New Relic infrastructure agent 1.26.0 (https://github.com/newrelic/docs-website/pull/7628).
 * - Sysdig agent 12.16.0 (https://github.com/sysdiglabs/charts/issues/1279).
 */
export const CGROUP_V2_AGENTS: Readonly<Record<string, { readonly agent: string; readonly minimum: string }>> = {
    cadvisor: { agent: "cAdvisor", minimum: "0.43.0" },
    infrastructure: { agent: "New Relic infrastructure agent", minimum: "1.26.0" },
    "infrastructure-bundle": { agent: "New Relic infrastructure agent", minimum: "1.26.0" },
    agent: { agent: "Sysdig agent", minimum: "12.16.0" },
    "agent-slim": { agent: "Sysdig agent", minimum: "12.16.0" },
};

/** The owners an agent repository name belongs to (`agent` alone is too common a name). */
const AGENT_OWNERS: Readonly<Record<string, RegExp>> = {
    cadvisor: /(^|\/)(cadvisor|google)\/cadvisor$/,
    infrastructure: /(^|\/)newrelic\/infrastructure$/,
    "infrastructure-bundle": /(^|\/)newrelic\/infrastructure-bundle$/,
    agent: /(^|\/)sysdig\/agent$/,
    "agent-slim": /(^|\/)sysdig\/agent-slim$/,
};

/** Why an agent image's version tag predates its cgroup v2 support, or undefined. */
export function oldCgroupAgent(image: string): string | undefined {
    const at = image.lastIndexOf(":");
    if (at < 0 || image.indexOf("/", at) >= 0) return undefined;
    const repository = image.slice(0, at);
    const name = repository.slice(repository.lastIndexOf("/") + 1);
    const known = CGROUP_V2_AGENTS[name];
    if (known === undefined || !AGENT_OWNERS[name].test(repository)) return undefined;
    const version = /^v?(\d+)\.(\d+)\.(\d+)/.exec(image.slice(at + 1));
    if (version === null) return undefined;
    const [major, minor, patch] = version.slice(1).map(Number);
    const [minMajor, minMinor, minPatch] = known.minimum.split(".").map(Number);
    const older = major - minMajor || minor - minMinor || patch - minPatch;
    return older < 0 ? `${known.agent} ${version[0]} (cgroup v2 support from ${known.minimum})` : undefined;
}

/** Host paths that expose the host's cgroup tree to a container: the cgroup mount itself, `/sys`, or the root. */
function cgroupHostPath(path: string): "cgroup" | "broad" | undefined {
    const normal = path.replace(/\/+$/, "") || "/";
    if (normal === "/sys/fs/cgroup" || normal.startsWith("/sys/fs/cgroup/")) return "cgroup";
    return normal === "/sys" || normal === "/" ? "broad" : undefined;
}

function hostPaths(pod: V1Pod): string[] {
    return (pod.spec?.volumes ?? []).map((v) => v.hostPath?.path).filter((p): p is string => p !== undefined);
}

function dockerFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const paths = hostPaths(pod).filter((p) => DOCKER_PATHS.includes(p.replace(/\/+$/, "")));
    if (paths.length === 0) return [];
    return [
        podFinding(context, pod, {
            id: "runtime-docker-socket",
            severity: "blocker",
            what: `mounts ${paths.join(", ")} from the host`,
            why: "AL2023 EKS nodes run containerd only: there is no Docker daemon or socket (https://docs.aws.amazon.com/eks/latest/userguide/al2023.html)",
            fix: "use the containerd socket /run/containerd/containerd.sock with a containerd-aware client, or build images without Docker (kaniko, buildkit)",
        }),
    ];
}

function cgroupFindings(context: PoolRuleContext, pod: V1Pod): Finding[] {
    const findings: Finding[] = [];
    for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        const jdk = oldJdk(container.image ?? "");
        if (jdk === undefined) continue;
        findings.push(
            podFinding(context, pod, {
                id: "runtime-cgroup-v1-jdk",
                severity: "warning",
                what: `container ${container.name} runs ${container.image}: ${jdk}`,
                why: "AL2023 uses cgroup v2; a JVM without cgroup v2 support ignores the container's memory and CPU limits and may be OOM-killed (https://docs.aws.amazon.com/linux/al2023/ug/cgroupv2.html)",
                fix: "move the image to JDK 8u372, 11.0.16, 17 or later before the move",
            }),
        );
    }
    for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        const agent = oldCgroupAgent(container.image ?? "");
        if (agent === undefined) continue;
        findings.push(
            podFinding(context, pod, {
                id: "runtime-cgroup-v1-agent",
                severity: "warning",
                what: `container ${container.name} runs ${container.image}: ${agent}`,
                why: "AL2023 uses cgroup v2; an agent release without cgroup v2 support reports no or wrong container metrics (https://kubernetes.io/docs/concepts/architecture/cgroups/)",
                fix: "upgrade the agent to a release with cgroup v2 support before the move",
            }),
        );
    }
    const mounted = hostPaths(pod).filter((p) => cgroupHostPath(p) !== undefined);
    if (mounted.length > 0) {
        const broad = mounted.every((p) => cgroupHostPath(p) === "broad");
        findings.push(
            podFinding(context, pod, {
                id: "runtime-cgroup-v1-mount",
                severity: "warning",
                what: broad
                    ? `mounts ${mounted.join(", ")} from the host, which holds the host's cgroup tree (a monitoring or security agent may read it)`
                    : `mounts /sys/fs/cgroup from the host (a monitoring or security agent)`,
                why: "AL2023 uses cgroup v2, whose single hierarchy differs from the v1 layout older agents (cAdvisor, monitoring and security agents) read (https://docs.aws.amazon.com/linux/al2023/ug/cgroupv2.html)",
                fix: "check the agent's release notes for cgroup v2 support and upgrade it before the move",
            }),
        );
    }
    return findings;
}

/** Runtime compatibility of every pod on the pool's AL2 nodes with AL2023 (containerd, cgroup v2). */
export function runtimeFindings(context: PoolRuleContext): Finding[] {
    return context.pods.flatMap((pod) => [...dockerFindings(context, pod), ...cgroupFindings(context, pod)]);
}
