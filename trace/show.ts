/**
 * A trace as a person reads an strace log, one event a line:
 * `open '#X/clone' ORDWR = fd 3`, `write fd 4 "go\n" = 3`, errors as
 * `= error "VM not ready"`, annotations in brackets; and the same as JSON
 * lines for programs.
 *
 * @module
 */

import {
  type Dir,
  DMDIR,
  OCEXEC,
  OEXCL,
  ORCLOSE,
  OTRUNC,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
} from "../sim/ns/mod.ts";
import { hex } from "./codec.ts";
import type { TraceFile } from "./reader.ts";
import {
  type ArgKind,
  type ArgValue,
  OP_BY_NAME,
  type OpName,
  type Outcome,
  type ResultValue,
  type TraceEvent,
  type TraceHeader,
} from "./schema.ts";

/** How much to print. */
export interface ShowOptions {
  /** Most bytes of a byte string to print (the rest is elided); 0 prints all. Default 64. */
  readonly bytes?: number;
  /** First event to list. Default 0. */
  readonly from?: number;
  /** List events before this index. Default: to the end. */
  readonly to?: number;
}

/** Quote `s` as rc does: in single quotes, an embedded quote doubled. */
export function quoteRc(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const _ESC: Record<number, string> = {
  0x0a: "\\n",
  0x09: "\\t",
  0x0d: "\\r",
  0x22: '\\"',
  0x5c: "\\\\",
};

/** Quote bytes C-style, eliding past `limit` bytes (0: no limit) with `...` and the length. */
export function quoteData(data: Uint8Array, limit = 64): string {
  const n = limit > 0 ? Math.min(limit, data.length) : data.length;
  let s = '"';
  for (let i = 0; i < n; i++) {
    const b = data[i];
    s += _ESC[b] ??
      (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`);
  }
  s += '"';
  return n < data.length ? `${s}... (${data.length} bytes)` : s;
}

const _OMODE = ["OREAD", "OWRITE", "ORDWR", "OEXEC"];
const _OFLAGS: [number, string][] = [[OTRUNC, "OTRUNC"], [OCEXEC, "OCEXEC"], [ORCLOSE, "ORCLOSE"], [
  OEXCL,
  "OEXCL",
]];

/** An open mode as its libc.h names: `ORDWR|OTRUNC`. */
export function formatMode(mode: number): string {
  const parts = [_OMODE[mode & 3]];
  let rest = mode & ~3;
  for (const [bit, name] of _OFLAGS) {
    if (rest & bit) parts.push(name);
    rest &= ~bit;
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.join("|");
}

/** A permission: `DMDIR|0775`, other high bits in hex. */
export function formatPerm(perm: number): string {
  const parts: string[] = [];
  if (perm & DMDIR) parts.push("DMDIR");
  const high = (perm & ~DMDIR & ~0o777) >>> 0;
  if (high) parts.push(`0x${high.toString(16)}`);
  parts.push(`0${(perm & 0o777).toString(8)}`);
  return parts.join("|");
}

const _WHENCE: Record<number, string> = {
  [SEEK_SET]: "SEEK_SET",
  [SEEK_CUR]: "SEEK_CUR",
  [SEEK_END]: "SEEK_END",
};

/** A Dir much as ls -lq shows it: name, qid, mode, length, owners, device. */
export function formatDir(d: Dir): string {
  const qid = `(${d.qid.path.toString(16).padStart(16, "0")} ${d.qid.vers} ${
    d.qid.type.toString(16).padStart(2, "0")
  })`;
  const type = d.type >= 0x21 && d.type < 0x7f ? String.fromCharCode(d.type) : String(d.type);
  const times = d.atime || d.mtime ? ` atime ${d.atime} mtime ${d.mtime}` : "";
  return `${quoteRc(d.name)} ${qid} ${formatPerm(d.mode)} len ${d.length} uid ${
    quoteRc(d.uid)
  } gid ${quoteRc(d.gid)} muid ${quoteRc(d.muid)} type ${type} dev ${d.dev}${times}`;
}

/** An opaque record (annotation, backend configuration) in one line; bigints in hex. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  switch (typeof v) {
    case "bigint":
      return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
    case "string":
      return JSON.stringify(v);
    case "object":
      break;
    default:
      return String(v);
  }
  if (v instanceof Uint8Array) return v.length <= 16 ? `<${hex(v)}>` : `<${v.length} bytes>`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
  return `{${_pairs(v as Record<string, unknown>)}}`;
}

function _pairs(o: Record<string, unknown>): string {
  return Object.entries(o).map(([k, x]) => `${k}=${formatValue(x)}`).join(" ");
}

function _arg(kind: ArgKind, v: ArgValue, limit: number): string {
  switch (kind) {
    case "user":
    case "path":
      return quoteRc(v as string);
    case "data":
      return quoteData(v as Uint8Array, limit);
    case "fd":
      return `fd ${v}`;
    case "mode":
      return formatMode(v as number);
    case "perm":
      return formatPerm(v as number);
    case "whence":
      return _WHENCE[v as number] ?? String(v);
    case "offset":
      return `at ${v}`;
    default:
      return String(v);
  }
}

/** The call part of an event: `pread fd 5 100 at 4096`. Seek offsets print bare. */
export function formatCall(ev: TraceEvent, limit = 64): string {
  const spec = OP_BY_NAME[ev.op];
  const args = spec.args.map((a, i) =>
    ev.op === "seek" && a.kind === "offset" ? String(ev.args[i]) : _arg(a.kind, ev.args[i], limit)
  );
  return [ev.op, ...args].join(" ");
}

/** What follows `=`: `fd 3`, `"text"`, `ok`, `error "…"`, `crash "…"`. */
export function formatOutcome(op: OpName, o: Outcome, pid: number, limit = 64): string {
  if (o.status !== "ok") return `${o.status} ${JSON.stringify(o.message)}`;
  return _formatResult(op, o.value, pid, limit);
}

/** A successful result of `op`. */
function _formatResult(op: OpName, v: ResultValue, pid: number, limit = 64): string {
  switch (OP_BY_NAME[op].result) {
    case "none":
      return op === "proc" ? `pid ${pid}` : "ok";
    case "fd":
      return `fd ${v}`;
    case "data":
      return quoteData(v as Uint8Array, limit);
    case "dir":
      return formatDir(v as Dir);
    default:
      return String(v);
  }
}

/** One event as a line (without its index): call, outcome, note in brackets; `[pid N]` for pid > 0. */
export function formatEvent(ev: TraceEvent, limit = 64): string {
  const who = ev.pid !== 0 && ev.op !== "proc" ? `[pid ${ev.pid}] ` : "";
  const note = ev.note === undefined ? "" : ` ${formatNote(ev.note)}`;
  return `${who}${formatCall(ev, limit)} = ${
    formatOutcome(ev.op, ev.outcome, ev.pid, limit)
  }${note}`;
}

/** An annotation in brackets: `[icount=1234 exits=2]`. */
export function formatNote(note: unknown): string {
  const plain = note !== null && typeof note === "object" &&
    Object.getPrototypeOf(note) === Object.prototype;
  return `[${plain ? _pairs(note as Record<string, unknown>) : formatValue(note)}]`;
}

/** Header lines, each starting with `#`. */
export function formatHeader(h: TraceHeader): string[] {
  const b = h.backend;
  const lines = [
    `# trace format ${h.format}, written by ${h.tool}`,
    `# backend ${b.name} ${b.version}${b.config === undefined ? "" : ` ${formatValue(b.config)}`}`,
  ];
  if (h.seed !== undefined) lines.push(`# seed ${h.seed}`);
  if (h.argv.length) lines.push(`# argv ${h.argv.map(quoteRc).join(" ")}`);
  if (h.info !== undefined) lines.push(`# info ${formatValue(h.info)}`);
  return lines;
}

/** The trace listed line by line: header, numbered events, checkpoint marks, how it ends. */
export function* showTrace(trace: TraceFile, options: ShowOptions = {}): Generator<string> {
  const limit = options.bytes ?? 64;
  yield* formatHeader(trace.header);
  const marks = new Set(trace.checkpoints);
  let i = options.from ?? 0;
  for (const ev of trace.events(i, options.to)) {
    if (marks.has(i)) yield `-- checkpoint before event ${i}`;
    yield `${i} ${formatEvent(ev, limit)}`;
    i++;
  }
  if ((options.to ?? Infinity) >= trace.eventCount) yield _ending(trace);
}

function _ending(trace: TraceFile): string {
  const t = trace.truncated;
  if (t !== undefined) return `# truncated: ${t}; ${trace.eventCount} complete events`;
  return `# end: ${trace.eventCount} events, digest ${hex(trace.digest!)}`;
}

/** A value as JSON can carry it: bigints as "0x…" strings, bytes as `{text}` or `{hex}`. */
export function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return formatValue(v);
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Uint8Array) return _jsonBytes(v);
  if (Array.isArray(v)) return v.map(jsonValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
}

function _jsonBytes(b: Uint8Array): { text: string } | { hex: string } {
  for (const c of b) {
    if (c >= 0x7f || (c < 0x20 && c !== 0x0a && c !== 0x09)) return { hex: hex(b) };
  }
  return { text: new TextDecoder().decode(b) };
}

/** One event as a JSON-ready object, arguments named as in sim/ns/syscalls.ts. */
export function eventJson(ev: TraceEvent, index: number): Record<string, unknown> {
  const spec = OP_BY_NAME[ev.op];
  const args = Object.fromEntries(spec.args.map((a, i) => [a.name, jsonValue(ev.args[i])]));
  const o = ev.outcome;
  const out: Record<string, unknown> = { index, pid: ev.pid, op: ev.op, args, status: o.status };
  if (o.status === "ok") out.result = jsonValue(o.value);
  else out.message = o.message;
  if (ev.note !== undefined) out.note = jsonValue(ev.note);
  return out;
}

/** The trace as JSON lines: `{"header"}`, one object per event, `{"checkpoint"}` marks, `{"end"}` or `{"truncated"}`. */
export function* showTraceJson(trace: TraceFile, options: ShowOptions = {}): Generator<string> {
  yield JSON.stringify({ header: jsonValue(trace.header) });
  const marks = new Set(trace.checkpoints);
  let i = options.from ?? 0;
  for (const ev of trace.events(i, options.to)) {
    if (marks.has(i)) yield JSON.stringify({ checkpoint: i });
    yield JSON.stringify(eventJson(ev, i));
    i++;
  }
  if ((options.to ?? Infinity) < trace.eventCount) return;
  const t = trace.truncated;
  yield JSON.stringify(
    t === undefined
      ? { end: { events: trace.eventCount, digest: hex(trace.digest!) } }
      : { truncated: t, events: trace.eventCount },
  );
}
