import { describe, expect, it } from "vitest";
import {
    customAl2AmiFindings,
    recogniseCustomAl2Ami,
    type AmiDescription,
    type CustomAmiFacts,
} from "../../cutover/custom-al2-ami";
import { poolConfig } from "./cutover-fixtures";

const ID = "ami-0abcdef1234567890";

/** Facts of a launch template holding ID, described by EC2 with that name and description. */
function described(name: string, description: string, callsBootstrap: boolean, platformDetails = "Linux/UNIX") {
    const image: AmiDescription = { imageId: ID, name, description, platformDetails, architecture: "x86_64" };
    return { imageId: ID, image, callsBootstrap } satisfies CustomAmiFacts;
}

const AMI = (name: string, description: string) =>
    `AMI ${ID} (name ${JSON.stringify(name)}, description ${JSON.stringify(description)})`;

// Names and descriptions as the image builders write them: amazon-eks-ami's AL2 template
// (amazon-eks-node-<k8s>-v<date>, "EKS Kubernetes Worker AMI with AmazonLinux2 image ..."), its AL2023 template,
// Bottlerocket's, Canonical's Ubuntu EKS images, and Windows.
describe("recogniseCustomAl2Ami", () => {
    it.each<[string, CustomAmiFacts, ReturnType<typeof recogniseCustomAl2Ami>]>([
        [
            "amazon-eks-ami AL2 build, unchanged name, user data without bootstrap.sh",
            described("amazon-eks-node-1.29-v20240213", "", false),
            {
                al2: true,
                ami: AMI("amazon-eks-node-1.29-v20240213", ""),
                because: "its name or description says amazon-eks-node",
            },
        ],
        [
            "a hardened ARM build keeping the name pattern",
            described("acme-cis-amazon-eks-arm64-node-1.30-v20241001", "CIS level 2", true),
            {
                al2: true,
                ami: AMI("acme-cis-amazon-eks-arm64-node-1.30-v20241001", "CIS level 2"),
                because: "its name or description says amazon-eks-node",
            },
        ],
        [
            "a renamed build whose description is the AL2 template's",
            described(
                "acme-hardened-1.29",
                "EKS Kubernetes Worker AMI with AmazonLinux2 image, (k8s: 1.29.0, containerd: 1.7.11)",
                false,
            ),
            {
                al2: true,
                // A description longer than 80 characters is cut.
                ami:
                    `AMI ${ID} (name "acme-hardened-1.29", description "EKS Kubernetes Worker AMI with AmazonLinux2 ` +
                    "image, (k8s: 1.29.0, containerd:...)",

                because: "its name or description says Amazon Linux 2",
            },
        ],
        [
            "a name saying al2",
            described("eks-al2-hardened-2024.10", "", false),
            {
                al2: true,
                ami: AMI("eks-al2-hardened-2024.10", ""),
                because: "its name or description says Amazon Linux 2",
            },
        ],
        [
            "a neutral name, user data calling /etc/eks/bootstrap.sh",
            described("golden-k8s-node-42", "golden image", true),
            {
                al2: true,
                ami: AMI("golden-k8s-node-42", "golden image"),
                because: "its launch template's user data calls /etc/eks/bootstrap.sh",
            },
        ],
        [
            "an AMI EC2 does not describe, user data calling bootstrap.sh",
            { imageId: ID, imageError: "Your query returned no results.", callsBootstrap: true },
            {
                al2: true,
                ami: `AMI ${ID} (EC2 does not describe it: Your query returned no results.)`,
                because: "its launch template's user data calls /etc/eks/bootstrap.sh",
            },
        ],
        [
            "a neutral name, user data without bootstrap.sh",
            described("golden-k8s-node-42", "golden image", false),
            {
                al2: false,
                found:
                    `${AMI("golden-k8s-node-42", "golden image")}: neither its name nor its description says AL2 ` +
                    "(amazon-eks-node, Amazon Linux 2), and its launch template's user data does not call " +
                    "/etc/eks/bootstrap.sh",
            },
        ],
        [
            "an AMI EC2 does not describe, user data without bootstrap.sh",
            { imageId: ID, callsBootstrap: false },
            {
                al2: false,
                found:
                    `AMI ${ID} (EC2 does not describe it): neither its name nor its description says AL2 ` +
                    "(amazon-eks-node, Amazon Linux 2), and its launch template's user data does not call " +
                    "/etc/eks/bootstrap.sh",
            },
        ],
        [
            "an AL2023 build of amazon-eks-ami",
            described(
                "amazon-eks-node-al2023-x86_64-standard-1.30-v20241024",
                "EKS-optimized Kubernetes node based on Amazon Linux 2023",
                false,
            ),
            {
                al2: false,
                found: `${AMI(
                    "amazon-eks-node-al2023-x86_64-standard-1.30-v20241024",
                    "EKS-optimized Kubernetes node based on Amazon Linux 2023",
                )}, which is AL2023, not AL2`,
            },
        ],
        [
            "Bottlerocket",
            described("bottlerocket-aws-k8s-1.30-x86_64-v1.26.1-943d9a41", "bottlerocket-aws-k8s-1.30", false),
            {
                al2: false,
                found: `${AMI("bottlerocket-aws-k8s-1.30-x86_64-v1.26.1-943d9a41", "bottlerocket-aws-k8s-1.30")}, which is Bottlerocket, not AL2`,
            },
        ],
        [
            "Ubuntu EKS, even though its user data calls a bootstrap.sh",
            described(
                "ubuntu-eks/k8s_1.29/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301",
                "Canonical, Ubuntu EKS Node OS",
                true,
            ),
            {
                al2: false,
                found: `${AMI(
                    "ubuntu-eks/k8s_1.29/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301",
                    "Canonical, Ubuntu EKS Node OS",
                )}, which is Ubuntu, not AL2`,
            },
        ],
        [
            "Windows by its platform only",
            described("eks-node-2022-core", "EKS node", false, "Windows"),
            { al2: false, found: `${AMI("eks-node-2022-core", "EKS node")}, which is Windows, not AL2` },
        ],
        [
            "RHEL",
            described("rhel-9-eks-node", "", true, "Red Hat Enterprise Linux"),
            { al2: false, found: `${AMI("rhel-9-eks-node", "")}, which is Red Hat Enterprise Linux, not AL2` },
        ],
        [
            "a launch template without an image id",
            { callsBootstrap: true },
            {
                al2: true,
                ami: "no AMI in its launch template",
                because: "its launch template's user data calls /etc/eks/bootstrap.sh",
            },
        ],
        [
            "a launch template that could not be read",
            { readProblem: "it names no launch template by id to read its AMI from", callsBootstrap: false },
            { al2: false, found: "it names no launch template by id to read its AMI from" },
        ],
    ])("%s", (_name, facts, expected) => {
        expect(recogniseCustomAl2Ami(facts)).toStrictEqual(expected);
    });
});

