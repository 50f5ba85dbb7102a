import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseMultipart } from "../../common/mime";
import { NODEADM_CONTENT_TYPE } from "../../nodes/nodeadm-user-data";

/** The strict parser nodeadm's reading implies (common/mime.ts), for tests that take user data apart. */
export const parseMime = parseMultipart;

/** The NodeConfig documents of the user data, parsed as YAML. */
export function nodeConfigs(userData: string): unknown[] {
    return parseMultipart(userData)
        .parts.filter((part) => part.headers["content-type"] === NODEADM_CONTENT_TYPE)
        .map((part) => {
            expect(part.body.startsWith("---\n")).toBe(true);
            return parseYaml(part.body);
        });
}
