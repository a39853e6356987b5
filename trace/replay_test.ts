import { deepEqual, equal, throws } from "node:assert/strict";
import type { Syscalls } from "../sim/ns/mod.ts";
import type { Backend } from "./backend.ts";
import { ChunkKind, encodeChunk } from "./chunk.ts";
import { pack } from "./codec.ts";
import { TraceError } from "./errors.ts";
import { MemfsBackend, memfsFactory } from "./memfs.ts";
import { TraceFile } from "./reader.ts";
import { Recorder } from "./record.ts";
import { replayTrace } from "./replay.ts";
import { MemorySink } from "./sink.ts";
import { chunksOf } from "./testdata/chunks.ts";
import { concat } from "../sim/lib9/mod.ts";
import { enc, sampleHeader, sampleTrace } from "./testdata/sample.ts";
import { TraceWriter } from "./writer.ts";

const sample = TraceFile.parse(sampleTrace({ checkpointEvery: 8 }, { annotate: true }));

/** A memfs backend whose processes are changed by `tweak`, and whose other parts can be overridden. */
function tampered(tweak: (s: Syscalls) => Syscalls, extra: Partial<Backend> = {}): () => Backend {
  return () => {
    const b = new MemfsBackend({ annotate: true });
    return {
      describe: () => b.describe(),
      process: (u) => tweak(b.process(u)),
      annotate: () => b.annotate(),
      snapshot: () => b.snapshot(),
      restore: (s) => b.restore(s).map(tweak),
      ...extra,
    };
  };
}

Deno.test("a trace replays on the backend that recorded it", () => {
  deepEqual(replayTrace(sample, memfsFactory), { events: 20 });
  deepEqual(replayTrace(sample, memfsFactory, { to: 5 }), { events: 5 });
  deepEqual(replayTrace(sample, memfsFactory, { to: 99 }), { events: 20 });
});

Deno.test("the first differing output stops the replay, with the events before it", () => {
  const r = replayTrace(sample, tampered((s) => ({ ...s, pread: () => enc("no") })));
  equal(r.events, 3);
  const d = r.divergence!;
  equal(d.index, 3);
  equal(d.field, "outcome");
  deepEqual(d.expected.outcome, { status: "ok", value: enc("go\n") });
  // The tampered pread bypasses memfs, so its operation count lags by one.
  deepEqual(d.actual, {
    ...d.expected,
    outcome: { status: "ok", value: enc("no") },
    note: { ops: 2 },
  });
  deepEqual(d.before.map((b) => [b.index, b.event.op]), [[0, "proc"], [1, "open"], [2, "write"]]);
  const one = replayTrace(sample, tampered((s) => ({ ...s, pread: () => enc("no") })), {
    context: 1,
  });
  deepEqual(one.divergence!.before.map((b) => b.index), [2]);
});

Deno.test("an error where a result was recorded, or a different error, diverges", () => {
  const r = replayTrace(
    sample,
    tampered((s) => ({
      ...s,
      seek: () => {
        throw new RangeError("bad seek");
      },
    })),
  );
  deepEqual(r.divergence!.actual.outcome, { status: "crash", message: "RangeError: bad seek" });
  const failing = (s: Syscalls): Syscalls => ({ ...s, stat: () => s.stat("/missing") });
  const e = replayTrace(sample, tampered(failing));
  equal(e.divergence!.index, 15);
  deepEqual(e.divergence!.actual.outcome, { status: "error", message: "file does not exist" });
  const w = replayTrace(
    sample,
    tampered((s) => ({ ...s, write: (fd, d) => s.write(fd, d.length > 100 ? d : enc("x")) })),
  );
  equal(w.divergence!.index, 2);
  deepEqual(w.divergence!.actual.outcome, { status: "ok", value: 1 });
});

Deno.test("recorded crashes replay as matches when the backend crashes the same way", () => {
  const r = replayTrace(sample, memfsFactory);
  equal(r.divergence, undefined);
  equal(sample.event(5).outcome.status, "crash");
});

Deno.test("a process the backend cannot start is a divergence at its proc event", () => {
  const r = replayTrace(
    sample,
    tampered((s) => s, {
      process: () => {
        throw new Error("no procs");
      },
    }),
  );
  equal(r.divergence!.index, 0);
  deepEqual(r.divergence!.actual.outcome, { status: "crash", message: "Error: no procs" });
});

