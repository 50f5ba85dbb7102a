import type { Io } from "../../plan/plan";

/** Captures a command's output, for running the CLI entry points in-process (no colour). */
export function captureIo(): Io & { stdout: () => string; stderr: () => string } {
    let out = "";
    let err = "";
    return {
        out: (text) => (out += text),
        err: (text) => (err += text),
        color: false,
        stdout: () => out,
        stderr: () => err,
    };
}
