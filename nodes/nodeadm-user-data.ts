import { stringify } from "yaml";
import { bodyWithBoundary, renderMultipart } from "../common/mime";
import { KUBELET_CONFIGURATION_KEYS } from "./kubelet-configuration-keys";

/**
 * The fixed MIME boundary. Fixed, so the same input renders the same bytes and a re-run creates no new launch
 * template version; RFC 2046 `bchars` only, and checked against every part so it cannot occur inside one.
 */
export const MIME_BOUNDARY = "EKS-AL2023-MIGRATION-BOUNDARY";

/** Content type of a NodeConfig part: the only parts nodeadm reads (https://awslabs.github.io/amazon-eks-ami/nodeadm/). */
export const NODEADM_CONTENT_TYPE = "application/node.eks.aws";

/** Content type of a shell script part, run by cloud-init before nodeadm starts kubelet (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/examples/). */
export const SHELL_SCRIPT_CONTENT_TYPE = 'text/x-shellscript; charset="us-ascii"';

/** The only NodeConfig API version nodeadm serves (https://awslabs.github.io/amazon-eks-ami/nodeadm/). */
export const NODECONFIG_API_VERSION = "node.eks.aws/v1alpha1";

/** EC2's user data limit: 16 KB of base64 text (RequestLaunchTemplateData `UserData`). */
export const MAX_USER_DATA_BYTES = 16_384;

/** The cluster coordinates every node needs (NodeConfig `spec.cluster`, values from DescribeCluster: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html). */
export interface NodeadmCluster {
    readonly name: string;
    /** The API server URL (`https://...`). */
    readonly apiServerEndpoint: string;
    /** Base64 CA bundle exactly as DescribeCluster returns it. */
    readonly certificateAuthority: string;
    /** The service CIDR. */
    readonly cidr: string;
}

/** What the user data holds. */
export interface NodeadmUserDataInput {
    readonly cluster: NodeadmCluster;
    /** `spec.kubelet.config.maxPods`. */
    readonly maxPods?: number;
    /** Extra KubeletConfiguration fields (`spec.kubelet.config`). @default {} */
    readonly kubeletConfig?: Readonly<Record<string, unknown>>;
    /** Extra kubelet flags (`spec.kubelet.flags`). @default [] */
    readonly kubeletFlags?: readonly string[];
    /** Shell scripts placed before the NodeConfig part, each starting with `#!`. @default [] */
    readonly preBootstrapScripts?: readonly string[];
    /** `spec.containerd` and `spec.instance`, carried over from an AL2 node group's user data. @default none */
    readonly extraSpec?: NodeConfigExtraSpec;
}

/** NodeConfig `spec.containerd` and `spec.instance` (https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/api/). */
export interface NodeConfigExtraSpec {
    readonly containerd?: { readonly config: string };
    readonly instance?: { readonly localStorage: { readonly strategy: "RAID0" | "RAID10" | "Mount" } };
}

/** A NodeConfig document (nodeadm's `node.eks.aws/v1alpha1` API), as this program writes it. */
export interface NodeConfig {
    readonly apiVersion: typeof NODECONFIG_API_VERSION;
    readonly kind: "NodeConfig";
    readonly spec: {
        readonly cluster: NodeadmCluster;
        readonly kubelet?: { readonly config?: Record<string, unknown>; readonly flags?: readonly string[] };
    } & NodeConfigExtraSpec;
}

/** User data that nodeadm or EC2 would not accept as this program means it. */
export class UserDataError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UserDataError";
    }
}

/** Nested field sets of the NodeConfig schema (nodeadm crds/node.eks.aws_nodeconfigs.yaml); `true` = open map. */
type Schema = { readonly [key: string]: Schema | true };
const NODECONFIG_SCHEMA: Schema = {
    apiVersion: true,
    kind: true,
    metadata: true,
    spec: {
        cluster: {
            apiServerEndpoint: true,
            certificateAuthority: true,
            cidr: true,
            enableOutpost: true,
            id: true,
            name: true,
        },
        containerd: { baseRuntimeSpec: true, config: true },
        featureGates: true,
        instance: {
            environment: true,
            localStorage: { disabledMounts: true, mountPath: true, strategy: true },
            network: { domains: true, nameservers: true },
        },
        kubelet: { config: true, flags: true, maxPodsExpression: true },
    },
};

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every key of `doc` that the NodeConfig schema does not have, as a dotted path (nodeadm would drop it: https://awslabs.github.io/amazon-eks-ami/nodeadm/). */
export function unknownNodeConfigKeys(doc: unknown, schema: Schema = NODECONFIG_SCHEMA, path = ""): string[] {
    if (!isObject(doc)) return [];
    return Object.entries(doc).flatMap(([key, value]) => {
        const field = path === "" ? key : `${path}.${key}`;
        const known = schema[key];
        if (known === undefined) return [field];
        if (known === true) {
            if (field !== "spec.kubelet.config" || !isObject(value)) return [];
            const kubeletKeys: readonly string[] = KUBELET_CONFIGURATION_KEYS;
            return Object.keys(value)
                .filter((name) => !kubeletKeys.includes(name))
                .map((name) => `${field}.${name}`);
        }
        return unknownNodeConfigKeys(value, known, field);
    });
}

/** Sorts object keys at every depth (arrays keep their order), so the YAML does not depend on input key order. */
function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (!isObject(value)) return value;
    return Object.fromEntries(
        Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]),
    );
}

