import { deepEqual, equal, notEqual, ok, throws } from "node:assert/strict";
import { PlanError } from "../sim/ns/mod.ts";
import { MemfsBackend, memfsFactory } from "./memfs.ts";
import { readTraceFile, TraceFile } from "./reader.ts";
import { Recorder, recordSyscalls } from "./record.ts";
import { replayTrace } from "./replay.ts";
import { MemorySink } from "./sink.ts";
import { enc, sampleHeader } from "./testdata/sample.ts";
import { TraceWriter } from "./writer.ts";

function recorder(options = {}, annotate = false) {
  const b = new MemfsBackend({ annotate });
  const sink = new MemorySink();
  const rec = new Recorder(b, new TraceWriter(sink, sampleHeader(b), options));
  return { b, sink, rec, read: () => TraceFile.parse(sink.bytes()) };
}

Deno.test("recorded calls pass results through and are logged with their outcomes", () => {
  const { rec, read } = recorder();
  const p = rec.process("glenda");
  equal(p.user, "glenda");
  const fd = p.open("/ctl", 2);
  equal(fd, 3);
  equal(p.write(fd, enc("hi")), 2);
  deepEqual(p.pread(fd, 10, 0), enc("hi"));
  throws(
    () => p.write(fd, enc("error no way")),
    (e) => e instanceof PlanError && e.errstr === "no way",
  );
  throws(() => p.write(fd, enc("crash")), /^TypeError: memfs was asked to crash$/);
  p.close(fd);
  rec.close();
  deepEqual([...read().events()], [
    { op: "proc", pid: 0, args: ["glenda"], outcome: { status: "ok", value: null } },
    { op: "open", pid: 0, args: ["/ctl", 2], outcome: { status: "ok", value: 3 } },
    { op: "write", pid: 0, args: [3, enc("hi")], outcome: { status: "ok", value: 2 } },
    { op: "pread", pid: 0, args: [3, 10, 0], outcome: { status: "ok", value: enc("hi") } },
    {
      op: "write",
      pid: 0,
      args: [3, enc("error no way")],
      outcome: { status: "error", message: "no way" },
    },
    {
      op: "write",
      pid: 0,
      args: [3, enc("crash")],
      outcome: { status: "crash", message: "TypeError: memfs was asked to crash" },
    },
    { op: "close", pid: 0, args: [3], outcome: { status: "ok", value: null } },
  ]);
});

Deno.test("every Syscalls method is recorded under its own name", () => {
  const { rec, read } = recorder();
  const p = rec.process("glenda");
  const f = p.create("/f", 2, 0o644);
  p.pwrite(f, enc("abc"), 1);
  p.seek(f, 0, 0);
  p.read(f, 2);
  p.fstat(f);
  p.stat("/f");
  p.close(f);
  p.remove("/f");
  rec.close();
  deepEqual([...read().events()].map((e) => e.op), [
    "proc",
    "create",
    "pwrite",
    "seek",
    "read",
    "fstat",
    "stat",
    "close",
    "remove",
  ]);
});

Deno.test("a thrown non-Error is recorded as a crash with its text", () => {
  const b = new MemfsBackend();
  const sink = new MemorySink();
  const w = new TraceWriter(sink, sampleHeader(b));
  const inner = b.process("u");
  const p = recordSyscalls({
    ...inner,
    stat: () => {
      throw "boom";
    },
  }, w);
  throws(() => p.stat("/"), (e) => e === "boom");
  w.close();
  deepEqual(TraceFile.parse(sink.bytes()).event(1).outcome, { status: "crash", message: "boom" });
});

Deno.test("annotations are asked for after every event, checkpoints taken every N events", () => {
  const { rec, read } = recorder({ checkpointEvery: 2 }, true);
  const p = rec.process("glenda");
  p.stat("/ctl");
  p.stat("/ctl");
  p.stat("/ctl");
  rec.close();
  const t = read();
  deepEqual([...t.events()].map((e) => e.note), [{ ops: 0 }, { ops: 1 }, { ops: 2 }, { ops: 3 }]);
  deepEqual(t.checkpoints, [2, 4]);
});

Deno.test("without a backend, recordSyscalls records no notes and no checkpoints", () => {
  const b = new MemfsBackend();
  const sink = new MemorySink();
  const w = new TraceWriter(sink, sampleHeader(b), { checkpointEvery: 1 });
  const p = recordSyscalls(new MemfsBackend({ annotate: true }).process("u"), w);
  p.stat("/");
  w.close();
  const t = TraceFile.parse(sink.bytes());
  deepEqual(t.checkpoints, []);
  equal(t.event(1).note, undefined);
});

Deno.test("several processes get pids in order and replay", () => {
  const { rec, read } = recorder({ checkpointEvery: 3 });
  const p = rec.process("glenda");
  const q = rec.process("other");
  q.open("/ctl", 0);
  p.open("/ctl", 0);
  q.read(3, 10);
  rec.close();
  const t = read();
  deepEqual([...t.events()].map((e) => e.pid), [0, 1, 1, 0, 1]);
  deepEqual(replayTrace(t, memfsFactory), { events: 5 });
  deepEqual(replayTrace(t, memfsFactory, { from: 3 }), { events: 2 });
});

Deno.test("Recorder.create writes a file whose header describes the backend", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const b = new MemfsBackend({ annotate: true });
    const rec = Recorder.create(`${dir}/r.trace`, b, { argv: ["x"] });
    rec.process("glenda").stat("/");
    rec.close();
    const t = readTraceFile(`${dir}/r.trace`);
    deepEqual(t.header.backend, { name: "memfs", version: "1", config: { annotate: true } });
    equal(t.eventCount, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a recording killed with SIGKILL leaves every complete chunk readable", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/killed.trace`;
  try {
    const script = new URL("./testdata/record_loop.ts", import.meta.url).pathname;
    const config = new URL("../deno.json", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", `--config=${config}`, `--allow-write=${dir}`, script, path],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    const status = child.status.finally(() => (exited = true));
    let size = 0;
    for (let i = 0; i < 400 && size < 200_000 && !exited; i++) {
      await new Promise((r) => setTimeout(r, 25));
      size = _size(path);
    }
    if (!exited) child.kill("SIGKILL");
    const { signal } = await status;
    const stderr = new TextDecoder().decode((await child.output()).stderr);
    equal(signal, "SIGKILL", stderr);
    ok(size >= 200_000, `the recorder wrote only ${size} bytes`);
    const t = readTraceFile(path);
    notEqual(t.truncated, undefined);
    ok(t.eventCount > 1000, `${t.eventCount} events`);
    equal(t.eventCount % 3, 0, "chunks of 3 events: only whole chunks survive");
    const r = replayTrace(t, memfsFactory);
    equal(r.divergence, undefined);
    equal(r.events, t.eventCount);
    equal(r.truncated, t.truncated);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

function _size(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0; // not created yet
  }
}
