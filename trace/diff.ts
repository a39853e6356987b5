/**
 * Diff of two traces: aligns their events by call (operation, process,
 * arguments), resynchronising after insertions, and reports where they
 * differ — field by field for exit lines read from `wait`, register by
 * register for `regs`, piece by piece for `map` listings, otherwise the first
 * differing byte — plus differences of header and annotations.
 *
 * @module
 */

import { hex, sha256 } from "./codec.ts";
import type { TraceFile } from "./reader.ts";
import { sameOutcome, sameValue } from "./equal.ts";
import { OP_BY_NAME, type Outcome, type TraceEvent } from "./schema.ts";
import { formatCall, formatEvent, formatOutcome, formatValue, quoteData } from "./show.ts";

/** One differing field: its name and how it reads on each side (absent: "-"). */
export interface FieldDiff {
  /** Field name: `pc`, `rax`, `piece 2`, `note.icount`, `byte 12`. */
  readonly name: string;
  /** In the first trace. */
  readonly a: string;
  /** In the second trace. */
  readonly b: string;
}

/** One difference between the traces. */
export interface Difference {
  /** Event index in the first trace (absent for header differences and events only in B). */
  readonly a?: number;
  /** Event index in the second trace. */
  readonly b?: number;
  /** What differs: `header`, `only in a`, `only in b`, `call`, `outcome`, `note`. */
  readonly kind: "header" | "only in a" | "only in b" | "call" | "outcome" | "note";
  /** The event (from the first trace when both have it), as show prints it. */
  readonly event?: string;
  /** The file read or written, when known (`#X/0/wait`). */
  readonly file?: string;
  /** The differing fields. */
  readonly fields: readonly FieldDiff[];
}

/** What `diffTraces` found. */
export interface DiffResult {
  /** The differences, in event order (header first). */
  readonly differences: readonly Difference[];
  /** Notes that are not differences of behaviour (tool versions, truncation). */
  readonly remarks: readonly string[];
}

/** Options of `diffTraces`. */
export interface DiffOptions {
  /** How far ahead (in events, both sides together) to look to resynchronise. Default 64. */
  readonly window?: number;
  /** Most bytes of data to print. Default 64. */
  readonly bytes?: number;
}

/** Compare traces `a` and `b`. */
export function diffTraces(a: TraceFile, b: TraceFile, options: DiffOptions = {}): DiffResult {
  const window = options.window ?? 64;
  const limit = options.bytes ?? 64;
  const remarks: string[] = [];
  if (a.header.tool !== b.header.tool) remarks.push(`tool: ${a.header.tool} vs ${b.header.tool}`);
  for (const [t, side] of [[a, "a"], [b, "b"]] as const) {
    if (t.truncated !== undefined) remarks.push(`${side} is truncated: ${t.truncated}`);
  }
  const out: Difference[] = [];
  const { tool: _ta, ...ha } = a.header;
  const { tool: _tb, ...hb } = b.header;
  const hf = valueDiff(ha, hb, "");
  if (hf.length) out.push({ kind: "header", fields: hf });
  const ea = [...a.events()];
  const eb = [...b.events()];
  const ka = ea.map(_key);
  const kb = eb.map(_key);
  const fa = new _Files();
  const fb = new _Files();
  let i = 0;
  let j = 0;
  while (i < ea.length || j < eb.length) {
    if (i < ea.length && j < eb.length && ka[i] === kb[j]) {
      _pair(out, { i, j, a: ea[i], b: eb[j], file: fa.file(ea[i]) }, limit);
      fa.track(ea[i]);
      fb.track(eb[j]);
      i++;
      j++;
      continue;
    }
    const [di, dj] = _resync(ka, kb, i, j, window);
    const paired = Math.min(di, dj);
    for (let k = 0; k < Math.max(di, dj); k++) {
      if (k < paired) {
        const a = ea[i + k];
        _changed(out, { i: i + k, j: j + k, a, b: eb[j + k], file: fa.file(a) }, limit);
      } else if (k < di) {
        out.push({ a: i + k, kind: "only in a", event: formatEvent(ea[i + k], limit), fields: [] });
      } else {
        out.push({ b: j + k, kind: "only in b", event: formatEvent(eb[j + k], limit), fields: [] });
      }
    }
    for (let k = 0; k < di; k++) fa.track(ea[i + k]);
    for (let k = 0; k < dj; k++) fb.track(eb[j + k]);
    i += di;
    j += dj;
  }
  return { differences: out, remarks };
}

