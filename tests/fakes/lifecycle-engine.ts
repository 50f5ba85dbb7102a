import * as crypto from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import program from "../../index";
import { evaluateOffline, optionsKey, type Evaluation } from "../../plan/evaluate";
import { OfflineCloud } from "../../plan/offline-cloud";
import { type CloudFacts, type DescribeAddonOutput, type DescribeNodegroupOutput } from "../../plan/cloud-facts";
import { POOL_TAG } from "../../nodes/pool-tags";

/** The text every simulated resource failure carries (vitest.config.mts ignores the SDK's unhandled copies of it). */
export const SIMULATED_FAILURE = "simulated failure of";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

/**
 * The inputs whose change replaces a resource, as one text: an AL2023 node group named from a prefix (the inputs EKS
 * cannot update, https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html; the provider
 * marks them ForceNew) and a NodeGroupRetirement (its node group's name). Undefined for every other resource.
 */
function replacementKey(type: string, inputs: Record<string, unknown>): string | undefined {
    if (type === NODE_GROUP && typeof inputs.nodeGroupNamePrefix === "string") {
        const { clusterName, nodeGroupNamePrefix, nodeRoleArn, capacityType, amiType, instanceTypes } = inputs;
        const subnetIds = [...((inputs.subnetIds as string[] | undefined) ?? [])].sort();
        return JSON.stringify({
            clusterName,
            nodeGroupNamePrefix,
            nodeRoleArn,
            subnetIds,
            capacityType,
            amiType,
            instanceTypes,
        });
    }
    if (type === DYNAMIC && typeof inputs.nodeGroupNamePrefix === "string" && "nodeGroupName" in inputs) {
        return JSON.stringify({ nodeGroupName: inputs.nodeGroupName });
    }
    return undefined;
}

/** A launch template as EC2 keeps it across runs: its inputs and latest version, by resource name. */
type LaunchTemplateVersions = Map<string, { readonly inputs: string; readonly version: number }>;

/** An OfflineCloud whose create/update of the named resources fails, as a provider error would. */
export class FailingCloud extends OfflineCloud {
    /** The engine's answer (id and state) to every registration that succeeded, by `<type>::<name>`. */
    public readonly states = new Map<string, { id: string; state: Record<string, unknown> }>();
    /** Resources whose registration failed. */
    public readonly failed: string[] = [];
    private readonly failing: ReadonlySet<string>;
    private readonly cluster: CloudFacts;
    private readonly inState: (key: string) => StateEntry | undefined;
    private readonly launchTemplates: LaunchTemplateVersions;

    constructor(args: {
        readonly facts: CloudFacts;
        readonly previousOutputs: Record<string, unknown>;
        readonly otherStacks: Readonly<Record<string, Record<string, unknown>>>;
        readonly fail: readonly string[];
        /** The resource of a `<type>::<name>` key in the stack's state before the run; by default none. */
        readonly inState?: (key: string) => StateEntry | undefined;
        /** The stack's launch templates so far (updated by this run); other inputs make a new version. @default none */
        readonly launchTemplates?: LaunchTemplateVersions;
    }) {
        super(args.facts, args.previousOutputs, args.otherStacks);
        this.failing = new Set(args.fail);
        this.cluster = args.facts;
        this.inState = args.inState ?? (() => undefined);
        this.launchTemplates = args.launchTemplates ?? new Map();
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const key = optionsKey(args.type, args.name);
        const refusal = this.failing.has(args.name)
            ? `${SIMULATED_FAILURE} ${args.type} ${args.name}`
            : this.addonRefusal(key, args);
        if (refusal !== undefined) {
            this.failed.push(args.name);
            throw new Error(refusal);
        }
        const answer = super.newResource(args);
        if (args.type === LAUNCH_TEMPLATE) {
            // Each update of a launch template's data is a new version (EC2 CreateLaunchTemplateVersion).
            const inputs = JSON.stringify(args.inputs);
            const seen = this.launchTemplates.get(args.name);
            const version = seen === undefined ? 1 : seen.inputs === inputs ? seen.version : seen.version + 1;
            this.launchTemplates.set(args.name, { inputs, version });
            answer.state = { ...answer.state, latestVersion: version };
        }
        const previous = this.inState(key);
        const replaces = previous?.replacementKey !== replacementKey(args.type, args.inputs);
        if (args.type === NODE_GROUP && previous?.nodeGroupName !== undefined) {
            // An update keeps the node group the state holds; a replacement creates a new one first, under a new name
            // from the prefix.
            const prefix = String(args.inputs.nodeGroupNamePrefix);
            const suffix = crypto.createHash("sha256").update(`${args.name}/${previous.nodeGroupName}`);
            const nodeGroupName = replaces ? `${prefix}${suffix.digest("hex").slice(0, 26)}` : previous.nodeGroupName;
            const arn = String(answer.state.arn).replace(/\/[^/]+\/x$/, `/${nodeGroupName}/x`);
            answer.state = { ...answer.state, nodeGroupName, arn };
        }
        // The provider's id of an add-on is `<cluster>:<add-on>` (what an import names).
        const id =
            args.type === ADDON ? `${String(args.inputs.clusterName)}:${String(args.inputs.addonName)}` : answer.id;
        const result = { id, state: { ...answer.state, id } };
        this.states.set(key, result);
        return result;
    }

