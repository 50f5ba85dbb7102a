import { didYouMean } from "../common/suggest";
import { parsePlanArgs, PLAN_USAGE, UsageError } from "./cli-args";
import { planStack, runCli, usageExitCode, type Io } from "./plan";
import { launchTemplatePools, poolUserData } from "./recorded-user-data";

/**
 * `npm run userdata -- --stack prod --pool general`: prints the exact MIME user data of the pool's launch template,
 * from an offline evaluation of the program. 0 ok, 1 validation or guard error, 2 usage/facts error or unknown pool.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    try {
        const args = parsePlanArgs(argv);
        if (args.help) {
            io.out(PLAN_USAGE);
            return 0;
        }
        if (args.pool === undefined) throw new UsageError("--pool is required (for example --pool general)");
        if (args.json || args.markdown)
            throw new UsageError("--json and --markdown are for `npm run plan`; user data is printed as MIME text");
        const { document, evaluation } = await planStack(args);
        if (!document.ok) {
            io.err(`${document.error?.message}\n`);
            return 1;
        }
        const userData = poolUserData(evaluation, args.pool);
        if (userData === undefined) {
            const pools = launchTemplatePools(evaluation);
            throw new UsageError(
                `--pool: stack ${args.stack} has no pool "${args.pool}"${didYouMean(args.pool, pools)}; pools: ${pools.join(", ")}`,
            );
        }
        io.out(userData);
        return 0;
    } catch (error) {
        return usageExitCode(error, io);
    }
}

if (require.main === module) runCli(main, { wantsColor: false });
