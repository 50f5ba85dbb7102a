import type { AddonFacts, ClusterDump, PodIdentityAssociationFacts } from "./cluster-dump";
import { EMPTY_DUMP } from "./cluster-dump";

/** A problem with a dump file, naming the file and the field: printed without a stack trace, exit code 2. */
export class DumpError extends Error {
    constructor(file: string, field: string, problem: string) {
        super(`${file}: ${field}: ${problem}`);
        this.name = "DumpError";
    }
}

/** One parsed JSON document and the file it came from. */
export interface SourceDocument {
    readonly file: string;
    readonly doc: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The dump field each Kubernetes kind goes to; other kinds are ignored. */
const KINDS: Readonly<Record<string, keyof ClusterDump>> = {
    Pod: "pods",
    Deployment: "deployments",
    StatefulSet: "statefulSets",
    DaemonSet: "daemonSets",
    ReplicaSet: "replicaSets",
    Job: "jobs",
    PodDisruptionBudget: "podDisruptionBudgets",
    ServiceAccount: "serviceAccounts",
    Node: "nodes",
    PersistentVolume: "persistentVolumes",
    PersistentVolumeClaim: "persistentVolumeClaims",
    StorageClass: "storageClasses",
};

/** A Kubernetes object or List as `kubectl get ... -o json` writes it (both have `apiVersion` and `kind`). */
function isKubernetesDocument(doc: Json): boolean {
    return typeof doc.apiVersion === "string" && typeof doc.kind === "string";
}

/**
 * Whether a document is one of the dump's (Kubernetes objects and Lists, `kubectl version`, `aws eks describe-addon`,
 * `list-addons`, `list-pod-identity-associations`, `aws ec2 describe-subnets`), so the cloud-facts reader may skip it.
 */
export function isDumpDocument(doc: unknown): boolean {
    if (!isObject(doc)) return false;
    return (
        isKubernetesDocument(doc) ||
        "serverVersion" in doc ||
        "addon" in doc ||
        "addons" in doc ||
        "associations" in doc ||
        "Subnets" in doc
    );
}

/**
 * Whether a document is `aws ec2 describe-subnets` output: part of a dump, and also read as cloud facts (the program
 * reads subnet zones for the live gates), so on its own it does not make a folder hold a dump.
 */
export function isSubnetsDocument(doc: unknown): boolean {
    return isObject(doc) && "Subnets" in doc;
}

/**
 * Whether a document is AWS cloud facts (`describe-cluster`, `describe-nodegroup`, `ssm get-parameter`,
 * `describe-launch-template-versions`, `describe-images`, `describe-instance-types`).
 */
export function isCloudFactsDocument(doc: unknown): boolean {
    return (
        isObject(doc) &&
        ["cluster", "nodegroup", "Parameter", "LaunchTemplateVersions", "Images", "InstanceTypes"].some(
            (key) => key in doc,
        )
    );
}

/** Fails naming the file and field when a dump field is missing or not of the type the pre-flight reads. */
function need(found: {
    /** The dump file, for the error. */
    readonly file: string;
    readonly field: string;
    readonly value: unknown;
    readonly type: "string" | "array";
}): void {
    const { file, field, value, type } = found;
    const ok = type === "array" ? Array.isArray(value) : typeof value === "string";
    if (!ok)
        throw new DumpError(
            file,
            field,
            `expected ${type === "array" ? "a list" : "a string"}, found ${JSON.stringify(value) ?? "nothing"}`,
        );
}

/** Builds a ClusterDump mutably, one document at a time. */
class DumpBuilder {
    readonly lists = new Map<keyof ClusterDump, unknown[]>();
    serverVersion?: string;
    addons?: AddonFacts[];
    addonNames?: string[];
    associations?: PodIdentityAssociationFacts[];
    readonly subnetZones: Record<string, string> = {};

    addKubernetes(file: string, field: string, doc: Json): void {
        if (Array.isArray(doc.items)) {
            doc.items.forEach((item, i) => {
                if (!isObject(item) || typeof item.kind !== "string")
                    throw new DumpError(file, `${field}items[${i}].kind`, "expected a Kubernetes object with a kind");
                this.addKubernetes(file, `${field}items[${i}].`, item);
            });
            return;
        }
        const target = KINDS[doc.kind as string];
        if (target === undefined) return;
        need({
            file,
            field: `${field}metadata.name`,
            value: isObject(doc.metadata) ? doc.metadata.name : undefined,
            type: "string",
        });
        this.lists.set(target, [...(this.lists.get(target) ?? []), doc]);
    }

