import { describe, expect, it } from "vitest";
import { instanceTypeProblems } from "../../nodes/instance-type-check";

const FACTS = {
    "m6i.large": { supportedArchitectures: ["x86_64"] },
    "m7g.large": { supportedArchitectures: ["arm64"] },
    "t2.micro": { supportedArchitectures: ["i386", "x86_64"] },
    "g5g.xlarge": { supportedArchitectures: ["arm64"] },
};

describe("instance types against the AMI type", () => {
    it.each([
        ["AL2023_x86_64_STANDARD", ["m6i.large", "t2.micro"], []],
        ["AL2023_ARM_64_STANDARD", ["m7g.large"], []],
        ["AL2023_ARM_64_NVIDIA", ["g5g.xlarge"], []],
        [
            "AL2023_x86_64_STANDARD",
            ["m6i.large", "m7g.large"],
            [
                'pools[0].instanceTypes[1]: "m7g.large" is not allowed; it runs arm64, but amiType AL2023_x86_64_STANDARD is x86_64; choose a x86_64 instance type or an ARM_64 AMI type',
            ],
        ],
        [
            "AL2023_ARM_64_STANDARD",
            ["m6i.large"],
            [
                'pools[0].instanceTypes[0]: "m6i.large" is not allowed; it runs x86_64, but amiType AL2023_ARM_64_STANDARD is arm64; choose a arm64 instance type or an x86_64 AMI type',
            ],
        ],
        [
            "AL2023_x86_64_STANDARD",
            ["m6i.lrage"],
            [
                'pools[0].instanceTypes[0]: "m6i.lrage" is not allowed; it is not an EC2 instance type in this region (aws ec2 describe-instance-types lists those that are)',
            ],
        ],
    ] as const)("%s with %j", (amiType, instanceTypes, expected) => {
        expect(instanceTypeProblems({ poolKey: "pools[0]", amiType, instanceTypes, facts: FACTS })).toStrictEqual(
            expected,
        );
    });

    it("checks only that the types exist for a custom AMI whose architecture EC2 did not give", () => {
        expect(
            instanceTypeProblems({
                poolKey: "pools[2]",
                customAmi: { imageId: "ami-0f9e8d7c6b5a40312" },
                instanceTypes: ["m7g.large", "m6i.large", "x9.huge"],
                facts: FACTS,
            }),
        ).toEqual([
            'pools[2].instanceTypes[2]: "x9.huge" is not allowed; it is not an EC2 instance type in this region (aws ec2 describe-instance-types lists those that are)',
        ]);
    });
});

describe("instance types against a custom AMI's own architecture (amiType says nothing about it)", () => {
    const AMI = "ami-0f9e8d7c6b5a40312";
    it.each([
        ["arm64", ["m7g.large", "g5g.xlarge"], []],
        [
            "arm64",
            ["m7g.large", "m6i.large"],
            [
                'pools[1].instanceTypes[1]: "m6i.large" is not allowed; it runs x86_64, but customAmi ami-0f9e8d7c6b5a40312 is arm64; choose a arm64 instance type or an x86_64 custom AMI',
            ],
        ],
        ["x86_64", ["m6i.large", "t2.micro"], []],
        [
            "x86_64",
            ["m7g.large"],
            [
                'pools[1].instanceTypes[0]: "m7g.large" is not allowed; it runs arm64, but customAmi ami-0f9e8d7c6b5a40312 is x86_64; choose a x86_64 instance type or an arm64 custom AMI',
            ],
        ],
    ] as const)("a %s custom AMI with %j", (architecture, instanceTypes, expected) => {
        expect(
            instanceTypeProblems({
                poolKey: "pools[1]",
                // The AMI type a pool keeps beside customAmi (ignored by the node group) must not decide.
                amiType: architecture === "arm64" ? "AL2023_x86_64_STANDARD" : "AL2023_ARM_64_STANDARD",
                customAmi: { imageId: AMI, architecture },
                instanceTypes,
                facts: FACTS,
            }),
        ).toStrictEqual(expected);
    });
});
