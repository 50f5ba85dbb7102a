import * as fs from "node:fs";
import * as path from "node:path";
import { isDumpDocument, isSubnetsDocument, type SourceDocument } from "../preflight/dump";
import type {
    CloudFacts,
    DescribeAddonOutput,
    DescribeClusterOutput,
    DescribeImagesImage,
    DescribeNodegroupOutput,
} from "./cloud-facts";
import type { InstanceTypeOutput, LaunchTemplateVersionOutput } from "./offline-ec2";

/** A problem with a facts file, naming the file and the field. */
export class FactsError extends Error {
    constructor(file: string, field: string, problem: string) {
        super(`${file}: ${field}: ${problem}`);
        this.name = "FactsError";
    }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `field` (a dotted path) of `doc`, failing with the file and field named when it is missing or mistyped. */
function requireField(read: {
    /** The facts file, for the error. */
    readonly file: string;
    readonly doc: Json;
    readonly field: string;
    readonly type: "string" | "number" | "object" | "array";
}): unknown {
    const { file, doc, field, type } = read;
    let value: unknown = doc;
    for (const part of field.split(".")) value = isObject(value) ? value[part] : undefined;
    const ok = type === "array" ? Array.isArray(value) : type === "object" ? isObject(value) : typeof value === type;
    if (!ok)
        throw new FactsError(
            file,
            field,
            `expected ${type === "array" ? "a list" : `a ${type}`}, found ${JSON.stringify(value) ?? "nothing"}`,
        );
    return value;
}

function checkCluster(file: string, doc: Json): DescribeClusterOutput {
    for (const field of [
        "cluster.name",
        "cluster.arn",
        "cluster.version",
        "cluster.endpoint",
        "cluster.certificateAuthority.data",
        "cluster.resourcesVpcConfig.clusterSecurityGroupId",
        "cluster.resourcesVpcConfig.vpcId",
    ]) {
        requireField({ file, doc, field, type: "string" });
    }
    requireField({ file, doc, field: "cluster.kubernetesNetworkConfig", type: "object" });
    return doc as unknown as DescribeClusterOutput;
}

function checkNodegroup(file: string, doc: Json): DescribeNodegroupOutput {
    for (const field of [
        "nodegroup.nodegroupName",
        "nodegroup.nodegroupArn",
        "nodegroup.clusterName",
        "nodegroup.amiType",
        "nodegroup.nodeRole",
        "nodegroup.status",
        "nodegroup.version",
        "nodegroup.releaseVersion",
    ]) {
        requireField({ file, doc, field, type: "string" });
    }
    for (const field of [
        "nodegroup.scalingConfig.minSize",
        "nodegroup.scalingConfig.maxSize",
        "nodegroup.scalingConfig.desiredSize",
    ]) {
        requireField({ file, doc, field, type: "number" });
    }
    requireField({ file, doc, field: "nodegroup.subnets", type: "array" });
    return doc as unknown as DescribeNodegroupOutput;
}

function checkAddon(file: string, doc: Json): DescribeAddonOutput {
    for (const field of ["addon.addonName", "addon.clusterName", "addon.addonVersion"]) {
        requireField({ file, doc, field, type: "string" });
    }
    return doc as unknown as DescribeAddonOutput;
}

/** Every JSON document of a folder (each `*.json` in it, sorted by name) or of one file; a file may hold a list. */
export function readJsonDocuments(location: string): SourceDocument[] {
    if (!fs.existsSync(location)) throw new FactsError(location, "(file)", "no such file or folder");
    const files = fs.statSync(location).isDirectory()
        ? fs
              .readdirSync(location)
              .filter((name) => name.endsWith(".json"))
              .sort()
              .map((name) => path.join(location, name))
        : [location];
    const documents: SourceDocument[] = [];
    for (const file of files) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (error) {
            throw new FactsError(file, "(document)", `not valid JSON: ${(error as Error).message}`);
        }
        for (const doc of Array.isArray(parsed) ? parsed : [parsed]) documents.push({ file, doc });
    }
    return documents;
}

/**
 * Loads cluster facts from a folder (every `*.json` in it) or one file: `aws eks describe-cluster` output (one),
 * `aws eks describe-nodegroup`, `aws eks describe-addon`, `aws ec2 describe-launch-template-versions`,
 * `aws ec2 describe-images`, `aws ec2 describe-instance-types`, `aws ec2 describe-subnets` and
 * `aws ssm get-parameter` outputs (any number), exactly as the AWS CLI prints
 * them. A file may also hold a list of such documents. Documents of a pre-flight cluster dump (`kubectl get -o json`,
 * see preflight/dump.ts) are skipped, so one folder can serve both commands.
 */
export function loadCloudFacts(location: string): CloudFacts {
    return cloudFactsFromDocuments(location, readJsonDocuments(location));
}

