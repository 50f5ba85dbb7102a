import { lexScript, type RawCommand, type RawWord } from "./shell-lexer";

/** A command after expansion: its words as bash would pass them, and what could not be known statically. */
export interface ShellCommand {
    /** The command's words after expansion and word splitting (assignments in front removed). */
    readonly argv: readonly string[];
    /** `NAME=value` assignments in front of the command (its environment), expanded. */
    readonly env: Readonly<Record<string, string>>;
    /** References that could not be resolved to literal text (`$(...)`, a variable set by another program, ...). */
    readonly unresolved: readonly string[];
    readonly redirects: readonly { readonly op: string; readonly target: string }[];
    readonly heredoc?: string;
    /** Source lines (1-based, inclusive). */
    readonly startLine: number;
    readonly endLine: number;
    /** Inside `if`/`for`/`while`/`case`/`{ }`: runs conditionally or repeatedly. */
    readonly nested: boolean;
}

/** What the script left in its variables by the time a command ran. */
export interface ShellVariable {
    readonly value: string;
    /** Known literally: assigned at top level from text without command substitutions or unknown variables. */
    readonly literal: boolean;
    readonly exported: boolean;
}

/** The script's commands, in order, each with the variables as they were just before it ran. */
export interface EvaluatedScript {
    readonly commands: readonly ShellCommand[];
    /** Variables just before each command (same index as `commands`). */
    readonly variablesBefore: readonly ReadonlyMap<string, ShellVariable>[];
    /** Variables when the script ends. */
    readonly variablesAfter: ReadonlyMap<string, ShellVariable>;
}

