import { describe, expect, it } from "vitest";
import { KUBELET_CONFIGURATION_KEYS } from "../../nodes/kubelet-configuration-keys";
import { parseConfig } from "../../config/read-config";
import schema from "./fixtures/kubelet-configuration-v1beta1-v1.33.json";

/**
 * The fixture holds the JSON field names of KubeletConfiguration v1beta1 as Kubernetes v1.33.0 declares them
 * (https://github.com/kubernetes/kubernetes/blob/v1.33.0/staging/src/k8s.io/kubelet/config/v1beta1/types.go),
 * so a typo, a dropped key or an invented one in the program's list fails here.
 */
describe("KUBELET_CONFIGURATION_KEYS", () => {
    it("is the KubeletConfiguration v1beta1 field list of Kubernetes v1.33.0, in declaration order", () => {
        expect(schema.release).toBe("v1.33.0");
        expect(schema.keys).toHaveLength(123);
        expect([...KUBELET_CONFIGURATION_KEYS]).toStrictEqual(schema.keys);
    });

    it("accepts every field of the schema in pools[i].kubelet.config, except maxPods (kubelet.maxPods)", () => {
        const config = Object.fromEntries(schema.keys.filter((key) => key !== "maxPods").map((key) => [key, "x"]));
        const pool = {
            name: "general",
            subnetIds: ["subnet-0a1b2c3d4e5f60718"],
            scaling: { min: 1, desired: 1, max: 1 },
            kubelet: { config },
        };
        const parsed = parseConfig({ clusterName: "shop-dev", pools: [pool] });
        expect(Object.keys(parsed.pools[0].kubelet.config)).toHaveLength(122);
    });
});
