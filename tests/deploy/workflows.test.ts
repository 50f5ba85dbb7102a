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
    readonly strategy?: { matrix: { include: Record<string, string>[] } };
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
        expect(wf.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
        expect(wf.permissions).toEqual({ contents: "read" });
    });

    it("installs exactly the lock file and runs npm test on Node 22", () => {
        const job = wf.jobs.test;
        expect(uses(job, "actions/setup-node")[0].with).toEqual({ "node-version": 22, cache: "npm" });
        expect(job.steps.filter((s) => s.run).map((s) => s.run)).toEqual(["npm ci", "npm test"]);
    });
});

describe("preview.yml", () => {
    const wf = load("preview.yml");
    const job = wf.jobs.preview;

    it("runs on pull requests that touch the program, with an id-token and PR comments", () => {
        expect(Object.keys(wf.on)).toEqual(["pull_request"]);
        expect(sorted(wf.on.pull_request?.paths)).toEqual(PROGRAM_PATHS);
        expect(wf.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("previews dev and prod, each with its own role", () => {
        expect(job.strategy?.matrix.include).toEqual([
            { stack: "dev", role: "AWS_ROLE_ARN_DEV" },
            { stack: "prod", role: "AWS_ROLE_ARN_PROD" },
        ]);
        expect(uses(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]).toBe(
            "${{ vars[matrix.role] }}",
        );
    });

    it("installs dependencies, gets keyless AWS and Pulumi credentials, then previews with a PR comment", () => {
        expect(job.steps.map((s) => s.uses ?? s.run)).toEqual([
            "actions/checkout@v4",
            "actions/setup-node@v4",
            "npm ci",
            "aws-actions/configure-aws-credentials@v4",
            "pulumi/auth-actions@v1",
            "pulumi/actions@v6",
        ]);
        expect(uses(job, "pulumi/actions")[0].with).toEqual({
            command: "preview",
            "stack-name": "${{ env.PULUMI_ORG }}/${{ matrix.stack }}",
            "comment-on-pr": true,
            "github-token": "${{ secrets.GITHUB_TOKEN }}",
        });
        expect(wf.env).toEqual({ PULUMI_ORG: "acme" });
    });
});

describe("deploy.yml", () => {
    const wf = load("deploy.yml");

    it("runs on pushes to main that touch the program, with an id-token", () => {
        expect(Object.keys(wf.on)).toEqual(["push"]);
        expect(wf.on.push?.branches).toEqual(["main"]);
        expect(sorted(wf.on.push?.paths)).toEqual(PROGRAM_PATHS);
        expect(wf.permissions).toEqual({ contents: "read", "id-token": "write" });
    });

    it.each([
        ["dev", "AWS_ROLE_ARN_DEV"],
        ["prod", "AWS_ROLE_ARN_PROD"],
    ])("runs pulumi up on %s with that environment's role", (stack, roleVariable) => {
        const job = wf.jobs[stack];
        expect(job.steps.map((s) => s.uses ?? s.run)).toEqual([
            "actions/checkout@v4",
            "actions/setup-node@v4",
            "npm ci",
            "aws-actions/configure-aws-credentials@v4",
            "pulumi/auth-actions@v1",
            "pulumi/actions@v6",
        ]);
        expect(uses(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]).toBe(
            `\${{ vars.${roleVariable} }}`,
        );
        expect(uses(job, "pulumi/auth-actions")[0].with).toEqual({
            organization: "${{ env.PULUMI_ORG }}",
            "requested-token-type": "urn:pulumi:token-type:access_token:organization",
        });
        expect(uses(job, "pulumi/actions")[0].with).toEqual({
            command: "up",
            "stack-name": `\${{ env.PULUMI_ORG }}/${stack}`,
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
