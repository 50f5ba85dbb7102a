import { describe, expect, it } from "vitest";
import type { LiveClusterValues } from "../../nodes/userdata-translation/bootstrap-flags";
import { translateUserData } from "../../nodes/userdata-translation/translate";

/** The live cluster the connection flags are compared with. */
const CLUSTER: LiveClusterValues = {
    name: "shop-dev",
    endpoint: "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
    certificateAuthority: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
    serviceCidr: "172.20.0.0/16",
    ipFamily: "ipv4",
};

const script = (...lines: string[]) => ["#!/bin/bash", ...lines, ""].join("\n");

/** The items of a translation for `ids`, as the report shows them. */
function items(userData: string, ids: readonly string[], cluster?: LiveClusterValues) {
    return translateUserData({ userData: Buffer.from(userData), ...(cluster && { cluster }) }).items.filter((item) =>
        ids.includes(item.id),
    );
}

const CONNECTION_FLAGS = ["--apiserver-endpoint", "--b64-cluster-ca", "--service-ipv4-cidr", "--ip-family"];

describe("warnings of a user data translation", () => {
    it("warns that a --containerd-config-file moves to containerd 2", () => {
        const userData = script(
            "cat <<'EOF' > /etc/containerd/custom.toml",
            "version = 2",
            "EOF",
            "/etc/eks/bootstrap.sh shop-dev --containerd-config-file /etc/containerd/custom.toml",
        );
        expect(items(userData, ["--containerd-config-file"])).toStrictEqual([
            {
                id: "--containerd-config-file",
                source: "user data line 5: --containerd-config-file /etc/containerd/custom.toml",
                outcome: "applied",
                target: "containerd.config",
                note: "merged by nodeadm into containerd's config; AL2023 runs containerd 2, whose config format (version 3) differs from containerd 1.x: check the sections",
                warning: true,
            },
        ]);
    });

    it("reports each connection flag that differs from the live cluster", () => {
        const userData = script(
            "/etc/eks/bootstrap.sh shop-dev --apiserver-endpoint https://OLD.gr7.eu-west-1.eks.amazonaws.com \\",
            "  --b64-cluster-ca T0xECg== --service-ipv4-cidr 10.100.0.0/16 --ip-family ipv6",
        );
        expect(items(userData, CONNECTION_FLAGS, CLUSTER)).toStrictEqual([
            {
                id: "--apiserver-endpoint",
                source: "user data line 2: --apiserver-endpoint https://OLD.gr7.eu-west-1.eks.amazonaws.com",
                outcome: "dropped",
                note: 'the live cluster has "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com", not "https://OLD.gr7.eu-west-1.eks.amazonaws.com": the NodeConfig uses the live cluster\'s value',
                warning: true,
            },
            {
                id: "--b64-cluster-ca",
                source: "user data line 2: --b64-cluster-ca T0xECg==",
                outcome: "dropped",
                note: 'the live cluster has "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", not "T0xECg==": the NodeConfig uses the live cluster\'s value',
                warning: true,
            },
            {
                id: "--service-ipv4-cidr",
                source: "user data line 2: --service-ipv4-cidr 10.100.0.0/16",
                outcome: "dropped",
                note: 'the live cluster has "172.20.0.0/16", not "10.100.0.0/16": the NodeConfig uses the live cluster\'s value',
                warning: true,
            },
            {
                id: "--ip-family",
                source: "user data line 2: --ip-family ipv6",
                outcome: "dropped",
                note: 'the live cluster has "ipv4", not "ipv6": the NodeConfig uses the live cluster\'s value',
                warning: true,
            },
        ]);
    });

    it("reports no mismatch for connection flags that match the live cluster", () => {
        const userData = script(
            `/etc/eks/bootstrap.sh shop-dev --apiserver-endpoint ${CLUSTER.endpoint} \\`,
            `  --b64-cluster-ca ${CLUSTER.certificateAuthority} --service-ipv4-cidr 172.20.0.0/16 --ip-family ipv4`,
        );
        const dropped = (flag: string, value: string) => ({
            id: flag,
            source: `user data line 2: ${flag} ${value}`,
            outcome: "dropped",
            note: "the NodeConfig's spec.cluster takes this from the live cluster (DescribeCluster)",
        });
        expect(items(userData, CONNECTION_FLAGS, CLUSTER)).toStrictEqual([
            dropped("--apiserver-endpoint", "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com"),
            dropped("--b64-cluster-ca", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"),
            dropped("--service-ipv4-cidr", "172.20.0.0/16"),
            dropped("--ip-family", "ipv4"),
        ]);
    });

    it("checks offered preBootstrapScripts for yum, amazon-linux-extras, Docker and cgroup v1 paths", () => {
        const userData = script(
            "yum install -y jq",
            "amazon-linux-extras install -y epel",
            "docker pull public.ecr.aws/example/warmup:1",
            "echo 1 > /sys/fs/cgroup/memory/memory.use_hierarchy",
            "/etc/eks/bootstrap.sh shop-dev",
        );
        expect(items(userData, ["pre-bootstrap-commands"])).toStrictEqual([
            {
                id: "pre-bootstrap-commands",
                source: [
                    "user data lines 2-5: yum install -y jq",
                    "amazon-linux-extras install -y epel",
                    "docker pull public.ecr.aws/example/warmup:1",
                    "echo 1 > /sys/fs/cgroup/memory/memory.use_hierarchy",
                ].join("\n"),
                outcome: "unsupported",
                note:
                    "offered as a preBootstrapScripts script (printed by npm run translate-userdata): copy what AL2023 still needs into the pool's preBootstrapScripts; check: " +
                    "amazon-linux-extras does not exist on AL2023 (packages come from dnf repositories); " +
                    "AL2023 uses dnf (yum is an alias); package names differ and there is no EPEL; " +
                    "AL2023 EKS AMIs have no Docker; use containerd's ctr/nerdctl or crictl; " +
                    "cgroup v1 path: AL2023 uses cgroup v2 (unified hierarchy)",
            },
        ]);
    });

    it("offers a pre-bootstrap script without AL2-only commands with nothing to check", () => {
        const userData = script("sysctl -w net.core.somaxconn=4096", "/etc/eks/bootstrap.sh shop-dev");
        expect(items(userData, ["pre-bootstrap-commands"])).toStrictEqual([
            {
                id: "pre-bootstrap-commands",
                source: "user data lines 2-2: sysctl -w net.core.somaxconn=4096",
                outcome: "unsupported",
                note: "offered as a preBootstrapScripts script (printed by npm run translate-userdata): copy what AL2023 still needs into the pool's preBootstrapScripts",
            },
        ]);
    });
});
