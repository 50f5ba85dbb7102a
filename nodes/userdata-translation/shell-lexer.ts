/**
 * A small lexer for the shell scripts found in AL2 user data: enough of the POSIX shell grammar
 * (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html) to find commands and their words the
 * way bash would split them: quotes, backslash escapes and line continuations, comments, `;` `&&` `||` `|` `&`
 * separators, redirections and here-documents, and `$VAR` / `${VAR}` / `${VAR:-default}` references (resolved later,
 * in order, by `evaluateScript`). Command substitutions and other expansions are kept as unresolved text.
 */

/** A piece of a word: literal text, a variable reference, or an expansion that cannot be known statically. */
export type WordPart =
    | { readonly kind: "literal"; readonly text: string }
    | { readonly kind: "variable"; readonly name: string; readonly quoted: boolean; readonly fallback?: string }
    | { readonly kind: "dynamic"; readonly text: string };

/** One shell word before expansion. */
export interface RawWord {
    readonly parts: readonly WordPart[];
    /** Whether any part was quoted (a here-document delimiter then disables expansion). */
    readonly quoted: boolean;
}

/** A redirection: `>`, `>>`, `<`, `>&`, `&>`... and its target word. */
export interface RawRedirect {
    readonly op: string;
    readonly target: RawWord;
}

/** One simple command as written, with its source line range (1-based, inclusive). */
export interface RawCommand {
    readonly words: RawWord[];
    readonly redirects: RawRedirect[];
    /** The here-document body fed to the command, if any; `expand` false when the delimiter was quoted. */
    heredoc?: { readonly body: string; readonly expand: boolean };
    readonly startLine: number;
    endLine: number;
}

interface WordBuilder {
    parts: WordPart[];
    quoted: boolean;
}

function pushLiteral(word: WordBuilder, text: string): void {
    const last = word.parts.at(-1);
    if (last?.kind === "literal") word.parts[word.parts.length - 1] = { kind: "literal", text: last.text + text };
    else word.parts.push({ kind: "literal", text });
}

/** The index just after the `)` matching the `(` at `open`, skipping quoted text. */
function matchingParen(s: string, open: number): number {
    let depth = 0;
    for (let i = open; i < s.length; i++) {
        const c = s[i];
        if (c === "\\") i++;
        else if (c === "'") i = s.indexOf("'", i + 1) === -1 ? s.length : s.indexOf("'", i + 1);
        else if (c === "(") depth++;
        else if (c === ")" && --depth === 0) return i + 1;
    }
    return s.length;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Reads the expansion starting at `$` (index `i`); returns the part and the index after it. */
function readDollar(s: string, i: number, options: { readonly quoted: boolean }): [WordPart, number] {
    const { quoted } = options;
    const next = s[i + 1];
    if (next === "(") {
        const end = matchingParen(s, i + 1);
        return [{ kind: "dynamic", text: s.slice(i, end) }, end];
    }
    if (next === "{") {
        const close = s.indexOf("}", i + 2);
        const end = close === -1 ? s.length : close + 1;
        const inner = s.slice(i + 2, end - 1);
        const name = NAME.exec(inner)?.[0];
        if (name !== undefined && name.length === inner.length) return [{ kind: "variable", name, quoted }, end];
        if (name !== undefined && inner.startsWith(`${name}:-`)) {
            return [{ kind: "variable", name, quoted, fallback: inner.slice(name.length + 2) }, end];
        }
        return [{ kind: "dynamic", text: s.slice(i, end) }, end];
    }
    if (next === "'" && !quoted) {
        const close = s.indexOf("'", i + 2);
        const end = close === -1 ? s.length : close;
        const text = s
            .slice(i + 2, end)
            .replace(/\\n/g, "\n")
            .replace(/\\t/g, "\t")
            .replace(/\\(.)/g, "$1");
        return [{ kind: "literal", text }, end + 1];
    }
    const name = NAME.exec(s.slice(i + 1))?.[0];
    if (name !== undefined) return [{ kind: "variable", name, quoted }, i + 1 + name.length];
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) return [{ kind: "dynamic", text: s.slice(i, i + 2) }, i + 2];
    return [{ kind: "literal", text: "$" }, i + 1];
}

/** Reads a double-quoted string starting after the opening quote; returns the index after the closing one. */
function readDoubleQuoted(s: string, start: number, word: WordBuilder): number {
    let i = start;
    while (i < s.length && s[i] !== '"') {
        const c = s[i];
        if (c === "\\" && i + 1 < s.length) {
            const escaped = s[i + 1];
            if (escaped === "\n") i += 2;
            else if ('$`"\\'.includes(escaped)) {
                pushLiteral(word, escaped);
                i += 2;
            } else {
                pushLiteral(word, c);
                i++;
            }
        } else if (c === "$") {
            const [part, end] = readDollar(s, i, { quoted: true });
            if (part.kind === "literal") pushLiteral(word, part.text);
            else word.parts.push(part);
            i = end;
        } else if (c === "`") {
            const close = s.indexOf("`", i + 1);
            const end = close === -1 ? s.length : close + 1;
            word.parts.push({ kind: "dynamic", text: s.slice(i, end) });
            i = end;
        } else {
            pushLiteral(word, c);
            i++;
        }
    }
    return i + 1;
}

