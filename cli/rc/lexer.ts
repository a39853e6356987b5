/**
 * rc's lexer, ported from 9front's sys/src/cmd/rc/lex.c (yylex, getnext,
 * skipwhite): quoting with '' for a quote, `#` comments (a `#` outside
 * quotes always starts one, even right after a word, since `#` is not a
 * word character), backslash-newline continuation, rc's free carets (a `^`
 * token inserted between adjoining words) and its redirection tokens
 * (`>`, `>>`, `<`, `<>`, `<<`, `|`, each optionally with `[fd]`,
 * `[fd=fd]` or `[fd=]`).
 *
 * @module
 */

import { EOF, type Input } from "./input.ts";

/** Kinds of redirection, as rc's rtype. */
export type RedirType = "write" | "append" | "read" | "rdwr" | "here";

/** The rc keywords (klook's table); a keyword is lexed as a word marked `keyword`. */
const _KEYWORDS: readonly string[] = Object.freeze([
  "for",
  "in",
  "while",
  "if",
  "not",
  "switch",
  "fn",
  "~",
  "!",
  "@",
]);

/** A token of rc's grammar, with the line it ends on. */
export type Token =
  & { line: number }
  & (
    | { type: "word"; text: string; quoted: boolean; glob: boolean; keyword: boolean }
    | { type: "redir"; rtype: RedirType; fd: number }
    /** `>[fd1=fd0]` (fd0 >= 0, dup) or `>[fd1=]` (fd0 = -1, close). */
    | { type: "dup"; fd1: number; fd0: number }
    | { type: "pipe" }
    | {
      type:
        | "$"
        | "count"
        | "join"
        | "^"
        | "sub"
        | "andand"
        | "oror"
        | "eof"
        | "\n"
        | ";"
        | "&"
        | "="
        | "`"
        | "("
        | ")"
        | "{"
        | "}";
    }
  );

/** A lexical or syntax error, reported as rc's yyerror does. */
export class RcSyntaxError extends Error {
  /** The file being read. */
  readonly file: string;
  /** Line of the error. */
  readonly line: number;
  /** Text of the last token read (rc's lex->tok). */
  readonly tok: string;
  /** Make an error at `line` of `file` after token `tok`. */
  constructor(file: string, line: number, tok: string, message: string) {
    super(message);
    this.name = "RcSyntaxError";
    this.file = file;
    this.line = line;
    this.tok = tok;
  }
}

/** rc's wordchr: characters that can be part of an unquoted word. */
export function wordchr(c: string): boolean {
  return c !== EOF && !"\n \t#;&|^$=`'{}()<>".includes(c);
}

/** rc's idchr: characters that can follow `$` in a variable name. */
export function idchr(c: string): boolean {
  return c > " " && !"!\"#$%&'()+,-./:;<=>?@[\\]^`{|}~".includes(c);
}

function _isdigit(c: string): boolean {
  return c !== EOF && c >= "0" && c <= "9";
}

/** The rc lexer over one input; the parser pulls tokens with `next`. */
export class Lexer {
  /** File name for messages. */
  readonly file: string;
  /** Current line (rc's lex->line). */
  line = 1;
  /** Text of the last token, for syntax errors (rc's lex->tok). */
  tok = "";
  #input: Input;
  #prompt: (() => void) | undefined;
  #doprompt = true;
  #eof = false;
  #peekc: string | null = null;
  #future: string | null = null;
  #lastc = "";
  #inquote = false;
  #incomm = false;
  #lastword = false;
  #lastdol = false;

  /**
   * Lex `input`, naming it `file` in messages; `prompt` is called each
   * time a new line of input is about to be read (rc's pprompt).
   */
  constructor(input: Input, file: string, prompt?: () => void) {
    this.#input = input;
    this.file = file;
    this.#prompt = prompt;
  }

  /** Whether the input is exhausted (rc's lex->eof). */
  get eof(): boolean {
    return this.#eof;
  }

  // getnext: one character, with backslash-newline turned into a blank.
  #getnext(): string {
    if (this.#peekc !== null) {
      const c = this.#peekc;
      this.#peekc = null;
      return c;
    }
    if (this.#eof) return EOF;
    if (this.#doprompt && this.#prompt) this.#prompt();
    this.#doprompt = false;
    let c = this.#input.rchr();
    if (c === "\\" && !this.#inquote) {
      const d = this.#input.rchr();
      if (d === "\n" && !this.#incomm) {
        this.#doprompt = true;
        c = " ";
      } else if (d !== EOF) {
        this.#peekc = d;
      }
    }
    if (c === EOF) {
      this.#eof = true;
      return EOF;
    }
    if (c === "\n") this.#doprompt = true;
    return c;
  }

  #nextc(): string {
    if (this.#future === null) this.#future = this.#getnext();
    return this.#future;
  }

  #advance(): string {
    const c = this.#nextc();
    this.#lastc = c;
    this.#future = null;
    if (c === "\n") this.line++;
    return c;
  }

