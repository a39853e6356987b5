import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { inflateRawSync } from "node:zlib";
import { ChunkKind, FLAG_DEFLATE } from "./chunk.ts";
import { hex, sha256, unpack } from "./codec.ts";
import { MemfsBackend } from "./memfs.ts";
import { TraceFile } from "./reader.ts";
import { MemorySink } from "./sink.ts";
import { chunksOf } from "./testdata/chunks.ts";
import { sampleHeader, sampleTrace } from "./testdata/sample.ts";
import { TOOL, TraceWriter } from "./writer.ts";

const kinds = (b: Uint8Array) => chunksOf(b).map((c) => c.kind);
const { header: H, blob: B, events: E, checkpoint: C, end: N } = ChunkKind;

Deno.test("golden bytes: the sample trace encodes identically run after run", () => {
  const bytes = sampleTrace();
  equal(bytes.length, 3728);
  equal(hex(sha256(bytes)), "aefbe846f04312c277f6a06149f1c1a0f742840f7a27b768e1fdec0dbbead2b1");
  equal(
    hex(TraceFile.parse(bytes).digest!),
    "d163213a13b72eaa023ee82cc7a15109c60711544d2f2041df07b46ef539dad1",
  );
  equal(
    hex(bytes.subarray(0, 96)),
    "56585452010000005f0000004a5571d9" + // magic, kind 1, length 0x5f, header CRC
      "85a6666f726d617401a4746f6f6cab766d7873696d2074657374a76261636b656e6483a46e616d65a56d656d6673" +
      "a776657273696f6ea131a6636f6e66696781a8616e6e6f74617465c2a46172677691",
  );
  deepEqual(sampleTrace(), bytes);
});

Deno.test("the events digest does not depend on chunking, compression or checkpoints", () => {
  const digest = TraceFile.parse(sampleTrace()).digest!;
  for (
    const o of [{ chunkEvents: 1 }, { chunkBytes: 1 }, { compress: true }, { checkpointEvery: 3 }]
  ) {
    deepEqual(TraceFile.parse(sampleTrace(o)).digest, digest);
  }
});

Deno.test("events gather into chunks of at most chunkEvents, blobs come first and once", () => {
  deepEqual(kinds(sampleTrace()), [H, B, E, N]);
  deepEqual(kinds(sampleTrace({ chunkEvents: 8 })), [H, B, E, E, E, N]);
  deepEqual(kinds(sampleTrace({ chunkEvents: 1 })), [
    H,
    ...Array(7).fill(E),
    B,
    ...Array(13).fill(E),
    N,
  ]);
  deepEqual(kinds(sampleTrace({ chunkBytes: 1 })), kinds(sampleTrace({ chunkEvents: 1 })));
  deepEqual(kinds(sampleTrace({ blobMin: 1 << 20 })), [H, E, N]);
});

Deno.test("an events chunk is [first index, count] then the events", () => {
  const c = chunksOf(sampleTrace({ chunkEvents: 8 }))[3];
  equal(hex(c.payload.subarray(0, 2)), "0808");
  equal(hex(c.payload.subarray(2, 4)), "9706"); // event 8, pwrite: an array of 7, op 6
});

Deno.test("a blob chunk is the SHA-256 of its data, then the data", () => {
  const c = chunksOf(sampleTrace())[1];
  const data = c.payload.subarray(32);
  deepEqual(data, new Uint8Array(3000).fill(7));
  equal(hex(c.payload.subarray(0, 32)), hex(sha256(data)));
});

Deno.test("compression deflates bodies only where that is smaller, leaving prefixes plain", () => {
  const plain = sampleTrace();
  const packed = sampleTrace({ compress: true });
  ok(packed.length < plain.length / 2, `${packed.length} vs ${plain.length}`);
  const cs = chunksOf(packed);
  deepEqual(cs.map((c) => c.flags), [0, FLAG_DEFLATE, FLAG_DEFLATE, 0]);
  deepEqual(
    new Uint8Array(inflateRawSync(cs[1].payload.subarray(32))),
    new Uint8Array(3000).fill(7),
  );
  const small = sampleTrace({ compress: true, chunkEvents: 1 });
  ok(chunksOf(small).some((c) => c.kind === E && c.flags === 0), "a one-event chunk stays plain");
  const a = [...TraceFile.parse(plain).events()];
  deepEqual([...TraceFile.parse(packed).events()], a);
});

Deno.test("checkpoints follow the events before them", () => {
  const t = sampleTrace({ checkpointEvery: 8, chunkEvents: 100 });
  deepEqual(kinds(t), [H, B, E, C, E, B, C, E, N]);
  const c = unpack(chunksOf(t)[3].payload) as unknown[];
  equal(c[0], 8);
  deepEqual(c[1], ["glenda"]);
});

Deno.test("the header records format, tool, backend, argv, seed", () => {
  const h = unpack(chunksOf(sampleTrace())[0].payload);
  deepEqual(h, {
    format: 1,
    tool: "vmxsim test",
    backend: { name: "memfs", version: "1", config: { annotate: false } },
    argv: ["sample"],
    seed: 0x5eed,
  });
  const b = new MemfsBackend();
  const sink = new MemorySink();
  new TraceWriter(sink, { backend: b.describe(), argv: [] }).close();
  equal(TraceFile.parse(sink.bytes()).header.tool, TOOL);
  ok(/^vmxsim \d+\.\d+\.\d+$/.test(TOOL));
});

Deno.test("the writer refuses events out of order, after close, and bad options", () => {
  const b = new MemfsBackend();
  const w = new TraceWriter(new MemorySink(), sampleHeader(b));
  const ev = {
    op: "close" as const,
    pid: 0,
    args: [3],
    outcome: { status: "ok" as const, value: null },
  };
  throws(() => w.event(ev), /^RangeError: event for pid 0, which no proc event started$/);
  throws(
    () => w.event({ op: "proc", pid: 1, args: ["x"], outcome: { status: "ok", value: null } }),
    /^RangeError: proc event for pid 1, expected 0$/,
  );
  w.close();
  throws(() => w.event(ev), /^Error: trace writer is closed$/);
  throws(() => w.checkpoint({}), /closed/);
  throws(() => w.close(), /closed/);
  for (const o of [{ chunkEvents: 0 }, { chunkBytes: 1.5 }, { blobMin: -1 }]) {
    throws(
      () => new TraceWriter(new MemorySink(), sampleHeader(b), o),
      /must be a positive integer/,
    );
  }
});

Deno.test("close writes the end chunk and closes the sink; flush with nothing pending writes nothing", () => {
  const b = new MemfsBackend();
  const sink = new MemorySink();
  const w = new TraceWriter(sink, sampleHeader(b));
  w.flush();
  equal(chunksOf(sink.bytes()).length, 1);
  w.close();
  ok(sink.closed);
  deepEqual(unpack(chunksOf(sink.bytes())[1].payload), {
    events: 0,
    digest: sha256(new Uint8Array()),
  });
});