/** The cloud facts held by parsed documents (see `loadCloudFacts`). */
export function cloudFactsFromDocuments(location: string, documents: readonly SourceDocument[]): CloudFacts {
    let cluster: DescribeClusterOutput | undefined;
    const nodegroups: Record<string, DescribeNodegroupOutput> = {};
    const ssmParameters: Record<string, string> = {};
    const launchTemplateVersions: Record<string, LaunchTemplateVersionOutput[]> = {};
    const images: Record<string, DescribeImagesImage> = {};
    const instanceTypes: Record<string, InstanceTypeOutput> = {};
    const addons: Record<string, DescribeAddonOutput> = {};
    const subnetZones: Record<string, string> = {};
    for (const { file, doc } of documents) {
        // `aws eks describe-addon` output serves both the plan (the agent add-on's adoption) and the pre-flight dump.
        if (isObject(doc) && "addon" in doc) {
            const addon = checkAddon(file, doc);
            addons[addon.addon.addonName] = addon;
            continue;
        }
        // `aws ec2 describe-subnets` output is also a dump document: the program reads the zones (live gates).
        if (isObject(doc) && isSubnetsDocument(doc)) {
            const subnets = requireField({ file, doc, field: "Subnets", type: "array" }) as unknown[];
            subnets.forEach((subnet) => {
                const id = requireField({ file, doc: { s: subnet }, field: "s.SubnetId", type: "string" }) as string;
                subnetZones[id] = requireField({
                    file,
                    doc: { s: subnet },
                    field: "s.AvailabilityZone",
                    type: "string",
                }) as string;
            });
            continue;
        }
        if (isDumpDocument(doc)) continue;
        if (isObject(doc) && "cluster" in doc) {
            if (cluster) throw new FactsError(file, "cluster", "a second describe-cluster document; give one cluster");
            cluster = checkCluster(file, doc);
        } else if (isObject(doc) && "nodegroup" in doc) {
            const ng = checkNodegroup(file, doc);
            nodegroups[ng.nodegroup.nodegroupName] = ng;
        } else if (isObject(doc) && "LaunchTemplateVersions" in doc) {
            const versions = requireField({ file, doc, field: "LaunchTemplateVersions", type: "array" }) as Json[];
            versions.forEach((version, i) => {
                const field = `LaunchTemplateVersions.${i}`;
                const id = requireField({
                    file,
                    doc: { v: version },
                    field: "v.LaunchTemplateId",
                    type: "string",
                }) as string;
                requireField({ file, doc: { v: version }, field: "v.VersionNumber", type: "number" });
                if (!isObject(version.LaunchTemplateData)) {
                    throw new FactsError(file, `${field}.LaunchTemplateData`, "expected an object");
                }
                (launchTemplateVersions[id] ??= []).push(version as unknown as LaunchTemplateVersionOutput);
            });
        } else if (isObject(doc) && "Images" in doc) {
            const list = requireField({ file, doc, field: "Images", type: "array" }) as Json[];
            list.forEach((image, i) => {
                for (const field of ["ImageId", "Name"]) {
                    const value = isObject(image) ? image[field] : undefined;
                    if (typeof value !== "string") {
                        const found = JSON.stringify(value) ?? "nothing";
                        throw new FactsError(file, `Images.${i}.${field}`, `expected a string, found ${found}`);
                    }
                }
                images[image.ImageId as string] = image as unknown as DescribeImagesImage;
            });
        } else if (isObject(doc) && "InstanceTypes" in doc) {
            const entries = requireField({ file, doc, field: "InstanceTypes", type: "array" }) as Json[];
            entries.forEach((entry, i) => {
                const name = requireField({
                    file,
                    doc: { v: entry },
                    field: "v.InstanceType",
                    type: "string",
                }) as string;
                const arch = requireField({
                    file,
                    doc: { v: entry },
                    field: "v.ProcessorInfo.SupportedArchitectures",
                    type: "array",
                });
                if (!(arch as unknown[]).every((item) => typeof item === "string")) {
                    throw new FactsError(
                        file,
                        `InstanceTypes.${i}.ProcessorInfo.SupportedArchitectures`,
                        "expected a list of strings",
                    );
                }
                instanceTypes[name] = entry as unknown as InstanceTypeOutput;
            });
        } else if (isObject(doc) && "Parameter" in doc) {
            const name = requireField({ file, doc, field: "Parameter.Name", type: "string" }) as string;
            ssmParameters[name] = requireField({ file, doc, field: "Parameter.Value", type: "string" }) as string;
        } else {
            throw new FactsError(
                file,
                "(document)",
                'expected `aws eks describe-cluster` ({"cluster": ...}), `aws eks describe-nodegroup` ({"nodegroup": ...}), `aws ec2 describe-launch-template-versions` ({"LaunchTemplateVersions": ...}), `aws ec2 describe-images` ({"Images": ...}), `aws ec2 describe-instance-types` ({"InstanceTypes": ...}) or `aws ssm get-parameter` ({"Parameter": ...}) output',
            );
        }
    }
    if (!cluster) throw new FactsError(location, "cluster", "no describe-cluster document found");
    return {
        cluster,
        nodegroups,
        ...(Object.keys(ssmParameters).length > 0 && { ssmParameters }),
        ...(Object.keys(launchTemplateVersions).length > 0 && { launchTemplateVersions }),
        ...(Object.keys(images).length > 0 && { images }),
        ...(Object.keys(instanceTypes).length > 0 && { instanceTypes }),
        ...(Object.keys(addons).length > 0 && { addons }),
        ...(Object.keys(subnetZones).length > 0 && { subnetZones }),
    };
}
