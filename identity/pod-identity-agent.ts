import type * as aws from "@pulumi/aws";
import type { IdentityConfig } from "./identity-config";

/**
 * The `eks-pod-identity-agent` add-on as the cluster has it, read before it is declared, so a stack that manages the
 * add-on adopts one that already exists (import) instead of failing to create a second. EKS DescribeAddon
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddon.html) answers `ResourceNotFoundException`
 * when the cluster has no such add-on; the Pulumi AWS provider's `aws.eks.getAddon` only fails then, with a text
 * that is not an API.
 */

/** The EKS add-on that runs the Pod Identity agent on every node. */
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";

/** The fields of an existing add-on that an import must declare exactly (DescribeAddon `addon`). */
export interface LiveAddon {
    readonly addonVersion: string;
    /** Absent when the add-on has no IRSA role. */
    readonly serviceAccountRoleArn?: string;
    /** Absent when the add-on runs with its default configuration. */
    readonly configurationValues?: string;
    readonly tags: Readonly<Record<string, string>>;
}

/** Reads one add-on of a cluster; undefined when the cluster has none of that name. */
export type AddonReader = (args: {
    readonly clusterName: string;
    readonly addonName: string;
    readonly region: string;
}) => Promise<LiveAddon | undefined>;

/**
 * DescribeAddon through the AWS SDK for JavaScript v3 (`@aws-sdk/client-eks`) with the SDK's default credential chain
 * (the same credentials as the DescribeNodegroup health read, cutover/nodegroup-health.ts). Absent only on
 * `ResourceNotFoundException`; any other error (access denied, throttling) fails the run.
 */
export const describeAddon: AddonReader = async ({ clusterName, addonName, region }) => {
    // Loaded on first use: only stacks with `podIdentityAgent.manage: true` call it.
    const { EKSClient, DescribeAddonCommand, ResourceNotFoundException } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@aws-sdk/client-eks") as typeof import("@aws-sdk/client-eks");
    const client = new EKSClient({ region });
    try {
        const { addon } = await client.send(new DescribeAddonCommand({ clusterName, addonName }));
        return addon === undefined ? undefined : liveAddon(addon);
    } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
    } finally {
        client.destroy();
    }
};

/** The import fields of a DescribeAddon `addon` (also the `aws eks describe-addon` output of the offline facts). */
export function liveAddon(addon: {
    readonly addonVersion?: string;
    readonly serviceAccountRoleArn?: string;
    readonly configurationValues?: string;
    readonly tags?: Readonly<Record<string, string>>;
}): LiveAddon {
    return {
        addonVersion: addon.addonVersion ?? "",
        ...(addon.serviceAccountRoleArn ? { serviceAccountRoleArn: addon.serviceAccountRoleArn } : {}),
        ...(addon.configurationValues ? { configurationValues: addon.configurationValues } : {}),
        tags: { ...(addon.tags ?? {}) },
    };
}

let override: AddonReader | undefined;

/**
 * Replaces the reader, for an offline evaluation under Pulumi's mocks (plan/offline-cloud.ts answers from the
 * `describe-addon` facts); `undefined` restores DescribeAddon.
 */
export function useAddonReader(reader: AddonReader | undefined): void {
    override = reader;
}

/** The reader in use: the offline one when set, else DescribeAddon. */
export function addonReader(): AddonReader {
    return override ?? describeAddon;
}

/** How this run declares the agent add-on. */
export type AgentAdoption =
    /** The cluster has none: create it. */
    | { readonly mode: "create" }
    /** The stack already manages it (created or imported by an earlier run): declare it as configured. */
    | { readonly mode: "managed" }
    /** It exists and no completed run of this stack manages it: import it with exactly its live inputs. */
    | { readonly mode: "import"; readonly live: LiveAddon };

/**
 * Decides between create, import and the managed add-on. `managedBefore`: the last completed run's record says the
 * stack manages the add-on (the `podIdentityAgent` stack output), so it is in the state and is never imported again.
 */
export function agentAdoption(args: {
    readonly live: LiveAddon | undefined;
    readonly managedBefore: boolean;
}): AgentAdoption {
    if (args.managedBefore) return { mode: "managed" };
    return args.live === undefined ? { mode: "create" } : { mode: "import", live: args.live };
}

/** The stack output that records that the stack manages the agent add-on; the next run reads it back. */
export const POD_IDENTITY_AGENT_OUTPUT = "podIdentityAgent";

/** What the `podIdentityAgent` stack output holds once a run has created or imported the add-on. */
export interface AgentRecord {
    readonly addonName: typeof POD_IDENTITY_AGENT_ADDON;
    readonly managed: true;
}

/** Whether the last completed run's `podIdentityAgent` output (any value, or none) says the stack manages it. */
export function agentManagedBefore(recorded: unknown): boolean {
    return (
        typeof recorded === "object" &&
        recorded !== null &&
        (recorded as Record<string, unknown>).managed === true &&
        (recorded as Record<string, unknown>).addonName === POD_IDENTITY_AGENT_ADDON
    );
}

/**
 * The agent add-on's inputs. An import declares exactly what the add-on has (its version, role, configuration and
 * tags: `pulumi import` must find no difference); later runs declare the configured add-on (`addonVersion` when set,
 * the stack's tags, conflicts resolved by overwriting), which the provider applies as an update in place.
 */
export function agentAddonInputs(args: {
    readonly clusterName: string;
    readonly identity: Pick<IdentityConfig, "podIdentityAgent">;
    readonly adoption: AgentAdoption;
    readonly tags: Readonly<Record<string, string>>;
}): aws.eks.AddonArgs {
    const { clusterName, adoption } = args;
    if (adoption.mode === "import") {
        const live = adoption.live;
        return {
            clusterName,
            addonName: POD_IDENTITY_AGENT_ADDON,
            addonVersion: live.addonVersion,
            ...(live.serviceAccountRoleArn !== undefined && { serviceAccountRoleArn: live.serviceAccountRoleArn }),
            ...(live.configurationValues !== undefined && { configurationValues: live.configurationValues }),
            tags: { ...live.tags },
        };
    }
    const version = args.identity.podIdentityAgent.addonVersion;
    return {
        clusterName,
        addonName: POD_IDENTITY_AGENT_ADDON,
        ...(version !== undefined ? { addonVersion: version } : {}),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: { ...args.tags },
    };
}
