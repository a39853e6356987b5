/**
 * The syntax trees of the rc subset, shaped after rc's trees (tree.c) after
 * simplemung and epimung: redirections wrap the command they apply to,
 * leftmost outermost, so they are opened left to right.
 *
 * @module
 */

/** An argument: evaluates to a list of strings. */
export type Word =
  /** A quoted or unquoted word. */
  | { kind: "lit"; text: string }
  /** `left^right`. */
  | { kind: "concat"; left: Word; right: Word }
  /** `$name`. */
  | { kind: "var"; name: Word }
  /** `$name(subscripts)`. */
  | { kind: "sub"; name: Word; subs: Word[] }
  /** `$#name`. */
  | { kind: "count"; name: Word }
  /** `$"name`. */
  | { kind: "join"; name: Word }
  /** `(words)`. */
  | { kind: "list"; words: Word[] }
  /** `` `{body} `` or `` `split{body} ``. */
  | { kind: "backquote"; split: Word | null; body: Cmd };

/** Redirections that open a file. */
export type OpenRedir = "write" | "append" | "read" | "rdwr";

/** One `name=value` of an assignment. */
export interface Assignment {
  /** The variable name. */
  name: Word;
  /** The value. */
  value: Word;
}

/** A command; `line` is where it starts, for messages. */
export type Cmd =
  /** A simple command: its words, the first naming the program. */
  | { kind: "simple"; line: number; words: Word[] }
  /** `cmd >file` and the like; `cmd` null for a redirection alone. */
  | {
    kind: "redir";
    line: number;
    rtype: OpenRedir;
    fd: number;
    target: Word;
    cmd: Cmd | null;
  }
  /** `cmd >[fd1=fd0]`, or `>[fd1=]` (fd0 -1) to close fd1. */
  | { kind: "dup"; line: number; fd1: number; fd0: number; cmd: Cmd | null }
  /** `a=x b=y cmd`: locals for `cmd`, or global assignments when `cmd` is null. */
  | { kind: "assign"; line: number; assigns: Assignment[]; cmd: Cmd | null }
  /** Commands separated by `;` or newlines. */
  | { kind: "seq"; line: number; cmds: Cmd[] }
  /** `{body}`. */
  | { kind: "brace"; line: number; body: Cmd };
