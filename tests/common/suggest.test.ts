import { describe, expect, it } from "vitest";
import {
    closestName,
    didYouMean,
    editDistance,
    misspelledNamespaceKeys,
    unknownKeyHint,
    vocabularyHint,
} from "../../common/suggest";

const PHASES = ["prepare", "canary", "shift", "drain", "decommission"];
const POOL_KEYS = ["name", "legacyNodeGroup", "instanceTypes", "scaling", "rootVolume", "amiType", "customAmi"];

describe("editDistance", () => {
    it.each([
        ["", "", 0],
        ["drain", "drain", 0],
        ["drian", "drain", 2],
        ["shfit", "shift", 2],
        ["canary", "canry", 1],
        ["kitten", "sitting", 3],
    ])("%s → %s: %i", (a, b, expected) => {
        expect(editDistance(a, b)).toBe(expected);
    });
});

describe("closestName and didYouMean", () => {
    it.each([
        ["drian", PHASES, "drain"],
        ["Canary", PHASES, "canary"],
        ["decomission", PHASES, "decommission"],
        ["dec", PHASES, "decommission"],
        ["rollback", PHASES, undefined],
        ["genral", ["general", "batch"], "general"],
        ["gpu", ["general", "batch"], undefined],
        ["dev-genral-al2", ["dev-general-al2", "general-20261102093015123400000001"], "dev-general-al2"],
        ["--jsn", ["--stack", "--json", "--markdown"], "--json"],
    ])("%s among %j → %s", (word, known, expected) => {
        expect(closestName(word, known)).toBe(expected);
    });

    it("phrases the suggestion, or nothing", () => {
        expect(didYouMean("drian", PHASES)).toBe(' (did you mean "drain"?)');
        expect(didYouMean("rollback", PHASES)).toBe("");
    });
});

describe("eksctl and Terraform vocabulary", () => {
    it.each([
        ["minSize", POOL_KEYS, ' (eksctl and Terraform say "minSize"; here it is "scaling.min")'],
        ["desiredCapacity", POOL_KEYS, ' (eksctl and Terraform say "desiredCapacity"; here it is "scaling.desired")'],
        ["maxSize", POOL_KEYS, ' (eksctl and Terraform say "maxSize"; here it is "scaling.max")'],
        ["instanceType", POOL_KEYS, ' (eksctl and Terraform say "instanceType"; here it is "instanceTypes")'],
        ["volumeSize", POOL_KEYS, ' (eksctl and Terraform say "volumeSize"; here it is "rootVolume.sizeGiB")'],
        // Inside `scaling`, the same words point at its own keys.
        ["minSize", ["min", "desired", "max"], ' (eksctl and Terraform say "minSize"; here it is "min")'],
        [
            "desiredCapacity",
            ["min", "desired", "max"],
            ' (eksctl and Terraform say "desiredCapacity"; here it is "desired")',
        ],
        // Where the counterpart does not exist, no hint.
        ["minSize", ["clusterName", "pools"], ""],
        ["nodeCount", POOL_KEYS, ""],
    ])("%s in %j", (key, known, expected) => {
        expect(vocabularyHint(key, known)).toBe(expected);
    });

    it("unknownKeyHint prefers the vocabulary hint, else the closest key", () => {
        expect(unknownKeyHint("maxSize", POOL_KEYS)).toBe(
            ' (eksctl and Terraform say "maxSize"; here it is "scaling.max")',
        );
        expect(unknownKeyHint("instanceTypse", POOL_KEYS)).toBe(' (did you mean "instanceTypes"?)');
        expect(unknownKeyHint("zzz", POOL_KEYS)).toBe("");
    });
});

describe("misspelledNamespaceKeys", () => {
    it("finds near misses of the project namespace, not other namespaces or plain keys", () => {
        expect(
            misspelledNamespaceKeys(
                [
                    "eks-al2023-migration:clusterName",
                    "eks-al2023-migraton:drainTimeoutMinutes",
                    "EKS-AL2023-MIGRATION:x",
                    "eks-al2023-migrations:tags",
                    "aws:region",
                    "kubernetes:context",
                    "pulumi:tags",
                    "drainTimeoutMinutes",
                ],
                "eks-al2023-migration",
            ),
        ).toEqual(["eks-al2023-migraton:drainTimeoutMinutes", "EKS-AL2023-MIGRATION:x", "eks-al2023-migrations:tags"]);
    });
});
