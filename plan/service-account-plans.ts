import { IDENTITY_HASH_ANNOTATION } from "../identity/service-account-binding";
import { CHILD_NAMES } from "../common/child-names";
import type { Evaluation } from "./evaluate";
import type { ServiceAccountPlan } from "./plan-document";
import { asObject } from "./recorded-values";

const ROLE = "aws:iam/role:Role";
const RESTART_TYPES = [
    "kubernetes:apps/v1:DeploymentPatch",
    "kubernetes:apps/v1:StatefulSetPatch",
    "kubernetes:apps/v1:DaemonSetPatch",
];
const SERVICE_ACCOUNT_TYPES = ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch"];

/** The `:sub` values and service principals a trust policy document allows. */
export function trustOf(assumeRolePolicy: unknown): ServiceAccountPlan["trust"] {
    const doc = asObject(typeof assumeRolePolicy === "string" ? JSON.parse(assumeRolePolicy) : assumeRolePolicy);
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const subjects: string[] = [];
    const services: string[] = [];
    for (const statement of statements.map(asObject)) {
        for (const operator of Object.values(asObject(statement.Condition))) {
            for (const [key, value] of Object.entries(asObject(operator))) {
                if (key.endsWith(":sub"))
                    subjects.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
            }
        }
        const service = asObject(statement.Principal).Service;
        if (service !== undefined) services.push(...(Array.isArray(service) ? service.map(String) : [String(service)]));
    }
    return { subjects, services };
}

/** Each service account binding of the plan, from the service accounts the stack outputs. */
export function serviceAccountPlans(evaluation: Evaluation): ServiceAccountPlan[] {
    const declared = Array.isArray(evaluation.outputs.serviceAccounts) ? evaluation.outputs.serviceAccounts : [];
    return declared.map(asObject).map((account) => {
        const namespace = String(account.namespace);
        const name = String(account.name);
        const roleArn = String(account.roleArn);
        const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
        const role = evaluation.resources.find((r) => r.type === ROLE && r.inputs.name === roleName);
        const prefix = CHILD_NAMES.serviceAccountBinding(CHILD_NAMES.workloadIdentities, namespace, name);
        const sa = evaluation.resources.find(
            (r) => SERVICE_ACCOUNT_TYPES.includes(r.type) && r.name === CHILD_NAMES.serviceAccount(prefix),
        );
        const restarts = evaluation.resources
            .filter((r) => RESTART_TYPES.includes(r.type) && r.name.startsWith(CHILD_NAMES.restartPrefix(prefix)))
            .map((r) => {
                const metadata = asObject(r.inputs.metadata);
                const template = asObject(asObject(asObject(r.inputs.spec).template).metadata);
                return {
                    kind: String(r.inputs.kind),
                    name: String(metadata.name),
                    annotation: String(asObject(template.annotations)[IDENTITY_HASH_ANNOTATION]),
                };
            });
        return {
            namespace,
            name,
            binding: String(account.binding),
            roleName,
            roleArn,
            trust: role === undefined ? { subjects: [], services: [] } : trustOf(role.inputs.assumeRolePolicy),
            serviceAccount:
                sa === undefined
                    ? "untouched"
                    : sa.type === "kubernetes:core/v1:ServiceAccount"
                      ? "created"
                      : "patched",
            annotations: asObject(asObject(sa?.inputs.metadata).annotations) as Record<string, string>,
            podIdentityAssociation: evaluation.resources.some(
                (r) =>
                    r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" &&
                    r.name === CHILD_NAMES.podIdentityAssociation(prefix),
            ),
            restarts,
        };
    });
}
