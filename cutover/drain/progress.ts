/**
 * Progress of a cordon or drain, one line at a time. In the dynamic provider the lines go through `pulumi.log.info`
 * (https://www.pulumi.com/docs/iac/concepts/logging/): the dynamic provider host has no engine connection
 * (https://github.com/pulumi/pulumi/issues/6065), so each is written to its stdout as `info: [runtime] <line>`, which
 * the engine shows as an info diagnostic (https://github.com/pulumi/pulumi/pull/18253). Tests pass a function that
 * records them.
 */
export type DrainLog = (line: string) => void;

/** Lines to the Pulumi engine. `@pulumi/pulumi` is loaded in the body so the serialized provider keeps a `require`. */
export function engineLog(line: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    void pulumi.log.info(line);
}

/** `1m05s`, `42s`: a duration the way a person reads it. */
export function formatDuration(ms: number): string {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(seconds / 60);
    return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/**
 * The periodic status line: pods left per node (nodes in name order, only those with pods left) and the time left
 * before `drainTimeoutMinutes`.
 */
export function statusLine(args: {
    readonly nodeGroupName: string;
    readonly podsLeftByNode: ReadonlyMap<string, number>;
    readonly msLeft: number;
}): string {
    const nodes = [...args.podsLeftByNode.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
    const total = nodes.reduce((sum, [, n]) => sum + n, 0);
    const perNode = nodes.map(([node, n]) => `${node}: ${n}`).join(", ");
    return (
        `drain of node group "${args.nodeGroupName}": ${total} pod(s) left${total > 0 ? ` (${perNode})` : ""}; ` +
        `${formatDuration(args.msLeft)} left before drainTimeoutMinutes`
    );
}
