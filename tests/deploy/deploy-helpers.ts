import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { DEPLOY_PROJECT } from "../../deploy/config";
import { ROOT } from "../fakes/mocks";

/** The raw config of deploy/Pulumi.deploy.yaml, keys without the deploy project prefix. */
export function exampleDeployConfig(): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, "deploy", "Pulumi.deploy.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config)) {
        if (key.startsWith(`${DEPLOY_PROJECT}:`)) raw[key.slice(DEPLOY_PROJECT.length + 1)] = value;
    }
    return raw;
}

/** A workflow file of .github/workflows, parsed. */
export function workflow(name: string): Record<string, unknown> {
    return parseYaml(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8")) as Record<string, unknown>;
}

/** One resource the deploy program declared. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** An IAM OIDC provider that exists in an account before the bootstrap runs. */
export interface ExistingProvider {
    readonly account: string;
    readonly url: string;
    readonly clientIdLists: readonly string[];
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Pulumi mocks for the deploy program (project eks-al2023-migration-deploy): record every custom resource, give roles an
 * ARN in the account their provider is pinned to, and answer the one invoke the program makes,
 * `aws.iam.getOpenIdConnectProvider({url})`, from `existing` in the account of the provider it runs with (failing as
 * the AWS provider fails when the account has none). Any other invoke fails.
 */
export class DeployMocks implements pulumi.runtime.Mocks {
    readonly resources: DeclaredResource[] = [];
    /** Every OIDC provider lookup: the account (from the provider it ran with) and the URL. */
    readonly lookups: { account: string; url: string }[] = [];
    private readonly accountByProvider = new Map<string, string>();

    constructor(
        private readonly existing: readonly ExistingProvider[] = [],
        /** When set, every lookup fails with this text (an error that is not "not found"). */
        private readonly lookupError?: string,
    ) {}

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (args.token !== "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider") {
            throw new Error(`DeployMocks: unexpected invoke ${args.token}`);
        }
        const account = this.accountByProvider.get((args.provider ?? "").split("::")[3] ?? "") ?? "000000000000";
        const url = String(args.inputs.url);
        this.lookups.push({ account, url });
        if (this.lookupError !== undefined)
            throw Object.assign(new Error(this.lookupError), { details: this.lookupError });
        const found = this.existing.find((p) => p.account === account && p.url === url);
        if (found === undefined) {
            const message = `finding IAM OIDC Provider by url (${url}): not found`;
            // The SDK builds an invoke's error from its `details` (see plan/offline-cloud.ts).
            throw Object.assign(new Error(message), { details: message });
        }
        const arn = `arn:aws:iam::${account}:oidc-provider/${url.replace(/^https:\/\//, "")}`;
        return {
            id: arn,
            arn,
            url,
            clientIdLists: [...found.clientIdLists],
            thumbprintLists: [],
            tags: found.tags ?? {},
        };
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const id = `${args.name}-id`;
        if (args.custom === false) return { id, state: {} };
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (args.type === "pulumi:providers:aws") {
            // Provider inputs reach the engine JSON-encoded.
            this.accountByProvider.set(args.name, (JSON.parse(args.inputs.allowedAccountIds) as string[])[0]);
        }
        if (args.type === "aws:iam/role:Role") {
            const providerName = (args.provider ?? "").split("::")[3] ?? "";
            const account = this.accountByProvider.get(providerName) ?? "000000000000";
            return { id, state: { ...args.inputs, arn: `arn:aws:iam::${account}:role/${args.inputs.name}` } };
        }
        return { id, state: args.inputs };
    }

    /** The recorded resources of a type. */
    ofType(type: string): DeclaredResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    /** The recorded resource of a type and name; throws when there is none. */
    resource(type: string, name: string): DeclaredResource {
        const found = this.resources.find((resource) => resource.type === type && resource.name === name);
        if (found === undefined) throw new Error(`no ${type} named ${name} was declared`);
        return found;
    }
}

/** Installs fresh DeployMocks for stack `deploy` of the deploy program and returns them. */
export async function useDeployMocks(
    existing: readonly ExistingProvider[] = [],
    lookupError?: string,
): Promise<DeployMocks> {
    const mocks = new DeployMocks(existing, lookupError);
    await pulumi.runtime.setMocks(mocks, DEPLOY_PROJECT, "deploy", false, "acme");
    return mocks;
}
