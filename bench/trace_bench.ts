/**
 * Trace costs: bytes per event, encode and decode events per second, and
 * what recording and replaying add to a run; plus the format comparison
 * behind docs/trace-format.md (explicit arrays vs msgpackr records, with
 * and without DEFLATE). `deno run --allow-read bench/trace_bench.ts`
 * prints the figures; `deno bench` also times each case.
 *
 * The workload imitates a vmx(1) session: wait lines, ctl writes, register
 * dumps, status reads, 4 KiB writes of guest memory, each event annotated
 * with a retired-instruction count.
 *
 * @module
 */

import { Packr, Unpackr } from "msgpackr/pack";
import { deflateRawSync, inflateRawSync } from "node:zlib";
// The schema's encoder itself, not the public face: this bench weighs encodings.
import { encodeEvent, type EventStore } from "../trace/schema.ts";
import {
  type Backend,
  MemfsBackend,
  memfsFactory,
  MemorySink,
  Recorder,
  replayTrace,
  type TraceEvent,
  TraceFile,
  TraceWriter,
} from "../trace/mod.ts";

const _enc = new TextEncoder();
const _N = 20_000;

/** A deterministic stream of `n` session-like events. */
function _session(n: number): TraceEvent[] {
  const evs: TraceEvent[] = [{
    op: "proc",
    pid: 0,
    args: ["glenda"],
    outcome: { status: "ok", value: null },
  }];
  let icount = 0n;
  let x = 0x12345678;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let i = 1; i < n; i++) {
    icount += BigInt(rnd() & 0xffff);
    const note = { icount };
    const k = i % 10;
    let ev: Omit<TraceEvent, "note">;
    if (k < 4) {
      const line = `io 0x${(rnd() & 0xffff).toString(16)} pc 0x${
        (0x1000 + (rnd() & 0xfff)).toString(16)
      } sp 0x7ff0 ilen 0x1 iinfo 0x0 ax 0x${(rnd() & 0xff).toString(16)}\n`;
      ev = {
        op: "read",
        pid: 0,
        args: [5, 8192],
        outcome: { status: "ok", value: _enc.encode(line) },
      };
    } else if (k < 7) {
      ev = {
        op: "write",
        pid: 0,
        args: [4, _enc.encode("go\n")],
        outcome: { status: "ok", value: 3 },
      };
    } else if (k === 7) {
      const regs = Array.from(
        { length: 60 },
        (_, r) => `r${r} 0x${rnd().toString(16).padStart(16, "0")}\n`,
      ).join("");
      ev = {
        op: "read",
        pid: 0,
        args: [6, 8192],
        outcome: { status: "ok", value: _enc.encode(regs) },
      };
    } else if (k === 8) {
      ev = {
        op: "read",
        pid: 0,
        args: [7, 100],
        outcome: { status: "ok", value: _enc.encode("ready\n") },
      };
    } else {
      const page = new Uint8Array(4096);
      for (let b = 0; b < 64; b++) page[rnd() & 4095] = rnd();
      ev = {
        op: "pwrite",
        pid: 0,
        args: [8, page, (i & 255) * 4096],
        outcome: { status: "ok", value: 4096 },
      };
    }
    evs.push({ ...ev, note });
  }
  return evs;
}

const EVENTS = _session(_N);
const HEADER = { backend: { name: "bench", version: "1" }, argv: [], tool: "bench" };

const _INLINE: EventStore = { bytes: (b) => b, value: (v) => v };

function _chunks<T>(f: (evs: TraceEvent[]) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < EVENTS.length; i += 256) out.push(f(EVENTS.slice(i, i + 256)));
  return out;
}

/** The chosen schema, codec only: each event as its explicit array, 256 to a chunk. */
function _packArrays(compress: boolean): Uint8Array[] {
  return _chunks((evs) => {
    const body = new Packr({ useRecords: false }).pack(evs.map((e) => encodeEvent(e, _INLINE)));
    return compress ? new Uint8Array(deflateRawSync(body)) : body;
  });
}

function _unpackArrays(chunks: Uint8Array[], compress: boolean): number {
  let n = 0;
  const un = new Unpackr({ useRecords: false });
  for (const c of chunks) n += (un.unpack(compress ? inflateRawSync(c) : c) as unknown[]).length;
  return n;
}

/**
 * The alternative, codec only: events as objects in msgpackr records. Each
 * chunk carries its own structure table (the key lists) so that it stays
 * readable alone, as chunks must.
 */
function _packRecords(compress: boolean): Uint8Array[] {
  return _chunks((evs) => {
    const structures: object[] = [];
    const body = new Packr({ useRecords: true, structures }).pack(evs);
    const table = new Packr({ useRecords: false }).pack(structures);
    const both = new Uint8Array(4 + table.length + body.length);
    new DataView(both.buffer).setUint32(0, table.length);
    both.set(table, 4);
    both.set(body, 4 + table.length);
    return compress ? new Uint8Array(deflateRawSync(both)) : both;
  });
}

