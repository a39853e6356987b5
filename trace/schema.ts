/**
 * The trace schema: header fields, the table of operations with their
 * arguments and results, and how an event maps to and from its msgpack
 * array `[op, pid, ...args, status, result, note?]`. The operations are the
 * calls of sim/ns/syscalls.ts plus `proc`, which starts a process.
 *
 * @module
 */

import type { Dir } from "../sim/ns/mod.ts";
import { asBytes, BlobRef, intField, readInt, readString } from "./codec.ts";
import { TraceError } from "./errors.ts";
import { loadValue, storeValue } from "./value.ts";

/** The format version this code writes and reads. */
export const FORMAT_VERSION = 1;

/** Who produced a trace; stored in its header and used to pick a replay backend. */
export interface BackendDescription {
  /** Implementation: "vmxsim" for the simulator, "memfs" for the test fake, "9front" for hardware. */
  readonly name: string;
  /** Its version. */
  readonly version: string;
  /**
   * Everything else that decides its behaviour (modeled host: CPU identity,
   * VMX capability MSRs, host CR0/CR4, xcr0; options such as the tick
   * quantum). Opaque to the trace layer; 64-bit values as bigints.
   */
  readonly config?: unknown;
}

/** The header: the first chunk of every trace. Nothing in it varies run to run. */
export interface TraceHeader {
  /** Format version (FORMAT_VERSION). */
  readonly format: number;
  /** The recording tool and its version, e.g. "vmxsim 0.1.0". */
  readonly tool: string;
  /** The backend that produced the outputs. */
  readonly backend: BackendDescription;
  /** The seed of the run that produced it, if any (a bigint when wider than 32 bits). */
  readonly seed?: number | bigint;
  /** The command line that produced it. */
  readonly argv: readonly string[];
  /** Anything else worth keeping, e.g. a fast-check `{ seed, path }` replay line. */
  readonly info?: unknown;
}

/** What an argument of an operation is; decides its msgpack type and how it prints. */
export type ArgKind =
  | "user"
  | "path"
  | "mode"
  | "perm"
  | "fd"
  | "count"
  | "offset"
  | "whence"
  | "data";

/** What an operation returns on success. */
export type ResultKind = "none" | "fd" | "count" | "offset" | "data" | "dir";

/** Operation names. */
export type OpName =
  | "proc"
  | "open"
  | "create"
  | "read"
  | "pread"
  | "write"
  | "pwrite"
  | "seek"
  | "close"
  | "remove"
  | "stat"
  | "fstat";

/** One argument of an operation. */
export interface ArgSpec {
  /** Its name, as in sim/ns/syscalls.ts. */
  readonly name: string;
  /** Its kind. */
  readonly kind: ArgKind;
}

/** One row of the operation table. */
export interface OpSpec {
  /** The code stored in the trace. */
  readonly code: number;
  /** The name. */
  readonly name: OpName;
  /** Arguments, in stored order. */
  readonly args: readonly ArgSpec[];
  /** What success returns. */
  readonly result: ResultKind;
}

function _op(code: number, name: OpName, result: ResultKind, ...args: [string, ArgKind][]): OpSpec {
  return Object.freeze({
    code,
    name,
    result,
    args: Object.freeze(args.map(([n, kind]) => Object.freeze({ name: n, kind }))),
  });
}

/** The operation table, indexed by code. The order is the format: never reorder. */
export const OPS: readonly OpSpec[] = Object.freeze([
  _op(0, "proc", "none", ["user", "user"]),
  _op(1, "open", "fd", ["path", "path"], ["mode", "mode"]),
  _op(2, "create", "fd", ["path", "path"], ["mode", "mode"], ["perm", "perm"]),
  _op(3, "read", "data", ["fd", "fd"], ["n", "count"]),
  _op(4, "pread", "data", ["fd", "fd"], ["n", "count"], ["offset", "offset"]),
  _op(5, "write", "count", ["fd", "fd"], ["data", "data"]),
  _op(6, "pwrite", "count", ["fd", "fd"], ["data", "data"], ["offset", "offset"]),
  _op(7, "seek", "offset", ["fd", "fd"], ["offset", "offset"], ["type", "whence"]),
  _op(8, "close", "none", ["fd", "fd"]),
  _op(9, "remove", "none", ["path", "path"]),
  _op(10, "stat", "dir", ["path", "path"]),
  _op(11, "fstat", "dir", ["fd", "fd"]),
]);

