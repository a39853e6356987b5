/**
 * A recursive-descent parser for the subset of rc's grammar (syn.y) that
 * vmxsim's sh runs: simple commands, redirections, assignments (global and
 * local), braces, `;`, and the argument forms `$x`, `$#x`, `$"x`,
 * `$x(n)`, `(list)`, `^`, `` `{cmd} ``. Every other rc construct (pipes,
 * `&`, `&&`, `||`, keywords, here documents, `<{}`, patterns) is refused
 * with a syntax error naming the token, rather than misread.
 *
 * Like rc, it reads one command line at a time, so a script runs line by
 * line and an error on a later line leaves the earlier lines' effects.
 *
 * @module
 */

import type { Assignment, Cmd, Word } from "./ast.ts";
import type { Lexer, Token } from "./lexer.ts";

const _UNSUPPORTED = "not supported in vmxsim sh";

/** Parses command lines from a lexer. */
export class Parser {
  #lexer: Lexer;
  #peeked: Token | null = null;

  /** Parse the tokens of `lexer`. */
  constructor(lexer: Lexer) {
    this.#lexer = lexer;
  }

  /**
   * The next command line (commands up to a newline), or null at the end of
   * input. Throws RcSyntaxError; the caller may then skip the line.
   */
  line(): Cmd | null {
    try {
      if (this.#peek().type === "eof") return null;
      const line = this.#peek().line;
      const cmds: Cmd[] = [];
      for (;;) {
        const cmd = this.#cmd();
        if (cmd) cmds.push(cmd);
        const t = this.#peek();
        if (t.type === ";") {
          this.#take();
          continue;
        }
        if (t.type === "\n") this.#take();
        else if (t.type !== "eof") this.#refuse(t);
        return { kind: "seq", line, cmds };
      }
    } catch (e) {
      this.#peeked = null;
      throw e;
    }
  }

  #peek(): Token {
    if (this.#peeked === null) this.#peeked = this.#lexer.next();
    return this.#peeked;
  }

  #take(): Token {
    const t = this.#peek();
    this.#peeked = null;
    return t;
  }

  #expect(type: Token["type"]): Token {
    const t = this.#take();
    if (t.type !== type) this.#lexer.error("syntax error");
    return t;
  }

  // A token that cannot continue the command: unsupported construct or plain syntax error.
  #refuse(t: Token): never {
    switch (t.type) {
      case "&":
      case "andand":
      case "oror":
      case "pipe":
        return this.#lexer.error(_UNSUPPORTED);
    }
    return this.#lexer.error("syntax error");
  }

  #cmd(): Cmd | null {
    const t = this.#peek();
    switch (t.type) {
      case "word":
        if (t.keyword) return this.#lexer.error(_UNSUPPORTED);
        break;
      case "redir":
      case "dup": {
        const wrap = this.#redirection();
        return wrap(this.#cmd());
      }
      case "{":
        return this.#brace();
      case "$":
      case "count":
      case "join":
      case "`":
      case "(":
        break;
      default:
        return null;
    }
    const first = this.#caret(this.#comword(false));
    if (this.#peek().type === "=") {
      this.#take();
      const assign: Assignment = { name: first, value: this.#word() };
      const rest = this.#cmd();
      if (rest?.kind === "assign") {
        return { ...rest, line: t.line, assigns: [assign, ...rest.assigns] };
      }
      return { kind: "assign", line: t.line, assigns: [assign], cmd: rest };
    }
    return this.#simple(t.line, first);
  }

  // simple: first { word | redir }, with its redirections moved outside it.
  #simple(line: number, first: Word): Cmd {
    const words = [first];
    const wraps: ((c: Cmd | null) => Cmd)[] = [];
    for (;;) {
      const t = this.#peek();
      if (t.type === "redir" || t.type === "dup") wraps.push(this.#redirection());
      else if (this.#startsWord(t)) words.push(this.#word());
      else break;
    }
    let cmd: Cmd = { kind: "simple", line, words };
    for (let i = wraps.length - 1; i >= 0; i--) cmd = wraps[i](cmd);
    return cmd;
  }

  // brace epilog: '{' body '}' followed by redirections.
  #brace(): Cmd {
    const body = this.#body();
    const wraps: ((c: Cmd | null) => Cmd)[] = [];
    for (let t = this.#peek(); t.type === "redir" || t.type === "dup"; t = this.#peek()) {
      wraps.push(this.#redirection());
    }
    let cmd: Cmd = body;
    for (let i = wraps.length - 1; i >= 0; i--) cmd = wraps[i](cmd);
    return cmd;
  }

  // '{' cmd { (';' | '\n') cmd } '}'
  #body(): Cmd {
    const open = this.#expect("{");
    const cmds: Cmd[] = [];
    for (;;) {
      const cmd = this.#cmd();
      if (cmd) cmds.push(cmd);
      const t = this.#take();
      if (t.type === "}") break;
      if (t.type !== ";" && t.type !== "\n") this.#refuse(t);
    }
    return { kind: "brace", line: open.line, body: { kind: "seq", line: open.line, cmds } };
  }

  // A redirection token (and its file word), as a function wrapping the command it applies to.
  #redirection(): (cmd: Cmd | null) => Cmd {
    const t = this.#take();
    if (t.type === "dup") {
      return (cmd) => ({ kind: "dup", line: t.line, fd1: t.fd1, fd0: t.fd0, cmd });
    }
    if (t.type !== "redir") return this.#refuse(t);
    const { rtype, fd, line } = t;
    if (rtype === "here") return this.#lexer.error(_UNSUPPORTED);
    if (this.#peek().type === "{") return this.#lexer.error(_UNSUPPORTED);
    const target = this.#word();
    return (cmd) => ({ kind: "redir", line, rtype, fd, target, cmd });
  }

  #startsWord(t: Token): boolean {
    switch (t.type) {
      case "word":
      case "$":
      case "count":
      case "join":
      case "`":
      case "(":
        return true;
    }
    return false;
  }

  // word: comword-or-keyword { '^' comword-or-keyword }
  #word(): Word {
    return this.#caret(this.#comword(false));
  }

  #caret(left: Word): Word {
    while (this.#peek().type === "^") {
      this.#take();
      left = { kind: "concat", left, right: this.#comword(false) };
    }
    return left;
  }

  // comword (or a keyword used as a word); `name` for variable names, where rc does not glob.
  #comword(name: boolean): Word {
    const t = this.#take();
    switch (t.type) {
      case "word":
        if (t.glob && !name) {
          return this.#lexer.error("pattern matching is " + _UNSUPPORTED + "; quote the word");
        }
        return { kind: "lit", text: t.text };
      case "$": {
        const n = this.#comword(true);
        if (this.#peek().type !== "sub") return { kind: "var", name: n };
        this.#take();
        const subs = this.#words();
        this.#expect(")");
        return { kind: "sub", name: n, subs };
      }
      case "count":
        return { kind: "count", name: this.#comword(true) };
      case "join":
        return { kind: "join", name: this.#comword(true) };
      case "`": {
        const split = this.#peek().type === "{" ? null : this.#word();
        return { kind: "backquote", split, body: this.#body() };
      }
      case "(": {
        const words = this.#words();
        this.#expect(")");
        return { kind: "list", words };
      }
      case "redir":
        if (this.#peek().type === "{") return this.#lexer.error(_UNSUPPORTED);
    }
    return this.#refuse(t);
  }

  #words(): Word[] {
    const words: Word[] = [];
    while (this.#startsWord(this.#peek())) words.push(this.#word());
    return words;
  }
}
