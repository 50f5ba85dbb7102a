import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlanArgs } from "../../plan/cli-args";
import { planStack, readStackConfig } from "../../plan/plan";
import { loadCloudFacts } from "../../plan/facts-files";
import { stackTargets } from "../../plan/preflight-targets";
import { parseConfig } from "../../config/read-config";
import { ROOT } from "../fakes/mocks";

/** A project root holding `Pulumi.custom.yaml` and `facts/custom/`: an AL2 node group on a hardened custom AL2 AMI. */
const FIXTURE = path.join(ROOT, "tests", "fixtures", "custom-al2-ami");
const FACTS = path.join(FIXTURE, "facts", "custom");
const IMAGE = "ami-0c4d5e6f7a8b9c0d1";

/** The fixture's facts in a new folder, with `describe-images.json` replaced by `images` when given. */
function factsWith(images?: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "custom-ami-facts-"));
    for (const file of fs.readdirSync(FACTS)) fs.copyFileSync(path.join(FACTS, file), path.join(dir, file));
    if (images !== undefined) fs.writeFileSync(path.join(dir, "describe-images.json"), JSON.stringify(images));
    return dir;
}

describe("offline plan of an AL2 node group on a custom AL2 AMI", () => {
    it("plans the migration with the AL2023 AMI type the pool chose and the translated user data", async () => {
        const args = parsePlanArgs(["--stack", "custom", "--phase", "prepare", "--json"]);
        const { document } = await planStack(args, { root: FIXTURE, cwd: FIXTURE });
        expect(document.error).toBeUndefined();
        expect(document.ok).toBe(true);
        const [pool] = document.pools;
        expect(pool.legacy?.amiType).toBe("CUSTOM");
        expect(pool.legacy?.import).toBe("shop-dev:dev-general-al2");
        expect(pool.al2023.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(pool.al2023.labels).toStrictEqual({ compliance: "cis-l2" });
        expect(pool.launchTemplate.userData.nodeConfig).toMatchObject({
            spec: { kubelet: { config: { maxPods: 29, clusterDNS: ["172.20.0.10"] } } },
        });
        expect(document.warnings).toContain(
            'pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" runs custom AMI ' +
                `${IMAGE} (name "acme-cis-amazon-eks-node-1.32-v20251210", description "CIS level 2 hardened EKS ` +
                "Kubernetes Worker AMI with AmazonLinux2 image, (k8s...), recognised as AL2 (its name or " +
                "description says amazon-eks-node); its AL2023 nodes run pools[0].amiType AL2023_x86_64_STANDARD. " +
                "Its user data is translated like any AL2 launch template's, but what the image itself adds " +
                "(hardening, agents, files) does not move: build it into the AL2023 image, or add it to " +
                "pools[0].preBootstrapScripts",
        );
    });

    it("refuses the node group when describe-images says Bottlerocket", async () => {
        const dir = factsWith({
            Images: [
                { ImageId: IMAGE, Name: "bottlerocket-aws-k8s-1.32-x86_64-v1.30.0", PlatformDetails: "Linux/UNIX" },
            ],
        });
        const args = parsePlanArgs(["--stack", "custom", "--phase", "prepare", "--facts", dir, "--json"]);
        const { document } = await planStack(args, { root: FIXTURE, cwd: FIXTURE });
        expect(document.ok).toBe(false);
        expect(document.error?.problems).toStrictEqual([
            'pools[0].legacyNodeGroup: "dev-general-al2" is not allowed; its amiType is CUSTOM and AMI ' +
                `${IMAGE} (name "bottlerocket-aws-k8s-1.32-x86_64-v1.30.0", description ""), which is Bottlerocket, ` +
                "not AL2; this program migrates a custom AMI only when it is AL2 (its name or description says " +
                "amazon-eks-node or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); a node group with " +
                "another custom AMI moves to AL2023 in place by changing the AMI in its launch template",
        ]);
    });

    it("npm run plan -- --stack dev --facts DIR: exit 1 until the pool chooses amiType or customAmi", () => {
        // Pulumi.dev.yaml's pool sets neither; the facts put its AL2 node group on the custom AMI.
        const dir = factsWith();
        const cli = spawnSync(
            process.execPath,
            ["--import", "tsx", "plan/plan.ts", "--stack", "dev", "--phase", "prepare", "--facts", dir],
            { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } },
        );
        expect(cli.status).toBe(1);
        expect(cli.stderr).toContain(
            'pools[0].amiType: nothing is not allowed; AL2 node group "dev-general-al2" runs custom AL2 AMI ' +
                `${IMAGE} (name "acme-cis-amazon-eks-node-1.32-v20251210", description "CIS level 2 hardened EKS ` +
                "Kubernetes Worker AMI with AmazonLinux2 image, (k8s...) (its name or description says " +
                "amazon-eks-node), from which no AL2023 AMI type follows: choose the AL2023 image, either " +
                "pools[0].amiType (AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, " +
                "AL2023_ARM_64_NVIDIA, AL2023_x86_64_NEURON) or pools[0].customAmi (a custom AL2023 AMI id, ami-...)",
        );
    });
});

describe("npm run preflight's targets for an AL2 node group on a custom AL2 AMI", () => {
    /** The fixture's stack config and its pool target, with describe-images saying `architecture`. */
    function target(architecture?: string) {
        const image = JSON.parse(fs.readFileSync(path.join(FACTS, "describe-images.json"), "utf8")) as {
            Images: Record<string, unknown>[];
        };
        const images = image.Images.map(({ Architecture: _, ...rest }) =>
            architecture === undefined ? rest : { ...rest, Architecture: architecture },
        );
        // Project keys only, as npm run preflight reads them (aws:region is the provider's).
        const raw = Object.entries(readStackConfig(FIXTURE, "custom")).filter(([key]) => !key.includes(":"));
        const config = parseConfig(Object.fromEntries(raw));
        const [only] = stackTargets(config, loadCloudFacts(factsWith({ Images: images })), {});
        return only;
    }

    it("takes the AL2 nodes' architecture from the AMI the launch template version runs (describe-images)", () => {
        expect(target("arm64").legacyArchitecture).toBe("arm64");
        expect(target("x86_64").legacyArchitecture).toBe("amd64");
    });

    it("leaves it unknown when describe-images gives no architecture, rather than guess from amiType CUSTOM", () => {
        expect("legacyArchitecture" in target()).toBe(false);
    });
});