/** The operation table by name. */
export const OP_BY_NAME: Readonly<Record<OpName, OpSpec>> = Object.freeze(
  Object.fromEntries(OPS.map((s) => [s.name, s])) as Record<OpName, OpSpec>,
);

/** An argument value: strings for user and path, bytes for data, numbers otherwise. */
export type ArgValue = string | number | Uint8Array;

/** A successful result: a number, bytes, a Dir, or null for none. */
export type ResultValue = number | Uint8Array | Dir | null;

/** How an operation ended: a result, a Plan 9 error string, or a failure of the backend itself. */
export type Outcome =
  | { readonly status: "ok"; readonly value: ResultValue }
  | { readonly status: "error" | "crash"; readonly message: string };

/** One operation with its inputs and outputs. */
export interface TraceEvent {
  /** The operation. */
  readonly op: OpName;
  /** The process that made it (numbered from 0 by `proc` events). */
  readonly pid: number;
  /** The arguments, in the order of `OP_BY_NAME[op].args`. */
  readonly args: readonly ArgValue[];
  /** What happened. */
  readonly outcome: Outcome;
  /** The backend's annotation, if it gave one. */
  readonly note?: unknown;
}

/** Stored status codes. */
const _STATUS = ["ok", "error", "crash"] as const;

/** How the writer stores byte strings and annotations (inline or as blobs). */
export interface EventStore {
  /** Bytes as stored: themselves, or a reference to a blob holding them. */
  bytes(data: Uint8Array): Uint8Array | BlobRef;
  /** An annotation as stored (see value.ts). */
  value(v: unknown): unknown;
}

/** Map an event to the array that is its msgpack encoding. */
export function encodeEvent(ev: TraceEvent, store: EventStore): unknown[] {
  const spec = OP_BY_NAME[ev.op];
  const out: unknown[] = [spec.code, ev.pid];
  spec.args.forEach((a, i) => out.push(_storeArg(a.kind, ev.args[i], store)));
  const o = ev.outcome;
  if (o.status === "ok") out.push(0, _storeResult(spec.result, o.value, store));
  else out.push(o.status === "error" ? 1 : 2, o.message);
  if (ev.note !== undefined) out.push(store.value(ev.note));
  return out;
}

function _storeArg(kind: ArgKind, v: ArgValue, store: EventStore): unknown {
  if (kind === "user" || kind === "path") return v as string;
  if (kind === "data") return store.bytes(v as Uint8Array);
  return intField(v as number);
}

function _storeResult(kind: ResultKind, v: ResultValue, store: EventStore): unknown {
  switch (kind) {
    case "none":
      return null;
    case "data":
      return store.bytes(v as Uint8Array);
    case "dir":
      return encodeDir(v as Dir);
    default:
      return intField(v as number);
  }
}

/** A Dir as its stored array: type dev qid.path qid.vers qid.type mode atime mtime length name uid gid muid. */
export function encodeDir(d: Dir): unknown[] {
  return [
    intField(d.type),
    intField(d.dev),
    intField(d.qid.path),
    intField(d.qid.vers),
    intField(d.qid.type),
    intField(d.mode),
    intField(d.atime),
    intField(d.mtime),
    intField(d.length),
    d.name,
    d.uid,
    d.gid,
    d.muid,
  ];
}

/** Read back a stored Dir. */
export function decodeDir(v: unknown): Dir {
  if (!Array.isArray(v) || v.length !== 13) throw new TraceError("Dir is not an array of 13");
  const n = (i: number, what: string) => readInt(v[i], `Dir ${what}`);
  const s = (i: number, what: string) => readString(v[i], `Dir ${what}`);
  return {
    type: n(0, "type"),
    dev: n(1, "dev"),
    qid: { path: n(2, "qid.path"), vers: n(3, "qid.vers"), type: n(4, "qid.type") },
    mode: n(5, "mode"),
    atime: n(6, "atime"),
    mtime: n(7, "mtime"),
    length: n(8, "length"),
    name: s(9, "name"),
    uid: s(10, "uid"),
    gid: s(11, "gid"),
    muid: s(12, "muid"),
  };
}

