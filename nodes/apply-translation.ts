import type { NodeConfigExtraSpec } from "./nodeadm-user-data";
import type { NodeTaint, PoolConfig } from "./pools";
import type { Al2Translation } from "./userdata-translation/translation";

/** A pool with what its AL2 node group's user data translated to, and the NodeConfig fields the pool has no key for. */
export interface TranslatedPool {
    readonly pool: PoolConfig;
    readonly extraSpec?: NodeConfigExtraSpec;
}

/**
 * Applies a user data translation to the AL2023 pool: kubelet config fields, flags, labels and taints are added under
 * the pool's own settings (the pool's `kubelet.maxPods`, `kubelet.config` fields, labels and taints win; its flags come
 * after the translated ones, so they win in kubelet's last-flag-wins parsing); containerd and local storage settings
 * go to the NodeConfig. Offered scripts are not applied (they need an acknowledgement).
 */
export function applyTranslation(pool: PoolConfig, translation: Al2Translation): TranslatedPool {
    const translated = translation.nodeConfig;
    const { maxPods, ...config } = translated.kubelet?.config ?? {};
    const taints = new Map<string, NodeTaint>();
    for (const taint of [...translation.taints, ...pool.taints]) taints.set(`${taint.key}:${taint.effect}`, taint);
    const extraSpec: NodeConfigExtraSpec = {
        ...(translated.containerd !== undefined && { containerd: translated.containerd }),
        ...(translated.instance !== undefined && { instance: translated.instance }),
    };
    const poolMaxPods = pool.kubelet.maxPods ?? (typeof maxPods === "number" ? maxPods : undefined);
    return {
        pool: {
            ...pool,
            labels: { ...translation.labels, ...pool.labels },
            taints: [...taints.values()],
            kubelet: {
                ...(poolMaxPods !== undefined && { maxPods: poolMaxPods }),
                flags: [...(translated.kubelet?.flags ?? []), ...pool.kubelet.flags],
                config: { ...config, ...pool.kubelet.config },
            },
        },
        ...(Object.keys(extraSpec).length > 0 && { extraSpec }),
    };
}
