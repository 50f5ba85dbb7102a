import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { main } from "../../plan/translate-userdata";
import { ROOT } from "../fakes/mocks";

function captureIo() {
    let out = "";
    let err = "";
    return {
        out: (text: string) => (out += text),
        err: (text: string) => (err += text),
        color: false,
        stdout: () => out,
        stderr: () => err,
    };
}

const fixture = (name: string) => path.join(ROOT, "tests/fixtures/al2-userdata", name);

/** describe-launch-template-versions output as the AWS CLI prints it, holding `userData` base64-encoded. */
function launchTemplateVersions(userData: Buffer): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lt-versions-"));
    const file = path.join(dir, "describe-launch-template-versions.json");
    const doc = {
        LaunchTemplateVersions: [
            {
                LaunchTemplateId: "lt-0123456789abcdef0",
                LaunchTemplateName: "shop-dev-general",
                VersionNumber: 3,
                DefaultVersion: true,
                LaunchTemplateData: { UserData: userData.toString("base64") },
            },
        ],
    };
    fs.writeFileSync(file, JSON.stringify(doc, null, 4));
    return file;
}

describe("npm run translate-userdata", () => {
    it("translates describe-launch-template-versions output: the NodeConfig parses, exit 0 when all moves", async () => {
        const io = captureIo();
        const file = launchTemplateVersions(fs.readFileSync(fixture("02-prefix-delegation-max-pods.sh")));
        expect(await main([file], io)).toBe(0);
        const [nodeConfig] = parseAllDocuments(io.stdout().split("# node group")[0]).map((doc) => doc.toJS());
        expect(nodeConfig).toStrictEqual({
            apiVersion: "node.eks.aws/v1alpha1",
            kind: "NodeConfig",
            spec: { kubelet: { config: { maxPods: 110 } } },
        });
        expect(io.stdout()).toContain("Everything translates.");
    });

    it("exits 1 and says how to acknowledge what cannot move", async () => {
        const io = captureIo();
        expect(await main([fixture("22-docker-config-json.sh")], io)).toBe(1);
        expect(io.stdout()).toContain('acknowledge with al2Migration.acknowledge: ["--docker-config-json"]');
    });

    it("prints the whole translation as JSON with --json", async () => {
        const io = captureIo();
        expect(await main(["--json", fixture("06-local-disks-raid0.sh")], io)).toBe(0);
        expect(JSON.parse(io.stdout()).nodeConfig).toStrictEqual({ instance: { localStorage: { strategy: "RAID0" } } });
    });

    it.each([[[]], [["a", "b"]], [["--stack", "dev"]], [["/no/such/file"]]])(
        "usage error for %j: exit 2",
        async (argv) => {
            const io = captureIo();
            expect(await main(argv, io)).toBe(2);
            expect(io.stderr()).toMatch(/^UsageError: /);
        },
    );
});
