import { translateBootstrapArgs, type LiveClusterValues } from "./bootstrap-flags";
import { AL2_KUBELET_CONFIG_PATH, parseKubeletConfigFilter } from "./kubelet-config-edits";
import { translateKubeletArgs } from "./kubelet-args";
import { evaluateScript, type ShellCommand, type ShellVariable } from "./shell-eval";
import type { TranslationBuilder } from "./translation";

/** The AL2 bootstrap script (a stub that exits 1 on AL2023 AMIs). */
export const BOOTSTRAP_PATH = "/etc/eks/bootstrap.sh";

const WRAPPERS = new Set(["bash", "sh", "exec", "sudo", "env", "/bin/bash", "/bin/sh", "/usr/bin/env"]);

/** The bootstrap.sh arguments of a command that runs it, or undefined. */
function bootstrapArgs(command: ShellCommand): readonly string[] | undefined {
    let index = 0;
    while (index < command.argv.length && WRAPPERS.has(command.argv[index])) index++;
    const program = command.argv[index];
    if (program === undefined || !(program === BOOTSTRAP_PATH || program.endsWith("/eks/bootstrap.sh")))
        return undefined;
    return command.argv.slice(index + 1);
}

/** Commands that change nothing on the node: nothing to carry over. */
function isInert(command: ShellCommand): boolean {
    const [program, ...rest] = command.argv;
    if (program === undefined) return command.redirects.length === 0;
    if (["set", "true", ":", "exit"].includes(program)) return true;
    return (
        ["export", "declare", "readonly", "typeset"].includes(program) &&
        rest.every((arg) => /^[A-Za-z_]\w*(=|$)/.test(arg))
    );
}

/** What an AL2 script line does that AL2023 does not offer (https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html). */
const AL2_ONLY: readonly { pattern: RegExp; note: string }[] = [
    {
        pattern: /\bamazon-linux-extras\b/,
        note: "amazon-linux-extras does not exist on AL2023 (packages come from dnf repositories)",
    },
    { pattern: /\byum\b/, note: "AL2023 uses dnf (yum is an alias); package names differ and there is no EPEL" },
    { pattern: /\bdocker\b/, note: "AL2023 EKS AMIs have no Docker; use containerd's ctr/nerdctl or crictl" },
    {
        pattern: /\/sys\/fs\/cgroup\/(memory|cpu|cpuacct|cpuset|blkio|pids|devices|freezer)\b/,
        note: "cgroup v1 path: AL2023 uses cgroup v2 (unified hierarchy)",
    },
    {
        pattern: /\/etc\/eks\/|\/etc\/kubernetes\/kubelet\//,
        note: "edits AL2 bootstrap files that AL2023 does not have (nodeadm writes /etc/kubernetes/kubelet/config.json)",
    },
];

function lineRange(lines: readonly string[], first: number, last: number): string {
    return lines.slice(first - 1, last).join("\n");
}

/** The jq invocations of a command: itself, or inside its `$(...)` words (`echo "$(jq ... file)" > file`). */
function jqInvocations(command: ShellCommand, vars: ReadonlyMap<string, ShellVariable>): ShellCommand[] {
    if (command.argv[0] === "jq") return [command];
    const preamble = [...vars]
        .filter(([, variable]) => variable.literal)
        .map(([name, variable]) => `${name}='${variable.value.replace(/'/g, "'\\''")}'`)
        .join("\n");
    return command.argv
        .flatMap((arg) => [...arg.matchAll(/\$\((jq\s[^)]*)\)/g)].map((match) => match[1]))
        .flatMap((inner) => evaluateScript(`${preamble}\n${inner}`).commands.filter((c) => c.argv[0] === "jq"));
}

interface EditContext {
    readonly lines: readonly string[];
    readonly where: string;
    readonly builder: TranslationBuilder;
    readonly vars: ReadonlyMap<string, ShellVariable>;
    /** Set once a jq edit of kubelet-config.json was translated (a following `mv tmp file` belongs to it). */
    readonly state: { jqTranslated: boolean };
}

