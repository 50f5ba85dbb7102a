import { describe, expect, it } from "vitest";
import { settleProviderWith, type SettleInputs } from "../../identity/association-settle";
import { WorkloadIdentities } from "../../identity/workload-identities";
import { lookupClusterFacts } from "../../common/cluster-facts";
import { parseConfig } from "../../config/read-config";
import { MINIMAL_POOL } from "../config/config-errors";
import { exampleFacts, runProgram, useOfflineCloud } from "../fakes/mocks";

const SETTLE = "pulumi-nodejs:dynamic:Resource";
const ROLE = "arn:aws:iam::111122223333:role/shop-dev-events";
const INPUTS: SettleInputs = { associationId: "a-1234567890abcdefg", roleArn: ROLE, settleSeconds: 15 };

/** A settle provider whose sleeper records the waits instead of waiting (no real time passes). */
function recordingProvider() {
    const waits: number[] = [];
    const provider = settleProviderWith({ sleep: async (ms) => void waits.push(ms) });
    return { provider, waits };
}

describe("AssociationSettle: waits once after a Pod Identity association is created or changes", () => {
    it("create waits settleSeconds, and its outputs are its inputs (nothing that changes between runs)", async () => {
        const { provider, waits } = recordingProvider();
        const created = await provider.create!(INPUTS);
        expect(waits).toEqual([15000]);
        expect(created).toStrictEqual({ id: "settle/a-1234567890abcdefg", outs: INPUTS });
    });

    it("a re-run with the same association and role is no change, so it waits for nothing", async () => {
        const { provider, waits } = recordingProvider();
        expect(await provider.diff!("settle/a-1234567890abcdefg", INPUTS, { ...INPUTS })).toStrictEqual({
            changes: false,
        });
        // A different wait setting alone is no change either: only the association matters.
        expect(await provider.diff!("id", INPUTS, { ...INPUTS, settleSeconds: 30 })).toStrictEqual({ changes: false });
        expect(waits).toEqual([]);
    });

    it("a new association (replaced) or another role (updated) is a change, and the update waits again", async () => {
        const { provider, waits } = recordingProvider();
        expect(await provider.diff!("id", INPUTS, { ...INPUTS, associationId: "a-0000000000000000z" })).toStrictEqual({
            changes: true,
        });
        const other = { ...INPUTS, roleArn: "arn:aws:iam::111122223333:role/shop-dev-other" };
        expect(await provider.diff!("id", INPUTS, other)).toStrictEqual({ changes: true });
        expect(await provider.update!("id", INPUTS, other)).toStrictEqual({ outs: other });
        expect(waits).toEqual([15000]);
    });

    it("is declared per Pod Identity binding with the association's id and role; IRSA bindings get none", async () => {
        const cloud = await useOfflineCloud(exampleFacts("dev"));
        const identity = parseConfig({
            clusterName: "shop-dev",
            pools: [MINIMAL_POOL],
            serviceAccounts: [
                {
                    namespace: "orders",
                    name: "publisher",
                    identity: "pod-identity",
                    managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"],
                    restart: [{ kind: "Deployment", name: "publisher" }],
                },
                {
                    namespace: "shop",
                    name: "reader",
                    managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                },
            ],
            oidcProvider: { create: true },
        }).identity;
        await runProgram(async () => {
            const cluster = await lookupClusterFacts("shop-dev");
            await WorkloadIdentities.create("identities", { identity, cluster });
            return {};
        });
        const settles = cloud.ofType(SETTLE);
        expect(settles.map((r) => r.name)).toEqual(["identities-orders-publisher-association-settle"]);
        const { __provider, ...inputs } = settles[0].inputs;
        expect(typeof __provider).toBe("string");
        const association = cloud.resource(
            "aws:eks/podIdentityAssociation:PodIdentityAssociation",
            "identities-orders-publisher-association",
        );
        expect(inputs).toStrictEqual({
            associationId: "a-17b57840fb6610fba",
            roleArn: association.inputs.roleArn,
            settleSeconds: 15,
        });
    });
});