function _unpackRecords(chunks: Uint8Array[], compress: boolean): number {
  let n = 0;
  for (const c of chunks) {
    const both = compress ? new Uint8Array(inflateRawSync(c)) : c;
    const len = new DataView(both.buffer, both.byteOffset).getUint32(0);
    const structures = new Unpackr({ useRecords: false }).unpack(both.subarray(4, 4 + len));
    n += (new Unpackr({ useRecords: true, structures }).unpack(both.subarray(4 + len)) as unknown[])
      .length;
  }
  return n;
}

/** The whole writer: blobs, SHA-256, CRCs, digest. */
function _write(compress: boolean): Uint8Array {
  const sink = new MemorySink();
  const w = new TraceWriter(sink, HEADER, { compress });
  for (const e of EVENTS) w.event(e);
  w.close();
  return sink.bytes();
}

/** The whole reader: framing, CRCs, validation, blob checks, digest. */
function _read(bytes: Uint8Array): number {
  let n = 0;
  for (const _ of TraceFile.parse(bytes).events()) n++;
  return n;
}

function _rate(f: () => unknown, events: number): number {
  f(); // warm up
  const t0 = performance.now();
  let runs = 0;
  do {
    f();
    runs++;
  } while (performance.now() - t0 < 300);
  return (events * runs) / ((performance.now() - t0) / 1000);
}

/** The memfs session: open ctl, then write and read it back, many times. */
function _program(rec: Pick<Backend, "process">): void {
  const p = rec.process("glenda");
  const fd = p.open("/ctl", 2);
  const go = _enc.encode("go\n");
  for (let i = 0; i < _N; i++) {
    p.write(fd, go);
    p.pread(fd, 100, 0);
  }
}

function _recorded(): Uint8Array {
  const b = new MemfsBackend();
  const sink = new MemorySink();
  const rec = new Recorder(b, new TraceWriter(sink, { backend: b.describe(), argv: [] }));
  _program(rec);
  rec.close();
  return sink.bytes();
}

const size = (cs: Uint8Array[]) => cs.reduce((n, c) => n + c.length + 20, 0); // + chunk framing
const _row = (name: string, bytes: number, enc: number, dec: number) =>
  console.log(
    `  ${name.padEnd(28)} ${(bytes / _N).toFixed(1).padStart(6)} bytes/event  ` +
      `encode ${(enc / 1e3).toFixed(0).padStart(5)}k ev/s  decode ${
        (dec / 1e3).toFixed(0).padStart(5)
      }k ev/s`,
  );
console.log(`${_N} session events, codec only (no blobs, no CRC, no validation):`);
for (const compress of [false, true]) {
  const a = _packArrays(compress);
  const r = _packRecords(compress);
  const z = compress ? " + deflate" : "";
  _row(
    `explicit arrays${z}`,
    size(a),
    _rate(() => _packArrays(compress), _N),
    _rate(() => _unpackArrays(a, compress), _N),
  );
  _row(
    `msgpackr records${z}`,
    size(r),
    _rate(() => _packRecords(compress), _N),
    _rate(() => _unpackRecords(r, compress), _N),
  );
}
const plain = _write(false);
const packed = _write(true);
console.log(`${_N} session events, whole writer and reader (blobs >= 1024 bytes, CRCs, digest):`);
_row("trace", plain.length, _rate(() => _write(false), _N), _rate(() => _read(plain), _N));
_row(
  "trace, compress: true",
  packed.length,
  _rate(() => _write(true), _N),
  _rate(() => _read(packed), _N),
);
const trace = _recorded();
const bare = _rate(() => _program(new MemfsBackend()), 2 * _N);
const rec = _rate(() => _recorded(), 2 * _N);
const rep = _rate(() => replayTrace(TraceFile.parse(trace), memfsFactory), 2 * _N);
console.log(
  `memfs program, ${2 * _N} calls, ${(trace.length / (2 * _N + 2)).toFixed(1)} bytes/event:`,
);
console.log(
  `  unrecorded ${(bare / 1e3).toFixed(0)}k calls/s, recorded ${
    (rec / 1e3).toFixed(0)
  }k calls/s, ` +
    `replayed ${(rep / 1e3).toFixed(0)}k calls/s`,
);

Deno.bench(
  { name: "codec explicit arrays", group: "codec", baseline: true },
  () => void _packArrays(false),
);
Deno.bench({ name: "codec msgpackr records", group: "codec" }, () => void _packRecords(false));
Deno.bench({ name: "write trace", group: "write", baseline: true }, () => void _write(false));
Deno.bench({ name: "write trace, compressed", group: "write" }, () => void _write(true));
Deno.bench({ name: "read trace", group: "read", baseline: true }, () => void _read(plain));
Deno.bench({ name: "read trace, compressed", group: "read" }, () => void _read(packed));
Deno.bench(
  { name: "memfs unrecorded", group: "record", baseline: true },
  () => _program(new MemfsBackend()),
);
Deno.bench({ name: "memfs recorded", group: "record" }, () => void _recorded());
Deno.bench(
  { name: "memfs replayed", group: "record" },
  () => void replayTrace(TraceFile.parse(trace), memfsFactory),
);
