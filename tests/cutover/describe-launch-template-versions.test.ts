import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeLaunchTemplateVersionWith } from "../../cutover/launch-template-version";
import { startFakeEc2, type FakeEc2 } from "../fakes/ec2-api";

// The real @aws-sdk/client-ec2 DescribeLaunchTemplateVersions call against a fake EC2 endpoint on 127.0.0.1
// (tests/fakes/ec2-api.ts), which holds versions 3 and 5 (the default) of one launch template.

const TEMPLATE = "lt-0a1b2c3d4e5f60718";
const ACCESS_KEY = "AKIDFAKEEC2TEST00001";
const KMS = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

let ec2: FakeEc2;
beforeAll(async () => {
    ec2 = await startFakeEc2();
});
afterAll(() => ec2.close());
beforeEach(() => {
    ec2.requests.length = 0;
    ec2.failure = undefined;
    ec2.templates.clear();
    ec2.templates.set(TEMPLATE, [
        {
            versionNumber: 3,
            userData: "IyEvYmluL2Jhc2gKL2V0Yy9la3MvYm9vdHN0cmFwLnNoIHNob3AtcHJvZAo=",
            imageId: "ami-0c4d5e6f7a8b9c0d1",
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp3", kmsKeyId: KMS, encrypted: true } },
                { deviceName: "/dev/xvdb" },
            ],
            securityGroupIds: ["sg-0f0e0d0c0b0a09080", "sg-01a2b3c4d5e6f7a8b"],
        },
        { versionNumber: 5, defaultVersion: true, userData: "IyEvYmluL2Jhc2gKZWNobyB2NQo=" },
    ]);
});

function read(version: string) {
    return describeLaunchTemplateVersionWith({
        endpoint: ec2.endpoint,
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "fake-secret-key" },
    })({ launchTemplateId: TEMPLATE, version, region: "eu-west-1" });
}

describe("DescribeLaunchTemplateVersions through @aws-sdk/client-ec2 (fake EC2 endpoint)", () => {
    it("asks for exactly the node group's version (a form-encoded POST), signed for ec2 in the region", async () => {
        await read("3");
        expect(ec2.requests).toHaveLength(1);
        const [request] = ec2.requests;
        expect(`${request.method} ${request.path}`).toBe("POST /");
        expect(request.contentType).toBe("application/x-www-form-urlencoded");
        expect(request.params).toStrictEqual({
            Action: "DescribeLaunchTemplateVersions",
            Version: "2016-11-15",
            LaunchTemplateId: TEMPLATE,
            "LaunchTemplateVersion.1": "3",
        });
        expect(request.authorization).toMatch(
            new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/eu-west-1/ec2/aws4_request`),
        );
    });

    it("returns that version's user data, image, block device mappings and security groups, not the default's", async () => {
        await expect(read("3")).resolves.toStrictEqual({
            userData: "IyEvYmluL2Jhc2gKL2V0Yy9la3MvYm9vdHN0cmFwLnNoIHNob3AtcHJvZAo=",
            imageId: "ami-0c4d5e6f7a8b9c0d1",
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp3", kmsKeyId: KMS } },
                { deviceName: "/dev/xvdb" },
            ],
            securityGroupIds: ["sg-0f0e0d0c0b0a09080", "sg-01a2b3c4d5e6f7a8b"],
        });
    });

    it("a version with nothing but user data reads as empty image, mappings and groups", async () => {
        await expect(read("5")).resolves.toStrictEqual({
            userData: "IyEvYmluL2Jhc2gKZWNobyB2NQo=",
            imageId: "",
            blockDeviceMappings: [],
            securityGroupIds: [],
        });
        expect(ec2.requests[0].params["LaunchTemplateVersion.1"]).toBe("5");
    });

    it("a version the template does not have fails naming the template, the version and what to run", async () => {
        await expect(read("4")).rejects.toThrow(
            `DescribeLaunchTemplateVersions of launch template ${TEMPLATE} version 4 (eu-west-1): not found ` +
                `(InvalidLaunchTemplateId.VersionNotFound: Could not find launch template version 4 for launch ` +
                `template ${TEMPLATE}.); check \`aws ec2 describe-launch-template-versions --launch-template-id ` +
                `${TEMPLATE} --versions 4\``,
        );
        // A client error: no retry.
        expect(ec2.requests).toHaveLength(1);
    });

    it("a 403 fails naming the template, the version, the status, the cause and the permission", async () => {
        ec2.failure = {
            status: 403,
            code: "UnauthorizedOperation",
            message: "You are not authorized to perform this operation.",
        };
        await expect(read("3")).rejects.toThrow(
            `DescribeLaunchTemplateVersions of launch template ${TEMPLATE} version 3 (eu-west-1) failed with HTTP 403 ` +
                "(UnauthorizedOperation: You are not authorized to perform this operation.): retry, and check the " +
                "credentials allow ec2:DescribeLaunchTemplateVersions",
        );
    });

    it("an answer without the version asked for is an error, never another version", async () => {
        // `$Default` is answered with version 5: not the version asked for, so it does not stand in for it.
        const reader = describeLaunchTemplateVersionWith({
            endpoint: ec2.endpoint,
            credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "fake-secret-key" },
        });
        await expect(reader({ launchTemplateId: TEMPLATE, version: "$Default", region: "eu-west-1" })).rejects.toThrow(
            `DescribeLaunchTemplateVersions of launch template ${TEMPLATE} version $Default (eu-west-1): EC2 returned ` +
                "no such version",
        );
    });
});