/** Handles a command that edits AL2's bootstrap.sh or kubelet-config.json; false when the command is no such edit. */
function translateEdit(command: ShellCommand, context: EditContext): boolean {
    const { lines, where, builder } = context;
    const [program, ...args] = command.argv;
    const text = lineRange(lines, command.startLine, command.endLine).trim();
    const source = `${where} line ${command.startLine}: ${text}`;
    const mentions = (path: string) =>
        args.some((arg) => arg.includes(path)) || command.redirects.some((r) => r.target === path);
    const editsBootstrap =
        command.redirects.some((r) => r.target.endsWith("/eks/bootstrap.sh") && r.op.startsWith(">")) ||
        (["sed", "perl", "awk", "patch", "tee"].includes(program ?? "") &&
            args.some((arg) => arg.endsWith("/eks/bootstrap.sh")));
    if (editsBootstrap) {
        builder.unsupported(
            `edit:${BOOTSTRAP_PATH}`,
            source,
            "edits bootstrap.sh, which AL2023 AMIs replace with a stub: carry what the edit did over by hand (kubelet settings go in the pool's kubelet config)",
        );
        return true;
    }
    if (!mentions(AL2_KUBELET_CONFIG_PATH)) return false;
    const jq = jqInvocations(command, context.vars);
    if (jq.length === 0 && context.state.jqTranslated && ["mv", "cp"].includes(program ?? "")) return true;
    const assignments = jq.map((invocation) => {
        const filter = invocation.argv.slice(1).find((arg) => !arg.startsWith("-") && arg !== AL2_KUBELET_CONFIG_PATH);
        return filter === undefined ? undefined : parseKubeletConfigFilter(filter);
    });
    if (jq.length === 0 || assignments.some((found) => found === undefined)) {
        builder.unsupported(
            `edit:${AL2_KUBELET_CONFIG_PATH}`,
            source,
            "an edit of AL2's kubelet-config.json this program cannot read (AL2023 has no such file); set the fields in the pool's kubelet.config yourself",
        );
        return true;
    }
    for (const { path, value, source: step } of assignments.flatMap((found) => found ?? [])) {
        builder.setConfig(path, value);
        builder.add({
            id: `jq:${path.join(".")}`,
            source: `${where} line ${command.startLine}: jq ${step}`,
            outcome: "applied",
            target: `kubelet.config.${path.join(".")}`,
            note: "from the jq edit of kubelet-config.json",
        });
    }
    context.state.jqTranslated = true;
    return true;
}

/** The file a here-document is written to (`cat > file <<EOF`, `cat <<EOF > file`, `tee file <<EOF`). */
function heredocTarget(command: ShellCommand): string | undefined {
    if (command.heredoc === undefined) return undefined;
    return (
        command.redirects.find((r) => r.op === ">" || r.op === ">>")?.target ??
        (command.argv[0] === "tee" ? command.argv.find((a, i) => i > 0 && !a.startsWith("-")) : undefined)
    );
}

/** Inputs of one shell part. */
export interface ShellPartInput {
    readonly script: string;
    /** For the report: `part 2`. */
    readonly where: string;
    readonly cluster?: LiveClusterValues;
    readonly builder: TranslationBuilder;
}

/**
 * Translates one shell script: its bootstrap.sh invocation (flags and `KUBELET_EXTRA_ARGS`), the edits it makes to
 * AL2's bootstrap files, the commands before bootstrap (offered as a `preBootstrapScripts` script) and after it
 * (reported: on AL2023 managed node groups nothing runs after nodeadm). A script that never calls bootstrap.sh
 * (a managed node group on an EKS AMI, where EKS appends the bootstrap call) runs wholly before bootstrap.
 */
