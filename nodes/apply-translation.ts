import { labelTaintChanges } from "./inheritance";
import type { NodeConfigExtraSpec } from "./nodeadm-user-data";
import type { NodeTaint, PoolConfig } from "./pools";
import type { Al2Translation } from "./userdata-translation/translation";

/** A pool with what its AL2 node group's user data translated to, and the NodeConfig fields the pool has no key for. */
export interface TranslatedPool {
    readonly pool: PoolConfig;
    readonly extraSpec?: NodeConfigExtraSpec;
    /** What the pool drops or changes of the labels and taints the AL2 user data gave, in words (for the plan). */
    readonly changes: readonly string[];
}

/** Where the AL2 user data's labels and taints came from, as the plan's change lines name it. */
const USER_DATA_SOURCE = {
    labels: "AL2 user data --node-labels",
    taints: "AL2 user data --register-with-taints",
} as const;

/**
 * Applies a user data translation to the AL2023 pool: kubelet config fields and flags are added under the pool's own
 * settings (the pool's `kubelet.maxPods` and `kubelet.config` fields win; its flags come after the translated ones, so
 * they win in kubelet's last-flag-wins parsing); the user data's labels and taints are added to the pool's (which win
 * on the same key) only when `pools[i]` does not set `labels` / `taints` itself (a pool without `setKeys` counts as
 * setting them, as in `inheritedPool`), and what the pool then drops or changes of them is listed; containerd and
 * local storage settings go to the NodeConfig. Offered scripts are not applied (they need an acknowledgement).
 */
export function applyTranslation(pool: PoolConfig, translation: Al2Translation): TranslatedPool {
    const translated = translation.nodeConfig;
    const { maxPods, ...config } = translated.kubelet?.config ?? {};
    const sets = (key: "labels" | "taints") => pool.setKeys?.includes(key) ?? true;
    const taints = new Map<string, NodeTaint>();
    for (const taint of [...(sets("taints") ? [] : translation.taints), ...pool.taints])
        taints.set(`${taint.key}:${taint.effect}`, taint);
    const labels = sets("labels") ? pool.labels : { ...translation.labels, ...pool.labels };
    const extraSpec: NodeConfigExtraSpec = {
        ...(translated.containerd !== undefined && { containerd: translated.containerd }),
        ...(translated.instance !== undefined && { instance: translated.instance }),
    };
    const poolMaxPods = pool.kubelet.maxPods ?? (typeof maxPods === "number" ? maxPods : undefined);
    const applied = { labels, taints: [...taints.values()] };
    return {
        pool: {
            ...pool,
            ...applied,
            kubelet: {
                ...(poolMaxPods !== undefined && { maxPods: poolMaxPods }),
                flags: [...(translated.kubelet?.flags ?? []), ...pool.kubelet.flags],
                config: { ...config, ...pool.kubelet.config },
            },
        },
        ...(Object.keys(extraSpec).length > 0 && { extraSpec }),
        changes: labelTaintChanges({
            pool: applied,
            al2Labels: translation.labels,
            al2Taints: translation.taints,
            from: USER_DATA_SOURCE,
        }),
    };
}
