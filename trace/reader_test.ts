import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { ChunkKind, encodeChunk } from "./chunk.ts";
import { BlobRef, pack, sha256 } from "./codec.ts";
import { TraceError } from "./errors.ts";
import { MemfsBackend } from "./memfs.ts";
import { readTraceFile, TraceFile } from "./reader.ts";
import { Recorder } from "./record.ts";
import { encodeHeader, FORMAT_VERSION } from "./schema.ts";
import { fileSink } from "./sink.ts";
import { chunksOf, msgpackChunk } from "./testdata/chunks.ts";
import { concat } from "../sim/lib9/mod.ts";
import { runSample, sampleHeader, sampleTrace } from "./testdata/sample.ts";
import { TraceWriter } from "./writer.ts";

const sample = sampleTrace({ chunkEvents: 4, checkpointEvery: 8 });
const all = [...TraceFile.parse(sample).events()];
const header = chunksOf(sample)[0];
const headerChunk = sample.subarray(0, header.end);
const endChunk = sample.subarray(chunksOf(sample).at(-1)!.offset);
const isTraceError = (re: RegExp) => (e: unknown) => e instanceof TraceError && re.test(e.message);

Deno.test("a whole trace reads back: header, events, checkpoints, digest", () => {
  const t = TraceFile.parse(sample, "s.trace");
  equal(t.name, "s.trace");
  equal(t.header.backend.name, "memfs");
  equal(t.eventCount, 20);
  equal(t.truncated, undefined);
  deepEqual(t.checkpoints, [8, 16]);
  equal(t.digest!.length, 32);
  equal(all.length, 20);
  deepEqual(all[1], { op: "open", pid: 0, args: ["/ctl", 2], outcome: { status: "ok", value: 3 } });
});

Deno.test("events(from, to) and event(i) read any range across chunks", () => {
  const t = TraceFile.parse(sample);
  for (let from = 0; from <= 20; from++) {
    for (let to = from; to <= 21; to++) deepEqual([...t.events(from, to)], all.slice(from, to));
  }
  deepEqual(t.event(19), all[19]);
  throws(() => t.event(20), /^RangeError: no event 20 \(the trace has 20\)$/);
});

Deno.test("checkpoint(i) decodes the snapshot with its blobs", () => {
  const t = TraceFile.parse(sample);
  const c = t.checkpoint(16);
  equal(c.index, 16);
  deepEqual(c.users, ["glenda", "other"]);
  const snap = c.snapshot as { root: { kids: { name: string; data: Uint8Array }[] } };
  deepEqual(snap.root.kids[1].data, new Uint8Array(6000).fill(7));
  throws(() => t.checkpoint(9), isTraceError(/^no checkpoint at event 9 \(checkpoints: 8, 16\)$/));
  throws(() => TraceFile.parse(sampleTrace()).checkpoint(0), /checkpoints: none/);
});

Deno.test("a file cut anywhere reads up to its last complete chunk and says it is truncated", () => {
  const ends = chunksOf(sample).map((c) => c.end);
  for (let n = 0; n < sample.length; n++) {
    const cut = sample.subarray(0, n);
    if (n === 0) {
      throws(() => TraceFile.parse(cut), isTraceError(/^empty file, not a trace$/));
      continue;
    }
    if (n < header.end) {
      throws(() => TraceFile.parse(cut), isTraceError(/^truncated inside its header chunk$/));
      continue;
    }
    const t = TraceFile.parse(cut);
    const last = ends.filter((e) => e <= n).length;
    const want = n === ends[last - 1]
      ? `no end chunk after chunk ${last - 1}`
      : `cut inside chunk ${last} at byte ${ends[last - 1]}`;
    equal(t.truncated, want);
    deepEqual([...t.events()], all.slice(0, t.eventCount));
    equal(t.digest, undefined);
  }
});

Deno.test("a flipped bit anywhere makes the file unusable, naming the chunk", () => {
  for (let i = 0; i < sample.length; i++) {
    const bad = sample.slice();
    bad[i] ^= 1 << (i % 8);
    throws(
      () => TraceFile.parse(bad),
      (e) =>
        e instanceof TraceError &&
        (i < 4
          ? /^not a trace/.test(e.message)
          : /^chunk \d+ at byte \d+: .*(CRC mismatch|magic)/.test(e.message)),
      `byte ${i}`,
    );
  }
});

