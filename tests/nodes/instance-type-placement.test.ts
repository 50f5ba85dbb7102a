import { describe, expect, it } from "vitest";
import { instanceTypePlacement } from "../../nodes/instance-type-placement";

describe("instanceTypePlacement: the launch template or the node group", () => {
    it.each([
        {
            title: "one type, first declaration: the launch template",
            instanceTypes: ["m6i.xlarge"],
            live: undefined,
            expected: { in: "launchTemplate", instanceType: "m6i.xlarge" },
        },
        {
            title: "one type, the live node group names none (created with the type in its template): the template",
            instanceTypes: ["m6i.2xlarge"],
            live: { instanceTypes: [] },
            expected: { in: "launchTemplate", instanceType: "m6i.2xlarge" },
        },
        {
            title: "one type, the live node group names its instanceTypes (deployed before): kept on the node group",
            instanceTypes: ["m6i.xlarge"],
            live: { instanceTypes: ["m6i.xlarge"] },
            expected: { in: "nodeGroup", instanceTypes: ["m6i.xlarge"] },
        },
        {
            title: "several types, first declaration: the node group (a template holds one)",
            instanceTypes: ["t3.large", "t3a.large"],
            live: undefined,
            expected: { in: "nodeGroup", instanceTypes: ["t3.large", "t3a.large"] },
        },
        {
            title: "several types, live node group with its type in the template: the node group (the guard refuses)",
            instanceTypes: ["t3.large", "t3a.large"],
            live: { instanceTypes: [] },
            expected: { in: "nodeGroup", instanceTypes: ["t3.large", "t3a.large"] },
        },
    ])("$title", ({ instanceTypes, live, expected }) => {
        expect(instanceTypePlacement({ instanceTypes, live })).toStrictEqual(expected);
    });
});
