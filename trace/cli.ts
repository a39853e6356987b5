/**
 * What the replay, show and diff commands share: where their output goes,
 * argument parsing, expanding directories into trace files, and turning a
 * file that cannot be used into one line naming it (no stack trace).
 *
 * @module
 */

import { TraceError } from "./errors.ts";
import { readTraceFile, type TraceFile } from "./reader.ts";

/** Where a command writes: lines to stdout and stderr, and an optional progress display. */
export interface CliIO {
  /** One line of output. */
  readonly out: (line: string) => void;
  /** One line of diagnostics. */
  readonly err: (line: string) => void;
  /** Show (or, with undefined, clear) a progress line; absent when nobody watches. */
  readonly progress?: (text: string | undefined) => void;
}

/** The process's stdout and stderr; a progress line only when stderr is a terminal. */
export function consoleIO(): CliIO {
  const enc = new TextEncoder();
  let last = 0;
  let shown = false;
  const progress = (text: string | undefined) => {
    if (text === undefined) {
      if (shown) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
      shown = false;
      return;
    }
    const now = performance.now();
    if (shown && now - last < 100) return;
    last = now;
    shown = true;
    Deno.stderr.writeSync(enc.encode(`\r\x1b[K${text.slice(0, 160)}`));
  };
  return {
    out: (line) => console.log(line),
    err: (line) => {
      progress(undefined);
      console.error(line);
    },
    ...(Deno.stderr.isTerminal() ? { progress } : {}),
  };
}

/** Parsed command line: flags seen, option values, and the rest. */
export interface ParsedArgs {
  /** Flags given (`--json`). */
  readonly flags: ReadonlySet<string>;
  /** Options with values (`--from 100` or `--from=100`). */
  readonly values: ReadonlyMap<string, string>;
  /** Everything else, in order. */
  readonly rest: readonly string[];
}

/**
 * Parse `args` knowing which `flags` and `valued` options exist; a string
 * is the usage error to print.
 */
export function parseArgs(
  args: readonly string[],
  flags: readonly string[],
  valued: readonly string[],
): ParsedArgs | string {
  const f = new Set<string>();
  const v = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq);
    if (flags.includes(name) && eq < 0) f.add(name);
    else if (valued.includes(name)) {
      const value = eq < 0 ? args[++i] : a.slice(eq + 1);
      if (value === undefined) return `${name} needs a value`;
      v.set(name, value);
    } else return `unknown option ${a}`;
  }
  return { flags: f, values: v, rest };
}

/** What `commandLine` needs to know of a command. */
export interface CommandSpec {
  /** The command's name, which starts each usage error ("replay"). */
  readonly name: string;
  /** The text --help prints. */
  readonly usage: string;
  /** Flags it takes (`--json`); --help is always one. */
  readonly flags: readonly string[];
  /** Options that take a value (`--from`). */
  readonly valued: readonly string[];
}

/**
 * Parse a command's `args`. With --help, print the usage and give exit
 * status 0; with a bad command line, print one line (see `usageError`) and
 * give 2; otherwise the parsed arguments.
 */
export function commandLine(
  args: readonly string[],
  spec: CommandSpec,
  io: CliIO,
): ParsedArgs | number {
  const p = parseArgs(args, [...spec.flags, "--help"], spec.valued);
  if (typeof p === "string") return usageError(io, spec.name, p);
  if (p.flags.has("--help")) {
    io.out(spec.usage);
    return 0;
  }
  return p;
}

/** Report a bad command line as one line on stderr; returns the usage exit status, 2. */
export function usageError(io: CliIO, name: string, problem: string): number {
  io.err(`${name}: ${problem} (see --help)`);
  return 2;
}

/** A non-negative integer option, or a usage error string. */
export function intOption(p: ParsedArgs, name: string): number | undefined | string {
  const s = p.values.get(name);
  if (s === undefined) return undefined;
  return /^[0-9]+$/.test(s) ? Number(s) : `${name} wants a non-negative integer, not "${s}"`;
}

/**
 * The trace files named by `paths`: files as given, directories searched
 * recursively for `*.trace`, each directory's finds sorted. A string is the
 * problem with a path.
 */
export function traceFiles(paths: readonly string[]): string[] | string {
  const out: string[] = [];
  for (const p of paths) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(p);
    } catch {
      out.push(p); // reading it will say what is wrong
      continue;
    }
    if (!info.isDirectory) {
      out.push(p);
      continue;
    }
    const found = _walk(p).sort();
    if (found.length === 0) return `no *.trace files under ${p}`;
    out.push(...found);
  }
  return out;
}

function _walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir.replace(/\/$/, "")}/${e.name}`;
    if (e.isDirectory) out.push(..._walk(path));
    else if (e.isFile && e.name.endsWith(".trace")) out.push(path);
  }
  return out;
}

/** Read a trace, or the one-line reason it cannot be used. */
export function openTrace(path: string): TraceFile | string {
  try {
    return readTraceFile(path);
  } catch (e) {
    if (e instanceof TraceError) return `cannot read trace "${path}": ${e.message}`;
    throw e;
  }
}