    /**
     * What EKS and the engine answer for an add-on: creating one the cluster already has fails
     * (CreateAddon: ResourceInUseException, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html);
     * importing one it does not have fails; an import of a resource already in the state with the same id is ignored
     * and the resource updated as usual, while another id would replace it (https://github.com/pulumi/pulumi/pull/2893).
     */
    private addonRefusal(key: string, args: pulumi.runtime.MockResourceArgs): string | undefined {
        if (args.type !== ADDON) return undefined;
        const addonName = String(args.inputs.addonName);
        const exists = this.cluster.addons?.[addonName] !== undefined;
        const state = this.inState(key);
        const id = `${String(args.inputs.clusterName)}:${addonName}`;
        if (state !== undefined) return state.id === id ? undefined : `import of ${args.id} would replace ${state.id}`;
        if (args.id) return exists ? undefined : `importing ${args.id}: the cluster has no add-on ${addonName}`;
        return exists ? `creating add-on ${addonName}: ResourceInUseException: Addon already exists.` : undefined;
    }
}

/** One run of `pulumi up` as the engine carried it out. */
export interface EngineRun {
    readonly evaluation: Evaluation;
    readonly cloud: FailingCloud;
    /**
     * The update failed: a resource failed, a protected resource could not be deleted, a delete failed, or the
     * program refused.
     */
    readonly failed: boolean;
    /** Names of the resources this run deleted (no longer declared), sorted. */
    readonly deleted: readonly string[];
    /**
     * Names of the resources this run replaced, in the order their old instances were deleted (after the new ones
     * were created, dependents first: a node group's retirement before the node group).
     */
    readonly replaced: readonly string[];
    /** Names of the resources whose delete failed in this run. */
    readonly failedDeletes: readonly string[];
    /** The stack's outputs after the run (what the next run's StackReference to itself reads). */
    readonly outputs: Record<string, unknown>;
}

/** The resource name of a `<type>::<name>` key. */
function nameOf(key: string): string {
    return key.slice(key.lastIndexOf("::") + 2);
}

/** What the engine's state holds of one resource. */
interface StateEntry {
    readonly id: string;
    readonly protect: boolean;
    /** The inputs whose change replaces it (`replacementKey`). */
    readonly replacementKey?: string;
    readonly nodeGroupName?: string;
}

/**
 * A fake of the Pulumi engine and of the cluster across `pulumi up` runs of the stacks of one project: the real program
 * runs under mocks, and between runs the state is carried as the engine carries it:
 * - a run that succeeds replaces the stack's outputs; a run in which a resource fails registers the stack's outputs
 *   only if every one of them resolved anyway, merged over the previous ones (Pulumi 3.112 and later); a run the
 *   program refuses registers none;
 * - resources the run declared and the engine created or updated are in the state; node groups and add-ons among them
 *   are live in the cluster with the declared inputs (AL2 node groups keep what only EKS knows); creating an add-on
 *   the cluster already has, or importing with another id than the state's, fails the resource; a launch template
 *   updated with other inputs gets the next `latestVersion`;
 * - a node group named from a prefix whose role, subnets, capacity type, AMI type or instance types changed is
 *   replaced: the new one is created under a new name, and its NodeGroupRetirement with it; only after a run in which
 *   nothing failed, the old instances are deleted, the retirement's before the node group's, and the old node group
 *   leaves the cluster;
 * - only after a run in which nothing failed, resources no longer declared are deleted, and a node group among them
 *   leaves the cluster; a resource the previous run left protected is not deleted, and fails the update;
 * - deletes run after the program's outputs are registered; when one fails (`failDelete`), the update fails and
 *   stops there: every resource still to be deleted stays in the state (and a node group in the cluster), and the
 *   outputs stay registered.
 */
export class LifecycleEngine {
    private readonly live = new Map<string, CloudFacts>();
    private readonly outputs = new Map<string, Record<string, unknown>>();
    private readonly state = new Map<string, Map<string, StateEntry>>();
    /** Old instances of replaced resources a failed run left for the next one to delete (Pulumi's pending deletes). */
    private readonly pendingDeletes = new Map<string, [string, StateEntry][]>();
    private readonly launchTemplates = new Map<string, LaunchTemplateVersions>();

