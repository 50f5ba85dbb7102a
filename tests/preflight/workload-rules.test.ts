import { describe, expect, it } from "vitest";
import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { disruptionFindings, emptyBudgetFindings, neverDisrupts } from "../../preflight/rules/disruption";
import { awsCallingSign, identityFindings } from "../../preflight/rules/identity";
import { oldCgroupAgent, oldJdk, runtimeFindings } from "../../preflight/rules/runtime";
import { contextOf, dumpWith, pod, TARGET } from "./builders";

const AWS_POD = pod({
    containers: [{ name: "app", image: "shop/sync:1", env: [{ name: "AWS_REGION", value: "eu-west-1" }] }],
});

describe("identity", () => {
    const run = (p: V1Pod, extra = {}, target = TARGET, accounts = [] as { namespace: string; name: string }[]) =>
        identityFindings(contextOf(dumpWith([p], extra), target), accounts).map((f) => [f.id, f.severity]);

    it.each([
        ["AWS_REGION", AWS_POD, "container app sets AWS_REGION"],
        [
            "an AWS controller image",
            pod({ containers: [{ name: "c", image: "public.ecr.aws/eks/aws-load-balancer-controller:v2.11.0" }] }),
            "container c runs public.ecr.aws/eks/aws-load-balancer-controller:v2.11.0",
        ],
        ["nothing", pod(), undefined],
    ])("sign of calling AWS: %s", (_, p, expected) => {
        expect(awsCallingSign(p)).toBe(expected);
    });

    it("is a warning at hop limit 2 (the pod silently keeps the node role) and a blocker at 1", () => {
        expect(run(AWS_POD)).toStrictEqual([["identity-node-role", "warning"]]);
        expect(run(AWS_POD, {}, { ...TARGET, hopLimit: 1 })).toStrictEqual([["identity-node-role", "blocker"]]);
    });

    it.each([
        ["the stack's serviceAccounts", {}, [{ namespace: "shop", name: "default" }]],
        [
            "an IRSA annotation",
            {
                serviceAccounts: [
                    {
                        metadata: {
                            namespace: "shop",
                            name: "default",
                            annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r" },
                        },
                    },
                ],
            },
            [],
        ],
        [
            "a Pod Identity association",
            { podIdentityAssociations: [{ namespace: "shop", serviceAccount: "default" }] },
            [],
        ],
    ])("passes with %s", (_, extra, accounts) => {
        expect(run(AWS_POD, extra, { ...TARGET, hopLimit: 1 }, accounts)).toStrictEqual([]);
    });

    it("skips host-network pods (IMDS is one hop away) and pods with injected web-identity credentials", () => {
        expect(
            run({ ...AWS_POD, spec: { ...AWS_POD.spec!, hostNetwork: true } }, {}, { ...TARGET, hopLimit: 1 }),
        ).toStrictEqual([]);
        const injected = pod({
            containers: [
                {
                    name: "app",
                    image: "x:1",
                    env: [
                        { name: "AWS_REGION", value: "eu-west-1" },
                        { name: "AWS_ROLE_ARN", value: "arn:aws:iam::1:role/r" },
                    ],
                },
            ],
        });
        expect(run(injected, {}, { ...TARGET, hopLimit: 1 })).toStrictEqual([]);
    });
});

describe("runtime", () => {
    it.each([
        ["openjdk:8u342-jre", "JDK 8u342 (needs 8u372 or later)"],
        ["openjdk:8u372-jre", undefined],
        ["eclipse-temurin:11.0.15_10-jre", "JDK 11.0.15 (needs 11.0.16 or later)"],
        ["eclipse-temurin:11.0.16_8-jre", undefined],
        ["amazoncorretto:8u362", "JDK 8u362 (needs 8u372 or later)"],
        ["openjdk:14-jdk", "JDK 14 (no cgroup v2 support; use 11.0.16+, 17 or later)"],
        ["openjdk:17-jdk", undefined],
        ["openjdk:11", undefined],
        ["registry:5000/openjdk", undefined],
        ["postgres:8u100", undefined],
    ])("oldJdk(%s)", (image, expected) => {
        expect(oldJdk(image)).toBe(expected);
    });

    const run = (p: V1Pod) => runtimeFindings(contextOf(dumpWith([p]))).map((f) => [f.id, f.severity]);
    it.each([
        ["/var/run/docker.sock", [["runtime-docker-socket", "blocker"]]],
        ["/run/docker.sock", [["runtime-docker-socket", "blocker"]]],
        ["/var/lib/docker/", [["runtime-docker-socket", "blocker"]]],
        ["/sys/fs/cgroup", [["runtime-cgroup-v1-mount", "warning"]]],
        ["/sys/fs/cgroup/memory", [["runtime-cgroup-v1-mount", "warning"]]],
        ["/sys", [["runtime-cgroup-v1-mount", "warning"]]],
        ["/sys/", [["runtime-cgroup-v1-mount", "warning"]]],
        ["/", [["runtime-cgroup-v1-mount", "warning"]]],
        ["/sys/kernel/debug", []],
        ["/sysroot", []],
        ["/proc", []],
        ["/run/containerd/containerd.sock", []],
        ["/var/log", []],
    ])("hostPath %s", (path, expected) => {
        expect(run(pod({ volumes: [{ name: "h", hostPath: { path } }] }))).toStrictEqual(expected);
    });
    it("names the host paths of a broad mount in the finding", () => {
        const [finding] = runtimeFindings(
            contextOf(dumpWith([pod({ volumes: [{ name: "root", hostPath: { path: "/" } }] })])),
        );
        expect(finding.what).toBe(
            "mounts / from the host, which holds the host's cgroup tree (a monitoring or security agent may read it)",
        );
    });
    it.each([
        ["gcr.io/cadvisor/cadvisor:v0.42.1", "cAdvisor v0.42.1 (cgroup v2 support from 0.43.0)"],
        ["gcr.io/cadvisor/cadvisor:v0.43.0", undefined],
        ["gcr.io/cadvisor/cadvisor:v0.49.1", undefined],
        ["google/cadvisor:v0.33.0", "cAdvisor v0.33.0 (cgroup v2 support from 0.43.0)"],
        ["gcr.io/cadvisor/cadvisor:latest", undefined],
        ["newrelic/infrastructure:1.25.1", "New Relic infrastructure agent 1.25.1 (cgroup v2 support from 1.26.0)"],
        ["newrelic/infrastructure-bundle:1.26.0", undefined],
        ["quay.io/sysdig/agent:12.15.0", "Sysdig agent 12.15.0 (cgroup v2 support from 12.16.0)"],
        ["sysdig/agent-slim:12.16.0", undefined],
        ["example.com/acme/agent:1.0.0", undefined],
        ["registry:5000/cadvisor", undefined],
    ])("oldCgroupAgent(%s)", (image, expected) => {
        expect(oldCgroupAgent(image)).toBe(expected);
    });
    it("flags an old monitoring agent image", () => {
        expect(run(pod({ containers: [{ name: "cadvisor", image: "gcr.io/cadvisor/cadvisor:v0.39.3" }] }))).toEqual([
            ["runtime-cgroup-v1-agent", "warning"],
        ]);
    });
    it("flags an old JDK image", () => {
        expect(run(pod({ containers: [{ name: "app", image: "openjdk:8u342-jre" }] }))).toStrictEqual([
            ["runtime-cgroup-v1-jdk", "warning"],
        ]);
    });
});

