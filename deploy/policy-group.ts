import type * as pulumiservice from "@pulumi/pulumiservice";
import { PROJECT } from "../common/project";
import { ENVIRONMENTS, type DeployConfig } from "./config";

/**
 * The guardrails policy pack's name, as `policy/index.ts` declares it (`new PolicyPack(...)`) and as
 * `pulumi policy publish policy` publishes it to the organization.
 */
export const GUARDRAILS_POLICY_PACK = `${PROJECT}-guardrails`;

/**
 * A preventative policy group with the published guardrails on the migration stacks: Pulumi Cloud runs the pack on
 * every preview and update of those stacks wherever they run (Deployments, GitHub Actions, a laptop), and blocks a
 * mandatory violation. Deployment settings cannot pass `--policy-pack`; a policy group is how Pulumi Cloud enforces a
 * pack (https://www.pulumi.com/docs/iac/crossguard/get-started/#enforcing-a-policy-pack). The pack must have been
 * published first: `pulumi policy publish <org>` in `policy/`. No `versionTag`: the latest published version applies.
 */
export function guardrailsPolicyGroupArgs(config: DeployConfig): pulumiservice.PolicyGroupArgs {
    return {
        name: `${PROJECT}-stacks`,
        organizationName: config.organization,
        entityType: "stacks",
        mode: "preventative",
        stacks: ENVIRONMENTS.map((name) => ({ name, routingProject: PROJECT })),
        policyPacks: [{ name: GUARDRAILS_POLICY_PACK }],
    };
}
