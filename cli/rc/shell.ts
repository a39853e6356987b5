/**
 * The rc interpreter of vmxsim's sh: reads one command line at a time (as
 * rc's Xrdcmds does), evaluates words as rc's code does (arguments and list
 * elements right to left, `^` right operand first, redirections opened
 * before the command's words are evaluated, left to right), and runs each
 * simple command as a process whose descriptors are the shell's, redirected.
 *
 * Errors follow rc: a syntax error prints `FILE:LINE: token T: MESSAGE`; a
 * shell error (a redirection that cannot be opened, a bad concatenation)
 * prints `FILE:LINE: MESSAGE` (rc's Xerror) and, as in a non-interactive rc,
 * ends the script. A command that fails prints its own message and the
 * script goes on. Anything that is not a Plan 9 error is a simulator
 * failure: one line, and the shell stops.
 *
 * Exit status: 0 if every command succeeded, 1 if one failed or a shell
 * error ended the script, 2 for a syntax error, 3 for a simulator failure.
 *
 * @module
 */

import { concat } from "../../sim/lib9/mod.ts";
import { ORDWR, OREAD, OWRITE, PlanError, SEEK_END } from "../../sim/ns/mod.ts";
import type { Cmd, OpenRedir, Word } from "./ast.ts";
import type { Command } from "./cmd/mod.ts";
import { type File, Shared, StreamFile } from "./file.ts";
import type { Input } from "./input.ts";
import { Lexer, RcSyntaxError } from "./lexer.ts";
import { Parser } from "./parser.ts";
import { Proc } from "./proc.ts";
import { rcquote } from "./quote.ts";
import type { Space } from "./space.ts";

/** Exit status: every command succeeded. */
export const EXIT_OK = 0;
/** Exit status: a command failed, or a shell error ended the script. */
export const EXIT_FAILED = 1;
/** Exit status: a syntax error (or bad usage of sh). */
export const EXIT_USAGE = 2;
/** Exit status: the simulator failed (an unmodeled case or a bug). */
export const EXIT_SIMULATOR = 3;

/** What a shell runs on. */
export interface ShellOptions {
  /** The name space its commands use. */
  space: Space;
  /** Its commands by name. */
  commands: ReadonlyMap<string, Command>;
  /** Standard input, output and error. */
  stdin: File;
  /** Standard output. */
  stdout: File;
  /** Standard error. */
  stderr: File;
  /** The script's name, for messages and $0. */
  file: string;
  /** The script's arguments, $*. */
  args?: string[];
  /** Prompt on standard error and go on after errors, as rc -i does. */
  interactive?: boolean;
}

// rc's Xerror: a message, after which a non-interactive shell stops.
class _RcError extends Error {}

type _Redir =
  | { kind: "open"; fd: number; file: Shared }
  | { kind: "dup"; from: number; to: number }
  | { kind: "close"; fd: number };

const _OP: Record<OpenRedir, string> = { write: ">", append: ">>", read: "<", rdwr: "<>" };
const _enc = new TextEncoder();

/** An rc interpreter over one name space. */
export class Shell {
  /** Variables: each a list of strings. */
  readonly vars = new Map<string, string[]>();
  readonly #o: ShellOptions;
  readonly #base: Map<number, Shared>;
  readonly #redirs: _Redir[] = [];
  #line = 0;
  #failed = false;

