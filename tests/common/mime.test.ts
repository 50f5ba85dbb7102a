import { describe, expect, it } from "vitest";
import { bodyWithBoundary, parseMultipart, renderMultipart } from "../../common/mime";

describe("multipart/mixed user data", () => {
    it("renders exactly the bytes nodeadm and cloud-init expect", () => {
        const text = renderMultipart("B", [
            { contentType: "text/x-shellscript", body: "#!/bin/bash\necho hi" },
            { contentType: "application/node.eks.aws", body: "---\nkind: NodeConfig\n" },
        ]);
        expect(text).toBe(
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n' +
                "--B\nContent-Type: text/x-shellscript\n\n#!/bin/bash\necho hi\n\n" +
                "--B\nContent-Type: application/node.eks.aws\n\n---\nkind: NodeConfig\n\n" +
                "--B--\n",
        );
    });

    it("parses back what it renders, part by part", () => {
        const text = renderMultipart("X-1", [{ contentType: "text/plain", body: "a\n\nb\n" }]);
        expect(parseMultipart(text)).toStrictEqual({
            headers: { "mime-version": "1.0", "content-type": 'multipart/mixed; boundary="X-1"' },
            parts: [{ headers: { "content-type": "text/plain" }, body: "a\n\nb\n" }],
        });
    });

    it.each([
        ["no MIME-Version", 'Content-Type: multipart/mixed; boundary="B"\n\n--B--\n', "MIME-Version is undefined"],
        [
            "a preamble",
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\nhello\n--B--\n',
            "text before",
        ],
        ["no closing delimiter", 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\n', "closing"],
        [
            "an unquoted boundary",
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B--\n",
            "not multipart",
        ],
        ["no empty line after the headers", "MIME-Version: 1.0", "not followed by an empty line"],
    ])("refuses %s", (_, text, message) => {
        expect(() => parseMultipart(text)).toThrow(message);
    });

    it("finds the first body that would end its part early", () => {
        expect(bodyWithBoundary("B", ["ok", "x\n--B\n", "--B"])).toBe(1);
        expect(bodyWithBoundary("B", ["-B", "B--"])).toBe(-1);
    });
});