Deno.test("things that are not traces are refused in one line", () => {
  throws(
    () => TraceFile.parse(new TextEncoder().encode("hello")),
    isTraceError(/^not a trace \(no VXTR magic\)$/),
  );
  throws(() => TraceFile.parse(new Uint8Array(0)), isTraceError(/^empty file, not a trace$/));
  throws(
    () => TraceFile.parse(new Uint8Array([0x56, 0x58])),
    isTraceError(/^truncated inside its header chunk$/),
  );
  const notHeader = msgpackChunk(ChunkKind.end, { events: 0, digest: new Uint8Array(32) });
  throws(
    () => TraceFile.parse(notHeader),
    isTraceError(/^chunk 0 at byte 0: first chunk has kind 5, not a header$/),
  );
});

Deno.test("another format version is refused before anything else is read", () => {
  const h = {
    ...encodeHeader({
      format: FORMAT_VERSION,
      tool: "t",
      backend: { name: "x", version: "1" },
      argv: [],
    }),
  };
  const v2 = msgpackChunk(ChunkKind.header, { ...h, format: 2, backend: "whatever" });
  throws(
    () => TraceFile.parse(v2),
    isTraceError(
      /^chunk 0 at byte 0: format version 2 is not supported \(this tool reads version 1\)$/,
    ),
  );
});

Deno.test("inconsistent chunk sequences are refused", () => {
  const ev = pack([8, 0, 3, 0, null]);
  const events = (first: number, count: number, ...evs: Uint8Array[]) =>
    encodeChunk(ChunkKind.events, 0, [pack(first), pack(count), ...evs]);
  const cases: [Uint8Array, RegExp][] = [
    [concat([headerChunk, headerChunk]), /^chunk 1 at byte \d+: a second header chunk$/],
    [concat([headerChunk, msgpackChunk(9, 1)]), /^chunk 1 at byte \d+: unknown chunk kind 9$/],
    [
      concat([headerChunk, events(1, 1, ev)]),
      /^chunk 1 at byte \d+: events chunk starts at event 1, expected 0$/,
    ],
    [
      concat([headerChunk, encodeChunk(ChunkKind.events, 0, [])]),
      /events chunk prefix is cut short/,
    ],
    [
      concat([headerChunk, encodeChunk(ChunkKind.events, 0, [pack("x")])]),
      /events chunk prefix is not an unsigned int/,
    ],
    [
      concat([headerChunk, msgpackChunk(ChunkKind.checkpoint, [3, [], null])]),
      /checkpoint at event 3, expected 0/,
    ],
    [
      concat([headerChunk, msgpackChunk(ChunkKind.checkpoint, "x")]),
      /checkpoint at event -1, expected 0/,
    ],
    [
      concat([headerChunk, encodeChunk(ChunkKind.blob, 0, [new Uint8Array(31)])]),
      /blob chunk shorter than its hash/,
    ],
    [
      concat([headerChunk, msgpackChunk(ChunkKind.end, { events: 2, digest: new Uint8Array(32) })]),
      /end chunk counts 2 events, the trace holds 0/,
    ],
    [
      concat([headerChunk, msgpackChunk(ChunkKind.end, { events: 0, digest: new Uint8Array(3) })]),
      /end chunk digest is not 32 bytes/,
    ],
    [concat([headerChunk, msgpackChunk(ChunkKind.end, null)]), /end event count is not an integer/],
    [
      concat([sample, msgpackChunk(200, 1)]),
      new RegExp(
        `^chunk ${chunksOf(sample).length} at byte ${sample.length}: data after the end chunk$`,
      ),
    ],
  ];
  for (const [bytes, re] of cases) {
    throws(() => TraceFile.parse(bytes), isTraceError(re), re.source);
  }
});

Deno.test("optional chunk kinds (128 and up) are skipped", () => {
  const body = sample.subarray(0, sample.length - endChunk.length);
  const t = TraceFile.parse(concat([body, msgpackChunk(200, "future"), endChunk]));
  deepEqual([...t.events()], all);
});

