import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeUserData } from "../../nodes/userdata-translation/decode";
import { parseKubeletConfigFilter } from "../../nodes/userdata-translation/kubelet-config-edits";
import { kubeletFieldValue } from "../../nodes/userdata-translation/kubelet-flags";
import { evaluateScript } from "../../nodes/userdata-translation/shell-eval";

/** argv of each command, as bash would pass it. */
const argvs = (script: string) => evaluateScript(script).commands.map((command) => command.argv);

describe("shell word splitting", () => {
    it.each([
        ["plain words", "a b  c", [["a", "b", "c"]]],
        ["single quotes keep spaces and $", "a 'b c $X'", [["a", "b c $X"]]],
        ["double quotes keep spaces", 'a "b c"', [["a", "b c"]]],
        ["backslash continuation joins lines", "a \\\n  b \\\n  c", [["a", "b", "c"]]],
        ["escaped space", "a b\\ c", [["a", "b c"]]],
        ["separators", "a; b && c || d | e", [["a"], ["b"], ["c"], ["d"], ["e"]]],
        ["comments", "a # b c\n# d\ne", [["a"], ["e"]]],
        ["literal variable", "X=1\na $X", [[], ["a", "1"]]],
        ["braced variable inside a word", "X=b\na pre${X}post", [[], ["a", "prebpost"]]],
        ["unquoted variable splits", 'X="b c"\na $X', [[], ["a", "b", "c"]]],
        ["quoted variable does not split", 'X="b c"\na "$X"', [[], ["a", "b c"]]],
        ["default for an unset variable", "a ${X:-d}", [["a", "d"]]],
        ["unknown variable stays", "a $Y", [["a", "$Y"]]],
        ["redirections are not words", "a > f 2>&1", [["a"]]],
        ["here-document body is not commands", "cat <<EOF > f\nx y\nEOF\nb", [["cat"], ["b"]]],
        ["ANSI-C quoting", "a $'b\\tc'", [["a", "b\tc"]]],
    ] as const)("%s", (_name, script, expected) => {
        expect(argvs(script)).toStrictEqual(expected);
    });

    it("keeps command substitutions unresolved and variables assigned from them non-literal", () => {
        const { commands } = evaluateScript("ID=$(curl x)\necho $ID `date`");
        expect(commands[1].argv).toEqual(["echo", "$ID", "`date`"]);
        expect(commands[1].unresolved).toEqual(["$ID", "`date`"]);
    });

    it("tracks exports and assignments inside if blocks as not literal", () => {
        const { variablesAfter } = evaluateScript("export A=1\nB=2\nif true; then\nC=3\nfi\nexport B");
        expect(variablesAfter.get("A")).toStrictEqual({ value: "1", literal: true, exported: true });
        expect(variablesAfter.get("B")).toStrictEqual({ value: "2", literal: true, exported: true });
        expect(variablesAfter.get("C")).toStrictEqual({ value: "3", literal: false, exported: false });
    });

    it("records the here-document body and its line range", () => {
        const { commands } = evaluateScript("x\ncat > /f <<'EOF'\na $B\nEOF\ny");
        expect(commands[1]).toMatchObject({ heredoc: "a $B\n", startLine: 2, endLine: 4 });
        expect(commands[2]).toMatchObject({ argv: ["y"], startLine: 5 });
    });
});

describe("user data decoding", () => {
    const script = "#!/bin/bash\necho hi\n";
    it.each([
        ["plain", script],
        ["base64", Buffer.from(script).toString("base64")],
        ["gzip", gzipSync(Buffer.from(script))],
        ["base64 of gzip", gzipSync(Buffer.from(script)).toString("base64")],
    ])("%s shell script", (_name, input) => {
        expect(decodeUserData(input)).toStrictEqual([{ contentType: "text/x-shellscript", body: script }]);
    });

    it("splits MIME multipart, with base64 and gzip parts", () => {
        const mime = [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="B"',
            "",
            "--B",
            "Content-Type: text/cloud-config",
            "",
            "#cloud-config",
            "--B",
            "Content-Type: text/x-shellscript",
            "Content-Transfer-Encoding: base64",
            "",
            Buffer.from(script).toString("base64"),
            "--B",
            "Content-Type: text/x-shellscript",
            "Content-Transfer-Encoding: base64",
            "",
            gzipSync(Buffer.from("#!/bin/sh\nz\n")).toString("base64"),
            "--B--",
            "",
        ].join("\r\n");
        expect(decodeUserData(mime)).toStrictEqual([
            { contentType: "text/cloud-config", body: "#cloud-config" },
            { contentType: "text/x-shellscript", body: script },
            { contentType: "text/x-shellscript", body: "#!/bin/sh\nz\n" },
        ]);
    });
});

describe("kubelet flag values", () => {
    it.each([
        ["--max-pods", "110", 110],
        ["--max-pods", "many", undefined],
        ["--cluster-dns", "10.0.0.10,10.0.0.11", ["10.0.0.10", "10.0.0.11"]],
        ["--kube-reserved", "cpu=1,memory=2Gi", { cpu: "1", memory: "2Gi" }],
        ["--eviction-hard", "memory.available<1Gi", { "memory.available": "1Gi" }],
        ["--eviction-soft-grace-period", "memory.available=30s", { "memory.available": "30s" }],
        ["--feature-gates", "A=true,B=false", { A: true, B: false }],
        ["--feature-gates", "A=yes", undefined],
        ["--serialize-image-pulls", "false", false],
    ] as const)("%s=%s", (flag, text, expected) => {
        expect(kubeletFieldValue(flag, text)).toStrictEqual(expected);
    });
});

describe("jq edits of kubelet-config.json", () => {
    it.each([
        [".maxPods=20", [{ path: ["maxPods"], value: 20, source: ".maxPods=20" }]],
        [
            '.evictionHard["memory.available"] = "1Gi" | .serializeImagePulls=false',
            [
                {
                    path: ["evictionHard", "memory.available"],
                    value: "1Gi",
                    source: '.evictionHard["memory.available"] = "1Gi"',
                },
                { path: ["serializeImagePulls"], value: false, source: ".serializeImagePulls=false" },
            ],
        ],
        [".notAField=1", undefined],
        [".maxPods += 1", undefined],
        [".maxPods = $n", undefined],
    ] as const)("%s", (filter, expected) => {
        expect(parseKubeletConfigFilter(filter)).toStrictEqual(expected);
    });
});
