import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
    buildNodeConfig,
    encodeUserData,
    MAX_USER_DATA_BYTES,
    MIME_BOUNDARY,
    NODEADM_CONTENT_TYPE,
    renderNodeadmUserData,
    SHELL_SCRIPT_CONTENT_TYPE,
    unknownNodeConfigKeys,
    UserDataError,
    type NodeadmUserDataInput,
} from "../../nodes/nodeadm-user-data";
import { nodeConfigs, parseMime } from "../fakes/mime";

const CLUSTER = {
    name: "shop-dev",
    apiServerEndpoint: "https://5E1B0F2A7C3D9E8F6A4B2C1D0E9F8A7B.gr7.eu-west-1.eks.amazonaws.com",
    certificateAuthority: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJRXhhbXBsZUNBZGF0YQo=",
    cidr: "172.20.0.0/16",
};

describe("renderNodeadmUserData", () => {
    it("writes the minimal layout byte for byte", () => {
        expect(renderNodeadmUserData({ cluster: CLUSTER })).toBe(
            [
                "MIME-Version: 1.0",
                `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
                "",
                `--${MIME_BOUNDARY}`,
                "Content-Type: application/node.eks.aws",
                "",
                "---",
                "apiVersion: node.eks.aws/v1alpha1",
                "kind: NodeConfig",
                "spec:",
                "  cluster:",
                "    name: shop-dev",
                `    apiServerEndpoint: ${CLUSTER.apiServerEndpoint}`,
                `    certificateAuthority: ${CLUSTER.certificateAuthority}`,
                "    cidr: 172.20.0.0/16",
                "",
                `--${MIME_BOUNDARY}--`,
                "",
            ].join("\n"),
        );
    });

    it("parses back to one NodeConfig with the cluster and no kubelet section when none is set", () => {
        const mime = parseMime(renderNodeadmUserData({ cluster: CLUSTER, kubeletFlags: [], kubeletConfig: {} }));
        expect(mime.parts.map((part) => part.headers)).toStrictEqual([{ "content-type": NODEADM_CONTENT_TYPE }]);
        expect(nodeConfigs(renderNodeadmUserData({ cluster: CLUSTER }))).toStrictEqual([
            { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { cluster: CLUSTER } },
        ]);
    });

    it("puts maxPods, kubelet config and flags under spec.kubelet", () => {
        const userData = renderNodeadmUserData({
            cluster: CLUSTER,
            maxPods: 58,
            kubeletConfig: { shutdownGracePeriod: "30s", evictionHard: { "memory.available": "200Mi" } },
            kubeletFlags: ["--image-gc-high-threshold=80", "--node-labels=a=b"],
        });
        expect(nodeConfigs(userData)).toStrictEqual([
            {
                apiVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: {
                    cluster: CLUSTER,
                    kubelet: {
                        config: {
                            evictionHard: { "memory.available": "200Mi" },
                            maxPods: 58,
                            shutdownGracePeriod: "30s",
                        },
                        flags: ["--image-gc-high-threshold=80", "--node-labels=a=b"],
                    },
                },
            },
        ]);
    });

    it("places shell scripts first, in order, and the NodeConfig last", () => {
        const scripts = ["#!/bin/bash\necho one\n", "#!/bin/sh\necho two"];
        const { parts } = parseMime(renderNodeadmUserData({ cluster: CLUSTER, preBootstrapScripts: scripts }));
        expect(parts.map((part) => part.headers["content-type"])).toStrictEqual([
            SHELL_SCRIPT_CONTENT_TYPE,
            SHELL_SCRIPT_CONTENT_TYPE,
            NODEADM_CONTENT_TYPE,
        ]);
        expect(parts.slice(0, 2).map((part) => part.body)).toStrictEqual([
            "#!/bin/bash\necho one\n",
            "#!/bin/sh\necho two\n",
        ]);
    });

    it("renders kubelet config keys sorted at every depth and flags in their given order, byte for byte", () => {
        const userData = renderNodeadmUserData({
            cluster: CLUSTER,
            maxPods: 29,
            kubeletConfig: {
                shutdownGracePeriod: "45s",
                featureGates: { RotateKubeletServerCertificate: true, DisableKubeletCloudCredentialProviders: true },
                evictionHard: { "nodefs.available": "10%", "memory.available": "200Mi", "imagefs.available": "15%" },
                registerWithTaints: [
                    { key: "zeta", effect: "NoSchedule" },
                    { key: "alpha", effect: "NoExecute" },
                ],
                clusterDomain: "cluster.local",
            },
            kubeletFlags: ["--node-labels=zone=b,app=web", "--image-gc-high-threshold=80", "--v=2"],
        });
        expect(userData).toBe(
            [
                "MIME-Version: 1.0",
                `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
                "",
                `--${MIME_BOUNDARY}`,
                "Content-Type: application/node.eks.aws",
                "",
                "---",
                "apiVersion: node.eks.aws/v1alpha1",
                "kind: NodeConfig",
                "spec:",
                "  cluster:",
                "    name: shop-dev",
                `    apiServerEndpoint: ${CLUSTER.apiServerEndpoint}`,
                `    certificateAuthority: ${CLUSTER.certificateAuthority}`,
                "    cidr: 172.20.0.0/16",
                "  kubelet:",
                "    config:",
                "      clusterDomain: cluster.local",
                "      evictionHard:",
                "        imagefs.available: 15%",
                "        memory.available: 200Mi",
                "        nodefs.available: 10%",
                "      featureGates:",
                "        DisableKubeletCloudCredentialProviders: true",
                "        RotateKubeletServerCertificate: true",
                "      maxPods: 29",
                "      registerWithTaints:",
                "        - effect: NoSchedule",
                "          key: zeta",
                "        - effect: NoExecute",
                "          key: alpha",
                "      shutdownGracePeriod: 45s",
                "    flags:",
                "      - --node-labels=zone=b,app=web",
                "      - --image-gc-high-threshold=80",
                "      - --v=2",
                "",
                `--${MIME_BOUNDARY}--`,
                "",
            ].join("\n"),
        );
    });

    it("gives the same bytes whatever the key order of the kubelet config", () => {
        const entry = fc.tuple(
            fc.constantFrom("maxOpenFiles", "podsPerCore", "registryBurst", "kubeAPIQPS"),
            fc.nat(1000),
        );
        fc.assert(
            fc.property(
                fc.uniqueArray(entry, { selector: ([key]) => key }),
                fc.array(fc.constant("--v=2")),
                (entries, flags) => {
                    const input: NodeadmUserDataInput = {
                        cluster: CLUSTER,
                        kubeletConfig: Object.fromEntries(entries),
                        kubeletFlags: flags,
                    };
                    const reversed = { ...input, kubeletConfig: Object.fromEntries([...entries].reverse()) };
                    const first = renderNodeadmUserData(input);
                    expect(renderNodeadmUserData(reversed)).toBe(first);
                    expect(nodeConfigs(first)).toHaveLength(1);
                },
            ),
        );
    });

    it("rejects KubeletConfiguration keys nodeadm would drop silently", () => {
        expect(() =>
            renderNodeadmUserData({ cluster: CLUSTER, kubeletConfig: { MaxPods: 20, maxopenfiles: 1 } }),
        ).toThrow(
            new UserDataError(
                "NodeConfig keys nodeadm does not know (it would drop them silently): spec.kubelet.config.MaxPods, spec.kubelet.config.maxopenfiles",
            ),
        );
    });

    it("finds unknown and mis-cased keys anywhere in a NodeConfig", () => {
        expect(
            unknownNodeConfigKeys({
                APIVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: {
                    cluster: { Name: "x", cidr: "10.0.0.0/16" },
                    kubelet: { maxPods: 3, config: { clusterDNS: ["10.0.0.10"] } },
                    instance: { localStorage: { strategy: "RAID0", mountpath: "/mnt" } },
                    containerd: { config: "" },
                },
                Spec: {},
            }),
        ).toStrictEqual([
            "APIVersion",
            "spec.cluster.Name",
            "spec.kubelet.maxPods",
            "spec.instance.localStorage.mountpath",
            "Spec",
        ]);
    });

    it("requires every cluster field", () => {
        expect(() => buildNodeConfig({ cluster: { ...CLUSTER, cidr: "" } })).toThrow("spec.cluster.cidr is required");
    });

    it("rejects scripts without #! and parts that contain the boundary", () => {
        expect(() => renderNodeadmUserData({ cluster: CLUSTER, preBootstrapScripts: ["echo hi"] })).toThrow(
            "preBootstrapScripts[0] must start with #!",
        );
        expect(() =>
            renderNodeadmUserData({ cluster: CLUSTER, preBootstrapScripts: [`#!/bin/sh\n--${MIME_BOUNDARY}--\n`] }),
        ).toThrow(`user data part 1 contains the MIME boundary --${MIME_BOUNDARY}`);
    });
});

describe("encodeUserData", () => {
    it("base64-encodes the user data", () => {
        const userData = renderNodeadmUserData({ cluster: CLUSTER });
        expect(Buffer.from(encodeUserData(userData), "base64").toString("utf8")).toBe(userData);
    });

    it("allows exactly 16 KB of base64 and rejects more", () => {
        // 12,288 bytes encode to exactly 16,384 base64 characters; one more byte needs 4 more.
        expect(encodeUserData("x".repeat(12_288))).toHaveLength(MAX_USER_DATA_BYTES);
        expect(() => encodeUserData("x".repeat(12_289))).toThrow(
            "user data is 16388 bytes base64-encoded; EC2 allows at most 16384 (16 KB)",
        );
    });
});
