import { describe, expect, it } from "vitest";
import { acknowledgementProblems } from "../../nodes/translation-config";
import type { TranslationItem } from "../../nodes/userdata-translation/translation";

const ITEMS: TranslationItem[] = [
    {
        id: "kubelet:--max-pods",
        source: "line 2: --max-pods=58",
        outcome: "applied",
        target: "kubelet.config.maxPods",
        note: "",
    },
    {
        id: "--docker-config-json",
        source: "line 2: --docker-config-json {}",
        outcome: "unsupported",
        note: "AL2023 has no Docker",
    },
    { id: "post-bootstrap-commands", source: "lines 3-3: echo done", outcome: "unsupported", note: "never run" },
];

describe("acknowledging what cannot move", () => {
    it("lists each unacknowledged item with how to acknowledge it", () => {
        expect(
            acknowledgementProblems({
                poolKey: "pools[0]",
                nodeGroupName: "ng",
                items: ITEMS,
                acknowledge: ["post-bootstrap-commands"],
            }),
        ).toEqual([
            'pools[0].al2Migration.acknowledge: the user data of AL2 node group "ng" has "line 2: --docker-config-json {}", which cannot move to AL2023 by itself: AL2023 has no Docker. Once handled, add "--docker-config-json" to pools[0].al2Migration.acknowledge',
        ]);
    });

    it("passes when every unsupported item is acknowledged", () => {
        const acknowledge = ["--docker-config-json", "post-bootstrap-commands"];
        expect(
            acknowledgementProblems({ poolKey: "pools[1]", nodeGroupName: "ng", items: ITEMS, acknowledge }),
        ).toEqual([]);
    });

    it("refuses an acknowledgement that matches nothing, suggesting the closest id", () => {
        const acknowledge = ["--docker-config-jsn", "post-bootstrap-commands"];
        expect(
            acknowledgementProblems({ poolKey: "pools[0]", nodeGroupName: "ng", items: ITEMS, acknowledge }),
        ).toEqual([
            expect.stringContaining("Once handled"),
            'pools[0].al2Migration.acknowledge[0]: "--docker-config-jsn" matches nothing the AL2 node group "ng" needs acknowledged (did you mean "--docker-config-json"?)',
        ]);
    });
});
