import { parse as parseYaml } from "yaml";
import { NODEADM_CONTENT_TYPE } from "../nodes/nodeadm-user-data";
import { IDENTITY_HASH_ANNOTATION } from "../identity/service-account-binding";
import type { ScalingConfig } from "../nodes/pools";
import type { GateResult } from "../cutover/guards";
import type { NextStep } from "../cutover/runbook";
import { ConfigError } from "../common/config-error";
import { optionsKey, type Evaluation, type RecordedOptions } from "./evaluate";
import type { CloudFacts, RecordedResource } from "./offline-cloud";
import type { PreviousPhase, Simulation } from "./simulate";
import { parseMultipart } from "../common/mime";
import { CHILD_NAMES } from "../common/child-names";
import { inheritanceField, type InheritancePlan } from "./inheritance-report";

/** The plan document's format version; bumped when a field changes incompatibly. */
export const PLAN_DOCUMENT_VERSION = 1;

/** The first line of every plan: what it is, and what it is not. */
export const OFFLINE_NOTICE =
    "OFFLINE EVALUATION with mocked cloud answers (cluster facts from files, no state): this is NOT `pulumi preview`.";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const ROLE = "aws:iam/role:Role";
const RESTART_TYPES = [
    "kubernetes:apps/v1:DeploymentPatch",
    "kubernetes:apps/v1:StatefulSetPatch",
    "kubernetes:apps/v1:DaemonSetPatch",
];
const SERVICE_ACCOUNT_TYPES = ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch"];

/** A node taint as EKS spells it. */
export interface PlanTaint {
    readonly key: string;
    readonly value?: string;
    readonly effect: string;
}

/** One MIME part of the user data. */
export interface MimePart {
    readonly contentType: string;
    readonly body: string;
}

/** The AL2023 managed node group of a pool, as the program declares it. */
export interface Al2023NodeGroupPlan {
    readonly nodeGroupNamePrefix: string;
    /** The EKS AMI type; absent with a custom AMI (the launch template's image id). */
    readonly amiType?: string;
    readonly customAmi?: string;
    readonly instanceTypes: readonly string[];
    readonly capacityType: string;
    /** Before: the sizes the assumed previous phase planned, or "absent" (the node group does not exist yet). */
    readonly sizes: { readonly before: ScalingConfig | "absent"; readonly after: ScalingConfig };
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly PlanTaint[];
    readonly protect: boolean;
    /** `ignoreChanges: ["scalingConfig.desiredSize"]`: the cluster autoscaler keeps the desired size. */
    readonly ignoreDesiredSize: boolean;
}

/** The launch template of a pool. */
export interface LaunchTemplatePlan {
    readonly namePrefix: string;
    /** Set only with a custom AMI; otherwise EKS picks the AMI from the node group's AMI type. */
    readonly imageId?: string;
    readonly imds: { readonly httpTokens: string; readonly hopLimit: number; readonly endpoint: string };
    readonly rootVolume: {
        readonly deviceName: string;
        readonly type: string;
        readonly sizeGiB: number;
        readonly iops?: number;
        readonly throughput?: number;
        readonly encrypted: boolean;
        readonly kmsKeyId?: string;
    };
    /** Empty: EKS attaches the cluster security group itself. */
    readonly securityGroupIds: readonly string[];
    /** The user data: content type of each MIME part, and the NodeConfig parsed from its YAML. */
    readonly userData: { readonly partContentTypes: readonly string[]; readonly nodeConfig: unknown };
}

/** The AL2 node group of a pool. */
export interface LegacyNodeGroupPlan {
    readonly nodeGroupName: string;
    readonly amiType: string;
    readonly instanceTypes: readonly string[];
    /** Before: live (facts); after: as declared, or "deleted" in decommission. */
    readonly sizes: { readonly before: ScalingConfig | "absent"; readonly after: ScalingConfig | "deleted" };
    readonly taints: { readonly before: readonly PlanTaint[]; readonly after: readonly PlanTaint[] | "deleted" };
    readonly cordon: boolean;
    readonly drain: boolean;
    readonly protect: boolean;
    readonly ignoreDesiredSize: boolean;
    /** The import id when this deployment adopts the node group (`<cluster>:<node group>`). */
    readonly import?: string;
    /** Decommission: the stack no longer declares it, so `pulumi up` deletes it. */
    readonly deleted: boolean;
}

