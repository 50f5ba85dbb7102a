import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { NODEADM_CONTENT_TYPE } from "../../nodes/nodeadm-user-data";

/** One part of a multipart document. */
export interface MimePart {
    readonly headers: Record<string, string>;
    readonly body: string;
}

/** RFC 5322 header block: `Name: value` lines up to the first empty line (no folding: we never write any). */
function parseHeaders(block: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const line of block.split("\n")) {
        const match = /^([A-Za-z0-9-]+): (.+)$/.exec(line);
        if (!match) throw new Error(`malformed header line ${JSON.stringify(line)}`);
        headers[match[1].toLowerCase()] = match[2];
    }
    return headers;
}

/** Splits at the first empty line: the header block must end with one, as Go's net/mail requires. */
function splitHeaders(text: string): [string, string] {
    const end = text.indexOf("\n\n");
    if (end === -1) throw new Error("header block not followed by an empty line");
    return [text.slice(0, end), text.slice(end + 2)];
}

/**
 * A strict multipart/mixed parser, the way nodeadm reads user data (net/mail.ReadMessage then mime/multipart):
 * top-level headers, an empty line, `--boundary` delimiters each on their own line (the newline before a delimiter
 * belongs to it, RFC 2046), part headers, an empty line, the body, and a closing `--boundary--` with nothing after.
 */
export function parseMime(text: string): { headers: Record<string, string>; parts: MimePart[] } {
    const [headerBlock, body] = splitHeaders(text);
    const headers = parseHeaders(headerBlock);
    expect(headers["mime-version"]).toBe("1.0");
    const contentType = /^multipart\/mixed; boundary="([^"]+)"$/.exec(headers["content-type"] ?? "");
    if (!contentType) throw new Error(`not multipart/mixed with a boundary: ${headers["content-type"]}`);
    const delimiter = `\n--${contentType[1]}`;
    const pieces = `\n${body}`.split(delimiter);
    const [preamble, ...rest] = pieces;
    expect(preamble).toBe("");
    expect(rest.at(-1)).toBe("--\n");
    return {
        headers,
        parts: rest.slice(0, -1).map((piece) => {
            if (!piece.startsWith("\n"))
                throw new Error(`text after a boundary: ${JSON.stringify(piece.slice(0, 20))}`);
            const [partHeaders, partBody] = splitHeaders(piece.slice(1));
            return { headers: parseHeaders(partHeaders), body: partBody };
        }),
    };
}

/** The NodeConfig documents of the user data, parsed as YAML. */
export function nodeConfigs(userData: string): unknown[] {
    return parseMime(userData)
        .parts.filter((part) => part.headers["content-type"] === NODEADM_CONTENT_TYPE)
        .map((part) => {
            expect(part.body.startsWith("---\n")).toBe(true);
            return parseYaml(part.body);
        });
}
