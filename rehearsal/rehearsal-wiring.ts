/** Checks that a rehearsal is wired to the cutover and identity features it exists to exercise. */
import type { Problems } from "../common/config-error";
import type { IdentityConfig } from "../identity/identity-config";
import type { PoolConfig } from "../nodes/pools";
import type { RehearsalConfig } from "./rehearsal-schema";

/**
 * Checks that the rehearsal is wired to the cutover and identity features: a pool replaces its AL2 node group, a
 * `serviceAccounts` entry binds the sample service account (IRSA, existing account, restarting the sample
 * Deployment), and the IAM OIDC provider is not created a second time (the cluster creates it).
 */
export function checkRehearsalWiring(
    config: {
        readonly rehearsal: RehearsalConfig;
        readonly pools: readonly Pick<PoolConfig, "legacyNodeGroup">[];
        readonly identity: IdentityConfig;
    },
    problems: Problems,
): void {
    const { rehearsal, pools, identity } = config;
    const legacy = rehearsal.legacyNodeGroup.name;
    if (!pools.some((pool) => pool.legacyNodeGroup === legacy)) {
        problems.add("rehearsal.legacyNodeGroup.name", legacy, "a pool's legacyNodeGroup must name it");
    }
    const workload = rehearsal.sampleWorkload;
    const account = identity.serviceAccounts.find(
        (sa) => sa.namespace === workload.namespace && sa.name === workload.serviceAccount,
    );
    const wanted = `${workload.namespace}/${workload.serviceAccount}`;
    if (account === undefined) {
        problems.add(
            "rehearsal.sampleWorkload.serviceAccount",
            workload.serviceAccount,
            `bind ${wanted} in serviceAccounts`,
        );
    } else if (account.create || !account.restart.some((t) => t.kind === "Deployment" && t.name === workload.name)) {
        problems.addMessage(
            "serviceAccounts",
            `the entry for ${wanted} must have create: false (the rehearsal creates the service account) and ` +
                `restart the Deployment ${workload.name}`,
        );
    }
    if (identity.oidcProvider.create) {
        problems.add("oidcProvider.create", true, "in rehearsal mode the cluster creates its IAM OIDC provider");
    }
}