  #nextis(c: string): boolean {
    if (this.#nextc() === c) {
      this.#advance();
      return true;
    }
    return false;
  }

  #skipwhite(): void {
    for (;;) {
      let c = this.#nextc();
      if (c === "#") {
        this.#incomm = true;
        for (;;) {
          c = this.#nextc();
          if (c === "\n" || c === EOF) {
            this.#incomm = false;
            break;
          }
          this.#advance();
        }
      }
      if (c === " " || c === "\t") this.#advance();
      else return;
    }
  }

  /** Skip blanks, comments and newlines (rc's skipnl). */
  skipnl(): void {
    for (;;) {
      this.#skipwhite();
      if (this.#nextc() !== "\n") return;
      this.#advance();
    }
  }

  /** Discard the rest of the current line, as rc does after a syntax error. */
  skipLine(): void {
    this.#lastword = false;
    this.#lastdol = false;
    while (this.#lastc !== "\n" && this.#lastc !== EOF) this.#advance();
    this.#lastc = "";
  }

  /** Raise a syntax error at the current line and token. */
  error(message: string): never {
    throw new RcSyntaxError(this.file, this.line, this.tok, message);
  }

  /** The next token (rc's yylex). */
  next(): Token {
    const d = this.#nextc();
    if (this.#lastword) {
      this.#lastword = false;
      if (d === "(") {
        this.#advance();
        this.tok = "( [SUB]";
        return { type: "sub", line: this.line };
      }
      if (wordchr(d) || d === "'" || d === "`" || d === "$" || d === '"') {
        this.tok = "^";
        return { type: "^", line: this.line };
      }
    }
    this.#inquote = false;
    this.#skipwhite();
    const c = this.#advance();
    switch (c) {
      case EOF:
        this.#lastdol = false;
        this.tok = "EOF";
        return { type: "eof", line: this.line };
      case "$":
        this.#lastdol = true;
        if (this.#nextis("#")) {
          this.tok = "$#";
          return { type: "count", line: this.line };
        }
        if (this.#nextis('"')) {
          this.tok = '$"';
          return { type: "join", line: this.line };
        }
        this.tok = "$";
        return { type: "$", line: this.line };
      case "&":
        this.#lastdol = false;
        if (this.#nextis("&")) {
          this.skipnl();
          this.tok = "&&";
          return { type: "andand", line: this.line };
        }
        this.tok = "&";
        return { type: "&", line: this.line };
      case "|":
        this.#lastdol = false;
        if (this.#nextis("|")) {
          this.skipnl();
          this.tok = "||";
          return { type: "oror", line: this.line };
        }
        return this.#redirection(c);
      case "<":
      case ">":
        this.#lastdol = false;
        return this.#redirection(c);
      case "'":
        return this.#quoted();
    }
    if (!wordchr(c)) {
      this.#lastdol = false;
      this.tok = c;
      return { type: c as "\n", line: this.line };
    }
    return this.#word(c);
  }

  // The funny redirection tokens: arrow, or arrow '[' fd ']', '[' fd '=' fd ']', '[' fd '=' ']'.
  #redirection(c: string): Token {
    let w = c;
    let kind: "pipe" | "redir" | "dup" = c === "|" ? "pipe" : "redir";
    let rtype: RedirType | "dupfd" | "close" = "write";
    let fd0 = 0;
    let fd1 = 0;
    if (c === "|") {
      fd0 = 1;
    } else if (c === ">") {
      if (this.#nextis(">")) {
        rtype = "append";
        w += ">";
      }
      fd0 = 1;
    } else if (this.#nextis("<")) {
      rtype = "here";
      w += "<";
    } else if (this.#nextis(">")) {
      rtype = "rdwr";
      w += ">";
    } else {
      rtype = "read";
    }
    if (this.#nextis("[")) {
      w += "[";
      let d = this.#advance();
      w += d;
      const fail = (): never => {
        this.tok = w;
        return this.error(kind === "pipe" ? "pipe syntax" : "redirection syntax");
      };
      if (!_isdigit(d)) fail();
      w = w.slice(0, -1);
      fd0 = 0;
      do {
        fd0 = fd0 * 10 + Number(d);
        w += d;
        d = this.#advance();
      } while (_isdigit(d));
      if (d === "=") {
        w += "=";
        if (kind === "redir") kind = "dup";
        d = this.#advance();
        if (_isdigit(d)) {
          rtype = "dupfd";
          fd1 = fd0;
          fd0 = 0;
          do {
            fd0 = fd0 * 10 + Number(d);
            w += d;
            d = this.#advance();
          } while (_isdigit(d));
        } else {
          if (kind === "pipe") fail();
          rtype = "close";
        }
      }
      if (d !== "]" || kind === "dup" && (rtype === "here" || rtype === "append")) fail();
      w += "]";
    }
    this.tok = w;
    const line = this.line;
    if (kind === "pipe") {
      this.skipnl();
      return { type: "pipe", line };
    }
    if (kind === "dup") {
      if (rtype === "close") return { type: "dup", fd1: fd0, fd0: -1, line };
      return { type: "dup", fd1, fd0, line };
    }
    return { type: "redir", rtype: rtype as RedirType, fd: fd0, line };
  }

  #quoted(): Token {
    this.#lastdol = false;
    this.#lastword = true;
    this.#inquote = true;
    let w = "";
    for (;;) {
      const c = this.#advance();
      if (c === EOF) {
        this.tok = w;
        this.error("eof in quoted string");
      }
      if (c === "'") {
        if (this.#nextc() !== "'") break;
        this.#advance();
      }
      w += c;
    }
    this.tok = w;
    return { type: "word", text: w, quoted: true, glob: false, keyword: false, line: this.line };
  }

  #word(first: string): Token {
    let w = "";
    let glob = false;
    let c = first;
    for (;;) {
      if (c === "*" || c === "[" || c === "?") glob = true;
      w += c;
      c = this.#nextc();
      if (this.#lastdol ? !idchr(c) : !wordchr(c)) break;
      this.#advance();
    }
    this.#lastword = true;
    this.#lastdol = false;
    this.tok = w;
    return {
      type: "word",
      text: w,
      quoted: false,
      glob,
      keyword: _KEYWORDS.includes(w),
      line: this.line,
    };
  }
}