/** The identity of a call: what a program asked, not what it got. */
function _key(ev: TraceEvent): string {
  const spec = OP_BY_NAME[ev.op];
  const args = ev.args.map((v, k) =>
    spec.args[k].kind === "data"
      ? `${(v as Uint8Array).length}:${hex(sha256(v as Uint8Array))}`
      : String(v)
  );
  return `${ev.op} ${ev.pid} ${args.join(" ")}`;
}

/**
 * How many events to skip on each side so that the calls line up again:
 * the nearest match within `window`, or one on each side when there is none.
 */
function _resync(
  ka: string[],
  kb: string[],
  i: number,
  j: number,
  window: number,
): [number, number] {
  const ra = ka.length - i;
  const rb = kb.length - j;
  if (ra === 0) return [0, rb];
  if (rb === 0) return [ra, 0];
  for (let d = 1; d <= window; d++) {
    for (let di = 0; di <= d; di++) {
      const dj = d - di;
      if (di < ra && dj < rb && ka[i + di] === kb[j + dj]) return [di, dj];
    }
  }
  return [1, 1];
}

/** Which file each descriptor names, per process, from the opens seen so far. */
class _Files {
  #names = new Map<string, string>();

  /** The file `ev` works on, if it names a descriptor whose open was seen. */
  file(ev: TraceEvent): string | undefined {
    const spec = OP_BY_NAME[ev.op];
    if (spec.args[0]?.kind !== "fd") return undefined;
    return this.#names.get(`${ev.pid} ${ev.args[0]}`);
  }

  /** Learn from `ev` (an open or create names its descriptor; close forgets it). */
  track(ev: TraceEvent): void {
    const o = ev.outcome;
    if ((ev.op === "open" || ev.op === "create") && o.status === "ok") {
      this.#names.set(`${ev.pid} ${o.value}`, ev.args[0] as string);
    } else if (ev.op === "close") {
      this.#names.delete(`${ev.pid} ${ev.args[0]}`);
    }
  }
}

/** Events paired up: their indices, the events, and the file `a` concerns. */
interface _Paired {
  i: number;
  j: number;
  a: TraceEvent;
  b: TraceEvent;
  file: string | undefined;
}

/** Where a difference of `p` is: both indices, `a` listed, and the file. */
function _where(p: _Paired, limit: number) {
  return {
    a: p.i,
    b: p.j,
    event: formatEvent(p.a, limit),
    ...(p.file === undefined ? {} : { file: p.file }),
  };
}

/** Two events of the same call: their outcomes and notes compared. */
function _pair(out: Difference[], p: _Paired, limit: number): void {
  const { a, b, file } = p;
  if (!sameOutcome(a.outcome, b.outcome)) {
    out.push({
      ..._where(p, limit),
      kind: "outcome",
      fields: _outcomeDiff(a, b.outcome, file, limit),
    });
  }
  if (a.note !== undefined && b.note !== undefined && !sameValue(a.note, b.note)) {
    out.push({ ..._where(p, limit), kind: "note", fields: valueDiff(a.note, b.note, "note") });
  }
}

/** Two events in the same place making different calls: every field that differs. */
function _changed(out: Difference[], p: _Paired, limit: number): void {
  const { a, b, file } = p;
  const fields: FieldDiff[] = [];
  if (a.op !== b.op || a.pid !== b.pid) {
    fields.push({ name: "call", a: formatCall(a, limit), b: formatCall(b, limit) });
  } else {
    OP_BY_NAME[a.op].args.forEach((spec, k) => {
      const x = a.args[k];
      const y = b.args[k];
      if (x instanceof Uint8Array) {
        fields.push(...bytesDiff(x, y as Uint8Array, spec.name, limit));
      } else if (x !== y) fields.push({ name: spec.name, a: String(x), b: String(y) });
    });
  }
  if (a.op === b.op && !sameOutcome(a.outcome, b.outcome)) {
    fields.push(..._outcomeDiff(a, b.outcome, file, limit));
  }
  // kind second, as --json has always listed a changed call.
  const { a: ia, b: ib, ...rest } = _where(p, limit);
  out.push({ a: ia, b: ib, kind: "call", ...rest, fields });
}

/**
 * How event `a`'s outcome differs from `other`, by the content of the file
 * read: exit lines, register dumps and map listings by field, else bytes;
 * Dirs by field.
 */
