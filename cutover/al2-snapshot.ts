import type { Problems } from "../common/config-error";
import type { Al2NodeGroupFacts } from "../nodes/inheritance";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
    typeof value === "object" && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every((item) => typeof item === "string");
const isStringMap = (value: unknown): value is Record<string, string> =>
    isObject(value) && Object.values(value).every((item) => typeof item === "string");
const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"];

/** A whole number ≥ 1, or absent; anything else is a problem at `key`. */
function optionalCount(key: string, value: unknown, problems: Problems): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
    problems.add(key, value, "expected a whole number ≥ 1");
    return undefined;
}

/** A string, or absent; anything else is a problem at `key`. */
function optionalText(key: string, value: unknown, problems: Problems): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" && value !== "") return value;
    problems.add(key, value, "expected a non-empty string");
    return undefined;
}

/**
 * The AL2 node group as the cutover record holds it (`inherited.al2`, written when the AL2023 pool was first
 * declared); every malformed field is a problem naming it. Undefined when absent or malformed.
 */
export function parseAl2Snapshot(key: string, value: unknown, problems: Problems): Al2NodeGroupFacts | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
        problems.add(key, value, "expected the AL2 node group's settings as recorded");
        return undefined;
    }
    const before = problems.count;
    const { amiType, instanceTypes, capacityType, labels, taints, update, launchTemplate } = value;
    if (typeof amiType !== "string") problems.add(`${key}.amiType`, amiType, "expected an AMI type");
    if (!isStringList(instanceTypes)) problems.add(`${key}.instanceTypes`, instanceTypes, "expected a list");
    if (typeof capacityType !== "string") problems.add(`${key}.capacityType`, capacityType, "expected a string");
    if (!isStringMap(labels)) problems.add(`${key}.labels`, labels, "expected a map of strings");
    const taintsOk =
        Array.isArray(taints) &&
        taints.every(
            (taint) =>
                isObject(taint) &&
                typeof taint.key === "string" &&
                (taint.value === undefined || typeof taint.value === "string") &&
                TAINT_EFFECTS.includes(String(taint.effect)),
        );
    if (!taintsOk) problems.add(`${key}.taints`, taints, "expected a list of {key, value, effect}");
    const diskSize = optionalCount(`${key}.diskSize`, value.diskSize, problems);
    const updateValue = isObject(update)
        ? {
              maxUnavailable: optionalCount(`${key}.update.maxUnavailable`, update.maxUnavailable, problems),
              maxUnavailablePercentage: optionalCount(
                  `${key}.update.maxUnavailablePercentage`,
                  update.maxUnavailablePercentage,
                  problems,
              ),
          }
        : undefined;
    if (update !== undefined && !isObject(update)) problems.add(`${key}.update`, update, "expected an object");
    const repair = value.nodeRepair;
    const repairOk = repair === undefined || (isObject(repair) && typeof repair.enabled === "boolean");
    if (!repairOk) problems.add(`${key}.nodeRepair`, repair, "expected {enabled: true or false}");
    const template = isObject(launchTemplate) ? launchTemplate : undefined;
    if (launchTemplate !== undefined && template === undefined) {
        problems.add(`${key}.launchTemplate`, launchTemplate, "expected an object");
    }
    const root = isObject(template?.rootVolume) ? template.rootVolume : undefined;
    const rootVolume =
        root === undefined
            ? undefined
            : {
                  sizeGiB: optionalCount(`${key}.launchTemplate.rootVolume.sizeGiB`, root.sizeGiB, problems),
                  type: optionalText(`${key}.launchTemplate.rootVolume.type`, root.type, problems),
                  kmsKeyId: optionalText(`${key}.launchTemplate.rootVolume.kmsKeyId`, root.kmsKeyId, problems),
              };
    const groups = template?.securityGroupIds;
    if (groups !== undefined && !isStringList(groups)) {
        problems.add(`${key}.launchTemplate.securityGroupIds`, groups, "expected a list of security group ids");
    }
    if (problems.count > before) return undefined;
    const defined = <T extends object>(object: T): T =>
        Object.fromEntries(Object.entries(object).filter(([, item]) => item !== undefined)) as T;
    return {
        amiType: amiType as string,
        instanceTypes: [...(instanceTypes as string[])],
        capacityType: capacityType as string,
        ...(diskSize !== undefined && { diskSize }),
        labels: { ...(labels as Record<string, string>) },
        taints: (taints as Al2NodeGroupFacts["taints"]).map((taint) => defined({ ...taint })),
        ...(updateValue !== undefined && { update: defined(updateValue) }),
        ...(isObject(repair) && { nodeRepair: { enabled: repair.enabled as boolean } }),
        ...(template !== undefined && {
            launchTemplate: defined({
                rootVolume: rootVolume === undefined ? undefined : defined(rootVolume),
                securityGroupIds: groups === undefined ? undefined : [...(groups as string[])],
            }),
        }),
    };
}

/**
 * The launch template version an AL2 node group ran when this program last read it: the raw source its user data
 * translation reads (`translateUserData` is pure, so the same source gives the same NodeConfig on every run).
 */
export interface Al2LaunchTemplateSource {
    readonly id: string;
    /** The version the node group ran (`aws eks describe-nodegroup` `launchTemplate.version`). */
    readonly version: string;
    /** The version's user data, base64 as EC2 returns it; empty when it has none. */
    readonly userData: string;
    /** The version's image id (a CUSTOM node group's AMI); empty when it names none. */
    readonly imageId: string;
}

/** What the record holds of an AL2 node group's launch template: its source, or `none` (it ran none). */
export type RecordedAl2LaunchTemplate = Al2LaunchTemplateSource | "none";

/**
 * The AL2 node group's launch template as the cutover record holds it (`inherited.al2LaunchTemplate`); every
 * malformed field is a problem naming it. Undefined when absent (a record written before it existed) or malformed.
 */
export function parseAl2LaunchTemplate(
    key: string,
    value: unknown,
    problems: Problems,
): RecordedAl2LaunchTemplate | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === "none") return "none";
    if (!isObject(value)) {
        problems.add(key, value, 'expected "none" or {id, version, userData, imageId}');
        return undefined;
    }
    const before = problems.count;
    const { id, version, userData, imageId } = value;
    if (typeof id !== "string" || !/^lt-[0-9a-f]+$/.test(id)) {
        problems.add(`${key}.id`, id, "expected a launch template id (lt-...)");
    }
    if (typeof version !== "string" || !/^[1-9][0-9]*$/.test(version)) {
        problems.add(`${key}.version`, version, "expected a launch template version number, as a string");
    }
    if (typeof userData !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)) {
        problems.add(`${key}.userData`, userData, "expected base64 text (empty when the version has none)");
    }
    if (typeof imageId !== "string" || !/^(ami-[0-9a-f]+)?$/.test(imageId)) {
        problems.add(`${key}.imageId`, imageId, "expected an AMI id (ami-...), or empty");
    }
    if (problems.count > before) return undefined;
    return { id: id as string, version: version as string, userData: userData as string, imageId: imageId as string };
}
