import { CUTOVER_PHASES, type CutoverPhase } from "../cutover/phases";

/** A command-line mistake: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** What `npm run plan` and `npm run userdata` accept. */
export interface PlanArgs {
    readonly stack: string;
    /** Overrides the stack's `cutoverPhase`. */
    readonly phase?: CutoverPhase;
    /** The phase the stack was last deployed in; default: the phase before `phase` (a one-step move). */
    readonly from?: CutoverPhase | "none";
    /** Folder or file with `aws eks describe-cluster` / `describe-nodegroup` JSON; default `facts/<stack>/`. */
    readonly facts?: string;
    readonly json: boolean;
    /** `userdata` only: the pool whose user data to print. */
    readonly pool?: string;
}

function takeValue(argv: readonly string[], i: number, flag: string): string {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return value;
}

function checkPhase(flag: string, value: string, extra: readonly string[] = []): string {
    const allowed = [...extra, ...CUTOVER_PHASES];
    if (!allowed.includes(value))
        throw new UsageError(`${flag}: "${value}" is not a phase; allowed: ${allowed.join(", ")}`);
    return value;
}

/** Parses `--stack prod [--phase drain] [--from shift] [--facts path] [--json] [--pool general]`. */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    let stack: string | undefined;
    let phase: CutoverPhase | undefined;
    let from: CutoverPhase | "none" | undefined;
    let facts: string | undefined;
    let pool: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        switch (flag) {
            case "--stack":
            case "-s":
                stack = takeValue(argv, i++, flag);
                break;
            case "--phase":
                phase = checkPhase(flag, takeValue(argv, i++, flag)) as CutoverPhase;
                break;
            case "--from":
                from = checkPhase(flag, takeValue(argv, i++, flag), ["none"]) as CutoverPhase | "none";
                break;
            case "--facts":
                facts = takeValue(argv, i++, flag);
                break;
            case "--pool":
                pool = takeValue(argv, i++, flag);
                break;
            case "--json":
                json = true;
                break;
            default:
                throw new UsageError(`unknown argument "${flag}"`);
        }
    }
    if (stack === undefined) throw new UsageError("--stack is required (for example --stack dev)");
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack: "${stack}" is not a stack name`);
    return { stack, phase, from, facts, json, pool };
}