function _outcomeDiff(
  a: TraceEvent,
  other: Outcome,
  file: string | undefined,
  limit = 64,
): FieldDiff[] {
  const x = a.outcome;
  if (x.status === "ok" && other.status === "ok" && OP_BY_NAME[a.op].result === "dir") {
    return valueDiff(x.value, other.value, "");
  }
  if (x.status !== "ok" || other.status !== "ok" || !(x.value instanceof Uint8Array)) {
    return [{
      name: "result",
      a: formatOutcome(a.op, x, a.pid, limit),
      b: formatOutcome(a.op, other, a.pid, limit),
    }];
  }
  const ta = x.value;
  const tb = other.value as Uint8Array;
  const base = file?.split("/").at(-1);
  const parse = base === "wait"
    ? parseWaitLine
    : base === "regs"
    ? _parseRegs
    : base === "map"
    ? _parseMap
    : undefined;
  if (parse !== undefined) {
    const pa = parse(new TextDecoder().decode(ta));
    const pb = parse(new TextDecoder().decode(tb));
    if (pa !== undefined && pb !== undefined) return _fieldsDiff(pa, pb);
  }
  return bytesDiff(ta, tb, "bytes", limit);
}

/**
 * The fields of a wait line, `[!]CAUSE QUAL pc PC sp SP ilen ILEN iinfo
 * IINFO[ excode CODE][ va VA][ pa PA][ ax AX]` or `*ack VECTOR`, as devvmx's
 * cmdwait prints them; undefined when `text` is not one.
 */
export function parseWaitLine(text: string): Map<string, string> | undefined {
  const t = text.replace(/\n$/, "").split(" ");
  const m = new Map<string, string>();
  if (t[0] === "*ack" && t.length === 2) return m.set("cause", t[0]).set("vector", t[1]);
  if (t.length < 10 || t.length % 2 !== 0) return undefined;
  m.set("cause", t[0]).set("qualification", t[1]);
  for (let k = 2; k < t.length; k += 2) {
    if (m.has(t[k])) return undefined;
    m.set(t[k], t[k + 1]);
  }
  for (const f of ["pc", "sp", "ilen", "iinfo"]) if (!m.has(f)) return undefined;
  return m;
}

function _parseRegs(text: string): Map<string, string> | undefined {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const f = line.split(/[ \t]+/);
    if (f.length !== 2) return undefined;
    m.set(f[0], f[1]);
  }
  return m;
}

function _parseMap(text: string): Map<string, string> {
  const m = new Map<string, string>();
  text.split("\n").filter((l) => l !== "").forEach((l, k) => m.set(`piece ${k}`, l));
  return m;
}

function _fieldsDiff(a: Map<string, string>, b: Map<string, string>): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push({ name: k, a: v, b: b.get(k) ?? "-" });
  for (const [k, v] of b) if (!a.has(k)) out.push({ name: k, a: "-", b: v });
  return out;
}

/** Where two byte strings first differ, with a little of each from there. */
export function bytesDiff(a: Uint8Array, b: Uint8Array, name: string, limit = 64): FieldDiff[] {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  if (k === a.length && k === b.length) return [];
  const from = Math.max(0, k - 8);
  const show = (x: Uint8Array) =>
    `${quoteData(x.subarray(from, from + Math.max(limit, 16)), 0)} (${x.length} bytes)`;
  return [{
    name: `${name} from ${k}${from ? ` (shown from ${from})` : ""}`,
    a: show(a),
    b: show(b),
  }];
}

/** Field-by-field difference of two opaque records, named by path (`note.icount`, `backend.config.host.cr4`). */
export function valueDiff(a: unknown, b: unknown, path: string): FieldDiff[] {
  const plain = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !(v instanceof Uint8Array);
  if (plain(a) && plain(b) && Array.isArray(a) === Array.isArray(b)) {
    const out: FieldDiff[] = [];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const p = path === "" ? k : Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
      if (!Object.hasOwn(b, k)) out.push({ name: p, a: formatValue(a[k]), b: "-" });
      else if (!Object.hasOwn(a, k)) out.push({ name: p, a: "-", b: formatValue(b[k]) });
      else out.push(...valueDiff(a[k], b[k], p));
    }
    return out;
  }
  return sameValue(a, b) ? [] : [{ name: path, a: formatValue(a), b: formatValue(b) }];
}

/** The result as text lines: one per difference, fields indented under it. */
export function formatDiff(r: DiffResult): string[] {
  const lines = r.remarks.map((s) => `# ${s}`);
  for (const d of r.differences) {
    const at = d.a !== undefined && d.b !== undefined
      ? d.a === d.b ? `event ${d.a}` : `event ${d.a} (b: ${d.b})`
      : d.a !== undefined
      ? `event ${d.a}`
      : d.b !== undefined
      ? `b event ${d.b}`
      : "header";
    const file = d.file === undefined ? "" : ` (${d.file})`;
    lines.push(`${at}: ${d.kind}${d.event === undefined ? "" : `: ${d.event}`}${file}`);
    for (const f of d.fields) lines.push(`  ${f.name}: ${f.a} vs ${f.b}`);
  }
  return lines;
}