export function translateShellPart(input: ShellPartInput): void {
    const { script, where, cluster, builder } = input;
    const lines = script.split("\n");
    const { commands, variablesBefore, variablesAfter } = evaluateScript(script);
    const bootstrapIndex = commands.findIndex((command) => bootstrapArgs(command) !== undefined);
    const pre: ShellCommand[] = [];
    const post: ShellCommand[] = [];
    const state = { jqTranslated: false };
    commands.forEach((command, index) => {
        const written = heredocTarget(command);
        if (written !== undefined) builder.files.set(written, command.heredoc!);
        const args = bootstrapArgs(command);
        if (args !== undefined) {
            if (index !== bootstrapIndex) {
                builder.unsupported(
                    "bootstrap-invocation",
                    `${where} line ${command.startLine}: ${lineRange(lines, command.startLine, command.endLine).trim()}`,
                    "a second bootstrap.sh invocation; only the first one is translated: merge the settings by hand",
                );
                return;
            }
            builder.callsBootstrap = true;
            const vars = variablesBefore[index];
            const env =
                command.env.KUBELET_EXTRA_ARGS ??
                (vars.get("KUBELET_EXTRA_ARGS")?.exported ? vars.get("KUBELET_EXTRA_ARGS")?.value : undefined);
            const overridden =
                args.includes("--kubelet-extra-args") || args.some((arg) => arg.startsWith("--kubelet-extra-args="));
            if (env !== undefined && overridden && !args.includes(env)) {
                builder.add({
                    id: "KUBELET_EXTRA_ARGS",
                    source: `${where}: KUBELET_EXTRA_ARGS=${env}`,
                    outcome: "dropped",
                    note: "bootstrap.sh's --kubelet-extra-args replaces the KUBELET_EXTRA_ARGS variable",
                    warning: true,
                });
            } else if (env !== undefined && !overridden) {
                const known = command.env.KUBELET_EXTRA_ARGS !== undefined || vars.get("KUBELET_EXTRA_ARGS")?.literal;
                translateKubeletArgs(known ? env : "$KUBELET_EXTRA_ARGS", `${where}: KUBELET_EXTRA_ARGS`, builder);
            }
            translateBootstrapArgs(args, { builder, cluster, where: `${where} line ${command.startLine}` });
            return;
        }
        if (translateEdit(command, { lines, where, builder, vars: variablesBefore[index], state }) || isInert(command))
            return;
        if (bootstrapIndex === -1 || index < bootstrapIndex) pre.push(command);
        else post.push(command);
    });
    const kubeletVar = variablesAfter.get("KUBELET_EXTRA_ARGS");
    if (bootstrapIndex === -1 && kubeletVar !== undefined) {
        builder.add({
            id: "KUBELET_EXTRA_ARGS",
            source: `${where}: KUBELET_EXTRA_ARGS=${kubeletVar.value}`,
            outcome: "dropped",
            note: "set in a script that does not run bootstrap.sh, so it never reached kubelet on AL2 either; set the flags in the pool's kubelet config if you meant them",
            warning: true,
        });
    }
    const remaining = pre.filter((command) => !builder.consumedFiles.has(heredocTarget(command) ?? ""));
    if (remaining.length > 0)
        offerScript({
            script,
            lines,
            pre: remaining,
            bootstrapLine: bootstrapIndex === -1 ? undefined : commands[bootstrapIndex].startLine,
            where,
            builder,
        });
    if (post.length > 0) {
        const text = post.map((command) => lineRange(lines, command.startLine, command.endLine).trim()).join("\n");
        builder.unsupported(
            "post-bootstrap-commands",
            `${where} lines ${post[0].startLine}-${post.at(-1)!.endLine}: ${text}`,
            "commands after bootstrap.sh never run on AL2023 managed node groups (nodeadm starts kubelet after cloud-init's scripts); move what is still needed into preBootstrapScripts or a DaemonSet",
        );
    }
}

function offerScript(args: {
    script: string;
    lines: readonly string[];
    pre: readonly ShellCommand[];
    bootstrapLine?: number;
    where: string;
    builder: TranslationBuilder;
}): void {
    const { lines, pre, bootstrapLine, where, builder } = args;
    const shebang = lines[0].startsWith("#!") ? lines[0] : "#!/bin/bash";
    const end = bootstrapLine === undefined ? lines.length : bootstrapLine - 1;
    const body = lines
        .slice(lines[0].startsWith("#!") ? 1 : 0, end)
        .join("\n")
        .replace(/\n+$/, "");
    const script = `${shebang}\n${body}\n`;
    builder.offeredScripts.push(script);
    const text = pre.map((command) => lineRange(lines, command.startLine, command.endLine).trim()).join("\n");
    const notes = AL2_ONLY.filter(({ pattern }) => pattern.test(text)).map(({ note }) => note);
    builder.unsupported(
        "pre-bootstrap-commands",
        `${where} lines ${pre[0].startLine}-${pre.at(-1)!.endLine}: ${text}`,
        `offered as a preBootstrapScripts script (printed by npm run translate-userdata): copy what AL2023 still needs into the pool's preBootstrapScripts${notes.length > 0 ? `; check: ${notes.join("; ")}` : ""}`,
    );
}