/** Read back an event from its decoded msgpack array; `blob` resolves blob references. */
export function decodeEvent(v: unknown, blob: (ref: BlobRef) => Uint8Array): TraceEvent {
  if (!Array.isArray(v) || v.length < 4) throw new TraceError("event is not an array");
  const code = v[0];
  const spec = typeof code === "number" ? OPS[code] : undefined;
  if (spec === undefined) throw new TraceError(`unknown operation code ${String(code)}`);
  const n = spec.args.length;
  if (v.length !== n + 4 && v.length !== n + 5) {
    throw new TraceError(`${spec.name} event has ${v.length} fields, not ${n + 4} or ${n + 5}`);
  }
  const pid = readInt(v[1], "pid");
  const args = spec.args.map((a, i) => _loadArg(a, v[2 + i], blob));
  const status = _STATUS[v[n + 2] as number];
  if (status === undefined) throw new TraceError(`${spec.name} event has bad status ${v[n + 2]}`);
  const outcome: Outcome = status === "ok"
    ? { status, value: _loadResult(spec, v[n + 3], blob) }
    : { status, message: readString(v[n + 3], `${spec.name} error`) };
  const ev: TraceEvent = { op: spec.name, pid, args, outcome };
  return v.length === n + 5 ? { ...ev, note: loadValue(v[n + 4], blob) } : ev;
}

function _loadBytes(v: unknown, what: string, blob: (ref: BlobRef) => Uint8Array): Uint8Array {
  if (v instanceof BlobRef) return blob(v);
  if (v instanceof Uint8Array) return asBytes(v);
  throw new TraceError(`${what} is not bytes`);
}

function _loadArg(a: ArgSpec, v: unknown, blob: (ref: BlobRef) => Uint8Array): ArgValue {
  if (a.kind === "user" || a.kind === "path") return readString(v, a.name);
  if (a.kind === "data") return _loadBytes(v, a.name, blob);
  return readInt(v, a.name);
}

function _loadResult(spec: OpSpec, v: unknown, blob: (ref: BlobRef) => Uint8Array): ResultValue {
  const what = `${spec.name} result`;
  switch (spec.result) {
    case "none":
      if (v !== null) throw new TraceError(`${what} is not nil`);
      return null;
    case "data":
      return _loadBytes(v, what, blob);
    case "dir":
      return decodeDir(v);
    default:
      return readInt(v, what);
  }
}

/** The header as its stored msgpack map (bytes inline: no blob chunk can precede it). */
export function encodeHeader(h: TraceHeader): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: h.format,
    tool: h.tool,
    backend: storeValue(h.backend, undefined, 0, "backend"),
    argv: [...h.argv],
  };
  if (h.seed !== undefined) out.seed = typeof h.seed === "bigint" ? h.seed : intField(h.seed);
  if (h.info !== undefined) out.info = storeValue(h.info, undefined, 0, "info");
  return out;
}

/** Read back a header, refusing other format versions before looking further. */
export function decodeHeader(v: unknown): TraceHeader {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new TraceError("header is not a map");
  }
  const m = v as Record<string, unknown>;
  const format = m.format;
  if (format !== FORMAT_VERSION) {
    throw new TraceError(
      `format version ${
        String(format)
      } is not supported (this tool reads version ${FORMAT_VERSION})`,
    );
  }
  const b = m.backend as Record<string, unknown> | null;
  if (b === null || typeof b !== "object") throw new TraceError("header backend is not a map");
  const noBlob = (): never => {
    throw new TraceError("header refers to a blob");
  };
  const backend: BackendDescription = {
    name: readString(b.name, "backend name"),
    version: readString(b.version, "backend version"),
    ...(b.config === undefined ? {} : { config: loadValue(b.config, noBlob) }),
  };
  if (!Array.isArray(m.argv)) throw new TraceError("header argv is not an array");
  const seed = m.seed;
  if (seed !== undefined && typeof seed !== "bigint" && !Number.isSafeInteger(seed)) {
    throw new TraceError("header seed is not an integer");
  }
  return {
    format,
    tool: readString(m.tool, "header tool"),
    backend,
    argv: m.argv.map((a, i) => readString(a, `argv[${i}]`)),
    ...(seed === undefined ? {} : { seed: seed as number | bigint }),
    ...(m.info === undefined ? {} : { info: loadValue(m.info, noBlob) }),
  };
}