  /** A shell with `$0`, `$*` and `$ifs` set. */
  constructor(options: ShellOptions) {
    this.#o = options;
    this.#base = new Map([
      [0, new Shared(options.stdin)],
      [1, new Shared(options.stdout)],
      [2, new Shared(options.stderr)],
    ]);
    this.vars.set("0", [options.file]);
    this.vars.set("*", options.args ?? []);
    this.vars.set("ifs", [" \t\n"]);
  }

  /** Run every command line of `input`; the exit status. */
  run(input: Input): number {
    let primary = true;
    const prompt = () => {
      this.#say(primary ? "% " : "\t");
      primary = false;
    };
    const lexer = new Lexer(input, this.#o.file, this.#o.interactive ? prompt : undefined);
    const parser = new Parser(lexer);
    for (;;) {
      primary = true;
      let cmd: Cmd | null;
      try {
        cmd = parser.line();
      } catch (e) {
        if (!(e instanceof RcSyntaxError)) throw e;
        // rc leaves out a "\n" token; one holding a newline (an unclosed quote)
        // is left out too, so that the message stays one line.
        const tok = e.tok === "" || e.tok.includes("\n") ? "" : `token ${rcquote(e.tok)}: `;
        this.#say(`${e.file}:${e.line}: ${tok}${e.message}\n`);
        if (!this.#o.interactive) return EXIT_USAGE;
        lexer.skipLine();
        this.#failed = true;
        continue;
      }
      if (cmd === null) break;
      try {
        this.#exec(cmd);
      } catch (e) {
        if (e instanceof _RcError) {
          this.#failed = true;
          if (!this.#o.interactive) return EXIT_FAILED;
          continue;
        }
        if (e instanceof Error) {
          this.#say(`sh: ${this.#o.file}:${this.#line}: ${e.message}\n`);
          return EXIT_SIMULATOR;
        }
        throw e;
      }
    }
    return this.#failed ? EXIT_FAILED : EXIT_OK;
  }

  #say(text: string): void {
    this.#o.stderr.write(_enc.encode(text));
  }

  // Xerror1: report at the current line and unwind to the command loop.
  #error(message: string): never {
    this.#say(`${this.#o.file}:${this.#line}: ${message}\n`);
    throw new _RcError(message);
  }

  #exec(cmd: Cmd): void {
    this.#line = cmd.line;
    switch (cmd.kind) {
      case "seq":
        for (const c of cmd.cmds) this.#exec(c);
        return;
      case "brace":
        return this.#exec(cmd.body);
      case "simple":
        return this.#simple(cmd.words);
      case "redir": {
        const file = this.#open(cmd.rtype, cmd.target);
        return this.#with({ kind: "open", fd: cmd.fd, file }, cmd.cmd, () => file.release());
      }
      case "dup": {
        const r: _Redir = cmd.fd0 < 0
          ? { kind: "close", fd: cmd.fd1 }
          : { kind: "dup", from: cmd.fd0, to: cmd.fd1 };
        return this.#with(r, cmd.cmd, () => {});
      }
      case "assign":
        return this.#assign(cmd);
    }
  }

  // Run `cmd` with redirection `r` pushed; `done` runs when it is popped (Xpopredir).
  #with(r: _Redir, cmd: Cmd | null, done: () => void): void {
    this.#redirs.push(r);
    try {
      if (cmd) this.#exec(cmd);
    } finally {
      this.#redirs.pop();
      done();
    }
  }

  // Xwrite, Xappend, Xread, Xrdwr: open the file before the command runs.
  #open(rtype: OpenRedir, target: Word): Shared {
    const op = _OP[rtype];
    const names = this.#word(target);
    if (names.length === 0) this.#error(`${op} requires file`);
    if (names.length > 1) this.#error(`${op} requires singleton`);
    const name = names[0];
    const space = this.#o.space;
    try {
      switch (rtype) {
        case "write":
          return new Shared(space.create(name, OWRITE, 0o666));
        case "read":
          return new Shared(space.open(name, OREAD));
        case "rdwr":
          return new Shared(space.open(name, ORDWR));
        case "append": {
          let f: File;
          try {
            f = space.open(name, OWRITE);
          } catch (e) {
            if (!(e instanceof PlanError)) throw e;
            f = space.create(name, OWRITE, 0o666);
          }
          try {
            f.seek(0, SEEK_END);
          } catch (e) {
            if (!(e instanceof PlanError)) throw e;
          }
          return new Shared(f);
        }
      }
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      return this.#error(
        `${op} can't ${rtype === "write" ? "create" : "open"} ${name}: ${e.errstr}`,
      );
    }
  }

  #assign(cmd: Extract<Cmd, { kind: "assign" }>): void {
    if (cmd.cmd === null) {
      for (const a of cmd.assigns) {
        const value = this.#word(a.value);
        this.vars.set(this.#single(a.name, "= variable name not singleton!"), value);
      }
      return;
    }
    const saved: [string, string[] | undefined][] = [];
    try {
      for (const a of cmd.assigns) {
        const value = this.#word(a.value);
        const name = this.#single(a.name, "local variable name must be singleton");
        saved.push([name, this.vars.get(name)]);
        this.vars.set(name, value);
      }
      this.#exec(cmd.cmd);
    } finally {
      for (const [name, old] of saved.reverse()) {
        if (old === undefined) this.vars.delete(name);
        else this.vars.set(name, old);
      }
    }
  }

  #simple(words: Word[]): void {
    const argv = this.#words(words);
    if (argv.length === 0) this.#error("empty argument list");
    const name = argv[0];
    const command = this.#o.commands.get(name) ??
      (name.startsWith("/bin/") ? this.#o.commands.get(name.slice(5)) : undefined);
    if (!command) {
      this.#say(`${this.#o.file}:${this.#line}: ${name}: not a vmxsim sh command\n`);
      this.#failed = true;
      return;
    }
    const p = new Proc(this.#o.space, this.#fds(), name);
    try {
      if (command(p, argv) !== "") this.#failed = true;
    } catch (e) {
      if (e instanceof Error) e.message = `${name}: ${e.message}`;
      throw e;
    } finally {
      p.exits();
    }
  }

  // The descriptors a command starts with: the shell's, then each redirection in order (doredir).
  #fds(): Map<number, Shared> {
    const fds = new Map<number, Shared>();
    for (const [fd, f] of this.#base) fds.set(fd, f.hold());
    const put = (fd: number, f: Shared | undefined) => {
      fds.get(fd)?.release();
      if (f) fds.set(fd, f.hold());
      else fds.delete(fd);
    };
    for (const r of this.#redirs) {
      if (r.kind === "open") put(r.fd, r.file);
      else if (r.kind === "close") put(r.fd, undefined);
      else if (fds.has(r.from)) put(r.to, fds.get(r.from));
    }
    return fds;
  }

  #words(words: Word[]): string[] {
    const parts: string[][] = new Array(words.length);
    for (let i = words.length - 1; i >= 0; i--) parts[i] = this.#word(words[i]);
    return parts.flat();
  }

  #single(w: Word, message: string): string {
    const v = this.#word(w);
    if (v.length !== 1) this.#error(message);
    return v[0];
  }

  #word(w: Word): string[] {
    switch (w.kind) {
      case "lit":
        return [w.text];
      case "list":
        return this.#words(w.words);
      case "concat": {
        const right = this.#word(w.right);
        return this.#concat(this.#word(w.left), right);
      }
      case "var":
        return this.#dol(this.#single(w.name, "$ variable name not singleton!"));
      case "join":
        return [this.#dol(this.#single(w.name, "$ variable name not singleton!")).join(" ")];
      case "count":
        return [String(this.#count(this.#single(w.name, "$# variable name not singleton!")))];
      case "sub": {
        // The parser only puts a plain word before a subscript: always a singleton.
        const name = this.#word(w.name)[0];
        return subwords(this.vars.get(name) ?? [], this.#words(w.subs));
      }
      case "backquote": {
        const split = w.split ? this.#word(w.split).join(" ") : this.#dol("ifs").join(" ");
        return this.#backquote(split, w.body);
      }
    }
  }

  // Xdol: a variable's value; a number n names the nth element of $*.
  #dol(name: string): string[] {
    const n = _argno(name);
    if (n === null) return this.vars.get(name) ?? [];
    const star = this.vars.get("*") ?? [];
    return n <= star.length ? [star[n - 1]] : [];
  }

  #count(name: string): number {
    const n = _argno(name);
    if (n === null) return (this.vars.get(name) ?? []).length;
    return n <= (this.vars.get("*") ?? []).length ? 1 : 0;
  }

  // Xconc: pairwise, or distributed over a single word.
  #concat(left: string[], right: string[]): string[] {
    if (left.length === 0 && right.length === 0) return [];
    if (left.length === 0 || right.length === 0) this.#error("null list in concatenation");
    if (left.length !== 1 && right.length !== 1 && left.length !== right.length) {
      this.#error("mismatched list lengths in concatenation");
    }
    const n = Math.max(left.length, right.length);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push(left[Math.min(i, left.length - 1)] + right[Math.min(i, right.length - 1)]);
    }
    return out;
  }

  // Xbackq: run `body` in a child (its assignments do not stick) with
  // standard output captured, then split what it wrote.
  #backquote(split: string, body: Cmd): string[] {
    const chunks: Uint8Array[] = [];
    const pipe = new Shared(new StreamFile({ writer: (d) => chunks.push(d.slice()) }));
    const vars = new Map(this.vars);
    const line = this.#line;
    try {
      this.#with({ kind: "open", fd: 1, file: pipe }, body, () => pipe.release());
    } catch (e) {
      if (!(e instanceof _RcError)) throw e;
      this.#failed = true;
    } finally {
      this.vars.clear();
      for (const [k, v] of vars) this.vars.set(k, v);
      this.#line = line;
    }
    const text = new TextDecoder().decode(concat(chunks));
    return rstrsplit(text, split);
  }
}