Deno.test("annotations are compared when both sides have one, unless told not to", () => {
  const r = replayTrace(sample, tampered((s) => s, { annotate: () => ({ ops: 99 }) }));
  equal(r.divergence!.index, 0);
  equal(r.divergence!.field, "note");
  deepEqual(r.divergence!.actual.note, { ops: 99 });
  deepEqual(
    replayTrace(sample, tampered((s) => s, { annotate: () => ({ ops: 99 }) }), { notes: false }),
    {
      events: 20,
    },
  );
  deepEqual(replayTrace(sample, tampered((s) => s, { annotate: () => undefined })), { events: 20 });
  const plain = TraceFile.parse(sampleTrace());
  deepEqual(replayTrace(plain, () => new MemfsBackend({ annotate: true })), { events: 20 });
});

Deno.test("a replay can start at a checkpoint, restoring the backend", () => {
  deepEqual(sample.checkpoints, [8, 16]);
  deepEqual(replayTrace(sample, memfsFactory, { from: 8 }), { events: 12 });
  deepEqual(replayTrace(sample, memfsFactory, { from: 16 }), { events: 4 });
  const r = replayTrace(sample, tampered((s) => ({ ...s, stat: () => s.stat("/") })), { from: 8 });
  equal(r.divergence!.index, 14);
  throws(() => replayTrace(sample, memfsFactory, { from: 9 }), /no checkpoint at event 9/);
});

Deno.test("a checkpoint the backend cannot restore, or restores wrongly, makes the trace unusable", () => {
  const noRestore = tampered((s) => s, { restore: undefined });
  throws(
    () => replayTrace(sample, noRestore, { from: 8 }),
    (e) => e instanceof TraceError && e.message === "the backend cannot restore checkpoints",
  );
  const wrong = tampered((s) => s, { restore: () => [] });
  throws(
    () => replayTrace(sample, wrong, { from: 8 }),
    (e) =>
      e instanceof TraceError &&
      e.message === "checkpoint at event 8: the backend restored other processes",
  );
  const renamed = tampered((s) => ({ ...s, user: "x" }));
  throws(() => replayTrace(sample, renamed, { from: 8 }), /restored other processes/);
});

Deno.test("events of processes never started are unusable input", () => {
  const h = chunksOf(sampleTrace())[0];
  const head = sampleTrace().subarray(0, h.end);
  const events = (...evs: unknown[]) =>
    encodeChunk(ChunkKind.events, 0, [pack(0), pack(evs.length), ...evs.map((e) => pack(e))]);
  const orphan = TraceFile.parse(concat([head, events([0, 0, "u", 0, null], [8, 1, 3, 0, null])]));
  throws(
    () => replayTrace(orphan, memfsFactory),
    (e) => e instanceof TraceError && e.message === "event 1: pid 1 was never started",
  );
  const skipped = TraceFile.parse(concat([head, events([0, 1, "u", 0, null])]));
  throws(
    () => replayTrace(skipped, memfsFactory),
    /^TraceError: event 0: proc starts pid 1, expected 0$/,
  );
});

Deno.test("a truncated trace replays what it has and says so", () => {
  const bytes = sampleTrace({ chunkEvents: 4 });
  const cut = TraceFile.parse(bytes.subarray(0, bytes.length - 10));
  const r = replayTrace(cut, memfsFactory);
  equal(r.events, cut.eventCount);
  equal(r.truncated, cut.truncated);
  equal(r.divergence, undefined);
});

Deno.test("progress is reported every 1024 events", () => {
  const b = new MemfsBackend();
  const sink = new MemorySink();
  const rec = new Recorder(b, new TraceWriter(sink, sampleHeader(b)));
  const p = rec.process("glenda");
  for (let i = 0; i < 2100; i++) p.stat("/");
  rec.close();
  const seen: [number, number][] = [];
  replayTrace(TraceFile.parse(sink.bytes()), memfsFactory, {
    onProgress: (d, t) => seen.push([d, t]),
  });
  deepEqual(seen, [[1024, 2101], [2048, 2101]]);
});

Deno.test("a header the factory cannot use makes the trace unusable", () => {
  const bad = () => {
    throw new RangeError("quantum must be positive");
  };
  throws(() => replayTrace(sample, bad), (e) =>
    e instanceof TraceError &&
    e.message === "cannot make a memfs backend from the header: quantum must be positive");
  const refusing = () => {
    throw new TraceError("recorded for host X");
  };
  throws(() => replayTrace(sample, refusing), /^TraceError: recorded for host X$/);
});
