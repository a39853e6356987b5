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
  // Notes: each vCPU whose retired count or state changed, once a vCPU exists.
  equal(lines.includes("open '#X/0/map' OWRITE = fd 4 []"), true, lines.join("\n"));
  equal(lines.includes(`open '#X/clone' ORDWR = fd 3 [0=[0x0 "ready"]]`), true);
  equal(lines.includes(`write fd 3 "go pc=0x1000;" = 13 [0=[0x0 "running"]]`), true);
  equal(
    lines.includes(
      'read fd 4 200 = "io 0xe90040 pc 0x1002 sp 0x0 ilen 0x2 iinfo 0x0 ax 0x48\\n" [0=[0x1 "ready"]]',
    ),
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

Deno.test("annotate, snapshot and restore are the kernel's", () => {
  const k = new Kernel();
  const b = vmxsimBackend(k);
  equal(b.annotate!(), undefined);
  const p = k.process();
  p.open("#X/clone", 2);
  deepEqual(b.annotate!(), { 0: [0n, "ready"] });
  const snap = b.snapshot!();
  const other = vmxsimBackend(new Kernel());
  const [q] = other.restore!(snap);
  equal(q.user, "glenda");
  deepEqual(other.snapshot!(), snap);
});