// A variable name that is all digits (and not 0) names an argument.
function _argno(name: string): number | null {
  const m = /^[0-9]+$/.exec(name);
  if (!m) return null;
  const n = Number(name);
  return n === 0 ? null : n;
}

/**
 * rc's subwords: the elements of `val` named by subscripts `n`, `n-m` or
 * `n-`, in order; out-of-range subscripts give nothing.
 */
export function subwords(val: string[], subs: string[]): string[] {
  const out: string[] = [];
  for (const s of subs) {
    const m1 = /^[0-9]*/.exec(s)![0];
    const n = m1 === "" ? 0 : Number(m1);
    let m = 0;
    let rest = s.slice(m1.length);
    if (rest[0] === "-") {
      rest = rest.slice(1);
      if (rest === "") {
        m = val.length - n;
      } else {
        const m2 = /^[0-9]*/.exec(rest)![0];
        m = (m2 === "" ? 0 : Number(m2)) - n;
      }
    }
    if (n < 1 || n > val.length || m < 0) continue;
    if (n + m > val.length) m = val.length - n;
    out.push(...val.slice(n - 1, n + m));
  }
  return out;
}

/**
 * Split command output into words as rc's rstr does: any character of
 * `split` separates words, leading separators are skipped, and a NUL byte
 * ends a word without being skipped (so it can make an empty word).
 */
export function rstrsplit(text: string, split: string): string[] {
  const words: string[] = [];
  const sep = (c: string) => split.includes(c);
  let i = 0;
  for (;;) {
    while (i < text.length && text[i] !== "\0" && sep(text[i])) i++;
    if (i >= text.length) return words;
    const start = i;
    while (i < text.length && text[i] !== "\0" && !sep(text[i])) i++;
    words.push(text.slice(start, i));
    i++;
  }
}
