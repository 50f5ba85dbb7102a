/** The AWS tag rules every `tags` map of the config follows. */
import * as v from "valibot";
import { notAllowedText } from "./config-error";
import { isPlainObject, pathItem, type CrossCheck } from "./schema-kit";
import { AWS_TAG_LIMITS } from "./aws-limits";
import { RESERVED_TAG_PREFIX } from "./project";

/** Why a tag key is refused, or undefined. */
function tagKeyProblem(key: string): string | undefined {
    if (key.length < 1 || key.length > AWS_TAG_LIMITS.maxKeyLength) {
        return `tag keys have 1 to ${AWS_TAG_LIMITS.maxKeyLength} characters`;
    }
    if (key.toLowerCase().startsWith(AWS_TAG_LIMITS.reservedPrefix)) {
        return `tag keys starting with "${AWS_TAG_LIMITS.reservedPrefix}" are reserved by AWS`;
    }
    if (key.startsWith(RESERVED_TAG_PREFIX))
        return `tag keys starting with "${RESERVED_TAG_PREFIX}" are set by this program`;
    return undefined;
}

/**
 * A check on a parsed tag map: at most 50 tags, keys 1-128 characters, values at most 256, no `aws:` prefix (reserved
 * by AWS), no `eks-al2023-migration/` prefix (set by the program).
 */
export const awsTagRules: CrossCheck = (tags, addIssue) => {
    if (!isPlainObject(tags)) return;
    const entries = Object.entries(tags);
    if (entries.length > AWS_TAG_LIMITS.maxTags) {
        addIssue({
            input: tags,
            message: notAllowedText(`${entries.length} tags`, `at most ${AWS_TAG_LIMITS.maxTags} tags per resource`),
        });
    }
    for (const [key, value] of entries) {
        if (typeof value !== "string") continue;
        const keyProblem = tagKeyProblem(key);
        const path: [v.IssuePathItem] = [pathItem(tags, key, value)];
        if (keyProblem !== undefined) addIssue({ input: key, message: notAllowedText(key, keyProblem), path });
        if (value.length > AWS_TAG_LIMITS.maxValueLength) {
            addIssue({
                input: value,
                message: notAllowedText(value, `tag values have at most ${AWS_TAG_LIMITS.maxValueLength} characters`),
                path,
            });
        }
    }
};
