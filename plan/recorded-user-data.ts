import { parse as parseYaml } from "yaml";
import { NODEADM_CONTENT_TYPE } from "../nodes/nodeadm-user-data";
import { parseMultipart } from "../common/mime";
import { CHILD_NAMES } from "../common/child-names";
import type { Evaluation } from "./evaluate";
import { find, LAUNCH_TEMPLATE } from "./recorded-values";

/** One MIME part of the user data. */
export interface MimePart {
    readonly contentType: string;
    readonly body: string;
}

/** Decodes a launch template's base64 user data to the MIME text. */
export function decodeUserData(base64: string): string {
    return Buffer.from(base64, "base64").toString("utf8");
}

/** The parts of the program's own multipart/mixed user data (common/mime.ts), each with its content type. */
export function mimeParts(text: string): MimePart[] {
    return parseMultipart(text).parts.map((part) => ({
        contentType: part.headers["content-type"] ?? "text/plain",
        body: part.body,
    }));
}

/** The NodeConfig of MIME user data: the `application/node.eks.aws` part's YAML as an object. */
export function nodeConfigOf(parts: readonly MimePart[]): unknown {
    const part = parts.find((p) => p.contentType === NODEADM_CONTENT_TYPE);
    return part === undefined ? undefined : parseYaml(part.body);
}

/** The pools whose launch templates the program declared (`<pool>-lt`), in declaration order. */
export function launchTemplatePools(evaluation: Pick<Evaluation, "resources">): string[] {
    return evaluation.resources.filter((r) => r.type === LAUNCH_TEMPLATE).map((r) => r.name.replace(/-lt$/, ""));
}

/** The exact MIME user data of a pool's launch template (decoded from its base64 `userData`); undefined if none. */
export function poolUserData(evaluation: Pick<Evaluation, "resources">, pool: string): string | undefined {
    const userData = find(evaluation.resources, LAUNCH_TEMPLATE, CHILD_NAMES.launchTemplate(pool))?.inputs.userData;
    return typeof userData === "string" ? decodeUserData(userData) : undefined;
}
