import type { LiveClusterValues } from "./bootstrap-flags";
import { decodeUserData } from "./decode";
import { translateShellPart } from "./script-analysis";
import { TranslationBuilder, type Al2Translation } from "./translation";

/** What one translation needs. */
export interface TranslateUserDataInput {
    /** The launch template version's user data: base64 text as EC2 returns it, or the decoded bytes. */
    readonly userData: string | Buffer;
    /** The live cluster, to report connection flags that differ from it. */
    readonly cluster?: LiveClusterValues;
}

/** Notes for parts other than shell scripts (cloud-init content types: https://cloudinit.readthedocs.io/en/latest/explanation/format.html). */
const PART_NOTES: Readonly<Record<string, string>> = {
    "text/cloud-config":
        "a cloud-config part: this program's AL2023 user data carries shell scripts and the NodeConfig only; rewrite what it does as a preBootstrapScripts script",
    "text/cloud-boothook":
        "a boothook runs on every boot, before anything else; rewrite it as a preBootstrapScripts script if it is still needed",
    "application/node.eks.aws": "already a nodeadm NodeConfig: set its fields in the pool's kubelet config instead",
};

/**
 * Translates an AL2 node group's user data into NodeConfig fields, node group labels and taints, an offered
 * pre-bootstrap script, and a report in which every flag, script line and part appears. Pure: nothing is read from
 * the network or the disk.
 */
export function translateUserData(input: TranslateUserDataInput): Al2Translation {
    const builder = new TranslationBuilder();
    const parts = decodeUserData(input.userData);
    parts.forEach((part, i) => {
        const where = parts.length === 1 ? "user data" : `part ${i + 1}`;
        if (part.contentType === "text/x-shellscript") {
            translateShellPart({ script: part.body, where, builder, ...(input.cluster && { cluster: input.cluster }) });
        } else if (part.body.trim() !== "") {
            builder.unsupported(
                `part:${part.contentType}`,
                `${where} (${part.contentType}): ${part.body.trim()}`,
                PART_NOTES[part.contentType] ??
                    "a user data part cloud-init handles but this program does not carry over; rewrite it as a preBootstrapScripts script",
            );
        }
    });
    return builder.build();
}