describe("customAl2AmiFindings", () => {
    const al2 = described("amazon-eks-node-1.29-v20240213", "", true);
    const base = { poolIndex: 2, nodeGroupName: "batch-al2" };

    it("refuses another system, naming what was found", () => {
        const facts = described("bottlerocket-aws-k8s-1.30-x86_64-v1.26.1", "", false);
        expect(customAl2AmiFindings({ ...base, pool: poolConfig(), facts })).toStrictEqual({
            problems: [
                'pools[2].legacyNodeGroup: "batch-al2" is not allowed; its amiType is CUSTOM and ' +
                    `${AMI("bottlerocket-aws-k8s-1.30-x86_64-v1.26.1", "")}, which is Bottlerocket, not AL2; this ` +
                    "program migrates a custom AMI only when it is AL2 (its name or description says amazon-eks-node " +
                    "or Amazon Linux 2, or its user data calls /etc/eks/bootstrap.sh); a node group with another " +
                    "custom AMI moves to AL2023 in place by changing the AMI in its launch template",
            ],
            warnings: [],
        });
    });

    it("asks for amiType or customAmi when the pool's config sets neither", () => {
        const pool = poolConfig({ setKeys: ["legacyNodeGroup", "name", "scaling"] });
        expect(customAl2AmiFindings({ ...base, pool, facts: al2 })).toStrictEqual({
            problems: [
                'pools[2].amiType: nothing is not allowed; AL2 node group "batch-al2" runs custom AL2 ' +
                    `${AMI("amazon-eks-node-1.29-v20240213", "")} (its name or description says amazon-eks-node), ` +
                    "from which no AL2023 AMI type follows: choose the AL2023 image, either pools[2].amiType " +
                    "(AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, " +
                    "AL2023_x86_64_NEURON) or pools[2].customAmi (a custom AL2023 AMI id, ami-...)",
            ],
            warnings: [],
        });
    });

    it.each([
        [
            "amiType set",
            poolConfig({ amiType: "AL2023_ARM_64_STANDARD", setKeys: ["amiType", "name", "scaling"] }),
            "pools[2].amiType AL2023_ARM_64_STANDARD",
        ],
        [
            "customAmi set",
            poolConfig({ customAmi: "ami-0fedcba9876543210", setKeys: ["customAmi", "name", "scaling"] }),
            "pools[2].customAmi ami-0fedcba9876543210",
        ],
    ])("accepts the pool with %s, with a warning on what does not move", (_name, pool, chosen) => {
        expect(customAl2AmiFindings({ ...base, pool, facts: al2 })).toStrictEqual({
            problems: [],
            warnings: [
                `pools[2].legacyNodeGroup: AL2 node group "batch-al2" runs custom ` +
                    `${AMI("amazon-eks-node-1.29-v20240213", "")}, recognised as AL2 (its name or description says ` +
                    `amazon-eks-node); its AL2023 nodes run ${chosen}. Its user data is translated like any AL2 ` +
                    "launch template's, but what the image itself adds (hardening, agents, files) does not move: " +
                    "build it into the AL2023 image, or add it to pools[2].preBootstrapScripts",
            ],
        });
    });
});
