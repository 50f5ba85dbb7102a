/** A pool's kubelet settings, as nodeadm takes them (NodeConfig `spec.kubelet`). */
import * as v from "valibot";
import { notAllowedText } from "../common/config-error";
import * as kit from "../common/schema-kit";
import { KUBELET_CONFIGURATION_KEYS } from "./kubelet-configuration-keys";

const { int, optional, pathItem, stringList, strictObject, withDefault } = kit;

/**
 * The paths of `null` values (YAML `~`) at any depth of `value`: nodeadm would copy them into kubelet's
 * configuration, where a null field means nothing at all, so the setting the user wrote would silently not exist.
 */
function nullPaths(value: unknown): [v.IssuePathItem, ...v.IssuePathItem[]][] {
    const children: [string | number, unknown][] = Array.isArray(value)
        ? value.map((item, i) => [i, item])
        : kit.isPlainObject(value)
          ? Object.entries(value)
          : [];
    return children.flatMap(([key, item]) => {
        const here = pathItem(value, key, item);
        if (item === null) return [[here]];
        return nullPaths(item).map((rest): [v.IssuePathItem, ...v.IssuePathItem[]] => [here, ...rest]);
    });
}

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
                if (!kit.isPlainObject(config)) return;
                if ("maxPods" in config) {
                    addIssue({
                        input: config.maxPods,
                        message: "set kubelet.maxPods instead (one place for the pod limit)",
                        path: [pathItem(config, "maxPods", config.maxPods)],
                    });
                }
                for (const path of nullPaths(config)) {
                    addIssue({
                        input: null,
                        message: notAllowedText(
                            null,
                            "expected a value (YAML ~ or null sets nothing; remove the key to keep kubelet's default)",
                        ),
                        path,
                    });
                }
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
