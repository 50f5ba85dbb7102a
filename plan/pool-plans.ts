import type { ScalingConfig } from "../nodes/pools";
import type { GateResult } from "../cutover/readiness-gate";
import type { NextStep } from "../cutover/runbook";
import type { RecordedResource } from "./offline-cloud";
import { CHILD_NAMES } from "../common/child-names";
import type {
    Al2023NodeGroupPlan,
    LaunchTemplatePlan,
    LegacyNodeGroupPlan,
    PlanInput,
    PoolPlan,
} from "./plan-document";
import { decodeUserData, mimeParts, nodeConfigOf } from "./recorded-user-data";
import { inheritanceField } from "./inheritance-report";
import {
    asObject,
    asStrings,
    DYNAMIC,
    find,
    isObject,
    LAUNCH_TEMPLATE,
    NODE_GROUP,
    optionsOf,
    scaling,
    taints,
    type Json,
} from "./recorded-values";

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
        // On the node group, or (one type) in the launch template (`instanceTypesIn`, recorded at the first declaration).
        instanceTypes:
            ng.instanceTypes !== undefined || lt?.inputs.instanceType === undefined
                ? asStrings(ng.instanceTypes)
                : [String(lt.inputs.instanceType)],
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

/** Each pool of the plan, from the pools the stack outputs. */
export function poolPlans(input: PlanInput): PoolPlan[] {
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