const REDIRECT = /^(<<-|<<<|<<|>>|>&|<&|>\||&>>|&>|<>|>|<)/;

/** The literal text of a word (variables and expansions as written), e.g. a here-document delimiter. */
export function wordText(word: RawWord): string {
    return word.parts.map((part) => (part.kind === "variable" ? `$${part.name}` : part.text)).join("");
}

/** Splits a shell script into simple commands (see the module comment for what is understood). */
export function lexScript(script: string): RawCommand[] {
    const s = script.replace(/\r\n/g, "\n");
    const commands: RawCommand[] = [];
    let line = 1;
    let word: WordBuilder | undefined;
    let command: RawCommand | undefined;
    let pendingRedirect: string | undefined;
    const pendingHeredocs: { command: RawCommand; delimiter: string; strip: boolean; expand: boolean }[] = [];

    const current = (): RawCommand => {
        command ??= { words: [], redirects: [], startLine: line, endLine: line };
        return command;
    };
    const endWord = () => {
        if (word === undefined) return;
        const finished: RawWord = { parts: word.parts, quoted: word.quoted };
        word = undefined;
        const target = current();
        if (pendingRedirect === undefined) {
            target.words.push(finished);
            return;
        }
        if (pendingRedirect === "<<" || pendingRedirect === "<<-") {
            pendingHeredocs.push({
                command: target,
                delimiter: wordText(finished),
                strip: pendingRedirect === "<<-",
                expand: !finished.quoted,
            });
        }
        target.redirects.push({ op: pendingRedirect, target: finished });
        pendingRedirect = undefined;
    };
    const endCommand = () => {
        endWord();
        if (command !== undefined && (command.words.length > 0 || command.redirects.length > 0)) {
            command.endLine = line;
            commands.push(command);
        }
        command = undefined;
    };
    const readHeredocs = (from: number): number => {
        let i = from;
        for (const pending of pendingHeredocs.splice(0)) {
            const lines: string[] = [];
            while (i < s.length) {
                const eol = s.indexOf("\n", i);
                const end = eol === -1 ? s.length : eol;
                const text = s.slice(i, end);
                i = end + 1;
                line++;
                const compare = pending.strip ? text.replace(/^\t+/, "") : text;
                if (compare === pending.delimiter) break;
                lines.push(pending.strip ? compare : text);
            }
            pending.command.heredoc = {
                body: lines.length === 0 ? "" : `${lines.join("\n")}\n`,
                expand: pending.expand,
            };
            pending.command.endLine = line - 1;
        }
        return i;
    };

    let i = 0;
    while (i < s.length) {
        const c = s[i];
        if (c === "\\" && s[i + 1] === "\n") {
            i += 2;
            line++;
        } else if (c === "#" && word === undefined) {
            while (i < s.length && s[i] !== "\n") i++;
        } else if (c === " " || c === "\t") {
            endWord();
            i++;
        } else if (c === "\n") {
            endCommand();
            i++;
            line++;
            if (pendingHeredocs.length > 0) i = readHeredocs(i);
        } else if (REDIRECT.test(s.slice(i, i + 3)) && !(c === "&" && s[i + 1] !== ">")) {
            const op = REDIRECT.exec(s.slice(i, i + 3))![0];
            if (word !== undefined && word.parts.every((p) => p.kind === "literal" && /^\d+$/.test(p.text))) {
                word = undefined;
            } else {
                endWord();
            }
            current();
            pendingRedirect = op;
            i += op.length;
        } else if (";&|()".includes(c)) {
            endCommand();
            i += s[i + 1] === c ? 2 : 1;
        } else if (c === "'") {
            word ??= { parts: [], quoted: false };
            word.quoted = true;
            const close = s.indexOf("'", i + 1);
            const end = close === -1 ? s.length : close;
            const text = s.slice(i + 1, end);
            pushLiteral(word, text);
            line += text.split("\n").length - 1;
            i = end + 1;
        } else if (c === '"') {
            word ??= { parts: [], quoted: false };
            word.quoted = true;
            const end = readDoubleQuoted(s, i + 1, word);
            line += s.slice(i, end).split("\n").length - 1;
            i = end;
        } else if (c === "$") {
            word ??= { parts: [], quoted: false };
            const [part, end] = readDollar(s, i, { quoted: false });
            if (part.kind === "literal") pushLiteral(word, part.text);
            else word.parts.push(part);
            line += s.slice(i, end).split("\n").length - 1;
            i = end;
        } else if (c === "`") {
            word ??= { parts: [], quoted: false };
            const close = s.indexOf("`", i + 1);
            const end = close === -1 ? s.length : close + 1;
            word.parts.push({ kind: "dynamic", text: s.slice(i, end) });
            i = end;
        } else if (c === "\\") {
            word ??= { parts: [], quoted: false };
            word.quoted = true;
            pushLiteral(word, s[i + 1] ?? "");
            i += 2;
        } else {
            word ??= { parts: [], quoted: false };
            pushLiteral(word, c);
            i++;
        }
    }
    endCommand();
    return commands;
}
