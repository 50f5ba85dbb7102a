import { gunzipSync } from "node:zlib";

/** One piece of user data as cloud-init sees it: its content type and its decoded text. */
export interface UserDataPart {
    /** Media type, lower case, without parameters: `text/x-shellscript`, `text/cloud-config`, ... */
    readonly contentType: string;
    readonly body: string;
}

/** The gzip magic bytes (RFC 1952 section 2.3.1): cloud-init and nodeadm gunzip user data that starts with them. */
const GZIP_MAGIC = [0x1f, 0x8b];

const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

function isGzip(bytes: Buffer): boolean {
    return bytes.length > 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Undoes the encodings EC2 user data arrives in: base64 (the launch template's `UserData` field is base64; the
 * AWS CLI prints it so) and gzip (cloud-init gunzips user data starting with the gzip magic:
 * https://cloudinit.readthedocs.io/en/latest/explanation/format.html#gzip-compressed-content), repeatedly.
 */
export function unwrapUserData(input: Buffer | string): string {
    let bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
    for (let round = 0; round < 4; round++) {
        if (isGzip(bytes)) {
            bytes = gunzipSync(bytes);
            continue;
        }
        const text = bytes.toString("utf8");
        const compact = text.replace(/\s+/g, "");
        if (compact.length >= 8 && compact.length % 4 === 0 && BASE64_TEXT.test(text.trim())) {
            bytes = Buffer.from(compact, "base64");
            continue;
        }
        return text.replace(/\r\n/g, "\n");
    }
    return bytes.toString("utf8").replace(/\r\n/g, "\n");
}

/** RFC 5322 headers (folded lines joined), names lower-cased. */
function parseHeaders(block: string): Map<string, string> {
    const headers = new Map<string, string>();
    let last: string | undefined;
    for (const line of block.split("\n")) {
        if (/^[ \t]/.test(line) && last !== undefined) {
            headers.set(last, `${headers.get(last)} ${line.trim()}`);
            continue;
        }
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        last = line.slice(0, colon).trim().toLowerCase();
        headers.set(last, line.slice(colon + 1).trim());
    }
    return headers;
}

/** Splits `type/subtype; a="b"` into the lower-case media type and its parameters. */
function parseContentType(value: string | undefined): { type: string; params: Map<string, string> } {
    const [type, ...rest] = (value ?? "").split(";");
    const params = new Map<string, string>();
    for (const param of rest) {
        const eq = param.indexOf("=");
        if (eq === -1) continue;
        params.set(
            param.slice(0, eq).trim().toLowerCase(),
            param
                .slice(eq + 1)
                .trim()
                .replace(/^"(.*)"$/, "$1"),
        );
    }
    return { type: type.trim().toLowerCase(), params };
}

/** The type of a part without a Content-Type header, by cloud-init's own first-line rules. */
function sniffType(body: string): string {
    if (body.startsWith("#!")) return "text/x-shellscript";
    if (body.startsWith("#cloud-config")) return "text/cloud-config";
    if (body.startsWith("#cloud-boothook")) return "text/cloud-boothook";
    if (body.startsWith("#include")) return "text/x-include-url";
    return "text/plain";
}

/**
 * Splits a header block from a body the way Python's email parser (which cloud-init uses) does: headers run until
 * a blank line or the first line that is not a header (a part whose blank line is missing still has its body).
 */
function splitHeaderBlock(text: string): [string, string] {
    const lines = text.split("\n");
    let i = 0;
    while (i < lines.length && (/^[A-Za-z0-9-]+:/.test(lines[i]) || (i > 0 && /^[ \t]+\S/.test(lines[i])))) i++;
    const body = lines.slice(i < lines.length && lines[i] === "" ? i + 1 : i).join("\n");
    return [lines.slice(0, i).join("\n"), body];
}

function multipartParts(body: string, boundary: string, depth: number): UserDataPart[] {
    const delimiter = `--${boundary}`;
    const pieces = `\n${body}`.split(`\n${delimiter}`);
    const parts: UserDataPart[] = [];
    for (const piece of pieces.slice(1)) {
        if (piece.startsWith("--")) break;
        const [headerBlock, partBody] = splitHeaderBlock(piece.replace(/^[ \t]*\n/, ""));
        const headers = parseHeaders(headerBlock);
        const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
        let bytes = encoding === "base64" ? Buffer.from(partBody, "base64") : Buffer.from(partBody, "utf8");
        if (isGzip(bytes)) bytes = gunzipSync(bytes);
        parts.push(...splitDocument(bytes.toString("utf8").replace(/\r\n/g, "\n"), headers, depth + 1));
    }
    return parts;
}

function splitDocument(text: string, headers: Map<string, string> | undefined, depth: number): UserDataPart[] {
    const { type, params } = parseContentType(headers?.get("content-type"));
    const boundary = params.get("boundary");
    if (type.startsWith("multipart/") && boundary !== undefined && depth < 4) {
        return multipartParts(text, boundary, depth);
    }
    return [{ contentType: type === "" ? sniffType(text) : type, body: text }];
}

/**
 * Decodes EC2 user data into the parts cloud-init runs: base64 and gzip are undone, a MIME multipart document
 * (https://cloudinit.readthedocs.io/en/latest/explanation/format.html#mime-multi-part-archive) is split into its
 * parts (each part's base64 transfer encoding and gzip undone too), anything else is one part typed by its first
 * line (`#!` shell script, `#cloud-config`, ...).
 */
export function decodeUserData(input: Buffer | string): UserDataPart[] {
    const text = unwrapUserData(input);
    if (/^[A-Za-z-]+:/.test(text) && !text.startsWith("#")) {
        const [headerBlock, body] = splitHeaderBlock(text);
        const headers = parseHeaders(headerBlock);
        if (headers.has("content-type")) return splitDocument(body, headers, 0);
    }
    return [{ contentType: sniffType(text), body: text }];
}
