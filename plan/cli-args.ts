import { didYouMean } from "../common/suggest";
import { CUTOVER_PHASES, type CutoverPhase } from "../cutover/phases";

/** A command-line mistake: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** How `npm run plan` prints the plan. */
export type PlanFormat = "text" | "json" | "markdown";

/** What `npm run plan` and `npm run userdata` accept. */
export interface PlanArgs {
    readonly stack: string;
    /** Overrides the stack's `cutoverPhase`. */
    readonly phase?: CutoverPhase;
    /** The phase the stack was last deployed in; default: the phase before `phase` (a one-step move). */
    readonly from?: CutoverPhase | "none";
    /** Folder or file with `aws eks describe-cluster` / `describe-nodegroup` JSON; default `facts/<stack>/`. */
    readonly facts?: string;
    /** `--json`. */
    readonly json: boolean;
    /** `--markdown`: tables for a pull-request comment. */
    readonly markdown: boolean;
    /** `userdata` only: the pool whose user data to print. */
    readonly pool?: string;
    /** `--help` / `-h`: print the usage and exit 0. */
    readonly help: boolean;
}

/** The usage text of `npm run plan` and `npm run userdata`. */
export const PLAN_USAGE = `Usage:
  npm run --silent plan -- --stack <stack> [--phase <phase>] [--from <phase|none>] [--facts <path>] [--json | --markdown]
  npm run --silent userdata -- --stack <stack> --pool <pool> [--phase <phase>] [--from <phase|none>] [--facts <path>]

Offline evaluation of the program against cluster facts from files (no AWS, no state): NOT \`pulumi preview\`.

Options (also as --option=value):
  -s, --stack <stack>     the stack: its Pulumi.<stack>.yaml and, by default, facts/<stack>/
      --phase <phase>     plan this cutoverPhase instead of the stack's: ${CUTOVER_PHASES.join(", ")}
      --from <phase|none> the phase last deployed (default: the phase before --phase; none: first deployment)
      --facts <path>      a folder or file of \`aws eks describe-cluster\` / \`describe-nodegroup\` JSON
      --json              print the plan document as JSON (only JSON on stdout)
      --markdown          print the plan as Markdown tables, for a pull-request comment
      --pool <pool>       userdata: the pool whose launch template user data to print
  -h, --help              print this help

Exit codes: 0 ok, 1 the program refused the plan (validation or guard), 2 usage or facts error.
Colours on a terminal unless NO_COLOR is set (https://no-color.org).
`;

const VALUE_FLAGS = ["--stack", "-s", "--phase", "--from", "--facts", "--pool"] as const;
const SWITCHES = ["--json", "--markdown", "--help", "-h"] as const;
const FLAGS: readonly string[] = [...VALUE_FLAGS, ...SWITCHES];

function checkPhase(flag: string, value: string, extra: readonly string[] = []): string {
    const allowed = [...extra, ...CUTOVER_PHASES];
    if (!allowed.includes(value))
        throw new UsageError(
            `${flag}: "${value}" is not a phase${didYouMean(value, allowed)}; allowed: ${allowed.join(", ")}`,
        );
    return value;
}

/** Splits `--flag=value` into `--flag value`; other arguments stay as they are. */
function splitEquals(argv: readonly string[]): string[] {
    return argv.flatMap((arg) => {
        const equals = arg.indexOf("=");
        return arg.startsWith("-") && equals > 0 ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg];
    });
}

/**
 * Parses `--stack prod [--phase drain] [--from shift] [--facts path] [--json | --markdown] [--pool general]
 * [--help]`; each value flag also as `--flag=value`.
 */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    const args = splitEquals(argv);
    const values: Record<string, string> = {};
    const switches = new Set<string>();
    for (let i = 0; i < args.length; i++) {
        const flag = args[i];
        if ((VALUE_FLAGS as readonly string[]).includes(flag)) {
            const value = args[i + 1];
            if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
            values[flag === "-s" ? "--stack" : flag] = value;
            i++;
        } else if ((SWITCHES as readonly string[]).includes(flag)) {
            switches.add(flag === "-h" ? "--help" : flag);
        } else {
            throw new UsageError(`unknown argument "${flag}"${didYouMean(flag, FLAGS)}; see --help`);
        }
    }
    const help = switches.has("--help");
    const json = switches.has("--json");
    const markdown = switches.has("--markdown");
    if (json && markdown) throw new UsageError("--json and --markdown: choose one output format");
    const phase = values["--phase"] && (checkPhase("--phase", values["--phase"]) as CutoverPhase);
    const from = values["--from"] && (checkPhase("--from", values["--from"], ["none"]) as CutoverPhase | "none");
    const stack = values["--stack"];
    if (!help) {
        if (stack === undefined) throw new UsageError("--stack is required (for example --stack dev); see --help");
        if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack: "${stack}" is not a stack name`);
    }
    return {
        stack: stack ?? "",
        ...(phase && { phase }),
        ...(from && { from }),
        ...(values["--facts"] !== undefined && { facts: values["--facts"] }),
        ...(values["--pool"] !== undefined && { pool: values["--pool"] }),
        json,
        markdown,
        help,
    };
}

/** The output format the arguments ask for. */
export function planFormat(args: Pick<PlanArgs, "json" | "markdown">): PlanFormat {
    return args.json ? "json" : args.markdown ? "markdown" : "text";
}
