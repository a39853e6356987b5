import { deepEqual, equal, throws } from "node:assert/strict";
import { HOST, Kernel, SIMULATOR_VERSION } from "../sim/mod.ts";
import { diffTraces } from "./diff.ts";
import { TraceError } from "./errors.ts";
import { TraceFile } from "./reader.ts";
import { Recorder } from "./record.ts";
import { replayTrace } from "./replay.ts";
import { formatEvent } from "./show.ts";
import { MemorySink } from "./sink.ts";
import { runHello } from "./testdata/hello.ts";
import { vmxsimBackend, vmxsimFactory } from "./vmxsim.ts";
import { TraceWriter } from "./writer.ts";

function recordHello(options = {}): Uint8Array {
  const b = vmxsimBackend(new Kernel(options));
  const sink = new MemorySink();
  const rec = new Recorder(
    b,
    new TraceWriter(sink, { backend: b.describe(), argv: ["hello"], tool: "t" }),
  );
  runHello(rec.process("glenda"));
  rec.close();
  return sink.bytes();
}

Deno.test("the kernel describes itself as the vmxsim backend with its options and host", () => {
  const d = vmxsimBackend(new Kernel({ quantum: 1000 })).describe();
  equal(d.name, "vmxsim");
  equal(d.version, SIMULATOR_VERSION);
  const c = d.config as { options: { quantum: number }; host: unknown };
  equal(c.options.quantum, 1000);
  equal(c.host, HOST);
});

Deno.test("a hello session records, lists like strace, and replays on a fresh kernel", () => {
  const bytes = recordHello();
  const t = TraceFile.parse(bytes);
  deepEqual(replayTrace(t, vmxsimFactory), { events: t.eventCount });
  const lines = [...t.events()].map((e) => formatEvent(e));
  equal(lines.includes("open '#X/clone' ORDWR = fd 3"), true, lines.join("\n"));
  equal(lines.includes('write fd 3 "go pc=0x1000;" = 13'), true);
  equal(
    lines.includes('read fd 4 200 = "io 0xe90040 pc 0x1002 sp 0x0 ilen 0x2 iinfo 0x0 ax 0x48\\n"'),
    true,
  );
  deepEqual(t.header.backend.config, { options: new Kernel().options, host: HOST });
});

Deno.test("identical runs make identical traces; the options are part of the header", () => {
  const a = recordHello();
  deepEqual(recordHello(), a);
  const b = TraceFile.parse(recordHello({ quantum: 1234 }));
  const r = diffTraces(TraceFile.parse(a), b);
  deepEqual(r.differences.map((d) => d.fields), [[{
    name: "backend.config.options.quantum",
    a: "1000000",
    b: "1234",
  }]]);
  deepEqual(replayTrace(b, vmxsimFactory), { events: b.eventCount });
});

Deno.test("a replay on a different kernel diverges at the first different output", () => {
  const t = TraceFile.parse(recordHello());
  const r = replayTrace(t, () => vmxsimBackend(new Kernel({ eve: "bootes" })));
  const d = r.divergence!;
  deepEqual([d.index, d.expected.op, d.actual.outcome], [4, "write", {
    status: "error",
    message: "permission denied",
  }]);
});

Deno.test("a trace of another host or without a description is refused", () => {
  const t = TraceFile.parse(recordHello());
  const other = {
    ...t.header,
    backend: { ...t.header.backend, config: { options: {}, host: { name: "Other" } } },
  };
  throws(() => vmxsimFactory(other), (e) =>
    e instanceof TraceError &&
    e.message === `recorded for host "Other"; this simulator models ${JSON.stringify(HOST.name)}`);
  throws(
    () => vmxsimFactory({ ...t.header, backend: { name: "vmxsim", version: "1" } }),
    /lacks options or host/,
  );
});

Deno.test("annotate, snapshot and restore pass through when the kernel has them", () => {
  const plain = vmxsimBackend(new Kernel());
  deepEqual([plain.annotate, plain.snapshot, plain.restore], [undefined, undefined, undefined]);
  const k = Object.assign(new Kernel(), {
    annotate: () => ({ icount: 7n }),
    snapshot: () => ({ s: 1 }),
    restore: (s: unknown) => [new Kernel().process(String((s as { s: number }).s))],
  });
  const b = vmxsimBackend(k);
  deepEqual(b.annotate!(), { icount: 7n });
  deepEqual(b.snapshot!(), { s: 1 });
  equal(b.restore!({ s: 1 })[0].user, "1");
});
