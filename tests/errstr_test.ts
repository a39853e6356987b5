// Error strings end to end: what the shell prints and what a trace records
// for a ctl write with non-ASCII bytes must be the bytes 9front's errstr
// would hold. cmderror builds the message in lib9 byte strings; PlanError
// carries it as Unicode text (sim/ns/errors.ts), whose UTF-8 is those bytes.

import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { Kernel, ORDWR } from "../mod.ts";
import { commands, HostFiles, Input, Shell, Space, StreamFile } from "../cli/rc/mod.ts";
import { MemorySink, Recorder, TraceFile, TraceWriter, vmxsimBackend } from "../trace/mod.ts";
import { rejects } from "../sim/testdata/planerror.ts";

const enc = new TextEncoder();

/** Run `script` in the shell on a new kernel, recorded: stderr's bytes and the trace. */
function _sh(script: string): { err: Uint8Array; trace: TraceFile } {
  const kernel = new Kernel();
  const backend = vmxsimBackend(kernel);
  const sink = new MemorySink();
  const rec = new Recorder(
    backend,
    new TraceWriter(sink, { argv: [], backend: backend.describe() }),
  );
  const err: number[] = [];
  const shell = new Shell({
    space: new Space(rec.process(kernel.options.eve), new HostFiles()),
    commands: commands({ now: () => 0 }),
    stdin: new StreamFile({}),
    stdout: new StreamFile({}),
    stderr: new StreamFile({ writer: (d) => err.push(...d) }),
    file: "errstr.rc",
  });
  shell.run(Input.of(script));
  rec.close();
  return { err: Uint8Array.from(err), trace: TraceFile.parse(sink.bytes()) };
}

/** The messages of the failed events of `t`. */
function _errors(t: TraceFile): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.eventCount; i++) {
    const o = t.event(i).outcome;
    if (o.status === "error") out.push(o.message);
  }
  return out;
}

Deno.test("a ctl write of 'é': the shell prints, and the trace keeps, errstr's bytes", () => {
  const { err, trace } = _sh("echo 'é' >'#X/clone'\n");
  // 9front: unknown control message "\xc3\xa9", the field %q-printed rune by rune.
  assertEquals(err, enc.encode('echo: write error: unknown control message "é"\n'));
  assertEquals(
    err.subarray(err.length - 5),
    Uint8Array.of(0x22, 0xc3, 0xa9, 0x22, 0x0a),
  );
  assertEquals(_errors(trace), ['unknown control message "é"']);
});

Deno.test("a long non-ASCII ctl message is cut by bytes, never inside a rune", () => {
  // seprint into ERRMAX-10 bytes keeps 117 before the closing quote: 25 + 46 é (92 bytes).
  const { err, trace } = _sh(`echo ${"é".repeat(80)} >'#X/clone'\n`);
  const want = `unknown control message "${"é".repeat(46)}"`;
  equal(enc.encode(want).length, 118);
  assertEquals(err, enc.encode(`echo: write error: ${want}\n`));
  assertEquals(_errors(trace), [want]);
});

Deno.test("a field with a surrogate rune, which Unicode text cannot carry, is not modeled", () => {
  const p = new Kernel().process();
  const fd = p.open("#X/clone", ORDWR);
  rejects(
    () => p.write(fd, Uint8Array.of(0xed, 0xa0, 0x80)),
    "unimplemented: error string is not UTF-8",
  );
});