    /** `facts` per stack: the cluster before the first run. */
    constructor(facts: Readonly<Record<string, CloudFacts>>) {
        for (const [stack, cluster] of Object.entries(facts)) this.live.set(stack, structuredClone(cluster));
    }

    /** The cluster as it is now. */
    facts(stack: string): CloudFacts {
        return this.live.get(stack)!;
    }

    /** Changes the cluster outside the stack (a cluster upgrade). */
    changeCluster(stack: string, change: (facts: CloudFacts) => CloudFacts): void {
        this.live.set(stack, change(this.facts(stack)));
    }

    /** One `pulumi up` of `stack` with `config`, where the resources named in `fail` (`failDelete`: their delete) fail. */
    async up(args: {
        readonly stack: string;
        readonly config: Readonly<Record<string, unknown>>;
        readonly fail?: readonly string[];
        readonly failDelete?: readonly string[];
    }): Promise<EngineRun> {
        const { stack } = args;
        const previous = this.outputs.get(stack) ?? {};
        const otherStacks = Object.fromEntries(
            [...this.outputs.entries()].map(([name, outputs]) => [`acme/eks-al2023-migration/${name}`, outputs]),
        );
        const cloud = new FailingCloud({
            facts: this.facts(stack),
            previousOutputs: previous,
            otherStacks,
            fail: args.fail ?? [],
            inState: (key) => this.state.get(stack)?.get(key),
            launchTemplates: this.launchTemplateVersions(stack),
        });
        const evaluation = await evaluateOffline({
            stack,
            config: args.config,
            facts: this.facts(stack),
            previousOutputs: previous,
            otherStacks,
            program,
            cloud,
        });
        const state = this.state.get(stack) ?? new Map<string, StateEntry>();
        const declared = new Map<string, StateEntry>();
        for (const [key, answer] of cloud.states) {
            const options = evaluation.options.get(key);
            const nodeGroupName = answer.state.nodeGroupName as string | undefined;
            const replacement = replacementKey(key.slice(0, key.indexOf("::")), answer.state);
            declared.set(key, {
                id: answer.id,
                protect: options?.protect ?? false,
                ...(nodeGroupName && { nodeGroupName }),
                ...(replacement !== undefined && { replacementKey: replacement }),
            });
            if (key.startsWith(`${NODE_GROUP}::`)) this.applyNodeGroup(stack, answer.state);
            if (key.startsWith(`${ADDON}::`)) this.applyAddon(stack, answer.state);
        }
        const refused = evaluation.error !== undefined && cloud.failed.length === 0;
        let failed = evaluation.error !== undefined || cloud.failed.length > 0;
        const next = new Map([...state, ...declared]);
        const deleted: string[] = [];
        const failedDeletes: string[] = [];
        const replaced: string[] = [];
        // Deletes run only after a run in which nothing failed; a run that failed before them leaves its replaced
        // resources' old instances for the next one.
        const deletesRun = !failed;
        if (deletesRun) {
            // The old instances of replaced resources go first, dependents before what they depend on.
            const old = [...(this.pendingDeletes.get(stack) ?? []), ...replacedNow(state, declared)];
            this.pendingDeletes.delete(stack);
            old.sort(([a], [b]) => Number(a.startsWith(`${NODE_GROUP}::`)) - Number(b.startsWith(`${NODE_GROUP}::`)));
            for (const [index, [key, entry]] of old.entries()) {
                if (args.failDelete?.includes(nameOf(key))) {
                    // The update stops at a failed delete: this and every old instance after it wait for the next run.
                    failedDeletes.push(nameOf(key));
                    this.pendingDeletes.set(stack, old.slice(index));
                    break;
                }
                replaced.push(nameOf(key));
                if (key.startsWith(`${NODE_GROUP}::`) && entry.nodeGroupName !== undefined) {
                    this.deleteNodeGroup(stack, entry.nodeGroupName);
                }
            }
            if (failedDeletes.length > 0) failed = true;
            const gone = [...state].filter(([key]) => !declared.has(key));
            const protectedOnes = gone.filter(([, entry]) => entry.protect);
            // "resource ... cannot be deleted because it is protected"
            if (protectedOnes.length > 0) failed = true;
            if (failedDeletes.length === 0) {
                failedDeletes.push(
                    ...gone.map(([key]) => nameOf(key)).filter((name) => args.failDelete?.includes(name)),
                );
            }
            if (failedDeletes.length > 0) failed = true;
            for (const [key, entry] of gone) {
                if (entry.protect || failedDeletes.length > 0) continue;
                next.delete(key);
                deleted.push(nameOf(key));
                if (entry.nodeGroupName !== undefined) this.deleteNodeGroup(stack, entry.nodeGroupName);
            }
        }
        if (!deletesRun && !refused) {
            this.pendingDeletes.set(stack, [
                ...(this.pendingDeletes.get(stack) ?? []),
                ...replacedNow(state, declared),
            ]);
        }
        if (!refused) this.state.set(stack, next);
        const registered = evaluation.error === undefined;
        const outputs = !registered
            ? previous
            : cloud.failed.length > 0 || failed
              ? { ...previous, ...evaluation.outputs }
              : evaluation.outputs;
        this.outputs.set(stack, outputs);
        return { evaluation, cloud, failed, deleted: deleted.sort(), replaced, failedDeletes, outputs };
    }

