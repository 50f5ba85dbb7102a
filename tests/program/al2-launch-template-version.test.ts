import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
    describeLaunchTemplateVersionWith,
    useLaunchTemplateVersionReader,
} from "../../cutover/launch-template-version";
import { evaluateOffline, type Evaluation } from "../../plan/evaluate";
import type { CloudFacts } from "../../plan/cloud-facts";
import { OfflineCloud } from "../../plan/offline-cloud";
import { startFakeEc2, type FakeEc2 } from "../fakes/ec2-api";
import { nodeConfigs } from "../fakes/mime";
import { exampleFacts, stackFileConfig } from "../fakes/mocks";

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit AWS-CLI-shaped JSON in place */

// The real program under Pulumi's mocks, its AL2 node group on version 3 of a launch template whose default is
// version 5: the pool gets version 3's kubelet settings and root volume, offline (the facts) and through the real
// @aws-sdk/client-ec2 call against a fake EC2 endpoint; a version that cannot be read fails the run.

const TEMPLATE = "lt-0b1c2d3e4f5a60718";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";

/** Version 3, the one the node group runs: max-pods 110, an 80 GiB root volume. */
const V3_USER_DATA =
    "#!/bin/bash\n/etc/eks/bootstrap.sh shop-dev --use-max-pods false --kubelet-extra-args '--max-pods=110'\n";
/** Version 5, the template's default: max-pods 58, a 30 GiB root volume. */
const V5_USER_DATA =
    "#!/bin/bash\n/etc/eks/bootstrap.sh shop-dev --use-max-pods false --kubelet-extra-args '--max-pods=58'\n";
const base64 = (text: string) => Buffer.from(text).toString("base64");

/** dev's facts, its AL2 node group on `version` of TEMPLATE, the facts holding versions 3 and 5 (the default). */
function facts(version: string): CloudFacts {
    const edited = structuredClone(exampleFacts("dev")) as any;
    const ng = edited.nodegroups["dev-general-al2"].nodegroup;
    delete ng.diskSize;
    ng.launchTemplate = { id: TEMPLATE, name: "dev-general-al2", version };
    edited.launchTemplateVersions = {
        [TEMPLATE]: [
            {
                LaunchTemplateId: TEMPLATE,
                VersionNumber: 3,
                DefaultVersion: false,
                LaunchTemplateData: {
                    UserData: base64(V3_USER_DATA),
                    BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 80, VolumeType: "gp2" } }],
                },
            },
            {
                LaunchTemplateId: TEMPLATE,
                VersionNumber: 5,
                DefaultVersion: true,
                LaunchTemplateData: {
                    UserData: base64(V5_USER_DATA),
                    BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, VolumeType: "gp3" } }],
                },
            },
        ],
    };
    return edited as CloudFacts;
}

/** The dev pool with its name, AL2 node group and size only: it inherits the root volume. */
const POOL = { name: "general", legacyNodeGroup: "dev-general-al2", scaling: { min: 1, desired: 2, max: 4 } };

/** Evaluates dev's program on these facts; with `ec2`, DescribeLaunchTemplateVersions goes to the fake endpoint. */
async function evaluate(args: { readonly facts: CloudFacts; readonly ec2?: FakeEc2 }): Promise<Evaluation> {
    const { default: program } = await import("../../index");
    const config = { ...stackFileConfig("dev"), pools: [POOL], cutoverPhase: "prepare" };
    const cloud = new OfflineCloud(args.facts);
    // The OfflineCloud answers from the facts; here the real SDK call replaces that answer.
    if (args.ec2 !== undefined) {
        useLaunchTemplateVersionReader(
            describeLaunchTemplateVersionWith({
                endpoint: args.ec2.endpoint,
                credentials: { accessKeyId: "AKIDFAKEEC2TEST00002", secretAccessKey: "fake-secret-key" },
            }),
        );
    }
    return evaluateOffline({ stack: "dev", config, facts: args.facts, previousOutputs: {}, program, cloud });
}

/** What the AL2023 launch template carries over: the NodeConfig's maxPods and the root volume's size. */
function carried(evaluation: Evaluation): { maxPods: unknown; rootVolumeGiB: unknown } {
    const template = evaluation.resources.find((r) => r.type === LT && r.name === "general-lt");
    if (template === undefined) throw new Error(`no launch template: ${String(evaluation.error)}`);
    const [nodeConfig] = (
        nodeConfigs as (text: string) => { spec: { kubelet: { config: Record<string, unknown> } } }[]
    )(Buffer.from(template.inputs.userData as string, "base64").toString("utf8"));
    const mappings = template.inputs.blockDeviceMappings as { ebs: { volumeSize: number } }[];
    return { maxPods: nodeConfig.spec.kubelet.config.maxPods, rootVolumeGiB: mappings[0].ebs.volumeSize };
}

/** The resources declared besides the stack itself and its StackReference. */
function declared(evaluation: Evaluation): string[] {
    return evaluation.resources
        .map((resource) => resource.type)
        .filter((type) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(type));
}

afterEach(() => useLaunchTemplateVersionReader(undefined));

