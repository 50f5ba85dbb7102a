import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { CutoverPhase } from "../../cutover/phases";
import type { CloudFacts } from "../../plan/cloud-facts";
import { beforeMigration, LifecycleEngine, type EngineRun } from "../fakes/lifecycle-engine";
import { nodeConfigs } from "../fakes/mime";
import { exampleFacts, ROOT, stackFileConfig, withAl2LaunchTemplate } from "../fakes/mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/**
 * One `pulumi up` and what must hold after it.
 * - `fail`: the resource (by name) whose create or update fails in this run; `failDelete`: the one whose delete fails
 *   (deletes run after the outputs are registered).
 * - `outcome`: `ok`; `failed` (the update failed, the engine keeps what it had); or the refusal's message (the program
 *   refused before declaring anything).
 * - `record`: the `cutover` output after the run, per pool: `<phase>[ adopted]`, or `none`.
 * - `pools`: per pool, what the run declared and the engine applied, `AL2023 | AL2 | Kubernetes`:
 *   sizes `min/desired/max`, the AL2023 node group's version, the AL2 node group's `import`, `protected`, `tainted`
 *   (LEGACY_TAINT); `cordon` / `drain` for those resources; `-` where nothing was applied.
 * - `sameInputsAs`: every declared resource has exactly the inputs of that earlier step.
 * - `changedInputs`: every input (`<resource>: <path>`) that differs from the last step that was not refused; a
 *   node group input not listed (role, subnets, capacity and AMI type, `instanceTypes`, name) stayed the same, so it
 *   is updated in place, never replaced.
 * - `instanceTypes`: per pool, where its instance types are declared: `template <type>` (the launch template's one
 *   `instanceType`, and none on the node group) or `node group <types>` (and none in the template).
 * - `deleted`: the resources the run deleted (no longer declared); `al2InCluster`: the AL2 node groups still in the
 *   cluster after the run.
 * - `replaced`: the resources whose old instances the run deleted after replacing them, in that order; when a pool's
 *   node group is among them, the cluster holds only its new node group, the one the record names. Every other step
 *   deletes no replaced resource. `al2023InCluster`: how many AL2023 node groups of the first pool the cluster holds.
 * - `stack`: a step of the other stack, where the order between the stacks matters (prod's promotion gate).
 * - `al2023Kubelet`: the `spec.kubelet` of the NodeConfig in the AL2023 launch template's user data (MIME parsed).
 * - `heldBack`: resources the run did not apply (never registered), because something they wait for failed; the next
 *   step that completes applies them.
 */
interface Step {
    /** The stack the step runs; the table's own by default. */
    readonly stack?: "dev" | "prod";
    readonly title: string;
    readonly phase: CutoverPhase;
    readonly fail?: string;
    readonly failDelete?: string;
    readonly change?:
        | "instanceTypes"
        | "labels"
        | "cluster 1.33"
        | "subnets"
        | "subnets, allowReplacement"
        | "AL2 launch template deleted";
    readonly outcome: "ok" | "failed" | RegExp;
    readonly record: Readonly<Record<string, string>>;
    readonly pools?: Readonly<Record<string, string>>;
    readonly sameInputsAs?: string;
    readonly changedInputs?: readonly string[];
    readonly replaced?: readonly string[];
    readonly al2023InCluster?: number;
    readonly instanceTypes?: Readonly<Record<string, string>>;
    readonly deleted?: readonly string[];
    readonly al2InCluster?: readonly string[];
    readonly al2023Kubelet?: unknown;
    readonly heldBack?: readonly string[];
}

/**
 * dev: one pool, `general`, replacing dev-general-al2 (1/2/4); the pool's full size is 1/2/4, canarySize 1. prod's
 * first phases run while dev's drain has failed. prod: two pools (`general` 3/6/12 autoscaled, canarySize 2, and
 * `batch` 2/3/8), both following `cutoverPhase` here, gated by dev's record (`batch` follows dev's `general`).
 */
// prettier-ignore
const DEV: readonly Step[] = [
    { title: "prepare: launch template fails", phase: "prepare", fail: "general-lt", outcome: "failed", record: { general: "none" } },
    { title: "prepare: AL2023 node group fails", phase: "prepare", fail: "general-ng", outcome: "failed", record: { general: "none" } },
    { title: "prepare: import of AL2 fails", phase: "prepare", fail: "general-legacy", outcome: "failed", record: { general: "none" },
      pools: { general: "0/0/1 v1.32 | - | -" } },
    // The retirement (first declared in prepare, the drain a later replacement of the AL2023 node group runs) is part
    // of the pool's record: it fails, nothing is recorded.
    { title: "prepare: the AL2023 node group's retirement fails", phase: "prepare", fail: "general-ng-retirement", outcome: "failed",
      record: { general: "none" }, pools: { general: "0/0/1 v1.32 | 1/2/4 import protected | -" } },
    // Identity resources. A failed role leaves the `serviceAccounts` output (its ARN) unresolved, so the run registers
    // no output at all and the record stays none.
    { title: "prepare: a workload role fails", phase: "prepare", fail: "workloads-shop-invoice-reader-role", outcome: "failed",
      record: { general: "none" }, pools: { general: "0/0/1 v1.32 | 1/2/4 import protected | -" },
      heldBack: ["workloads-shop-invoice-reader-inline", "workloads-shop-invoice-reader-sa", "workloads-shop-invoice-reader-restart-deployment-invoice-api"] },
    // Every other identity resource is in no output: the record advances to the pool's completed prepare (the import
    // ran, the AL2023 node group exists). That is right: the record proves the pool's phase, and workload identities are
    // declared the same in every phase, so the next run (in this phase or the next) creates what failed; the restart
    // still waits for the whole role and the settle. From here on prepare no longer imports (the state holds the node
    // group, the record says adopted).
    { title: "prepare: a role's policy attachment fails", phase: "prepare",
      fail: "workloads-kube-system-aws-load-balancer-controller-AWSLoadBalancerControllerIAMPolicy", outcome: "failed",
      record: { general: "prepare adopted" }, pools: { general: "0/0/1 v1.32 | 1/2/4 import protected | -" },
      heldBack: ["workloads-kube-system-aws-load-balancer-controller-restart-deployment-aws-load-balancer-controller"] },
    { title: "prepare: a role's inline policy fails", phase: "prepare", fail: "workloads-shop-invoice-reader-inline", outcome: "failed",
      record: { general: "prepare adopted" }, pools: { general: "0/0/1 v1.32 | 1/2/4 protected | -" }, heldBack: ["workloads-shop-invoice-reader-restart-deployment-invoice-api"] },
    { title: "prepare: a ServiceAccount patch (IRSA binding) fails", phase: "prepare", fail: "workloads-shop-invoice-reader-sa", outcome: "failed",
      record: { general: "prepare adopted" }, heldBack: ["workloads-shop-invoice-reader-restart-deployment-invoice-api"] },
    { title: "prepare: a created ServiceAccount (Pod Identity binding) fails", phase: "prepare", fail: "workloads-payments-payments-api-sa",
      outcome: "failed", record: { general: "prepare adopted" }, heldBack: ["workloads-payments-payments-api-restart-deployment-payments-api"] },
    { title: "prepare: a Pod Identity association fails", phase: "prepare", fail: "workloads-payments-payments-api-association", outcome: "failed",
      record: { general: "prepare adopted" }, heldBack: ["workloads-payments-payments-api-association-settle", "workloads-payments-payments-api-restart-deployment-payments-api"] },
    { title: "prepare: an association's settle fails", phase: "prepare", fail: "workloads-payments-payments-api-association-settle", outcome: "failed",
      record: { general: "prepare adopted" }, heldBack: ["workloads-payments-payments-api-restart-deployment-payments-api"] },
    { title: "prepare: a restart fails", phase: "prepare", fail: "workloads-payments-payments-api-restart-deployment-payments-api", outcome: "failed",
      record: { general: "prepare adopted" }, pools: { general: "0/0/1 v1.32 | 1/2/4 protected | -" } },
    // The re-run completes every resource (the import ran in an earlier run, see above).
    { title: "prepare", phase: "prepare", outcome: "ok", record: { general: "prepare adopted" },
      pools: { general: "0/0/1 v1.32 | 1/2/4 protected | -" } },
    { title: "canary: AL2023 node group fails", phase: "canary", fail: "general-ng", outcome: "failed", record: { general: "prepare adopted" } },
    { title: "canary: AL2 node group fails", phase: "canary", fail: "general-legacy", outcome: "failed", record: { general: "prepare adopted" } },
    { title: "canary", phase: "canary", outcome: "ok", record: { general: "canary adopted" },
      pools: { general: "1/1/4 v1.32 | 1/2/4 protected | -" } },
    { title: "shift: AL2023 node group fails", phase: "shift", fail: "general-ng", outcome: "failed", record: { general: "canary adopted" } },
    { title: "shift: AL2 taint fails", phase: "shift", fail: "general-legacy", outcome: "failed", record: { general: "canary adopted" } },
    { title: "shift: cordon fails", phase: "shift", fail: "general-legacy-cordon", outcome: "failed", record: { general: "canary adopted" } },
    { title: "shift", phase: "shift", outcome: "ok", record: { general: "shift adopted" },
      pools: { general: "1/2/4 v1.32 | 1/2/4 protected tainted | cordon" } },
    // The case: a drain that times out must not record drain, or decommission would follow.
    { title: "drain: drain times out", phase: "drain", fail: "general-legacy-drain", outcome: "failed", record: { general: "shift adopted" },
      pools: { general: "1/2/4 v1.32 | - | cordon" } },
    // prod's pools share one `cutover` output: a failure in either pool holds back the record of both, and the re-run
    // completes both (the other pool's resources are simply updated again).
    { stack: "prod", title: "prod prepare: general's import of AL2 fails", phase: "prepare", fail: "general-legacy", outcome: "failed",
      record: { general: "none", batch: "none" },
      pools: { general: "0/0/2 v1.32 | - | -", batch: "0/0/1 v1.32 | 2/3/8 import protected | -" } },
    { stack: "prod", title: "prod prepare: batch's AL2023 node group fails", phase: "prepare", fail: "batch-ng", outcome: "failed",
      record: { general: "none", batch: "none" },
      pools: { general: "0/0/2 v1.32 | 3/6/12 import protected | -", batch: "- | 2/3/8 import protected | -" } },
    { stack: "prod", title: "prod prepare", phase: "prepare", outcome: "ok", record: { general: "prepare adopted", batch: "prepare adopted" },
      pools: { general: "0/0/2 v1.32 | 3/6/12 import protected | -", batch: "0/0/1 v1.32 | 2/3/8 import protected | -" } },
    { stack: "prod", title: "prod canary: general's AL2023 node group fails", phase: "canary", fail: "general-ng", outcome: "failed",
      record: { general: "prepare adopted", batch: "prepare adopted" },
      pools: { general: "- | 3/6/12 protected | -", batch: "1/1/8 v1.32 | 2/3/8 protected | -" } },
    { stack: "prod", title: "prod canary: general's AL2 node group fails", phase: "canary", fail: "general-legacy", outcome: "failed",
      record: { general: "prepare adopted", batch: "prepare adopted" },
      pools: { general: "2/2/12 v1.32 | - | -", batch: "1/1/8 v1.32 | 2/3/8 protected | -" } },
    { stack: "prod", title: "prod canary", phase: "canary", outcome: "ok", record: { general: "canary adopted", batch: "canary adopted" },
      pools: { general: "2/2/12 v1.32 | 3/6/12 protected | -", batch: "1/1/8 v1.32 | 2/3/8 protected | -" } },
    { stack: "prod", title: "prod shift: general's AL2023 node group fails", phase: "shift", fail: "general-ng", outcome: "failed",
      record: { general: "canary adopted", batch: "canary adopted" },
      pools: { general: "- | 3/6/12 protected tainted | -", batch: "2/3/8 v1.32 | 2/3/8 protected tainted | cordon" } },
    { stack: "prod", title: "prod shift: general's cordon fails", phase: "shift", fail: "general-legacy-cordon", outcome: "failed",
      record: { general: "canary adopted", batch: "canary adopted" },
      pools: { general: "3/6/12 v1.32 | 3/6/12 protected tainted | -", batch: "2/3/8 v1.32 | 2/3/8 protected tainted | cordon" } },
    { stack: "prod", title: "prod shift: batch's AL2 taint fails", phase: "shift", fail: "batch-legacy", outcome: "failed",
      record: { general: "canary adopted", batch: "canary adopted" },
      pools: { general: "3/6/12 v1.32 | 3/6/12 protected tainted | cordon", batch: "2/3/8 v1.32 | - | cordon" } },
    { stack: "prod", title: "prod shift", phase: "shift", outcome: "ok", record: { general: "shift adopted", batch: "shift adopted" },
      pools: { general: "3/6/12 v1.32 | 3/6/12 protected tainted | cordon", batch: "2/3/8 v1.32 | 2/3/8 protected tainted | cordon" } },
    // prod's gate reads dev's record: dev's failed drain recorded nothing, so prod may not drain.
    { stack: "prod", title: "prod drain while dev's drain has failed", phase: "drain",
      outcome: /may not move pool "general" to "drain": dev \(acme\/eks-al2023-migration\/dev\) has only completed "shift" for pool "general"/,
      record: { general: "shift adopted", batch: "shift adopted" } },
    { title: "decommission after the failed drain is refused", phase: "decommission", outcome: /was last deployed in shift; decommission deletes AL2 node group "dev-general-al2"/,
      record: { general: "shift adopted" } },
    { title: "drain: scale-down of AL2 fails", phase: "drain", fail: "general-legacy", outcome: "failed", record: { general: "shift adopted" },
      pools: { general: "1/2/4 v1.32 | - | cordon drain" } },
    { title: "drain: cordon fails", phase: "drain", fail: "general-legacy-cordon", outcome: "failed", record: { general: "shift adopted" } },
    { title: "drain: AL2023 node group fails", phase: "drain", fail: "general-ng", outcome: "failed", record: { general: "shift adopted" } },
    { title: "drain", phase: "drain", outcome: "ok", record: { general: "drain adopted" },
      pools: { general: "1/2/4 v1.32 | 0/0/4 tainted | cordon drain" } },
    { title: "decommission: AL2023 node group fails", phase: "decommission", fail: "general-ng", outcome: "failed", record: { general: "drain adopted" } },
    // Deletes run after the outputs: the record says decommission, while the AL2 node group is still in the cluster
    // (at 0 nodes) and in the state, with its cordon and drain.
    { title: "decommission: delete of AL2 fails", phase: "decommission", failDelete: "general-legacy", outcome: "failed",
      record: { general: "decommission" }, pools: { general: "1/2/4 v1.32 | - | -" }, deleted: [], al2InCluster: ["dev-general-al2"] },
    // The re-run declares exactly the same and retries the delete: the AL2 node group with its LegacyNodeGroup component
    // (`general`), and the cordon and drain after it.
    { title: "decommission", phase: "decommission", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.32 | - | -" }, sameInputsAs: "decommission: delete of AL2 fails",
      deleted: ["general", "general-legacy", "general-legacy-cordon", "general-legacy-drain"], al2InCluster: [] },
    // The AL2 node group is gone from the cluster now: the node role and subnets come from the record.
    { title: "decommission again", phase: "decommission", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.32 | - | -" }, sameInputsAs: "decommission" },
    { title: "cluster upgraded to 1.33", phase: "decommission", change: "cluster 1.33", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.33 | - | -" }, changedInputs: ["general-ng: version"],
      instanceTypes: { general: "node group t3.large,t3a.large,m6i.large" } },
    { title: "day 2: labels changed (updated in place)", phase: "decommission", change: "labels", outcome: "ok",
      record: { general: "decommission" }, pools: { general: "1/2/4 v1.33 | - | -" }, changedInputs: ["general-ng: labels.tier"] },
    // dev's pool has several instance types: they are on the node group, where a change replaces it.
    { title: "day 2: instance types changed on the node group (would replace it)", phase: "decommission", change: "instanceTypes",
      outcome: /pools\[0\]\.instanceTypes: \["m6i\.large"\] is not allowed; it would replace AL2023 node group "general-\w+" \(which has \["t3\.large","t3a\.large","m6i\.large"\]\)/,
      record: { general: "decommission" } },
    { title: "day 2: subnets changed (would replace the node group)", phase: "decommission", change: "subnets",
      outcome: /pools\[0\]\.subnetIds: \["subnet-0a1b2c3d4e5f60718","subnet-0b2c3d4e5f6071829"\] is not allowed; it would replace AL2023 node group "general-\w+"/,
      record: { general: "decommission" } },
    // Allowed: the record shows the node group's retirement. The new node group comes first (a new name from the
    // prefix), the retirement follows it (its nodeGroupName changed), then the old retirement is deleted, whose delete
    // drains the old node group through the Eviction API (tests/cutover/drain/retirement.test.ts), and only then the
    // old node group. (The label is the labels step's: each step's config starts from the stack file again.)
    { title: "day 2: allowReplacement: the new node group fails", phase: "decommission", change: "subnets, allowReplacement",
      fail: "general-ng", outcome: "failed", record: { general: "decommission" }, al2023InCluster: 1 },
    // Deletes run after the outputs: the record names the new node group; the old one is still there, not yet drained.
    { title: "day 2: allowReplacement: the old node group's drain fails", phase: "decommission", change: "subnets, allowReplacement",
      failDelete: "general-ng-retirement", outcome: "failed", record: { general: "decommission" }, al2023InCluster: 2,
      changedInputs: ["general-ng: labels.tier", "general-ng: subnetIds", "general-ng-retirement: nodeGroupName"] },
    { title: "day 2: subnets changed with allowReplacement (a new node group first, the old one drained)", phase: "decommission",
      change: "subnets, allowReplacement", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.33 | - | -" }, changedInputs: [], replaced: ["general-ng-retirement", "general-ng"],
      al2023InCluster: 1 },
    { title: "the run after the replacement declares the same and replaces nothing", phase: "decommission",
      change: "subnets, allowReplacement", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.33 | - | -" }, sameInputsAs: "day 2: subnets changed with allowReplacement (a new node group first, the old one drained)",
      al2023InCluster: 1 },
];

/** prod, once dev has completed its migration. */
// prettier-ignore
const PROD: readonly Step[] = [
    { title: "drain: batch's drain times out", phase: "drain", fail: "batch-legacy-drain", outcome: "failed",
      record: { general: "shift adopted", batch: "shift adopted" } },
    { title: "drain: general's scale-down of AL2 fails", phase: "drain", fail: "general-legacy", outcome: "failed",
      record: { general: "shift adopted", batch: "shift adopted" },
      pools: { general: "3/6/12 v1.32 | - | cordon drain", batch: "2/3/8 v1.32 | 0/0/8 tainted | cordon drain" } },
    { title: "drain", phase: "drain", outcome: "ok", record: { general: "drain adopted", batch: "drain adopted" },
      pools: { general: "3/6/12 v1.32 | 0/0/12 tainted | cordon drain", batch: "2/3/8 v1.32 | 0/0/8 tainted | cordon drain" } },
    // A failed run deletes nothing: both AL2 node groups stay in the cluster and in the state, and the record in drain.
    { title: "decommission: general's AL2023 node group fails", phase: "decommission", fail: "general-ng", outcome: "failed",
      record: { general: "drain adopted", batch: "drain adopted" }, pools: { general: "- | - | -", batch: "2/3/8 v1.32 | - | -" },
      deleted: [], al2InCluster: ["prod-batch-al2", "prod-general-al2"] },
    { title: "decommission: batch's AL2023 node group fails", phase: "decommission", fail: "batch-ng", outcome: "failed",
      record: { general: "drain adopted", batch: "drain adopted" }, pools: { general: "3/6/12 v1.32 | - | -", batch: "- | - | -" },
      deleted: [], al2InCluster: ["prod-batch-al2", "prod-general-al2"] },
    { title: "decommission", phase: "decommission", outcome: "ok", record: { general: "decommission", batch: "decommission" },
      pools: { general: "3/6/12 v1.32 | - | -", batch: "2/3/8 v1.32 | - | -" }, al2InCluster: [] },
    { title: "decommission again", phase: "decommission", outcome: "ok", record: { general: "decommission", batch: "decommission" },
      sameInputsAs: "decommission" },
    { title: "cluster upgraded to 1.33", phase: "decommission", change: "cluster 1.33", outcome: "ok",
      record: { general: "decommission", batch: "decommission" },
      pools: { general: "3/6/12 v1.33 | - | -", batch: "2/3/8 v1.33 | - | -" },
      instanceTypes: { general: "template m6i.xlarge", batch: "template r6i.2xlarge" } },
    // prod's pools have one instance type each, in the launch template since their first deployment: a change is a
    // new launch template version, which EKS rolls out in place (UpdateNodegroupVersion: maxUnavailable, PDBs).
    { title: "day 2: general's instance type changed (a new launch template version, rolled in place)", phase: "decommission",
      change: "instanceTypes", outcome: "ok", record: { general: "decommission", batch: "decommission" },
      pools: { general: "3/6/12 v1.33 | - | -", batch: "2/3/8 v1.33 | - | -" },
      instanceTypes: { general: "template m6i.large", batch: "template r6i.2xlarge" },
      changedInputs: ["general-lt: instanceType", "general-ng: launchTemplate.version"] },
];

/**
 * dev with its AL2 node group on a launch template (version 3) whose user data is the corpus' bootstrap.sh with
 * `--kubelet-extra-args` (labels, a taint, max-pods): the translation is recorded at the first declaration, so once the
 * AL2 node group and its launch template are gone the AL2023 launch template keeps the same NodeConfig.
 */
// prettier-ignore
const DEV_LAUNCH_TEMPLATE: readonly Step[] = [
    { title: "prepare", phase: "prepare", outcome: "ok", record: { general: "prepare adopted" },
      pools: { general: "0/0/1 v1.32 | 1/2/4 import protected | -" },
      al2023Kubelet: { config: { maxPods: 58 }, flags: ["--image-gc-high-threshold=80"] } },
    { title: "canary", phase: "canary", outcome: "ok", record: { general: "canary adopted" } },
    { title: "shift", phase: "shift", outcome: "ok", record: { general: "shift adopted" } },
    { title: "drain", phase: "drain", outcome: "ok", record: { general: "drain adopted" } },
    { title: "decommission", phase: "decommission", outcome: "ok", record: { general: "decommission" },
      pools: { general: "1/2/4 v1.32 | - | -" }, al2InCluster: [],
      al2023Kubelet: { config: { maxPods: 58 }, flags: ["--image-gc-high-threshold=80"] } },
    // The AL2 node group is gone, and now its launch template too: the user data comes from the record.
    { title: "decommission again (AL2 launch template deleted)", phase: "decommission", change: "AL2 launch template deleted",
      outcome: "ok", record: { general: "decommission" }, pools: { general: "1/2/4 v1.32 | - | -" }, sameInputsAs: "decommission",
      al2023Kubelet: { config: { maxPods: 58 }, flags: ["--image-gc-high-threshold=80"] } },
];

const AL2_LAUNCH_TEMPLATE_ID = "lt-0d1e2f3a4b5c6d7e8";

/** dev's cluster before the migration, its AL2 node group on a launch template holding a corpus user data file. */
function launchTemplateFacts(): CloudFacts {
    const facts = structuredClone(beforeMigration(exampleFacts("dev")));
    delete (facts.nodegroups["dev-general-al2"].nodegroup as { diskSize?: number }).diskSize;
    const userData = fs.readFileSync(
        path.join(ROOT, "tests", "fixtures", "al2-userdata", "01-kubelet-extra-args-labels-taints.sh"),
    );
    return withAl2LaunchTemplate(facts, { id: AL2_LAUNCH_TEMPLATE_ID, userData });
}

/** The exported record per pool, in the table's words. */
function recordText(run: EngineRun, pools: readonly string[]): Record<string, string> {
    const cutover = run.outputs.cutover as { pools: Record<string, { phase: string; adopted: boolean }> } | undefined;
    return Object.fromEntries(
        pools.map((pool) => {
            const entry = cutover?.pools[pool];
            return [pool, entry === undefined ? "none" : `${entry.phase}${entry.adopted ? " adopted" : ""}`];
        }),
    );
}

function sizes(state: Record<string, unknown>): string {
    const scaling = state.scalingConfig as { minSize: number; desiredSize: number; maxSize: number };
    return `${scaling.minSize}/${scaling.desiredSize}/${scaling.maxSize}`;
}

/** What the run applied for one pool, in the table's words. */
function poolText(run: EngineRun, pool: string): string {
    const state = (type: string, name: string) => run.cloud.states.get(`${type}::${name}`)?.state;
    const al2023 = state(NODE_GROUP, `${pool}-ng`);
    const legacy = state(NODE_GROUP, `${pool}-legacy`);
    const options = run.evaluation.options.get(`${NODE_GROUP}::${pool}-legacy`);
    const flags = [
        options?.import !== undefined && "import",
        options?.protect === true && "protected",
        (legacy?.taints as { key: string }[] | undefined)?.some((t) => t.key === "eks-al2023-migration/legacy") &&
            "tainted",
    ].filter((flag): flag is string => typeof flag === "string");
    const kubernetes = ["cordon", "drain"].filter((kind) => state(DYNAMIC, `${pool}-legacy-${kind}`) !== undefined);
    return [
        al2023 === undefined ? "-" : `${sizes(al2023)} v${String(al2023.version)}`,
        legacy === undefined ? "-" : [sizes(legacy), ...flags].join(" "),
        kubernetes.join(" ") || "-",
    ].join(" | ");
}

/** Where a pool's instance types are declared, in the table's words. */
function instanceTypesText(run: EngineRun, pool: string): string {
    const inputs = (type: string, name: string) =>
        run.evaluation.resources.find((r) => r.type === type && r.name === name)?.inputs;
    const template = inputs(LAUNCH_TEMPLATE, `${pool}-lt`)?.instanceType as string | undefined;
    const nodeGroup = inputs(NODE_GROUP, `${pool}-ng`)?.instanceTypes as string[] | undefined;
    return [
        ...(template !== undefined ? [`template ${template}`] : []),
        ...(nodeGroup !== undefined ? [`node group ${nodeGroup.join(",")}`] : []),
    ].join(" and ");
}

/** The leaf paths (`a.b`; arrays whole) at which two input values differ. */
function differingPaths(before: unknown, after: unknown, path: string): string[] {
    const isRecord = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
    if (isRecord(before) && isRecord(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => differingPaths(before[key], after[key], path === "" ? key : `${path}.${key}`));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}

/** Every input that differs between two runs, as `<resource name>: <path>`, sorted. */
function changedInputs(before: EngineRun, after: EngineRun): string[] {
    const byName = (run: EngineRun) => new Map(run.evaluation.resources.map((r) => [r.name, r.inputs as unknown]));
    const [was, now] = [byName(before), byName(after)];
    const names = [...new Set([...was.keys(), ...now.keys()])].sort();
    return names.flatMap((name) => differingPaths(was.get(name), now.get(name), "").map((path) => `${name}: ${path}`));
}

/** Inputs of every resource a run declared, by `<type>::<name>`. */
function declaredInputs(run: EngineRun): Record<string, unknown> {
    return Object.fromEntries(run.evaluation.resources.map((r) => [`${r.type}::${r.name}`, r.inputs]));
}

/** Runs a table's steps in order against one engine, each step a test of its own. */
function describeTable(table: "dev" | "prod" | "dev-lt", steps: readonly Step[], engine: LifecycleEngine): void {
    const runs = new Map<string, EngineRun>();
    let last: EngineRun | undefined;
    /** What failed steps of each stack held back, until a step of that stack completes. */
    const heldBack = { dev: [] as string[], prod: [] as string[] };
    it.each(steps.map((step, index) => ({ ...step, index })))(`${table} $index: $title`, async (step) => {
        const stack = step.stack ?? (table === "dev-lt" ? "dev" : table);
        const pools = Object.keys(step.record);
        if (step.change === "cluster 1.33") {
            engine.changeCluster(stack, (facts) => ({
                ...facts,
                cluster: { cluster: { ...facts.cluster.cluster, version: "1.33" } },
            }));
        }
        if (step.change === "AL2 launch template deleted") {
            engine.changeCluster(stack, ({ launchTemplateVersions: _deleted, ...facts }) => facts);
        }
        const config: Record<string, unknown> = { ...stackFileConfig(stack), cutoverPhase: step.phase };
        // Every pool follows cutoverPhase (prod's batch otherwise waits in prepare).
        config.pools = (config.pools as Record<string, unknown>[]).map(({ phase: _phase, ...pool }, index) => ({
            ...pool,
            ...(index === 0 && step.change === "instanceTypes" && { instanceTypes: ["m6i.large"] }),
            ...(index === 0 && step.change === "labels" && { labels: { workload: "general", tier: "web" } }),
            ...(index === 0 &&
                step.change?.startsWith("subnets") && {
                    subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
                }),
            ...(index === 0 && step.change === "subnets, allowReplacement" && { allowReplacement: true }),
        }));
        const run = await engine.up({
            stack,
            config,
            ...(step.fail !== undefined && { fail: [step.fail] }),
            ...(step.failDelete !== undefined && { failDelete: [step.failDelete] }),
        });
        runs.set(step.title, run);
        const before = last;
        // A refused run declares nothing: inputs are compared with the last run that declared resources.
        if (run.evaluation.error === undefined) last = run;
        if (step.outcome === "ok") {
            expect(run.evaluation.error).toBeUndefined();
            expect(run.failed).toBe(false);
        } else if (step.outcome === "failed") {
            expect(run.failed).toBe(true);
            expect(run.cloud.failed).toStrictEqual(step.fail !== undefined ? [step.fail] : []);
            expect(run.failedDeletes).toStrictEqual(step.failDelete !== undefined ? [step.failDelete] : []);
        } else {
            expect(String(run.evaluation.error)).toMatch(step.outcome);
            expect(run.evaluation.resources.filter((r) => !r.type.startsWith("pulumi:pulumi:"))).toStrictEqual([]);
        }
        expect(recordText(run, pools)).toStrictEqual(step.record);
        if (step.pools !== undefined) {
            expect(Object.fromEntries(pools.map((pool) => [pool, poolText(run, pool)]))).toStrictEqual(step.pools);
        }
        if (step.deleted !== undefined) expect(run.deleted).toStrictEqual(step.deleted);
        expect(run.replaced).toStrictEqual(step.replaced ?? []);
        if (step.al2023InCluster !== undefined) {
            const inCluster = Object.keys(engine.facts(stack).nodegroups).filter((ng) => ng.startsWith(`${pools[0]}-`));
            expect(inCluster.length).toBe(step.al2023InCluster);
        }
        for (const pool of pools.filter((name) => step.replaced?.includes(`${name}-ng`))) {
            const name = run.cloud.states.get(`${NODE_GROUP}::${pool}-ng`)!.state.nodeGroupName;
            const inCluster = Object.keys(engine.facts(stack).nodegroups).filter((ng) => ng.startsWith(`${pool}-`));
            expect(inCluster).toStrictEqual([name]);
            const cutover = run.outputs.cutover as { pools: Record<string, { al2023NodeGroupName?: string }> };
            expect(cutover.pools[pool].al2023NodeGroupName).toBe(name);
        }
        if (step.al2InCluster !== undefined) {
            const names = Object.values(engine.facts(stack).nodegroups).map((ng) => ng.nodegroup.nodegroupName);
            expect(names.filter((name) => name.endsWith("-al2"))).toStrictEqual(step.al2InCluster);
        }
        if (step.sameInputsAs !== undefined) {
            expect(declaredInputs(run)).toStrictEqual(declaredInputs(runs.get(step.sameInputsAs)!));
        }
        if (step.al2023Kubelet !== undefined) {
            const userData = run.cloud.states.get(`${LAUNCH_TEMPLATE}::${pools[0]}-lt`)!.state.userData as string;
            const [nodeConfig] = nodeConfigs(Buffer.from(userData, "base64").toString("utf8")) as {
                spec: { kubelet: unknown };
            }[];
            expect(nodeConfig.spec.kubelet).toStrictEqual(step.al2023Kubelet);
            const ng = run.cloud.states.get(`${NODE_GROUP}::${pools[0]}-ng`)!.state;
            // dev's pool sets labels, so the user data's `team=shop` is not added; it sets no taints, so the user
            // data's taint is.
            expect({ labels: ng.labels, taints: ng.taints }).toStrictEqual({
                labels: { workload: "general" },
                taints: [{ key: "dedicated", value: "web", effect: "NO_SCHEDULE" }],
            });
        }
        if (step.changedInputs !== undefined) expect(changedInputs(before!, run)).toStrictEqual(step.changedInputs);
        const applied = [...run.cloud.states.keys()].map((key) => key.slice(key.lastIndexOf("::") + 2));
        if (step.heldBack !== undefined) {
            expect(step.heldBack.filter((name) => applied.includes(name))).toStrictEqual([]);
            heldBack[stack].push(...step.heldBack);
        }
        if (step.outcome === "ok") {
            expect(heldBack[stack].filter((name) => !applied.includes(name))).toStrictEqual([]);
            heldBack[stack] = [];
        }
        if (step.instanceTypes !== undefined) {
            expect(Object.fromEntries(pools.map((pool) => [pool, instanceTypesText(run, pool)]))).toStrictEqual(
                step.instanceTypes,
            );
        }
        if (step.change === "labels") {
            const ng = run.cloud.states.get(`${NODE_GROUP}::${pools[0]}-ng`)!.state;
            expect(ng.labels).toStrictEqual({ workload: "general", tier: "web" });
        }
    });
}

// One engine for both stacks: prod's promotion gate reads dev's record as the engine left it. A step builds on every
// step before it, so they run in order (vitest runs the tests of a file sequentially) and stop at the first failure.
const engine = new LifecycleEngine({
    dev: beforeMigration(exampleFacts("dev")),
    prod: beforeMigration(exampleFacts("prod")),
});

describe.sequential(
    "a stack's whole life: every run with the state of the last, failed runs, and the years after",
    () => {
        describeTable("dev", DEV, engine);
        describeTable("prod", PROD, engine);
    },
);

describe.sequential("an AL2 node group on a launch template, through decommission and after it is gone", () => {
    describeTable("dev-lt", DEV_LAUNCH_TEMPLATE, new LifecycleEngine({ dev: launchTemplateFacts() }));
});
