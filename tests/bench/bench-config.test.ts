import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { programPackageImports, packageImports } from "../../bench/imports";
import { sdkClassPath } from "../../bench/floor-program";
import { configuredMode } from "../../bench/modes";
import { generateScaleStack, scalePoolName } from "../../bench/scale-config";
import { loadCloudFacts } from "../../plan/facts-files";
import { parseConfig } from "../../config/read-config";
import { exampleFacts, ROOT } from "../fakes/mocks";

describe("generateScaleStack", () => {
    it.each([
        { pools: 1, serviceAccounts: 10 },
        { pools: 50, serviceAccounts: 1000 },
    ])("gives $pools pools and $serviceAccounts IRSA service accounts that parseConfig accepts", (size) => {
        const stack = generateScaleStack(size, exampleFacts("prod"), { cutoverPhase: "prepare" });
        const config = parseConfig(stack.config);
        expect(config.clusterName).toBe("shop-prod");
        expect(config.cutoverPhase).toBe("prepare");
        expect(config.pools).toHaveLength(size.pools);
        expect(new Set(config.pools.map((pool) => pool.legacyNodeGroup)).size).toBe(size.pools);
        expect(config.identity.serviceAccounts).toHaveLength(size.serviceAccounts);
        for (const account of config.identity.serviceAccounts) {
            expect(account.identity).toBe("irsa");
            expect(account.restart).toStrictEqual([{ kind: "Deployment", name: account.name }]);
        }
        expect(config.identity.roles).toHaveLength(size.serviceAccounts);
        expect(config.identity.roles.every((role) => role.managedPolicyArns.length === 1)).toBe(true);
    });

    it("gives one describe-nodegroup per legacy pool, in the AWS CLI shape loadCloudFacts reads", () => {
        const stack = generateScaleStack({ pools: 3, serviceAccounts: 0 }, exampleFacts("prod"));
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-facts-")), "facts.json");
        fs.writeFileSync(file, JSON.stringify([stack.facts.cluster, ...Object.values(stack.facts.nodegroups)]));
        const facts = loadCloudFacts(file);
        expect(Object.keys(facts.nodegroups)).toEqual(["pool-000-al2", "pool-001-al2", "pool-002-al2"]);
        expect(facts.cluster).toStrictEqual(exampleFacts("prod").cluster);
        const arns = Object.values(facts.nodegroups).map((ng) => ng.nodegroup.nodegroupArn);
        expect(new Set(arns).size).toBe(3);
        expect(facts.nodegroups["pool-001-al2"].nodegroup.clusterName).toBe("shop-prod");
        expect(scalePoolName(1)).toBe("pool-001");
    });
});

describe("packageImports", () => {
    it("finds the packages a file loads, not type-only imports, loads inside functions, built-ins or relative files", () => {
        const source = [
            'import * as pulumi from "@pulumi/pulumi";',
            'import type { Cluster } from "@pulumi/eks";',
            'import { NodeGroupArgs } from "@pulumi/aws/eks";',
            'import { stringify } from "yaml";',
            'import * as fs from "node:fs";',
            'import * as path from "path";',
            'import { parseConfig } from "./config/config";',
            'import "@kubernetes/client-node";',
            'export { Provider } from "@pulumi/kubernetes";',
            'import { ConfigGroup } from "@pulumi/kubernetes/yaml/v2";',
            'const lazy = () => require("@kubernetes/client-node/lazy");',
            'function inside() { return import("@pulumi/eks"); }',
            "let c: Cluster | undefined; let a: NodeGroupArgs | undefined;",
            "export const out = [pulumi, stringify, fs, path, parseConfig, ConfigGroup, lazy, inside, c, a];",
        ].join("\n");
        expect(packageImports(source)).toEqual([
            "@kubernetes/client-node",
            "@pulumi/kubernetes",
            "@pulumi/kubernetes/yaml/v2",
            "@pulumi/pulumi",
            "yaml",
        ]);
    });

    it("finds only runtime dependencies of the package in the program's own files", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
        };
        const found = programPackageImports(ROOT);
        expect(found).toContain("@pulumi/pulumi");
        for (const specifier of found) {
            const name = specifier.startsWith("@")
                ? specifier.split("/").slice(0, 2).join("/")
                : specifier.split("/")[0];
            expect(Object.keys(pkg.dependencies)).toContain(name);
        }
    });
});

describe("sdkClassPath", () => {
    it.each([
        ["aws:iam/role:Role", { module: "@pulumi/aws", path: ["iam", "Role"] }],
        ["aws:eks/nodeGroup:NodeGroup", { module: "@pulumi/aws", path: ["eks", "NodeGroup"] }],
        [
            "kubernetes:apps/v1:DeploymentPatch",
            { module: "@pulumi/kubernetes", path: ["apps", "v1", "DeploymentPatch"] },
        ],
        [
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            { module: "@pulumi/kubernetes", path: ["rbac", "v1", "Role"] },
        ],
        ["pulumi:providers:kubernetes", { module: "@pulumi/kubernetes", path: ["Provider"] }],
        ["eks-al2023-migration:nodes:Al2023NodeGroup", undefined],
    ])("%s", (type, expected) => {
        expect(sdkClassPath(type)).toStrictEqual(expected);
    });
});

describe("configuredMode", () => {
    it.each([
        ["runtime: nodejs\n", "ts-node"],
        ["runtime:\n  name: nodejs\n  options:\n    packagemanager: npm\n", "ts-node"],
        ["runtime:\n  name: nodejs\n  options:\n    typescript: false\nmain: bin/\n", "precompiled"],
        ["runtime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: --import tsx\n", "tsx"],
    ])("reads %j as %s", (yaml, mode) => {
        expect(configuredMode(yaml)).toBe(mode);
    });

    it("rejects typescript: false with nothing to run the TypeScript", () => {
        expect(() => configuredMode("runtime:\n  name: nodejs\n  options:\n    typescript: false\n")).toThrow(/main/);
    });
});