/** One pool of the plan. */
export interface PoolPlan {
    readonly name: string;
    readonly phase: string;
    readonly assumedPreviousPhase: PreviousPhase | "unknown";
    readonly al2023: Al2023NodeGroupPlan;
    readonly launchTemplate: LaunchTemplatePlan;
    /** Absent for a greenfield pool. */
    readonly legacy?: LegacyNodeGroupPlan;
    /** The readiness gate (drain, decommission). */
    readonly gate?: GateResult;
    readonly next?: NextStep;
    /** Per inheritable setting: inherited, set or default; what the AL2023 pool drops. Absent for greenfield. */
    readonly inheritance?: InheritancePlan;
}

/** One workload restarted once so its pods pick up the identity. */
export interface RestartPlan {
    readonly kind: string;
    readonly name: string;
    /** The pod template annotation `eks-al2023-migration/identity-hash`. */
    readonly annotation: string;
}

/** One service account binding. */
export interface ServiceAccountPlan {
    readonly namespace: string;
    readonly name: string;
    readonly binding: string;
    readonly roleName: string;
    readonly roleArn: string;
    /** From the role's trust policy: the OIDC `:sub` values (IRSA), or the service principals (Pod Identity). */
    readonly trust: { readonly subjects: readonly string[]; readonly services: readonly string[] };
    /** `created` (a ServiceAccount), `patched` (a ServiceAccountPatch of an existing one) or `untouched`. */
    readonly serviceAccount: "created" | "patched" | "untouched";
    readonly annotations: Readonly<Record<string, string>>;
    readonly podIdentityAssociation: boolean;
    readonly restarts: readonly RestartPlan[];
}

/** The plan document (`npm run plan -- --json`). Field names are stable; see PLAN_DOCUMENT_VERSION. */
export interface PlanDocument {
    readonly version: typeof PLAN_DOCUMENT_VERSION;
    readonly notice: string;
    readonly stack: string;
    /** Where the cluster facts came from. */
    readonly facts: string;
    /** The stack's `cutoverPhase` as planned (pools may override it). */
    readonly cutoverPhase: string;
    readonly ok: boolean;
    /** When the program failed: its message and, for a ConfigError, each problem. */
    readonly error?: { readonly message: string; readonly problems: readonly string[] };
    readonly cluster?: { readonly name: string; readonly kubernetesVersion: string };
    /** What was simulated because there is no real state. */
    readonly assumptions: readonly string[];
    readonly pools: readonly PoolPlan[];
    readonly serviceAccounts: readonly ServiceAccountPlan[];
    readonly warnings: readonly string[];
    /** Declared resources by type (components included). */
    readonly resourceCounts: Readonly<Record<string, number>>;
}