    /** The stack's launch templates, which its runs update in place. */
    private launchTemplateVersions(stack: string): LaunchTemplateVersions {
        const versions = this.launchTemplates.get(stack) ?? new Map();
        this.launchTemplates.set(stack, versions);
        return versions;
    }

    /** A created or updated node group, live with its inputs. */
    private applyNodeGroup(stack: string, state: Record<string, unknown>): void {
        const facts = this.facts(stack);
        const name = String(state.nodeGroupName);
        const before = facts.nodegroups[name]?.nodegroup;
        const scaling = state.scalingConfig as { minSize: number; desiredSize: number; maxSize: number };
        const taints = (state.taints as DescribeNodegroupOutput["nodegroup"]["taints"]) ?? [];
        const nodegroup: DescribeNodegroupOutput["nodegroup"] = before
            ? { ...before, scalingConfig: { ...scaling }, taints }
            : {
                  nodegroupName: name,
                  nodegroupArn: String(state.arn),
                  clusterName: String(state.clusterName),
                  version: String(state.version ?? facts.cluster.cluster.version),
                  releaseVersion: String(state.releaseVersion ?? ""),
                  status: "ACTIVE",
                  capacityType: String(state.capacityType),
                  scalingConfig: { ...scaling },
                  instanceTypes: state.instanceTypes as string[],
                  subnets: state.subnetIds as string[],
                  amiType: String(state.amiType ?? "CUSTOM"),
                  nodeRole: String(state.nodeRoleArn),
                  labels: state.labels as Record<string, string>,
                  taints,
                  tags: state.tags as Record<string, string>,
              };
        const updated = before?.amiType.startsWith("AL2023_")
            ? {
                  ...nodegroup,
                  version: String(state.version ?? before.version),
                  instanceTypes: state.instanceTypes as string[],
                  labels: state.labels as Record<string, string>,
              }
            : nodegroup;
        this.live.set(stack, { ...facts, nodegroups: { ...facts.nodegroups, [name]: { nodegroup: updated } } });
    }

    /** A created, imported or updated add-on, live in the cluster with its inputs. */
    private applyAddon(stack: string, state: Record<string, unknown>): void {
        const facts = this.facts(stack);
        const addonName = String(state.addonName);
        const addon: DescribeAddonOutput["addon"] = {
            addonName,
            clusterName: String(state.clusterName),
            addonVersion: String(
                state.addonVersion ?? facts.addons?.[addonName]?.addon.addonVersion ?? "v1.3.4-eksbuild.1",
            ),
            status: "ACTIVE",
            tags: { ...(state.tags as Record<string, string> | undefined) },
        };
        this.live.set(stack, { ...facts, addons: { ...facts.addons, [addonName]: { addon } } });
    }

    private deleteNodeGroup(stack: string, name: string): void {
        const facts = this.facts(stack);
        const nodegroups = { ...facts.nodegroups };
        delete nodegroups[name];
        this.live.set(stack, { ...facts, nodegroups });
    }
}

/** The state's entries of the resources a run replaced (declared again with other replacing inputs). */
function replacedNow(
    state: ReadonlyMap<string, StateEntry>,
    declared: ReadonlyMap<string, StateEntry>,
): [string, StateEntry][] {
    return [...state].filter(([key, entry]) => {
        const now = declared.get(key);
        return now !== undefined && entry.replacementKey !== now.replacementKey;
    });
}

/** The cluster of a stack before the migration: its facts without the AL2023 node groups the stack will create. */
export function beforeMigration(facts: CloudFacts): CloudFacts {
    const nodegroups = Object.fromEntries(
        Object.entries(facts.nodegroups).filter(([, output]) => output.nodegroup.tags?.[POOL_TAG] === undefined),
    );
    return { ...facts, nodegroups };
}
