/**
 * The drain's throughput (`npm run bench -- --only drain`): 10 AL2 nodes, 200 evictable pods in 8 Deployments of 25
 * (3 with a PodDisruptionBudget maxUnavailable 25%, 3 with minAvailable 24 = N-1, 2 without), against the project's
 * fake Kubernetes API over real HTTP with the real client. Time is real but scaled 1:10: a pod takes 0.5 s to
 * terminate (5 s) and its replacement 1 s to become Ready (10 s); the drain's polling and back-off are scaled alike
 * (poll 0.1 s for 2 s, back-off 0.05–0.25 s for 1–5 s).
 *
 * The lower bound the budgets and delays impose: a budget allowing k disruptions of n pods needs ceil(n/k) waves, each
 * waiting for the previous wave's replacements to be Ready, and the last wave's pods must terminate:
 * (ceil(n/k) - 1) × startup + termination; the drain cannot finish before the slowest Deployment does.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { DEFAULT_REQUEST_POLICY, realTimer } from "../cutover/drain/api-calls";
import { drainNodeGroup } from "../cutover/drain/drain-run";
import { kubeApi } from "../cutover/drain/node-drain";
import { FAKE_TOKEN, FakeKube, type FakeNode, type FakePdb, type FakePod } from "../tests/fakes/kube-api";

const TERMINATION_MS = 500;
const STARTUP_MS = 1000;
const NODES = 10;
const DEPLOYMENTS = 8;
const REPLICAS = 25;

/** The result: the drain's wall time, the lower bound and their ratio (the target is at most 1.5). */
export interface DrainBenchResult {
    readonly seconds: number;
    readonly lowerBoundSeconds: number;
    readonly ratio: number;
    readonly evicted: number;
}

/** The budget of Deployment i: maxUnavailable 25% (0–2), minAvailable N-1 (3–5), none (6–7). */
function budget(i: number): FakePdb | undefined {
    const base = { namespace: "bench", name: `app-${i}`, selector: { matchLabels: { app: `app-${i}` } } };
    if (i < 3) return { ...base, maxUnavailable: "25%", expectedPods: REPLICAS };
    if (i < 6) return { ...base, minAvailable: REPLICAS - 1, expectedPods: REPLICAS };
    return undefined;
}

/** Disruptions a budget allows at once with every pod healthy (the fake rounds percentages up, as Kubernetes does). */
function allowed(pdb: FakePdb | undefined): number {
    if (pdb === undefined) return REPLICAS;
    if (pdb.maxUnavailable !== undefined) return Math.ceil((25 * REPLICAS) / 100);
    return REPLICAS - Number(pdb.minAvailable);
}

/** The lower bound in ms over all Deployments. */
export function drainLowerBoundMs(): number {
    const perDeployment = Array.from({ length: DEPLOYMENTS }, (_, i) => {
        const waves = Math.ceil(REPLICAS / allowed(budget(i)));
        return (waves - 1) * STARTUP_MS + TERMINATION_MS;
    });
    return Math.max(...perDeployment);
}

/** Runs the benchmark once. */
export async function runDrainBench(): Promise<DrainBenchResult> {
    const t0 = Date.now();
    const fake = new FakeKube(() => Date.now() - t0);
    const server = await fake.start();
    const nodes: FakeNode[] = [];
    for (let n = 0; n < NODES; n++) {
        nodes.push({ name: `al2-${n}`, nodeGroup: "bench-al2", ready: true, unschedulable: false });
        nodes.push({ name: `al2023-${n}`, nodeGroup: "bench-al2023", ready: true, unschedulable: false });
    }
    const pods: FakePod[] = [];
    for (let i = 0; i < DEPLOYMENTS; i++) {
        for (let r = 0; r < REPLICAS; r++) {
            const slot = i * REPLICAS + r;
            pods.push({
                namespace: "bench",
                name: `app-${i}-${r}`,
                nodeName: `al2-${slot % NODES}`,
                labels: { app: `app-${i}` },
                terminationTicks: TERMINATION_MS,
                replacement: {
                    nodeName: `al2023-${slot % NODES}`,
                    ticks: STARTUP_MS,
                    terminationTicks: TERMINATION_MS,
                },
            });
        }
    }
    const pdbs = Array.from({ length: DEPLOYMENTS }, (_, i) => budget(i)).filter((p) => p !== undefined);
    fake.reset({ nodes, pods, pdbs });

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
        clusters: [{ name: "bench", server, skipTLSVerify: true }],
        users: [{ name: "bench", token: FAKE_TOKEN }],
        contexts: [{ name: "bench", cluster: "bench", user: "bench" }],
        currentContext: "bench",
    });
    const api = kubeApi(kubeConfig);
    const started = Date.now();
    try {
        const summary = await drainNodeGroup(
            {
                api: () => api,
                policy: DEFAULT_REQUEST_POLICY,
                clock: () => Date.now(),
                sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
                timer: realTimer,
            },
            {
                nodeGroupName: "bench-al2",
                readyNodeGroupName: "bench-al2023",
                minReadyNodes: NODES,
                timeoutMs: 300_000,
                backoff: { initialMs: 50, maxMs: 250, factor: 2, pollMs: 100 },
            },
        );
        const seconds = (Date.now() - started) / 1000;
        const lowerBoundSeconds = drainLowerBoundMs() / 1000;
        return { seconds, lowerBoundSeconds, ratio: seconds / lowerBoundSeconds, evicted: summary.evicted.length };
    } finally {
        await fake.stop();
    }
}