/**
 * Builds the NodeConfig object: `spec.cluster` always (complete, so it also works with a custom AMI where EKS adds
 * nothing: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html), `spec.kubelet` only when something is set. Throws a UserDataError for keys nodeadm does not know.
 */
export function buildNodeConfig(input: NodeadmUserDataInput): NodeConfig {
    const { name, apiServerEndpoint, certificateAuthority, cidr } = input.cluster;
    const config = sortKeys({
        ...(input.kubeletConfig ?? {}),
        ...(input.maxPods !== undefined && { maxPods: input.maxPods }),
    }) as Record<string, unknown>;
    const flags = input.kubeletFlags ?? [];
    const kubelet = {
        ...(Object.keys(config).length > 0 && { config }),
        ...(flags.length > 0 && { flags: [...flags] }),
    };
    const doc: NodeConfig = {
        apiVersion: NODECONFIG_API_VERSION,
        kind: "NodeConfig",
        spec: {
            cluster: { name, apiServerEndpoint, certificateAuthority, cidr },
            ...(Object.keys(kubelet).length > 0 && { kubelet }),
            ...(input.extraSpec?.containerd !== undefined && { containerd: input.extraSpec.containerd }),
            ...(input.extraSpec?.instance !== undefined && { instance: input.extraSpec.instance }),
        },
    };
    const unknown = unknownNodeConfigKeys(doc);
    if (unknown.length > 0) {
        throw new UserDataError(
            `NodeConfig keys nodeadm does not know (it would drop them silently): ${unknown.join(", ")}`,
        );
    }
    for (const [field, value] of Object.entries(doc.spec.cluster)) {
        if (typeof value !== "string" || value === "") {
            throw new UserDataError(
                `NodeConfig spec.cluster.${field} is required (nodeadm refuses to start without it)`,
            );
        }
    }
    return doc;
}

/**
 * Renders the user data as nodeadm reads it (https://awslabs.github.io/amazon-eks-ami/nodeadm/, https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/examples/): a `multipart/mixed` document with a fixed boundary, the
 * shell scripts first (they run before nodeadm's run phase; parts after EKS's own NodeConfig never run), then one
 * `application/node.eks.aws` part with the NodeConfig YAML. Plain text, no gzip, LF line endings, blank line after
 * every header block. Same input, same bytes.
 */
export function renderNodeadmUserData(input: NodeadmUserDataInput): string {
    const doc = buildNodeConfig(input);
    const scripts = input.preBootstrapScripts ?? [];
    scripts.forEach((script, i) => {
        if (!script.startsWith("#!")) {
            throw new UserDataError(`preBootstrapScripts[${i}] must start with #! (cloud-init runs it as a program)`);
        }
    });
    const parts = [
        ...scripts.map((body) => ({ contentType: SHELL_SCRIPT_CONTENT_TYPE, body })),
        { contentType: NODEADM_CONTENT_TYPE, body: `---\n${stringify(doc, { lineWidth: 0 })}` },
    ];
    const clash = bodyWithBoundary(
        MIME_BOUNDARY,
        parts.map((part) => part.body),
    );
    if (clash !== -1) {
        throw new UserDataError(`user data part ${clash + 1} contains the MIME boundary --${MIME_BOUNDARY}`);
    }
    return renderMultipart(MIME_BOUNDARY, parts);
}

/** Base64-encodes user data for the launch template, failing clearly when it exceeds EC2's 16 KB limit. */
export function encodeUserData(userData: string): string {
    const encoded = Buffer.from(userData, "utf8").toString("base64");
    if (encoded.length > MAX_USER_DATA_BYTES) {
        throw new UserDataError(
            `user data is ${encoded.length} bytes base64-encoded; EC2 allows at most ${MAX_USER_DATA_BYTES} (16 KB): shorten preBootstrapScripts or kubelet settings`,
        );
    }
    return encoded;
}
