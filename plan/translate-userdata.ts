import * as fs from "node:fs";
import { stringify } from "yaml";
import { NODECONFIG_API_VERSION } from "../nodes/nodeadm-user-data";
import { translateUserData } from "../nodes/userdata-translation/translate";
import type { Al2Translation } from "../nodes/userdata-translation/translation";
import { UsageError } from "./cli-args";
import { runCli, usageExitCode, type Io } from "./plan";

/**
 * The user data of a file: `aws ec2 describe-launch-template-versions` JSON (its first version's
 * `LaunchTemplateData.UserData`, https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-launch-template-versions.html)
 * or the user data itself (plain, base64, gzip or MIME).
 */
export function userDataOfFile(file: string, bytes: Buffer): Buffer | string {
    const text = bytes.toString("utf8").trim();
    if (!text.startsWith("{")) return bytes;
    let doc: { LaunchTemplateVersions?: { LaunchTemplateData?: { UserData?: unknown } }[] };
    try {
        doc = JSON.parse(text);
    } catch (error) {
        throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const userData = doc.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData;
    if (typeof userData !== "string") {
        throw new UsageError(
            `${file}: no LaunchTemplateVersions[0].LaunchTemplateData.UserData (describe-launch-template-versions output expected)`,
        );
    }
    return userData;
}

/** The translation as text: the NodeConfig fragment, node group labels and taints, offered scripts, the report. */
export function renderTranslation(result: Al2Translation): string {
    const lines: string[] = [];
    const nodeConfig = { apiVersion: NODECONFIG_API_VERSION, kind: "NodeConfig", spec: result.nodeConfig };
    lines.push(
        "# NodeConfig (spec.cluster comes from the live cluster)",
        "---",
        stringify(nodeConfig, { lineWidth: 0 }).trimEnd(),
        "",
    );
    lines.push(
        "# node group",
        stringify({ labels: result.labels, taints: result.taints }, { lineWidth: 0 }).trimEnd(),
        "",
    );
    result.offeredScripts.forEach((script, i) =>
        lines.push(`# offered preBootstrapScripts[${i}]`, script.trimEnd(), ""),
    );
    lines.push("# report");
    for (const item of result.items) {
        const target = item.target !== undefined ? ` -> ${item.target}` : "";
        lines.push(
            `${item.outcome.toUpperCase()}${item.warning ? " (warning)" : ""}${target}: ${item.source}`,
            `    ${item.note}`,
        );
        if (item.outcome === "unsupported") lines.push(`    acknowledge with al2Migration.acknowledge: ["${item.id}"]`);
    }
    const open = result.items.filter((item) => item.outcome === "unsupported").length;
    lines.push(
        "",
        open === 0
            ? "Everything translates."
            : `${open} item(s) cannot move by themselves: handle and acknowledge each.`,
    );
    return `${lines.join("\n")}\n`;
}

/**
 * `npm run translate-userdata -- FILE [--json]`: translates one AL2 user data file and prints the NodeConfig and
 * the report. 0 when everything translates, 1 when items need an acknowledgement, 2 usage error.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    try {
        const json = argv.includes("--json");
        const files = argv.filter((arg) => arg !== "--json");
        const unknown = files.find((arg) => arg.startsWith("--"));
        if (unknown !== undefined) throw new UsageError(`unknown argument "${unknown}"`);
        if (files.length !== 1)
            throw new UsageError("give one user data file (or describe-launch-template-versions JSON)");
        const [file] = files;
        if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
        const result = translateUserData({ userData: userDataOfFile(file, fs.readFileSync(file)) });
        io.out(json ? `${JSON.stringify(result, null, 2)}\n` : renderTranslation(result));
        return result.items.some((item) => item.outcome === "unsupported") ? 1 : 0;
    } catch (error) {
        return usageExitCode(error, io);
    }
}

if (require.main === module) runCli(main, { wantsColor: false });
