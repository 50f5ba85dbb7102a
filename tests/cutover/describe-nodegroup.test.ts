import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeNodegroupHealthWith } from "../../cutover/nodegroup-health";
import { describeNodeRepairWith } from "../../cutover/nodegroup-repair";

// The real @aws-sdk/client-eks DescribeNodegroup call, against a fake EKS endpoint on 127.0.0.1 that records each
// request and answers as the EKS API does (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeNodegroup.html).

const CLUSTER = "shop-prod";
const NODE_GROUP = "general-20261109101204556700000001";
const ACCESS_KEY = "AKIDFAKEEKSTEST00001";

interface Answer {
    readonly status: number;
    readonly body: unknown;
    readonly errorType?: string;
}

const requests: { method: string; path: string; authorization: string }[] = [];
let answer: Answer = { status: 200, body: {} };
const server = http.createServer((req, res) => {
    requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        authorization: String(req.headers.authorization ?? ""),
    });
    req.resume();
    req.on("end", () => {
        res.writeHead(answer.status, {
            "Content-Type": "application/json",
            ...(answer.errorType !== undefined && { "x-amzn-errortype": answer.errorType }),
        });
        res.end(JSON.stringify(answer.body));
    });
});
let endpoint = "";

beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
    requests.length = 0;
});

/** A DescribeNodegroup response body with these health issues. */
function nodegroupBody(issues: unknown[]): unknown {
    return {
        nodegroup: {
            nodegroupName: NODE_GROUP,
            clusterName: CLUSTER,
            status: issues.length > 0 ? "DEGRADED" : "ACTIVE",
            amiType: "AL2023_x86_64_STANDARD",
            scalingConfig: { minSize: 3, maxSize: 12, desiredSize: 6 },
            health: { issues },
        },
    };
}

function read() {
    return describeNodegroupHealthWith({
        endpoint,
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "fake-secret-key" },
    })({ clusterName: CLUSTER, nodeGroupName: NODE_GROUP, region: "eu-west-1" });
}

describe("DescribeNodegroup through @aws-sdk/client-eks (fake EKS endpoint)", () => {
    it("calls GET /clusters/{name}/node-groups/{nodegroupName}, signed with the given credentials", async () => {
        answer = { status: 200, body: nodegroupBody([]) };
        await expect(read()).resolves.toEqual([]);
        expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            `GET /clusters/${CLUSTER}/node-groups/${NODE_GROUP}`,
        ]);
        expect(requests[0].authorization).toMatch(
            new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/eu-west-1/eks/aws4_request`),
        );
    });

    it("returns each health issue with its code, message and resources", async () => {
        answer = {
            status: 200,
            body: nodegroupBody([
                {
                    code: "AsgInstanceLaunchFailures",
                    message: "Could not launch On-Demand Instances. InsufficientInstanceCapacity",
                    resourceIds: ["eks-general-20261109101204556700000001-8e1f2a3b"],
                },
                { code: "NodeCreationFailure", message: "Instances failed to join the kubernetes cluster" },
            ]),
        };
        await expect(read()).resolves.toStrictEqual([
            {
                code: "AsgInstanceLaunchFailures",
                message: "Could not launch On-Demand Instances. InsufficientInstanceCapacity",
                resourceIds: ["eks-general-20261109101204556700000001-8e1f2a3b"],
            },
            {
                code: "NodeCreationFailure",
                message: "Instances failed to join the kubernetes cluster",
                resourceIds: [],
            },
        ]);
    });

    it("a 404 ResourceNotFoundException names the node group and what to check", async () => {
        answer = {
            status: 404,
            errorType: "ResourceNotFoundException",
            body: { message: `No node group found for name: ${NODE_GROUP}.` },
        };
        await expect(read()).rejects.toThrow(
            `DescribeNodegroup of node group "${NODE_GROUP}" in cluster "${CLUSTER}" (eu-west-1): not found ` +
                `(ResourceNotFoundException: No node group found for name: ${NODE_GROUP}.); the readiness gate reads ` +
                "the health of the node group the last deployment recorded: check `aws eks list-nodegroups " +
                `--cluster-name ${CLUSTER}\``,
        );
        expect(requests).toHaveLength(1);
    });

    it("a 500 names the status and the cause, after the SDK's retries", async () => {
        answer = { status: 500, errorType: "ServerException", body: { message: "We encountered an internal error." } };
        await expect(read()).rejects.toThrow(
            `DescribeNodegroup of node group "${NODE_GROUP}" in cluster "${CLUSTER}" (eu-west-1) failed with HTTP 500 ` +
                "(ServerException: We encountered an internal error.); the readiness gate cannot read its health " +
                "issues: retry, and check the credentials allow eks:DescribeNodegroup",
        );
        // The SDK's standard retry mode makes 3 attempts on a server error.
        expect(requests.map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
    });
});

describe("the node repair setting through DescribeNodegroup (fake EKS endpoint)", () => {
    const AL2 = "shop-prod-general-al2";
    function readRepair() {
        return describeNodeRepairWith({
            endpoint,
            credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "fake-secret-key" },
        })({ clusterName: CLUSTER, nodeGroupName: AL2, region: "eu-west-1" });
    }
    const body = (extra: Record<string, unknown>) => ({
        nodegroup: { nodegroupName: AL2, clusterName: CLUSTER, status: "ACTIVE", amiType: "AL2_x86_64", ...extra },
    });

    it.each([
        { nodeRepairConfig: { enabled: true }, expected: { enabled: true } },
        { nodeRepairConfig: { enabled: false }, expected: { enabled: false } },
        { nodeRepairConfig: undefined, expected: undefined },
        { nodeRepairConfig: {}, expected: undefined },
    ])("nodeRepairConfig $nodeRepairConfig → $expected", async ({ nodeRepairConfig, expected }) => {
        answer = { status: 200, body: body(nodeRepairConfig === undefined ? {} : { nodeRepairConfig }) };
        await expect(readRepair()).resolves.toStrictEqual(expected);
        expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /clusters/${CLUSTER}/node-groups/${AL2}`]);
        expect(requests[0].authorization).toMatch(
            new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/eu-west-1/eks/aws4_request`),
        );
    });

    it("a 403 names the node group, the status, the cause and the permission", async () => {
        answer = {
            status: 403,
            errorType: "AccessDeniedException",
            body: { message: "User is not authorized to perform: eks:DescribeNodegroup" },
        };
        await expect(readRepair()).rejects.toThrow(
            `DescribeNodegroup of AL2 node group "${AL2}" in cluster "${CLUSTER}" (eu-west-1) failed with HTTP 403 ` +
                "(AccessDeniedException: User is not authorized to perform: eks:DescribeNodegroup); the pool inherits " +
                "its node repair setting from it: retry, and check the credentials allow eks:DescribeNodegroup",
        );
    });
});
