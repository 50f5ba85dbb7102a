import { KUBELET_CONFIGURATION_KEYS } from "../kubelet-configuration-keys";

/** The kubelet config file of AL2 EKS AMIs, which user data sometimes edits with `jq` before bootstrap.sh runs. */
export const AL2_KUBELET_CONFIG_PATH = "/etc/kubernetes/kubelet/kubelet-config.json";

/** One `.path = value` assignment of a jq filter. */
export interface KubeletConfigAssignment {
    readonly path: readonly string[];
    readonly value: unknown;
    readonly source: string;
}

/** Splits at `|` outside quotes and brackets. */
function splitPipes(filter: string): string[] {
    const pieces: string[] = [];
    let depth = 0;
    let quote = false;
    let start = 0;
    for (let i = 0; i < filter.length; i++) {
        const c = filter[i];
        if (c === "\\" && quote) i++;
        else if (c === '"') quote = !quote;
        else if (!quote && "[{(".includes(c)) depth++;
        else if (!quote && "]})".includes(c)) depth--;
        else if (!quote && depth === 0 && c === "|" && filter[i + 1] !== "=" && filter[i - 1] !== "|") {
            pieces.push(filter.slice(start, i));
            start = i + 1;
        }
    }
    pieces.push(filter.slice(start));
    return pieces.map((piece) => piece.trim()).filter((piece) => piece !== "" && piece !== ".");
}

/**
 * Reads a jq filter made only of `.field = <JSON value>` / `.a.b = <JSON value>` steps joined by `|` (the shape
 * user data uses to edit kubelet-config.json: https://jqlang.org/manual/#assignment), each top-level field a
 * KubeletConfiguration field. Anything else (functions, `+=`, `--arg` variables) gives undefined.
 */
export function parseKubeletConfigFilter(filter: string): KubeletConfigAssignment[] | undefined {
    const known: readonly string[] = KUBELET_CONFIGURATION_KEYS;
    const result: KubeletConfigAssignment[] = [];
    for (const step of splitPipes(filter)) {
        const match = /^((?:\.[A-Za-z_][A-Za-z0-9_]*|\["[^"]+"\])+)\s*=\s*(.+)$/s.exec(step);
        if (match === null) return undefined;
        const path = [...match[1].matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2]);
        if (!known.includes(path[0])) return undefined;
        let value: unknown;
        try {
            value = JSON.parse(match[2]);
        } catch {
            return undefined;
        }
        result.push({ path, value, source: step });
    }
    return result.length > 0 ? result : undefined;
}