    add(file: string, doc: Json): void {
        if (isKubernetesDocument(doc)) return this.addKubernetes(file, "", doc);
        if ("serverVersion" in doc) {
            const version = isObject(doc.serverVersion) ? doc.serverVersion.gitVersion : undefined;
            need({ file, field: "serverVersion.gitVersion", value: version, type: "string" });
            this.serverVersion = version as string;
        } else if ("addon" in doc) {
            const addon = isObject(doc.addon) ? doc.addon : {};
            need({ file, field: "addon.addonName", value: addon.addonName, type: "string" });
            need({ file, field: "addon.addonVersion", value: addon.addonVersion, type: "string" });
            this.addons = [
                ...(this.addons ?? []),
                { name: addon.addonName as string, version: addon.addonVersion as string },
            ];
        } else if ("addons" in doc) {
            need({ file, field: "addons", value: doc.addons, type: "array" });
            this.addonNames = [...(this.addonNames ?? []), ...(doc.addons as unknown[]).map(String)];
        } else if ("associations" in doc) {
            need({ file, field: "associations", value: doc.associations, type: "array" });
            (doc.associations as unknown[]).forEach((a, i) => {
                const item = isObject(a) ? a : {};
                need({ file, field: `associations[${i}].namespace`, value: item.namespace, type: "string" });
                need({ file, field: `associations[${i}].serviceAccount`, value: item.serviceAccount, type: "string" });
                this.associations = [
                    ...(this.associations ?? []),
                    { namespace: item.namespace as string, serviceAccount: item.serviceAccount as string },
                ];
            });
        } else if ("Subnets" in doc) {
            need({ file, field: "Subnets", value: doc.Subnets, type: "array" });
            (doc.Subnets as unknown[]).forEach((s, i) => {
                const subnet = isObject(s) ? s : {};
                need({ file, field: `Subnets[${i}].SubnetId`, value: subnet.SubnetId, type: "string" });
                need({ file, field: `Subnets[${i}].AvailabilityZone`, value: subnet.AvailabilityZone, type: "string" });
                this.subnetZones[subnet.SubnetId as string] = subnet.AvailabilityZone as string;
            });
        }
    }

    build(): ClusterDump {
        const dump: Record<string, unknown> = { ...EMPTY_DUMP, subnetZones: this.subnetZones };
        for (const [field, items] of this.lists) dump[field] = items;
        if (this.serverVersion !== undefined) dump.serverVersion = this.serverVersion;
        if (this.addons !== undefined) dump.addons = this.addons;
        if (this.addonNames !== undefined) dump.addonNames = this.addonNames;
        if (this.associations !== undefined) dump.podIdentityAssociations = this.associations;
        return dump as unknown as ClusterDump;
    }
}

/**
 * The cluster dump held by a set of JSON documents, each recognised by its content (file names do not matter):
 * Kubernetes objects and Lists by `kind`, `kubectl version -o json`, `aws eks describe-addon` / `list-addons` /
 * `list-pod-identity-associations` and `aws ec2 describe-subnets` outputs. Cloud facts documents are left to the
 * facts reader; any other document is an error naming its file.
 */
export function clusterDumpFromDocuments(documents: readonly SourceDocument[]): ClusterDump {
    const builder = new DumpBuilder();
    for (const { file, doc } of documents) {
        if (isCloudFactsDocument(doc)) continue;
        if (!isDumpDocument(doc))
            throw new DumpError(
                file,
                "(document)",
                "not a Kubernetes object or List (kubectl get ... -o json), kubectl version, aws eks or aws ec2 describe-subnets output",
            );
        builder.add(file, doc as Json);
    }
    const dump = builder.build();
    for (const [field, kind] of [
        ["nodes", "nodes"],
        ["pods", "pods -A"],
    ] as const) {
        if (dump[field].length === 0)
            throw new DumpError("(dump)", field, `no ${field} found; add \`kubectl get ${kind} -o json\` output`);
    }
    return dump;
}