const OPENERS = new Set(["if", "for", "while", "until", "case", "{", "select"]);
const CLOSERS = new Set(["fi", "done", "esac", "}"]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;

interface Expanded {
    readonly words: string[];
    readonly unresolved: string[];
}

/** Expands one word: variables known literally are substituted; unquoted ones are split at whitespace. */
function expandWord(
    word: RawWord,
    vars: ReadonlyMap<string, ShellVariable>,
    options: {
        /** Split unquoted expansions at whitespace (an argument; not an assignment value or redirect target). */
        readonly split: boolean;
    },
): Expanded {
    const { split } = options;
    const words: string[] = [];
    const unresolved: string[] = [];
    let current = "";
    let started = word.quoted;
    for (const part of word.parts) {
        if (part.kind === "literal") {
            current += part.text;
            started = true;
        } else if (part.kind === "dynamic") {
            unresolved.push(part.text);
            current += part.text;
            started = true;
        } else {
            const known = vars.get(part.name);
            let value: string;
            if (known === undefined && part.fallback !== undefined) value = part.fallback;
            else if (known === undefined || !known.literal) {
                unresolved.push(`$${part.name}`);
                value = `$${part.name}`;
            } else value = known.value;
            if (part.quoted || !split) {
                current += value;
                started = true;
                continue;
            }
            const pieces = value.split(/[ \t\n]+/);
            pieces.forEach((piece, index) => {
                if (index > 0) {
                    if (started || current !== "") words.push(current);
                    current = "";
                    started = false;
                }
                if (piece !== "") {
                    current += piece;
                    started = true;
                }
            });
        }
    }
    if (started || current !== "") words.push(current);
    return { words, unresolved };
}

function leadingAssignment(word: RawWord): string | undefined {
    const first = word.parts[0];
    if (first?.kind !== "literal") return undefined;
    return ASSIGNMENT.exec(first.text)?.[1];
}

/** Expands an assignment word `NAME=value` (no word splitting in assignments). */
function assignmentValue(word: RawWord, vars: ReadonlyMap<string, ShellVariable>): Expanded & { name: string } {
    const first = word.parts[0] as { kind: "literal"; text: string };
    const name = ASSIGNMENT.exec(first.text)![1];
    const rest: RawWord = {
        quoted: true,
        parts: [{ kind: "literal", text: first.text.slice(first.text.indexOf("=") + 1) }, ...word.parts.slice(1)],
    };
    const { words, unresolved } = expandWord(rest, vars, { split: false });
    return { name, words, unresolved };
}

const DECLARERS = new Set(["export", "declare", "typeset", "readonly", "local"]);

/**
 * Runs the script symbolically: commands in order, variables assigned at top level from literal text substituted
 * into later words, everything else left unresolved. Nothing is executed.
 */
export function evaluateScript(script: string): EvaluatedScript {
    const vars = new Map<string, ShellVariable>();
    const commands: ShellCommand[] = [];
    const variablesBefore: ReadonlyMap<string, ShellVariable>[] = [];
    let depth = 0;
    for (const raw of lexScript(script)) {
        variablesBefore.push(new Map(vars));
        commands.push(evaluateCommand(raw, { vars, nested: depth > 0 }));
        const first = commands.at(-1)!.argv[0];
        if (first !== undefined && OPENERS.has(first)) depth++;
        if (first !== undefined && CLOSERS.has(first)) depth = Math.max(0, depth - 1);
    }
    return { commands, variablesBefore, variablesAfter: vars };
}

/** One command with the variables assigned so far (top-level literal assignments are added to `vars`). */
function evaluateCommand(
    raw: RawCommand,
    scope: {
        readonly vars: Map<string, ShellVariable>;
        /** Inside `if`/`for`/`while`/`case`/`{ }`: it runs conditionally or repeatedly, so its assignments are not literal. */
        readonly nested: boolean;
    },
): ShellCommand {
    const { vars, nested } = scope;
    const env: Record<string, string> = {};
    const unresolved: string[] = [];
    let index = 0;
    const prefix: { name: string; value: string; literal: boolean }[] = [];
    while (index < raw.words.length && leadingAssignment(raw.words[index]) !== undefined) {
        const assignment = assignmentValue(raw.words[index], vars);
        const value = assignment.words.join("");
        env[assignment.name] = value;
        prefix.push({ name: assignment.name, value, literal: assignment.unresolved.length === 0 && !nested });
        unresolved.push(...assignment.unresolved);
        index++;
    }
    const argv: string[] = [];
    for (const word of raw.words.slice(index)) {
        if (DECLARERS.has(argv[0] ?? "") && leadingAssignment(word) !== undefined) {
            const assignment = assignmentValue(word, vars);
            const value = assignment.words.join("");
            argv.push(`${assignment.name}=${value}`);
            unresolved.push(...assignment.unresolved);
            vars.set(assignment.name, {
                value,
                literal: assignment.unresolved.length === 0 && !nested,
                exported: argv[0] === "export" || vars.get(assignment.name)?.exported === true,
            });
            continue;
        }
        const expanded = expandWord(word, vars, { split: true });
        argv.push(...expanded.words);
        unresolved.push(...expanded.unresolved);
        if (argv[0] === "export" && argv.length > 1 && leadingAssignment(word) === undefined) {
            const name = argv.at(-1)!;
            const known = vars.get(name);
            if (known !== undefined) vars.set(name, { ...known, exported: true });
        }
    }
    if (argv.length === 0) {
        for (const { name, value, literal } of prefix) {
            vars.set(name, { value, literal, exported: vars.get(name)?.exported === true });
        }
    }
    const redirects = raw.redirects.map((redirect) => {
        const expanded = expandWord(redirect.target, vars, { split: false });
        unresolved.push(...expanded.unresolved);
        return { op: redirect.op, target: expanded.words.join(" ") };
    });
    let heredoc: string | undefined;
    if (raw.heredoc !== undefined) {
        heredoc = raw.heredoc.expand
            ? raw.heredoc.body.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (text, name: string) => {
                  const known = vars.get(name);
                  return known?.literal ? known.value : text;
              })
            : raw.heredoc.body;
    }
    return {
        argv,
        env,
        unresolved,
        redirects,
        ...(heredoc !== undefined && { heredoc }),
        startLine: raw.startLine,
        endLine: raw.endLine,
        nested,
    };
}
