import type { CoreV1Api, KubeConfig, PolicyV1Api } from "@kubernetes/client-node";
import { clientNode } from "../../common/kubernetes-client";

/**
 * The Kubernetes calls the drain makes: exactly these, so a test can serve them from a fake API server and a reader
 * can see the RBAC the stack's credentials need (nodes: list, patch; pods: list; pods/eviction: create;
 * poddisruptionbudgets: list).
 */
export interface KubeApi {
    readonly core: Pick<
        CoreV1Api,
        "listNode" | "patchNode" | "listPodForAllNamespaces" | "createNamespacedPodEviction"
    >;
    readonly policy: Pick<PolicyV1Api, "listNamespacedPodDisruptionBudget">;
}

/** The API clients of a loaded KubeConfig. */
export function kubeApi(kubeConfig: KubeConfig): KubeApi {
    const k8s = clientNode();
    return { core: kubeConfig.makeApiClient(k8s.CoreV1Api), policy: kubeConfig.makeApiClient(k8s.PolicyV1Api) };
}

/** The status code of a failed Kubernetes call (client-node's ApiException), if any. */
export function statusCode(error: unknown): number | undefined {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === "number" ? code : undefined;
}

/** The message of a failed call's Status body, or the body as it is when it is not a Status. */
export function statusMessage(error: unknown): string {
    const body = (error as { body?: unknown } | undefined)?.body;
    const fromObject = (body as { message?: unknown } | null | undefined)?.message;
    if (typeof body === "object" && typeof fromObject === "string") return fromObject;
    let message = typeof body === "string" ? body : "";
    // Without a body, client-node's ApiException text holds the HTTP reason: "HTTP-Code: 401\nMessage: Unauthorized".
    if (body === undefined)
        message = /\nMessage: ([^\n]*)/.exec(String((error as Error | undefined)?.message))?.[1] ?? "";
    try {
        const parsed = typeof body === "string" ? (JSON.parse(body) as { message?: unknown }) : undefined;
        if (typeof parsed?.message === "string") message = parsed.message;
    } catch {
        // a non-JSON body is shown as it is
    }
    return message;
}

/** A failed call in one line: `HTTP 403: nodes is forbidden: ...` (the API's Status message, not the raw body). */
export function describeApiError(error: unknown): string {
    const code = statusCode(error);
    if (code === undefined) return error instanceof Error ? error.message : String(error);
    const message = statusMessage(error);
    return `HTTP ${code}${message ? `: ${message}` : ""}`;
}

/** The clients for a kubeconfig, and (for an exec user) a way to make the next request run the plugin again. */
export interface Connection {
    readonly api: () => KubeApi;
    /** Present for an exec user. */
    readonly reauthenticate?: () => Promise<void>;
}

/**
 * Connects with kubeconfig text. client-node caches an exec plugin's token until the expiry the credential states
 * (`status.expirationTimestamp`); after a 401 before that time (clock skew, a session that ends sooner), kubectl runs
 * the plugin again, and so does `reauthenticate`: it loads the kubeconfig into a new KubeConfig, whose authenticators
 * (one set per KubeConfig in client-node 2.x) hold no cached token, so the next request runs the plugin.
 */
export function connect(kubeconfig: string): Connection {
    const k8s = clientNode();
    const load = () => {
        const kubeConfig = new k8s.KubeConfig();
        kubeConfig.loadFromString(kubeconfig);
        return kubeConfig;
    };
    const first = load();
    let api = kubeApi(first);
    if (first.getCurrentUser()?.exec === undefined) return { api: () => api };
    return {
        api: () => api,
        reauthenticate: async () => {
            api = kubeApi(load());
        },
    };
}
