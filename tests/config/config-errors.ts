import { expect } from "vitest";
import { ConfigError } from "../../common/validate";

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
