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

/**
 * The "Merging multiple configuration objects" user data of the nodeadm docs
 * (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/examples/), written out byte for byte: the expected values
 * below come from that document, not from `renderMultipart`, so the parser the test fakes use is checked against it.
 */
const NODEADM_DOC_EXAMPLE = [
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="BOUNDARY"',
    "",
    "--BOUNDARY",
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  cluster:",
    "    name: my-cluster",
    "    apiServerEndpoint: https://example.com",
    "    certificateAuthority: Y2VydGlmaWNhdGVBdXRob3JpdHk=",
    "    cidr: 10.100.0.0/16",
    "",
    "--BOUNDARY",
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  kubelet:",
    "    config:",
    "      shutdownGracePeriod: 30s",
    "      featureGates:",
    "        DisableKubeletCloudCredentialProviders: true",
    "",
    "--BOUNDARY--",
    "",
].join("\n");

const CLUSTER_PART =
    "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: my-cluster\n" +
    "    apiServerEndpoint: https://example.com\n    certificateAuthority: Y2VydGlmaWNhdGVBdXRob3JpdHk=\n" +
    "    cidr: 10.100.0.0/16\n";
const KUBELET_PART =
    "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n" +
    "      shutdownGracePeriod: 30s\n      featureGates:\n        DisableKubeletCloudCredentialProviders: true\n";

describe("multipart/mixed against the nodeadm docs' own user data", () => {
    it("parses the documented two-part user data into exactly its headers and bodies", () => {
        expect(parseMultipart(NODEADM_DOC_EXAMPLE)).toStrictEqual({
            headers: { "mime-version": "1.0", "content-type": 'multipart/mixed; boundary="BOUNDARY"' },
            parts: [
                { headers: { "content-type": "application/node.eks.aws" }, body: CLUSTER_PART },
                { headers: { "content-type": "application/node.eks.aws" }, body: KUBELET_PART },
            ],
        });
    });

    it("renders the documented user data byte for byte from its two NodeConfig parts", () => {
        const rendered = renderMultipart("BOUNDARY", [
            { contentType: "application/node.eks.aws", body: CLUSTER_PART },
            { contentType: "application/node.eks.aws", body: KUBELET_PART },
        ]);
        expect(rendered).toBe(NODEADM_DOC_EXAMPLE);
        expect(Buffer.byteLength(rendered)).toBe(Buffer.byteLength(NODEADM_DOC_EXAMPLE));
    });

    it("parses a body without its blank line before the delimiter as ending at that line", () => {
        // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter, so a body ending "x\n" is followed by
        // "\n--B"; with no blank line the body is "x" exactly.
        const text =
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: t/x\n\nx\n--B--\n';
        expect(parseMultipart(text).parts).toStrictEqual([{ headers: { "content-type": "t/x" }, body: "x" }]);
    });
});
