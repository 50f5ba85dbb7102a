import type { ConfigurationOptions, RequestContext } from "@kubernetes/client-node";
import { clientNode } from "../../common/kubernetes-client";
import { describeApiError, statusCode, type KubeApi } from "./kube-client";

/**
 * How the drain calls the Kubernetes API: every request has its own timeout and never outlives the drain's deadline;
 * transient failures (HTTP 500, 502, 503, 504, a dropped connection, no answer in time) are retried with bounded
 * back-off; a 401 re-runs the credential plugin once and retries, as kubectl does
 * (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).
 */
export interface RequestPolicy {
    /** Longest wait for one answer. @default 30000 */
    readonly timeoutMs: number;
    /** Attempts of one request before its error fails the drain. @default 5 */
    readonly attempts: number;
    /** Wait before the first retry, doubling per attempt. @default 1000 */
    readonly retryInitialMs: number;
    /** Longest wait between two attempts. @default 8000 */
    readonly retryMaxMs: number;
}

/** The request policy used unless told otherwise. */
export const DEFAULT_REQUEST_POLICY: RequestPolicy = {
    timeoutMs: 30_000,
    attempts: 5,
    retryInitialMs: 1000,
    retryMaxMs: 8000,
};

/** Resolves after `ms` unless `signal` aborts first (then it never resolves). For tests: a fake that needs no time. */
export type RequestTimer = (ms: number, signal: AbortSignal) => Promise<void>;

/** A real timer. */
export const realTimer: RequestTimer = (ms, signal) =>
    new Promise((done) => {
        const handle = setTimeout(done, ms);
        signal.addEventListener("abort", () => clearTimeout(handle));
    });

/** Thrown when the drain's deadline passes, during a request or between two. */
export class DeadlineReached extends Error {}

/** What the calls need: the API, time, the deadline and, for an exec user, a way to fetch a new token. */
export interface CallContext {
    /** The clients to use (after a re-authentication, the new ones). */
    readonly api: () => KubeApi;
    /** Runs the credential plugin again (forgets the cached token). Absent: a 401 is final. */
    readonly reauthenticate?: () => Promise<void>;
    readonly policy: RequestPolicy;
    readonly clock: () => number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly timer: RequestTimer;
    /** Clock time at which every request is abandoned. @default none */
    readonly deadline?: number;
}

/** Whether a failure may go away on its own: a server error other than a final one, or a lost connection. */
export function isTransient(error: unknown): boolean {
    const code = statusCode(error);
    if (code !== undefined) return code === 500 || code === 502 || code === 503 || code === 504;
    return (
        error instanceof RequestTimeout ||
        // fetch (client-node 2.x) reports a lost connection as "fetch failed", with the socket error as its cause.
        /socket hang up|fetch failed|other side closed|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT/i.test(
            `${String(error)} ${String((error as { cause?: unknown } | undefined)?.cause)}`,
        )
    );
}

/** A request that got no answer within its timeout. */
export class RequestTimeout extends Error {}

/** A request: gets the clients and per-call options (to pass to the client method, with any options of its own). */
export type Request<T> = (api: KubeApi, options: ConfigurationOptions) => Promise<T>;

/**
 * Sends one request with a timeout: the connection is destroyed when no answer came within the policy's timeout or
 * before the deadline, whichever is first.
 */
async function attempt<T>(context: CallContext, request: Request<T>): Promise<T> {
    const k8s = clientNode();
    // client-node 2.x sends requests with fetch: a request is cut off by aborting the signal it was sent with.
    const cutOff = new AbortController();
    const withSignal = {
        pre: (ctx: RequestContext) => {
            ctx.setSignal(cutOff.signal);
            return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (ctx: unknown) => new k8s.Observable(Promise.resolve(ctx)),
    };
    const options = { middleware: [withSignal], middlewareMergeStrategy: "append" } as unknown as ConfigurationOptions;
    const left = context.deadline === undefined ? Infinity : context.deadline - context.clock();
    if (left <= 0) throw new DeadlineReached("deadline reached");
    const ms = Math.min(context.policy.timeoutMs, left);
    const abort = new AbortController();
    const timedOut = context.timer(ms, abort.signal).then(() => {
        cutOff.abort();
        throw ms < context.policy.timeoutMs
            ? new DeadlineReached("deadline reached")
            : new RequestTimeout(`no answer within ${ms / 1000}s`);
    });
    try {
        return await Promise.race([request(context.api(), options), timedOut]);
    } finally {
        abort.abort();
        timedOut.catch(() => undefined);
    }
}

/** One call: what it is (for errors), the request, and for a change how to tell it happened after a lost answer. */
export interface Call<T> {
    /** What the request does, in words (`listing the nodes of node group "x"`); errors start with it. */
    readonly label: string;
    /** The request to send (again on a retry). */
    readonly request: Request<T>;
    /**
     * For a request that changes something: after an answer was lost (no status: a dropped connection, no answer in
     * time), whether the change happened anyway; then it is not sent again.
     */
    readonly alreadyDone?: () => Promise<boolean>;
}

/**
 * Sends a request, retrying transient failures with capped exponential back-off (at most `policy.attempts` tries)
 * and re-authenticating once after a 401. Throws `DeadlineReached` at the deadline, otherwise an Error naming the
 * request (`label`), the attempts and the last failure.
 */
export async function callApi<T>(context: CallContext, call: Call<T>): Promise<T> {
    const { label, request } = call;
    let reauthenticated = false;
    for (let tries = 1; ; tries++) {
        try {
            return await attempt(context, request);
        } catch (error) {
            if (error instanceof DeadlineReached) throw error;
            if (statusCode(error) === undefined && call.alreadyDone !== undefined && (await call.alreadyDone())) {
                // Only requests without a result pass `alreadyDone`.
                return undefined as T;
            }
            if (statusCode(error) === 401 && !reauthenticated && context.reauthenticate !== undefined) {
                reauthenticated = true;
                await context.reauthenticate();
                tries -= 1;
                continue;
            }
            if (statusCode(error) === 401) {
                const again = reauthenticated ? ", also after running the credential plugin again" : "";
                throw new Error(`${label}: ${describeApiError(error)} (credentials refused${again})`);
            }
            if (!isTransient(error)) throw new Error(`${label}: ${describeApiError(error)}`);
            if (tries >= context.policy.attempts) {
                throw new Error(`${label} failed ${tries} times; last: ${describeApiError(error)}`);
            }
            const wait = Math.min(context.policy.retryMaxMs, context.policy.retryInitialMs * 2 ** (tries - 1));
            if (context.deadline !== undefined && context.clock() + wait >= context.deadline) {
                throw new DeadlineReached("deadline reached");
            }
            await context.sleep(wait);
        }
    }
}
