import { describe, expect, it } from "vitest";
import { instanceTypePlacement, instanceTypesIn, type InstanceTypesIn } from "../../nodes/instance-type-placement";

describe("instanceTypesIn: the recorded placement, else the node group's age, else the number of types", () => {
    it.each<{
        title: string;
        instanceTypes: string[];
        recorded: InstanceTypesIn | undefined;
        al2023Exists: boolean;
        expected: InstanceTypesIn;
    }>([
        {
            title: "first declaration, one type: the launch template",
            instanceTypes: ["m6i.xlarge"],
            recorded: undefined,
            al2023Exists: false,
            expected: "launchTemplate",
        },
        {
            title: "first declaration, several types: the node group (a template holds one)",
            instanceTypes: ["t3.large", "t3a.large"],
            recorded: undefined,
            al2023Exists: false,
            expected: "nodeGroup",
        },
        {
            title: "no record of it, the node group exists (created before the rule), one type: the node group",
            instanceTypes: ["m6i.xlarge"],
            recorded: undefined,
            al2023Exists: true,
            expected: "nodeGroup",
        },
        {
            title: "recorded launchTemplate, the node group exists: the launch template",
            instanceTypes: ["m6i.2xlarge"],
            recorded: "launchTemplate",
            al2023Exists: true,
            expected: "launchTemplate",
        },
        {
            title: "recorded launchTemplate, now several types: still the launch template (the guard refuses)",
            instanceTypes: ["t3.large", "t3a.large"],
            recorded: "launchTemplate",
            al2023Exists: true,
            expected: "launchTemplate",
        },
        {
            title: "recorded nodeGroup, one type: the node group",
            instanceTypes: ["m6i.xlarge"],
            recorded: "nodeGroup",
            al2023Exists: true,
            expected: "nodeGroup",
        },
        {
            title: "recorded launchTemplate, the node group not found live: the record wins",
            instanceTypes: ["m6i.xlarge"],
            recorded: "launchTemplate",
            al2023Exists: false,
            expected: "launchTemplate",
        },
    ])("$title", ({ instanceTypes, recorded, al2023Exists, expected }) => {
        expect(instanceTypesIn({ instanceTypes, recorded, al2023Exists })).toBe(expected);
    });
});

describe("instanceTypePlacement: the launch template or the node group", () => {
    it.each<{ title: string; instanceTypes: string[]; in: InstanceTypesIn; expected: unknown }>([
        {
            title: "one type in the launch template",
            instanceTypes: ["m6i.xlarge"],
            in: "launchTemplate",
            expected: { in: "launchTemplate", instanceType: "m6i.xlarge" },
        },
        {
            title: "one type on the node group",
            instanceTypes: ["m6i.xlarge"],
            in: "nodeGroup",
            expected: { in: "nodeGroup", instanceTypes: ["m6i.xlarge"] },
        },
        {
            title: "several types on the node group",
            instanceTypes: ["t3.large", "t3a.large"],
            in: "nodeGroup",
            expected: { in: "nodeGroup", instanceTypes: ["t3.large", "t3a.large"] },
        },
        {
            title: "several types cannot go in a launch template: the node group (the guard refuses a live one)",
            instanceTypes: ["t3.large", "t3a.large"],
            in: "launchTemplate",
            expected: { in: "nodeGroup", instanceTypes: ["t3.large", "t3a.large"] },
        },
    ])("$title", ({ instanceTypes, in: placedIn, expected }) => {
        expect(instanceTypePlacement({ instanceTypes, in: placedIn })).toStrictEqual(expected);
    });
});
