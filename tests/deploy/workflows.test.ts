import { describe, expect, it } from "vitest";
import { programPaths } from "../../deploy/settings";
import { workflow } from "./deploy-helpers";

interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
}
interface Job {
    readonly needs?: string;
    readonly environment?: string;
    readonly permissions?: Record<string, string>;
    readonly strategy?: { matrix: { include?: Record<string, string>[]; node?: number[] } };
    readonly steps: Step[];
}
interface Workflow {
    readonly on: Record<string, { branches?: string[]; paths?: string[] } | null>;
    readonly permissions: Record<string, string>;
    readonly env?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

const load = (name: string) => workflow(name) as unknown as Workflow;
const uses = (job: Job, action: string) => job.steps.filter((step) => step.uses?.split("@")[0] === action);

/** The paths of either stack's program: what the Deployments settings filter on (sorted). */
const PROGRAM_PATHS = [...new Set([...programPaths("dev"), ...programPaths("prod")])].sort();
const sorted = (paths: string[] | undefined) => [...(paths ?? [])].sort();

describe("test.yml", () => {
    const wf = load("test.yml");

    it("runs on every pull request and on pushes to main", () => {
        expect(wf.on).toStrictEqual({ pull_request: null, push: { branches: ["main"] } });
        expect(wf.permissions).toStrictEqual({ contents: "read" });
    });

    it("installs exactly the lock file and runs npm test on Node 22 and 24", () => {
        const job = wf.jobs.test;
        expect(job.strategy?.matrix.node).toStrictEqual([22, 24]);
        expect(uses(job, "actions/setup-node")[0].with).toStrictEqual({
            "node-version": "${{ matrix.node }}",
            cache: "npm",
        });
        expect(job.steps.map((s) => s.uses ?? s.run)).toStrictEqual([
            "actions/checkout@v6",
            "actions/setup-node@v6",
            "npm ci",
            "npm test",
        ]);
    });
});

describe("preview.yml", () => {
    const wf = load("preview.yml");
    const job = wf.jobs.preview;

    it("runs on pull requests that touch the program, the policy pack or the offline plan, with PR comments", () => {
        expect(Object.keys(wf.on)).toStrictEqual(["pull_request"]);
        expect(sorted(wf.on.pull_request?.paths)).toStrictEqual(
            [...PROGRAM_PATHS, "policy/**", "plan/**", "facts/**"].sort(),
        );
        expect(wf.permissions).toStrictEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("previews dev and prod, each with its own role", () => {
        expect(job.strategy?.matrix.include).toStrictEqual([
            { stack: "dev", role: "AWS_ROLE_ARN_DEV" },
            { stack: "prod", role: "AWS_ROLE_ARN_PROD" },
        ]);
        expect(uses(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]).toBe(
            "${{ vars[matrix.role] }}",
        );
    });

    it("installs dependencies, gets keyless AWS and Pulumi credentials, then previews with the policy pack", () => {
        expect(job.steps.map((s) => s.uses ?? s.run)).toStrictEqual([
            "actions/checkout@v6",
            "actions/setup-node@v6",
            "npm ci",
            "npm ci --prefix policy",
            "aws-actions/configure-aws-credentials@v6",
            "pulumi/auth-actions@v2",
            "pulumi/actions@v7",
        ]);
        expect(uses(job, "pulumi/actions")[0].with).toStrictEqual({
            command: "preview",
            "stack-name": "${{ env.PULUMI_ORG }}/${{ matrix.stack }}",
            policyPacks: "policy",
            "comment-on-pr": true,
            "github-token": "${{ secrets.GITHUB_TOKEN }}",
        });
        expect(wf.env).toStrictEqual({ PULUMI_ORG: "acme" });
    });

    it("posts the offline Markdown plan of dev and prod as one PR comment, without cloud credentials", () => {
        const plan = wf.jobs["offline-plan"];
        expect(plan.permissions).toStrictEqual({ contents: "read", "pull-requests": "write" });
        expect(plan.steps.map((s) => s.uses ?? s.run?.split("\n")[0])).toStrictEqual([
            "actions/checkout@v6",
            "actions/setup-node@v6",
            "npm ci",
            'marker="<!-- eks-al2023-migration:offline-plan -->"',
        ]);
        const script = plan.steps[3].run ?? "";
        expect(script).toContain('npm run --silent plan -- --stack "$stack" --markdown || status=1');
        expect(script).toContain("for stack in dev prod; do");
        // Updates its own comment (found by the marker) instead of adding one per push.
        expect(script).toContain(
            'gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@plan.md',
        );
        expect(script).toContain('gh pr comment "$PR" --body-file plan.md');
        expect(JSON.stringify(plan)).not.toMatch(/configure-aws-credentials|auth-actions|id-token/);
    });
});

describe("deploy.yml", () => {
    const wf = load("deploy.yml");

    it("runs on pushes to main that touch the program, with an id-token", () => {
        expect(Object.keys(wf.on)).toStrictEqual(["push"]);
        expect(wf.on.push?.branches).toStrictEqual(["main"]);
        expect(sorted(wf.on.push?.paths)).toStrictEqual(PROGRAM_PATHS);
        expect(wf.permissions).toStrictEqual({ contents: "read", "id-token": "write" });
    });

    it.each([
        ["dev", "AWS_ROLE_ARN_DEV"],
        ["prod", "AWS_ROLE_ARN_PROD"],
    ])("runs pulumi up on %s with that environment's role", (stack, roleVariable) => {
        const job = wf.jobs[stack];
        expect(job.steps.map((s) => s.uses ?? s.run)).toStrictEqual([
            "actions/checkout@v6",
            "actions/setup-node@v6",
            "npm ci",
            "npm ci --prefix policy",
            "aws-actions/configure-aws-credentials@v6",
            "pulumi/auth-actions@v2",
            "pulumi/actions@v7",
        ]);
        expect(uses(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]).toBe(
            `\${{ vars.${roleVariable} }}`,
        );
        expect(uses(job, "pulumi/auth-actions")[0].with).toStrictEqual({
            organization: "${{ env.PULUMI_ORG }}",
            "requested-token-type": "urn:pulumi:token-type:access_token:organization",
        });
        expect(uses(job, "pulumi/actions")[0].with).toStrictEqual({
            command: "up",
            "stack-name": `\${{ env.PULUMI_ORG }}/${stack}`,
            policyPacks: "policy",
        });
    });

    it("runs prod only after dev succeeded, in the production environment (required approval)", () => {
        expect(wf.jobs.dev.needs).toBeUndefined();
        expect(wf.jobs.dev.environment).toBeUndefined();
        expect(wf.jobs.prod.needs).toBe("dev");
        expect(wf.jobs.prod.environment).toBe("production");
    });
});

describe("every workflow", () => {
    it("uses the Node 24 majors of its actions", () => {
        const majors: Record<string, string> = {
            "actions/checkout": "v6",
            "actions/setup-node": "v6",
            "aws-actions/configure-aws-credentials": "v6",
            "pulumi/auth-actions": "v2",
            "pulumi/actions": "v7",
        };
        for (const name of ["test.yml", "preview.yml", "deploy.yml"]) {
            for (const job of Object.values(load(name).jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) {
                    const [action, version] = step.uses!.split("@");
                    expect(`${action}@${version}`).toBe(`${action}@${majors[action]}`);
                }
            }
        }
    });

    it("runs the guardrails policy pack on every preview and update", () => {
        const runs = ["preview.yml", "deploy.yml"].flatMap((name) =>
            Object.values(load(name).jobs).flatMap((job) => uses(job, "pulumi/actions")),
        );
        expect(runs).toHaveLength(3);
        for (const step of runs) expect(step.with?.policyPacks).toBe("policy");
    });

    it("pins each action to a major version and stores no cloud key", () => {
        for (const name of ["test.yml", "preview.yml", "deploy.yml"]) {
            const wf = load(name);
            for (const job of Object.values(wf.jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) expect(step.uses).toMatch(/@v\d+$/);
            }
            expect(JSON.stringify(wf)).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN/);
        }
    });
});
