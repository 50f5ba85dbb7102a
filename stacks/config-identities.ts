import { ConfigObject, Problems } from "./validate";

/** Workload identity settings (issue 3 fills this in). */
export interface IdentityConfig {
    readonly serviceAccounts: readonly unknown[];
}

/** Top-level config keys this module reads. */
export const IDENTITY_KEYS = ["serviceAccounts"] as const;

/** Validates the identity keys, recording every problem. */
export function parseIdentityConfig(root: ConfigObject, problems: Problems): IdentityConfig {
    void problems;
    return { serviceAccounts: root.list("serviceAccounts")?.map((item) => item.value) ?? [] };
}