describe("offline: the facts answer DescribeLaunchTemplateVersions for exactly the node group's version", () => {
    it("a node group on version 3 while the default is 5 gets version 3's kubelet settings and root volume", async () => {
        const evaluation = await evaluate({ facts: facts("3") });
        expect(evaluation.error).toBeUndefined();
        expect(carried(evaluation)).toStrictEqual({ maxPods: 110, rootVolumeGiB: 80 });
        const record = (evaluation.outputs.cutover as any).pools.general;
        expect(record.inherited.al2LaunchTemplate).toStrictEqual({
            id: TEMPLATE,
            version: "3",
            userData: base64(V3_USER_DATA),
            imageId: "",
        });
    });

    it("and one on version 5 gets version 5's", async () => {
        const evaluation = await evaluate({ facts: facts("5") });
        expect(evaluation.error).toBeUndefined();
        expect(carried(evaluation)).toStrictEqual({ maxPods: 58, rootVolumeGiB: 30 });
    });

    it("a version missing from the facts fails the run before any resource, naming the pool, template and version", async () => {
        const evaluation = await evaluate({ facts: facts("4") });
        expect(evaluation.error).toBeInstanceOf(pulumi.RunError);
        expect((evaluation.error as Error).message).toBe(
            `pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" runs launch template ${TEMPLATE} version 4, ` +
                "which the AL2023 pool's node configuration is carried over from, and it cannot be read: " +
                `InvalidLaunchTemplateId.VersionNotFound: version 4 of launch template ${TEMPLATE} is not in the ` +
                `facts (add \`aws ec2 describe-launch-template-versions --launch-template-id ${TEMPLATE} --versions 4\` ` +
                "output to the facts folder)",
        );
        expect(declared(evaluation)).toEqual([]);
    });
});

describe("real runs: DescribeLaunchTemplateVersions through @aws-sdk/client-ec2 (fake EC2 endpoint)", () => {
    let ec2: FakeEc2;
    beforeAll(async () => {
        ec2 = await startFakeEc2();
        ec2.templates.set(TEMPLATE, [
            {
                versionNumber: 3,
                userData: base64(V3_USER_DATA),
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp2" } }],
            },
            {
                versionNumber: 5,
                defaultVersion: true,
                userData: base64(V5_USER_DATA),
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3" } }],
            },
        ]);
    });
    afterAll(() => ec2.close());
    afterEach(() => {
        ec2.requests.length = 0;
        ec2.failure = undefined;
    });

    it("asks EC2 for version 3 (inheritance and user data alike) and carries version 3 over", async () => {
        const evaluation = await evaluate({ facts: facts("3"), ec2 });
        expect(evaluation.error).toBeUndefined();
        expect(carried(evaluation)).toStrictEqual({ maxPods: 110, rootVolumeGiB: 80 });
        // Inheritance (root volume) and the user data translation each read the version, in the node group's region.
        expect(ec2.requests.map((request) => request.params)).toStrictEqual([
            {
                Action: "DescribeLaunchTemplateVersions",
                Version: "2016-11-15",
                LaunchTemplateId: TEMPLATE,
                "LaunchTemplateVersion.1": "3",
            },
            {
                Action: "DescribeLaunchTemplateVersions",
                Version: "2016-11-15",
                LaunchTemplateId: TEMPLATE,
                "LaunchTemplateVersion.1": "3",
            },
        ]);
        expect(ec2.requests[0].authorization).toMatch(
            /^AWS4-HMAC-SHA256 Credential=AKIDFAKEEC2TEST00002\/\d{8}\/eu-west-1\/ec2\//,
        );
    });

    it("a version EC2 does not have fails the run before any resource, naming the pool, template and version", async () => {
        const evaluation = await evaluate({ facts: facts("4"), ec2 });
        expect((evaluation.error as Error).message).toBe(
            `pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" runs launch template ${TEMPLATE} version 4, ` +
                "which the AL2023 pool's node configuration is carried over from, and it cannot be read: " +
                `DescribeLaunchTemplateVersions of launch template ${TEMPLATE} version 4 (eu-west-1): not found ` +
                `(InvalidLaunchTemplateId.VersionNotFound: Could not find launch template version 4 for launch ` +
                `template ${TEMPLATE}.); check \`aws ec2 describe-launch-template-versions --launch-template-id ` +
                `${TEMPLATE} --versions 4\``,
        );
        expect(declared(evaluation)).toEqual([]);
    });

    it("access denied (403) fails the run before any resource, naming the pool, template, version and permission", async () => {
        ec2.failure = {
            status: 403,
            code: "UnauthorizedOperation",
            message: "You are not authorized to perform this operation.",
        };
        const evaluation = await evaluate({ facts: facts("3"), ec2 });
        expect((evaluation.error as Error).message).toBe(
            `pools[0].legacyNodeGroup: AL2 node group "dev-general-al2" runs launch template ${TEMPLATE} version 3, ` +
                "which the AL2023 pool's node configuration is carried over from, and it cannot be read: " +
                `DescribeLaunchTemplateVersions of launch template ${TEMPLATE} version 3 (eu-west-1) failed with ` +
                "HTTP 403 (UnauthorizedOperation: You are not authorized to perform this operation.): retry, and " +
                "check the credentials allow ec2:DescribeLaunchTemplateVersions",
        );
        expect(declared(evaluation)).toEqual([]);
    });
});
