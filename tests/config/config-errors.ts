import { expect } from "vitest";
import { ConfigError } from "../../common/config-error";

/** The problems the ConfigError thrown by `run` carries; fails the test when `run` throws none or something else. */
export function configProblems(run: () => unknown): readonly string[] {
    try {
        run();
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
}

/** A valid greenfield pool, for tests of other config sections (parseConfig needs at least one pool). */
export const MINIMAL_POOL = {
    name: "general",
    subnetIds: ["subnet-0a1b2c3d4e5f60718"],
    scaling: { min: 1, desired: 2, max: 3 },
} as const;
