import * as http from "node:http";
import type { AddressInfo } from "node:net";

// A fake EC2 endpoint on 127.0.0.1 for the real @aws-sdk/client-ec2: the EC2 query protocol (a form-encoded POST,
// an XML answer in the 2016-11-15 namespace), answering DescribeLaunchTemplateVersions
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html) from the versions
// it holds, as EC2 does: the versions asked for (`LaunchTemplateVersion.N`, `$Default`, `$Latest`), all of them when
// none is asked for, `InvalidLaunchTemplateId.VersionNotFound` for a version the template does not have. Element
// names as the SDK's deserializer reads them (ResponseLaunchTemplateData, LaunchTemplateVersion schemas).

/** One version of a launch template the fake holds. */
export interface FakeLaunchTemplateVersion {
    readonly versionNumber: number;
    readonly defaultVersion?: boolean;
    readonly userData?: string;
    readonly imageId?: string;
    readonly blockDeviceMappings?: readonly {
        readonly deviceName: string;
        readonly ebs?: {
            readonly volumeSize?: number;
            readonly volumeType?: string;
            readonly kmsKeyId?: string;
            readonly encrypted?: boolean;
        };
    }[];
    readonly securityGroupIds?: readonly string[];
}

/** One request the fake received, its form body decoded. */
export interface FakeEc2Request {
    readonly method: string;
    readonly path: string;
    readonly contentType: string;
    readonly authorization: string;
    readonly params: Readonly<Record<string, string>>;
}

/** An error the fake answers every request with, as EC2 does (`<Response><Errors><Error>`). */
export interface FakeEc2Failure {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

/** The running fake: its endpoint, what it received, what it holds. */
export interface FakeEc2 {
    readonly endpoint: string;
    readonly requests: FakeEc2Request[];
    /** Launch template id → its versions. */
    readonly templates: Map<string, readonly FakeLaunchTemplateVersion[]>;
    /** Set: every request fails with it. */
    failure?: FakeEc2Failure;
    close(): Promise<void>;
}

const NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

function escape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function element(name: string, value: string | number | boolean | undefined): string {
    return value === undefined ? "" : `<${name}>${escape(String(value))}</${name}>`;
}

function versionXml(id: string, version: FakeLaunchTemplateVersion): string {
    const mappings = (version.blockDeviceMappings ?? [])
        .map(
            (mapping) =>
                `<item>${element("deviceName", mapping.deviceName)}${
                    mapping.ebs === undefined
                        ? ""
                        : `<ebs>${element("encrypted", mapping.ebs.encrypted)}${element("kmsKeyId", mapping.ebs.kmsKeyId)}${element("volumeSize", mapping.ebs.volumeSize)}${element("volumeType", mapping.ebs.volumeType)}</ebs>`
                }</item>`,
        )
        .join("");
    const groups = (version.securityGroupIds ?? []).map((group) => element("item", group)).join("");
    return (
        `<item>${element("launchTemplateId", id)}${element("launchTemplateName", `name-of-${id}`)}` +
        `${element("versionNumber", version.versionNumber)}${element("defaultVersion", version.defaultVersion ?? false)}` +
        `<launchTemplateData>${element("imageId", version.imageId)}${element("userData", version.userData)}` +
        `${mappings === "" ? "" : `<blockDeviceMappingSet>${mappings}</blockDeviceMappingSet>`}` +
        `${groups === "" ? "" : `<securityGroupIdSet>${groups}</securityGroupIdSet>`}</launchTemplateData></item>`
    );
}

function errorXml(failure: FakeEc2Failure): string {
    return (
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${failure.code}</Code>` +
        `<Message>${escape(failure.message)}</Message></Error></Errors>` +
        "<RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>"
    );
}

/** The answer to one DescribeLaunchTemplateVersions request, as EC2 gives it. */
function describe(
    templates: FakeEc2["templates"],
    params: Readonly<Record<string, string>>,
): { status: number; body: string } {
    const id = params.LaunchTemplateId ?? "";
    const versions = templates.get(id);
    if (versions === undefined) {
        return {
            status: 400,
            body: errorXml({
                status: 400,
                code: "InvalidLaunchTemplateId.NotFound",
                message: `The specified launch template, with template ID ${id}, does not exist.`,
            }),
        };
    }
    const asked = Object.keys(params)
        .filter((key) => /^LaunchTemplateVersion\.\d+$/.test(key))
        .map((key) => params[key]);
    const chosen: FakeLaunchTemplateVersion[] = [];
    for (const wanted of asked) {
        const found =
            wanted === "$Default"
                ? versions.find((version) => version.defaultVersion === true)
                : wanted === "$Latest"
                  ? [...versions].sort((a, b) => b.versionNumber - a.versionNumber)[0]
                  : versions.find((version) => String(version.versionNumber) === wanted);
        if (found === undefined) {
            return {
                status: 400,
                body: errorXml({
                    status: 400,
                    code: "InvalidLaunchTemplateId.VersionNotFound",
                    message: `Could not find launch template version ${wanted} for launch template ${id}.`,
                }),
            };
        }
        chosen.push(found);
    }
    const items = (asked.length === 0 ? versions : chosen).map((version) => versionXml(id, version)).join("");
    return {
        status: 200,
        body:
            `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeLaunchTemplateVersionsResponse xmlns="${NAMESPACE}">` +
            "<requestId>65cadec1-b364-4354-8ca8-4176dEXAMPLE</requestId>" +
            `<launchTemplateVersionSet>${items}</launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>`,
    };
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeEc2(): Promise<FakeEc2> {
    const requests: FakeEc2Request[] = [];
    const templates = new Map<string, readonly FakeLaunchTemplateVersion[]>();
    const fake: Omit<FakeEc2, "endpoint" | "close"> = { requests, templates };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
            requests.push({
                method: req.method ?? "",
                path: req.url ?? "",
                contentType: String(req.headers["content-type"] ?? ""),
                authorization: String(req.headers.authorization ?? ""),
                params,
            });
            const answer =
                fake.failure !== undefined
                    ? { status: fake.failure.status, body: errorXml(fake.failure) }
                    : params.Action === "DescribeLaunchTemplateVersions"
                      ? describe(templates, params)
                      : {
                            status: 400,
                            body: errorXml({
                                status: 400,
                                code: "InvalidAction",
                                message: `not faked: ${params.Action}`,
                            }),
                        };
            res.writeHead(answer.status, { "Content-Type": "text/xml;charset=UTF-8" });
            res.end(answer.body);
        });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return Object.assign(fake, {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
    });
}
