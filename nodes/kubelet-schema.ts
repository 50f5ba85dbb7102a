/** A pool's kubelet settings, as nodeadm takes them (NodeConfig `spec.kubelet`). */
import * as v from "valibot";
import * as kit from "../common/schema-kit";
import { KUBELET_CONFIGURATION_KEYS } from "./nodeadm-user-data";

const { int, optional, pathItem, stringList, strictObject, withDefault } = kit;

/** The keys of `pools[i].kubelet`: kubelet settings that nodeadm understands (NodeConfig `spec.kubelet`). */
export const kubeletEntries = {
    maxPods: optional(int(1, 1_000, "pods"), { type: "int", description: "`spec.kubelet.config.maxPods`" }),
    flags: withDefault(
        stringList({
            pattern: /^--[a-z0-9][a-z0-9-]*(=.*)?$/,
            patternText: "a kubelet flag starting with --, e.g. --image-gc-high-threshold=80",
        }),
        [],
        { type: "list", description: "each `--flag=value`, appended by nodeadm" },
    ),
    config: withDefault(
        kit.checked(
            kit.checked(
                v.custom<Record<string, unknown>>(
                    kit.isPlainObject,
                    kit.notAllowed("expected an object (a YAML mapping)"),
                ),
                kit.onlyKeys(KUBELET_CONFIGURATION_KEYS),
            ),
            (config, addIssue) => {
                if (!kit.isPlainObject(config) || !("maxPods" in config)) return;
                addIssue({
                    input: config.maxPods,
                    message: "set kubelet.maxPods instead (one place for the pod limit)",
                    path: [pathItem(config, "maxPods", config.maxPods)],
                });
            },
        ),
        {},
        {
            type: "map",
            description:
                "KubeletConfiguration fields; unknown or mis-cased keys are refused, since nodeadm drops them silently",
        },
    ),
};

/** `pools[i].kubelet`. */
export const kubeletSchema = strictObject(kubeletEntries);