/** What the plan document is built from. */
export interface PlanInput {
    readonly stack: string;
    readonly factsSource: string;
    readonly cutoverPhase: string;
    readonly facts: CloudFacts;
    readonly simulation: Simulation;
    readonly evaluation: Evaluation;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Json {
    return isObject(value) ? value : {};
}

function asStrings(value: unknown): string[] {
    return Array.isArray(value) ? value.map(String) : [];
}

function scaling(value: unknown): ScalingConfig {
    const s = asObject(value);
    return { min: Number(s.minSize), desired: Number(s.desiredSize), max: Number(s.maxSize) };
}

function taints(value: unknown): PlanTaint[] {
    return (Array.isArray(value) ? value : []).map((item) => {
        const t = asObject(item);
        return { key: String(t.key), ...(t.value ? { value: String(t.value) } : {}), effect: String(t.effect) };
    });
}

/** Decodes a launch template's base64 user data to the MIME text. */
export function decodeUserData(base64: string): string {
    return Buffer.from(base64, "base64").toString("utf8");
}

/** The parts of the program's own multipart/mixed user data (common/mime.ts), each with its content type. */
function mimeParts(text: string): MimePart[] {
    return parseMultipart(text).parts.map((part) => ({
        contentType: part.headers["content-type"] ?? "text/plain",
        body: part.body,
    }));
}

/** The NodeConfig of MIME user data: the `application/node.eks.aws` part's YAML as an object. */
export function nodeConfigOf(parts: readonly MimePart[]): unknown {
    const part = parts.find((p) => p.contentType === NODEADM_CONTENT_TYPE);
    return part === undefined ? undefined : parseYaml(part.body);
}

function find(resources: readonly RecordedResource[], type: string, name: string): RecordedResource | undefined {
    return resources.find((r) => r.type === type && r.name === name);
}

const NO_OPTIONS: RecordedOptions = { protect: false, ignoreChanges: [], dependsOnCount: 0 };

function optionsOf(evaluation: Evaluation, type: string, name: string): RecordedOptions {
    return evaluation.options.get(optionsKey(type, name)) ?? NO_OPTIONS;
}

function al2023Plan(input: PlanInput, pool: string, lt: RecordedResource | undefined): Al2023NodeGroupPlan {
    const { evaluation } = input;
    const ng = asObject(find(evaluation.resources, NODE_GROUP, CHILD_NAMES.al2023NodeGroup(pool))?.inputs);
    const options = optionsOf(evaluation, NODE_GROUP, CHILD_NAMES.al2023NodeGroup(pool));
    const previous = asObject(asObject(asObject(input.simulation.previousOutputs.pools)[pool]).al2023).scaling;
    const imageId = lt?.inputs.imageId;
    return {
        nodeGroupNamePrefix: String(ng.nodeGroupNamePrefix ?? ng.nodeGroupName),
        ...(ng.amiType !== undefined && { amiType: String(ng.amiType) }),
        ...(imageId !== undefined && { customAmi: String(imageId) }),
        instanceTypes: asStrings(ng.instanceTypes),
        capacityType: String(ng.capacityType),
        sizes: {
            before: isObject(previous) ? (previous as unknown as ScalingConfig) : "absent",
            after: scaling(ng.scalingConfig),
        },
        labels: asObject(ng.labels) as Record<string, string>,
        taints: taints(ng.taints),
        protect: options.protect,
        ignoreDesiredSize: options.ignoreChanges.includes("scalingConfig.desiredSize"),
    };
}

function launchTemplatePlan(lt: RecordedResource | undefined): LaunchTemplatePlan {
    const inputs = asObject(lt?.inputs);
    const imds = asObject(inputs.metadataOptions);
    const device = asObject((inputs.blockDeviceMappings as unknown[] | undefined)?.[0]);
    const ebs = asObject(device.ebs);
    const text = typeof inputs.userData === "string" ? decodeUserData(inputs.userData) : "";
    const parts = text === "" ? [] : mimeParts(text);
    return {
        namePrefix: String(inputs.namePrefix),
        ...(inputs.imageId !== undefined && { imageId: String(inputs.imageId) }),
        imds: {
            httpTokens: String(imds.httpTokens),
            hopLimit: Number(imds.httpPutResponseHopLimit),
            endpoint: String(imds.httpEndpoint),
        },
        rootVolume: {
            deviceName: String(device.deviceName),
            type: String(ebs.volumeType),
            sizeGiB: Number(ebs.volumeSize),
            ...(ebs.iops !== undefined && { iops: Number(ebs.iops) }),
            ...(ebs.throughput !== undefined && { throughput: Number(ebs.throughput) }),
            encrypted: String(ebs.encrypted) === "true",
            ...(ebs.kmsKeyId !== undefined && { kmsKeyId: String(ebs.kmsKeyId) }),
        },
        securityGroupIds: asStrings(inputs.vpcSecurityGroupIds),
        userData: { partContentTypes: parts.map((p) => p.contentType), nodeConfig: nodeConfigOf(parts) },
    };
}

function legacyPlan(input: PlanInput, pool: string, outputs: Json): LegacyNodeGroupPlan | undefined {
    const declared = asObject(outputs.legacy);
    if (declared.nodeGroupName === undefined) return undefined;
    const { evaluation } = input;
    const name = String(declared.nodeGroupName);
    const live = input.facts.nodegroups[name]?.nodegroup;
    const resource = find(evaluation.resources, NODE_GROUP, CHILD_NAMES.legacyNodeGroup(pool));
    const options = optionsOf(evaluation, NODE_GROUP, CHILD_NAMES.legacyNodeGroup(pool));
    const ng = asObject(resource?.inputs);
    const deleted = declared.present === false;
    const liveSize = live && {
        min: live.scalingConfig.minSize,
        desired: live.scalingConfig.desiredSize,
        max: live.scalingConfig.maxSize,
    };
    return {
        nodeGroupName: name,
        amiType: String(ng.amiType ?? live?.amiType ?? declared.amiType),
        instanceTypes: asStrings(ng.instanceTypes ?? live?.instanceTypes),
        sizes: { before: liveSize ?? "absent", after: resource === undefined ? "deleted" : scaling(ng.scalingConfig) },
        taints: { before: taints(live?.taints), after: resource === undefined ? "deleted" : taints(ng.taints) },
        cordon: find(evaluation.resources, DYNAMIC, CHILD_NAMES.legacyCordon(pool)) !== undefined,
        drain: find(evaluation.resources, DYNAMIC, CHILD_NAMES.legacyDrain(pool)) !== undefined,
        protect: options.protect,
        ignoreDesiredSize: options.ignoreChanges.includes("scalingConfig.desiredSize"),
        ...(options.import !== undefined && { import: options.import }),
        deleted,
    };
}

function poolPlans(input: PlanInput): PoolPlan[] {
    const pools = asObject(input.evaluation.outputs.pools);
    return Object.keys(pools).map((name) => {
        const outputs = asObject(pools[name]);
        const lt = find(input.evaluation.resources, LAUNCH_TEMPLATE, CHILD_NAMES.launchTemplate(name));
        const legacy = legacyPlan(input, name, outputs);
        return {
            name,
            phase: String(outputs.phase),
            assumedPreviousPhase: input.simulation.previousPhases[name] ?? "unknown",
            al2023: al2023Plan(input, name, lt),
            launchTemplate: launchTemplatePlan(lt),
            ...(legacy !== undefined && { legacy }),
            ...(outputs.gate !== undefined && { gate: outputs.gate as GateResult }),
            ...(outputs.next !== undefined && { next: outputs.next as NextStep }),
            ...inheritanceField(outputs),
        };
    });
}

/** The `:sub` values and service principals a trust policy document allows. */
export function trustOf(assumeRolePolicy: unknown): ServiceAccountPlan["trust"] {
    const doc = asObject(typeof assumeRolePolicy === "string" ? JSON.parse(assumeRolePolicy) : assumeRolePolicy);
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const subjects: string[] = [];
    const services: string[] = [];
    for (const statement of statements.map(asObject)) {
        for (const operator of Object.values(asObject(statement.Condition))) {
            for (const [key, value] of Object.entries(asObject(operator))) {
                if (key.endsWith(":sub"))
                    subjects.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
            }
        }
        const service = asObject(statement.Principal).Service;
        if (service !== undefined) services.push(...(Array.isArray(service) ? service.map(String) : [String(service)]));
    }
    return { subjects, services };
}

function serviceAccountPlans(evaluation: Evaluation): ServiceAccountPlan[] {
    const declared = Array.isArray(evaluation.outputs.serviceAccounts) ? evaluation.outputs.serviceAccounts : [];
    return declared.map(asObject).map((account) => {
        const namespace = String(account.namespace);
        const name = String(account.name);
        const roleArn = String(account.roleArn);
        const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
        const role = evaluation.resources.find((r) => r.type === ROLE && r.inputs.name === roleName);
        const prefix = CHILD_NAMES.serviceAccountBinding(CHILD_NAMES.workloadIdentities, namespace, name);
        const sa = evaluation.resources.find(
            (r) => SERVICE_ACCOUNT_TYPES.includes(r.type) && r.name === CHILD_NAMES.serviceAccount(prefix),
        );
        const restarts = evaluation.resources
            .filter((r) => RESTART_TYPES.includes(r.type) && r.name.startsWith(CHILD_NAMES.restartPrefix(prefix)))
            .map((r) => {
                const metadata = asObject(r.inputs.metadata);
                const template = asObject(asObject(asObject(r.inputs.spec).template).metadata);
                return {
                    kind: String(r.inputs.kind),
                    name: String(metadata.name),
                    annotation: String(asObject(template.annotations)[IDENTITY_HASH_ANNOTATION]),
                };
            });
        return {
            namespace,
            name,
            binding: String(account.binding),
            roleName,
            roleArn,
            trust: role === undefined ? { subjects: [], services: [] } : trustOf(role.inputs.assumeRolePolicy),
            serviceAccount:
                sa === undefined
                    ? "untouched"
                    : sa.type === "kubernetes:core/v1:ServiceAccount"
                      ? "created"
                      : "patched",
            annotations: asObject(asObject(sa?.inputs.metadata).annotations) as Record<string, string>,
            podIdentityAssociation: evaluation.resources.some(
                (r) =>
                    r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" &&
                    r.name === CHILD_NAMES.podIdentityAssociation(prefix),
            ),
            restarts,
        };
    });
}

/** Declared resources by type, sorted by type. */
function resourceCounts(resources: readonly RecordedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    return Object.fromEntries(
        Object.keys(counts)
            .sort()
            .map((type) => [type, counts[type]]),
    );
}

/** What the program threw, as message and problems (a ConfigError lists each problem). */
export function describeError(error: unknown): { message: string; problems: string[] } {
    if (error instanceof ConfigError) return { message: error.message, problems: [...error.problems] };
    const message = error instanceof Error ? error.message : String(error);
    if (message.trim() !== "") return { message, problems: [] };
    // Never an empty refusal: name the error type and where it was thrown.
    const where =
        error instanceof Error ? error.stack?.split("\n").find((line) => line.trim().startsWith("at ")) : undefined;
    const name = error instanceof Error ? error.name : typeof error;
    return { message: `${name} without a message${where ? ` (${where.trim()})` : ""}`, problems: [] };
}

/**
 * Builds the plan document from one offline evaluation: every value comes from what the program declared (recorded
 * resource inputs and options, stack outputs), the facts (live sizes before) and the simulation (assumptions).
 */
export function buildPlanDocument(input: PlanInput): PlanDocument {
    const { evaluation } = input;
    const ok = evaluation.error === undefined;
    const cluster = asObject(evaluation.outputs.cluster);
    return {
        version: PLAN_DOCUMENT_VERSION,
        notice: OFFLINE_NOTICE,
        stack: input.stack,
        facts: input.factsSource,
        cutoverPhase: input.cutoverPhase,
        ok,
        ...(!ok && { error: describeError(evaluation.error) }),
        ...(ok &&
            cluster.name !== undefined && {
                cluster: { name: String(cluster.name), kubernetesVersion: String(cluster.kubernetesVersion) },
            }),
        assumptions: [...input.simulation.assumptions],
        pools: ok ? poolPlans(input) : [],
        serviceAccounts: ok ? serviceAccountPlans(evaluation) : [],
        warnings: ok ? asStrings(evaluation.outputs.warnings) : [],
        resourceCounts: resourceCounts(evaluation.resources),
    };
}

/** The pools whose launch templates the program declared (`<pool>-lt`), in declaration order. */
export function launchTemplatePools(evaluation: Pick<Evaluation, "resources">): string[] {
    return evaluation.resources.filter((r) => r.type === LAUNCH_TEMPLATE).map((r) => r.name.replace(/-lt$/, ""));
}

/** The exact MIME user data of a pool's launch template (decoded from its base64 `userData`); undefined if none. */
export function poolUserData(evaluation: Pick<Evaluation, "resources">, pool: string): string | undefined {
    const userData = find(evaluation.resources, LAUNCH_TEMPLATE, CHILD_NAMES.launchTemplate(pool))?.inputs.userData;
    return typeof userData === "string" ? decodeUserData(userData) : undefined;
}