describe("disruption", () => {
    const budget = (spec: V1PodDisruptionBudget["spec"], name = "web"): V1PodDisruptionBudget => ({
        metadata: { name, namespace: "shop" },
        spec: { selector: { matchLabels: { app: "web" } }, ...spec },
    });
    it.each([
        [{ maxUnavailable: 0 }, 3, "maxUnavailable: 0"],
        [{ maxUnavailable: "0%" }, 3, 'maxUnavailable: "0%"'],
        [{ maxUnavailable: 1 }, 1, undefined],
        [{ minAvailable: 3 }, 3, "minAvailable: 3 with 3 pod(s)"],
        [{ minAvailable: 2 }, 3, undefined],
        [{ minAvailable: "100%" }, 3, "minAvailable: 100%"],
        [{ minAvailable: "90%" }, 3, "minAvailable: 90% of 3 pod(s) is 3"],
        [{ minAvailable: "50%" }, 3, undefined],
    ])("neverDisrupts(%j, %i pods)", (spec, pods, expected) => {
        expect(neverDisrupts(budget(spec as V1PodDisruptionBudget["spec"]), pods)).toBe(expected);
    });

    const two = [pod({}, { name: "web-1-a" }), pod({}, { name: "web-1-b" })];
    const run = (pods: V1Pod[], budgets: V1PodDisruptionBudget[], evictUnmanagedPods = false) =>
        disruptionFindings(contextOf(dumpWith(pods, { podDisruptionBudgets: budgets })), { evictUnmanagedPods }).map(
            (f) => [f.id, f.severity],
        );

    it("passes two replicas under a budget that allows one disruption", () => {
        expect(run(two, [budget({ maxUnavailable: 1 })])).toStrictEqual([]);
    });
    it("blocks on a budget that never allows one", () => {
        expect(run(two, [budget({ minAvailable: 2 })])).toStrictEqual([
            ["disruption-pdb-blocks-eviction", "blocker"],
            ["disruption-pdb-blocks-eviction", "blocker"],
        ]);
    });
    it("blocks on overlapping budgets", () => {
        expect(
            run(two.slice(0, 1), [budget({ maxUnavailable: 1 }), budget({ maxUnavailable: 1 }, "other")]),
        ).toStrictEqual([["disruption-pdb-overlap", "blocker"]]);
    });
    it("warns on a single replica without a budget, not with one", () => {
        expect(run(two.slice(0, 1), [])).toStrictEqual([["disruption-single-replica", "warning"]]);
        expect(run(two.slice(0, 1), [budget({ maxUnavailable: 1 })])).toStrictEqual([]);
    });
    it("blocks on an unmanaged pod, or warns when drainEvictUnmanagedPods is set", () => {
        const bare = pod({}, { name: "debug", ownerReferences: [] });
        expect(run([bare], [])).toStrictEqual([["disruption-unmanaged-pod", "blocker"]]);
        expect(run([bare], [], true)).toStrictEqual([["disruption-unmanaged-pod", "warning"]]);
    });
    it("reports a budget that selects no running pod", () => {
        const dump = dumpWith(two, {
            podDisruptionBudgets: [
                budget({ maxUnavailable: 1 }),
                { ...budget({ maxUnavailable: 1 }, "gone"), spec: { selector: { matchLabels: { app: "gone" } } } },
            ],
        });
        expect(emptyBudgetFindings(dump).map((f) => [f.id, f.workload])).toStrictEqual([
            ["disruption-pdb-selects-nothing", { namespace: "shop", kind: "PodDisruptionBudget", name: "gone" }],
        ]);
    });
});
