/** One part of a multipart/mixed document: its headers (names lower-cased) and its body. */
export interface MimePart {
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
}

/** A part to render: its `Content-Type` and its body (a final newline is added when missing). */
export interface MimePartToRender {
    readonly contentType: string;
    readonly body: string;
}

/**
 * Renders a `multipart/mixed` document the way nodeadm and cloud-init read user data
 * (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/examples/): `MIME-Version`, `Content-Type` with the
 * boundary, an empty line, then each part as `--boundary`, its `Content-Type`, an empty line and its body, and a closing
 * `--boundary--`. LF line endings; the newline before each delimiter belongs to the delimiter (RFC 2046 §5.1.1). The
 * caller guarantees no body contains `--boundary` (see `bodyWithBoundary`).
 */
export function renderMultipart(boundary: string, parts: readonly MimePartToRender[]): string {
    return [
        "MIME-Version: 1.0\n",
        `Content-Type: multipart/mixed; boundary="${boundary}"\n`,
        "\n",
        ...parts.map(
            ({ contentType, body }) =>
                `--${boundary}\nContent-Type: ${contentType}\n\n${body.endsWith("\n") ? body : `${body}\n`}\n`,
        ),
        `--${boundary}--\n`,
    ].join("");
}

/** The index of the first body that contains `--boundary` (which would end its part early), or -1. */
export function bodyWithBoundary(boundary: string, bodies: readonly string[]): number {
    return bodies.findIndex((body) => body.includes(`--${boundary}`));
}

/** RFC 5322 header block: `Name: value` lines (no folding: `renderMultipart` never writes any). */
function parseHeaders(block: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const line of block.split("\n")) {
        const match = /^([A-Za-z0-9-]+): (.+)$/.exec(line);
        if (!match) throw new Error(`malformed MIME header line ${JSON.stringify(line)}`);
        headers[match[1].toLowerCase()] = match[2];
    }
    return headers;
}

/** Splits at the first empty line: the header block must end with one, as Go's net/mail requires. */
function splitHeaders(text: string): [string, string] {
    const end = text.indexOf("\n\n");
    if (end === -1) throw new Error("MIME header block not followed by an empty line");
    return [text.slice(0, end), text.slice(end + 2)];
}

/**
 * Parses what `renderMultipart` writes, strictly, the way nodeadm reads user data (net/mail then mime/multipart):
 * `MIME-Version: 1.0`, a `multipart/mixed` content type with a quoted boundary, no preamble, delimiters on their own
 * lines, and nothing after the closing delimiter. Any deviation throws, naming it.
 */
export function parseMultipart(text: string): { headers: Record<string, string>; parts: MimePart[] } {
    const [headerBlock, body] = splitHeaders(text);
    const headers = parseHeaders(headerBlock);
    if (headers["mime-version"] !== "1.0") throw new Error(`MIME-Version is ${headers["mime-version"]}, not 1.0`);
    const contentType = /^multipart\/mixed; boundary="([^"]+)"$/.exec(headers["content-type"] ?? "");
    if (!contentType) throw new Error(`not multipart/mixed with a boundary: ${headers["content-type"]}`);
    const [preamble, ...rest] = `\n${body}`.split(`\n--${contentType[1]}`);
    if (preamble !== "") throw new Error(`text before the first boundary: ${JSON.stringify(preamble.slice(0, 20))}`);
    if (rest.at(-1) !== "--\n") throw new Error("the closing boundary is missing or followed by text");
    return {
        headers,
        parts: rest.slice(0, -1).map((piece) => {
            if (!piece.startsWith("\n")) {
                throw new Error(`text after a boundary: ${JSON.stringify(piece.slice(0, 20))}`);
            }
            const [partHeaders, partBody] = splitHeaders(piece.slice(1));
            return { headers: parseHeaders(partHeaders), body: partBody };
        }),
    };
}