Deno.test("bad event contents are reported with the event number when read", () => {
  const evs = encodeChunk(ChunkKind.events, 0, [
    pack(0),
    pack(2),
    pack([0, 0, "u", 0, null]),
    pack([8, 0]),
  ]);
  const t = TraceFile.parse(concat([headerChunk, evs]));
  throws(
    () => [...t.events()],
    isTraceError(/^chunk 1 at byte \d+: event 1: event is not an array$/),
  );
  const short = encodeChunk(ChunkKind.events, 0, [pack(0), pack(2), pack([0, 0, "u", 0, null])]);
  throws(
    () => [...TraceFile.parse(concat([headerChunk, short])).events()],
    isTraceError(/holds 1 events but says 2/),
  );
  const deflated = encodeChunk(ChunkKind.events, 1, [
    pack(0),
    pack(1),
    new Uint8Array([0xff, 0xff]),
  ]);
  throws(
    () => [...TraceFile.parse(concat([headerChunk, deflated])).events()],
    isTraceError(/cannot inflate body/),
  );
});

Deno.test("blob references must name a blob that is there and sound", () => {
  const data = new Uint8Array(40).fill(1);
  const ref = new BlobRef(sha256(data));
  const ev = pack([5, 0, 3, ref, 0, 40]);
  const proc = pack([0, 0, "u", 0, null]);
  const events = encodeChunk(ChunkKind.events, 0, [pack(0), pack(2), proc, ev]);
  throws(
    () => [...TraceFile.parse(concat([headerChunk, events])).events()],
    isTraceError(/refers to blob [0-9a-f]{64}, which the trace lacks/),
  );
  const wrong = encodeChunk(ChunkKind.blob, 0, [ref.hash, new Uint8Array(40)]);
  throws(
    () => [...TraceFile.parse(concat([headerChunk, wrong, events])).events()],
    isTraceError(/does not match its hash/),
  );
  const right = encodeChunk(ChunkKind.blob, 0, [ref.hash, data]);
  deepEqual([...TraceFile.parse(concat([headerChunk, right, events])).events()][1].args[1], data);
});

Deno.test("reading a closed trace through checks its digest", () => {
  const cs = chunksOf(sample);
  const end = msgpackChunk(ChunkKind.end, { events: 20, digest: new Uint8Array(32) });
  const t = TraceFile.parse(concat([sample.subarray(0, cs.at(-1)!.offset), end]));
  equal([...t.events(0, 19)].length, 19, "a partial read does not check");
  throws(() => [...t.events()], isTraceError(/^the end chunk's digest does not match the events$/));
});

Deno.test("readTraceFile reads a file and names what is wrong with a path", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sample);
    equal(readTraceFile(`${dir}/a.trace`).name, `${dir}/a.trace`);
    throws(() => readTraceFile(`${dir}/none.trace`), isTraceError(/^no such file$/));
    throws(() => readTraceFile(dir), isTraceError(/^is a directory$/));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("follow yields events while another writer is still writing the file", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/grow.trace`;
  try {
    const b = new MemfsBackend();
    const w = new TraceWriter(fileSink(path), sampleHeader(b), { chunkEvents: 3 });
    const got: unknown[] = [];
    let header: unknown;
    const follower = (async () => {
      for await (
        const ev of TraceFile.follow(path, { interval: 5, onHeader: (h) => (header = h) })
      ) got.push(ev);
    })();
    const rec = new Recorder(b, w);
    await new Promise((r) => setTimeout(r, 20));
    runSample(rec);
    await new Promise((r) => setTimeout(r, 20));
    ok(got.length > 0 && got.length < 20, `saw ${got.length} before the end`);
    rec.close();
    await follower;
    deepEqual(got, [...readTraceFile(path).events()]);
    equal((header as { argv: string[] }).argv[0], "sample");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("follow stops when aborted, and reports a file that is not a trace", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/partial.trace`;
    Deno.writeFileSync(path, sample.subarray(0, 10));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const got = [];
    for await (const ev of TraceFile.follow(path, { signal: ac.signal, interval: 5 })) got.push(ev);
    equal(got.length, 0);
    Deno.writeFileSync(`${dir}/x`, new TextEncoder().encode("not a trace at all, really"));
    const it = TraceFile.follow(`${dir}/x`);
    let err: unknown;
    try {
      await it.next();
    } catch (e) {
      err = e;
    }
    ok(err instanceof TraceError && /not a trace/.test(err.message));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
