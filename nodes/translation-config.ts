import type { StringRule } from "../common/schema-kit";
import { closestName } from "../common/suggest";
import type { TranslationItem } from "./userdata-translation/translation";

/** `pools[i].al2Migration`: what the user has handled by hand of what cannot move from the AL2 node group. */
export interface Al2MigrationConfig {
    /** Ids of report items (`--docker-config-json`, `post-bootstrap-commands`, ...) the user has dealt with. */
    readonly acknowledge: readonly string[];
}

/**
 * The acknowledgement that lets a pool run without its AL2 user data translation once its AL2 node group is gone and
 * its cutover record (written before it held the launch template source) cannot give it back.
 */
export const UNRECORDED_LAUNCH_TEMPLATE = "al2-launch-template-unrecorded";

/** The id shapes `translateUserData` gives its items (the rule of `pools[i].al2Migration.acknowledge`). */
export const ACKNOWLEDGEMENT_ID: StringRule = {
    pattern:
        /^(--[a-z0-9-]+|kubelet:--[a-z0-9-]+|kubelet-arg:\S+|label:\S+|taint:\S+|unresolved:\S+|jq:\S+|edit:\/\S+|part:[a-z]+\/[a-z0-9.+-]+|pre-bootstrap-commands|post-bootstrap-commands|bootstrap-invocation|al2-launch-template-unrecorded)$/,
    patternText:
        "an item id from the translation report (npm run translate-userdata, or the error that listed it), e.g. --docker-config-json, kubelet:--node-ip, post-bootstrap-commands, part:text/cloud-config",
};

/** Inputs of `acknowledgementProblems`. */
export interface AcknowledgementCheck {
    /** The pool's key, `pools[0]`. */
    readonly poolKey: string;
    readonly nodeGroupName: string;
    readonly items: readonly TranslationItem[];
    readonly acknowledge: readonly string[];
}

/**
 * The problems that stop the run: each item that cannot move and is not acknowledged (with what to do and how to
 * acknowledge it), and each acknowledgement that matches no item (a typo, or an item that has gone: remove it).
 */
export function acknowledgementProblems(check: AcknowledgementCheck): string[] {
    const key = `${check.poolKey}.al2Migration.acknowledge`;
    const unsupported = check.items.filter((item) => item.outcome === "unsupported");
    const problems = unsupported
        .filter((item) => !check.acknowledge.includes(item.id))
        .map(
            (item) =>
                `${key}: the user data of AL2 node group "${check.nodeGroupName}" has ${JSON.stringify(item.source)}, which cannot move to AL2023 by itself: ${item.note}. Once handled, add ${JSON.stringify(item.id)} to ${key}`,
        );
    const ids = unsupported.map((item) => item.id);
    check.acknowledge.forEach((id, i) => {
        if (ids.includes(id)) return;
        const suggestion = closestName(id, ids);
        problems.push(
            `${key}[${i}]: ${JSON.stringify(id)} matches nothing the AL2 node group "${check.nodeGroupName}" needs acknowledged${suggestion !== undefined ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ids.length > 0 ? `; it needs: ${ids.join(", ")}` : "; remove it"}`,
        );
    });
    return problems;
}
