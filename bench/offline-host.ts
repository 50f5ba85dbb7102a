/**
 * Preloaded (`node --require`) into `@pulumi/pulumi/cmd/run`, the script Pulumi's Node.js language host starts, so
 * that the program runs through Pulumi's own loader (ts-node registration, entry point resolution, root stack) with
 * the offline cloud as the resource monitor instead of an engine. Reads the job from `BENCH_HOST_JOB`; config comes
 * from `PULUMI_CONFIG` as the language host passes it. Reports what was declared when the process exits; with
 * `loadOnly`, reports and exits as soon as the entry point is loaded (start-up: loader, SDKs and our modules, before
 * the program function runs).
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadCloudFacts } from "../plan/facts-files";
import { OfflineCloud } from "../plan/offline-cloud";
import { PROJECT } from "../common/project";
import { countByType, report } from "./protocol";

/** What the parent asks one language-host child to do. */
export interface HostJob {
    readonly stack: string;
    readonly facts: string;
    readonly previousOutputs: Record<string, unknown>;
    readonly otherStacks: Record<string, Record<string, unknown>>;
    /** Stop once the entry point is loaded. */
    readonly loadOnly: boolean;
}

/** Node's internal module loader entry, through which cmd/run's `require(program)` goes. */
type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

const job = JSON.parse(fs.readFileSync(process.env.BENCH_HOST_JOB ?? "", "utf8")) as HostJob;
const cloud = new OfflineCloud(loadCloudFacts(job.facts), job.previousOutputs, job.otherStacks);
void pulumi.runtime.setMocks(cloud, PROJECT, job.stack, false, "acme");

if (job.loadOnly) {
    const loader = Module as unknown as { _load: Load };
    const load = loader._load;
    const runScript = path.join("cmd", "run", "run.js");
    loader._load = function (request, parent, isMain) {
        const loaded = load.call(this, request, parent, isMain);
        // cmd/run requires the program by absolute path; the vendored ts-node it also loads so lives in node_modules.
        const program = path.isAbsolute(request) && !request.includes(`${path.sep}node_modules${path.sep}`);
        if (program && parent?.filename?.endsWith(runScript)) {
            report({});
            process.exit(0);
        }
        return loaded;
    };
} else {
    process.on("exit", (code) => {
        if (code !== 0) return;
        const byType = countByType(cloud.resources);
        report({ resources: Object.values(byType).reduce((sum, n) => sum + n, 0), byType });
    });
}
