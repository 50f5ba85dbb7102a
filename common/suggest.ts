/**
 * "Did you mean" suggestions for mistyped names (config keys, phases, pools, node groups, config namespaces), and
 * hints for words other tools use for the same setting. Pure; shared by the config validation and the plan CLI.
 */

/** The Levenshtein edit distance between two strings (insertions, deletions and substitutions count one each). */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

/**
 * The known name closest to `word` (case-insensitive), when it is close enough to be a typo: at most two edits, or a
 * third of the word's length for long words. A word that is a prefix of exactly one known name (`dec` for
 * `decommission`) suggests that name.
 */
export function closestName(word: string, known: readonly string[]): string | undefined {
    const lower = word.toLowerCase();
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of known) {
        const d = editDistance(lower, candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
    const prefixed = known.filter((candidate) => lower.length >= 3 && candidate.toLowerCase().startsWith(lower));
    return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean "x"?)` for the closest known name, or "" when none is close. */
export function didYouMean(word: string, known: readonly string[]): string {
    const suggestion = closestName(word, known);
    return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}

/**
 * Words eksctl (https://eksctl.io/usage/schema/#managedNodeGroups), Terraform's aws_eks_node_group
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_node_group) and CloudFormation's
 * AWS::EKS::Nodegroup use for a node group setting, and the key path inside a pool (`pools[i]`) that holds it.
 */
export const FOREIGN_POOL_VOCABULARY: Readonly<Record<string, string>> = {
    minSize: "scaling.min",
    min_size: "scaling.min",
    desiredCapacity: "scaling.desired",
    desiredSize: "scaling.desired",
    desired_size: "scaling.desired",
    maxSize: "scaling.max",
    max_size: "scaling.max",
    scalingConfig: "scaling",
    scaling_config: "scaling",
    instanceType: "instanceTypes",
    instance_types: "instanceTypes",
    volumeSize: "rootVolume.sizeGiB",
    diskSize: "rootVolume.sizeGiB",
    disk_size: "rootVolume.sizeGiB",
    volumeType: "rootVolume.type",
    volumeIOPS: "rootVolume.iops",
    volumeThroughput: "rootVolume.throughput",
    volumeKmsKeyID: "rootVolume.kmsKeyId",
    ami: "customAmi",
    ami_type: "amiType",
    capacity_type: "capacityType",
};

/**
 * A hint for a key another tool uses, for an object whose keys are `known`: the whole path at pool level
 * (`minSize` → `scaling.min`), its last part inside the nested object (`minSize` in `scaling` → `min`); "" when the
 * key is not another tool's or its counterpart is not in this object.
 */
export function vocabularyHint(key: string, known: readonly string[]): string {
    const path = FOREIGN_POOL_VOCABULARY[key];
    if (path === undefined) return "";
    const parts = path.split(".");
    const ours = known.includes(parts[0])
        ? path
        : known.includes(parts[parts.length - 1])
          ? parts[parts.length - 1]
          : "";
    return ours === "" ? "" : ` (eksctl and Terraform say "${key}"; here it is "${ours}")`;
}

/** The hint for an unknown key: another tool's vocabulary first, else the closest known key. */
export function unknownKeyHint(key: string, known: readonly string[]): string {
    return vocabularyHint(key, known) || didYouMean(key, known);
}

/**
 * The config keys (`namespace:key`) whose namespace is a near miss of the project's (`eks-al2023-migraton:...`): Pulumi
 * hands such a key to no one, so the setting would be silently ignored. Keys without a namespace are not checked.
 */
export function misspelledNamespaceKeys(keys: readonly string[], project: string): string[] {
    return keys.filter((key) => {
        const colon = key.indexOf(":");
        if (colon < 0) return false;
        const namespace = key.slice(0, colon);
        return namespace !== project && editDistance(namespace.toLowerCase(), project) <= 3;
    });
}
