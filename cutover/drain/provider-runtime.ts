import type { Backoff } from "./node-drain";
import {
    DEFAULT_REQUEST_POLICY,
    realTimer,
    type CallContext,
    type RequestPolicy,
    type RequestTimer,
} from "./api-calls";
import { connect } from "./kube-client";
import { engineLog, type DrainLog } from "./progress";

/**
 * What the cordon and drain providers run with besides their inputs: where progress goes, time, and request timing.
 * Everything defaults to the real thing (the engine's log, the wall clock); tests replace parts. Defaults are
 * resolved when called, so the serialized provider captures no native function.
 */
export interface ProviderRuntime {
    readonly log?: DrainLog;
    readonly clock?: () => number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly timer?: RequestTimer;
    readonly policy?: RequestPolicy;
    readonly backoff?: Backoff;
    readonly progressIntervalMs?: number;
}

/** The call context for a kubeconfig under a runtime. */
export function callContext(kubeconfig: string, runtime: ProviderRuntime): CallContext {
    const connection = connect(kubeconfig);
    return {
        api: connection.api,
        ...(connection.reauthenticate !== undefined && { reauthenticate: connection.reauthenticate }),
        policy: runtime.policy ?? DEFAULT_REQUEST_POLICY,
        clock: runtime.clock ?? (() => Date.now()),
        sleep: runtime.sleep ?? ((ms) => new Promise<void>((done) => setTimeout(done, ms))),
        timer: runtime.timer ?? realTimer,
    };
}

/** The log of a runtime: the engine's unless replaced. */
export function runtimeLog(runtime: ProviderRuntime): DrainLog {
    return runtime.log ?? engineLog;
}

/**
 * An error that tells the engine the resource exists in a partial state: the dynamic provider host turns an error
 * with `id` and `properties` into ErrorResourceInitFailed, the engine records those outputs with the error, and the
 * next `pulumi up` updates the resource (a delete, for a rollback, gets them too). This is how a cordon or drain
 * that fails part-way remembers the nodes it cordoned.
 */
export function partialFailure(message: string, id: string, properties: object): Error {
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}
