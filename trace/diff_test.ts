import { deepEqual, equal } from "node:assert/strict";
import { bytesDiff, diffTraces, formatDiff, parseWaitLine, valueDiff } from "./diff.ts";
import { TraceFile } from "./reader.ts";
import type { Outcome, TraceEvent } from "./schema.ts";
import { MemorySink } from "./sink.ts";
import { enc } from "./testdata/sample.ts";
import { type HeaderInput, TraceWriter } from "./writer.ts";

const HEADER: HeaderInput = { backend: { name: "memfs", version: "1" }, argv: ["x"], tool: "t1" };

function trace(events: TraceEvent[], header: Partial<HeaderInput> = {}, cut = 0): TraceFile {
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { ...HEADER, ...header }, { chunkEvents: 1 });
  for (const e of events) w.event(e);
  w.close();
  const b = sink.bytes();
  return TraceFile.parse(b.subarray(0, b.length - cut));
}

const ok = (value: number | Uint8Array | null): Outcome => ({ status: "ok", value });
const proc: TraceEvent = { op: "proc", pid: 0, args: ["glenda"], outcome: ok(null) };
const open = (path: string, fd: number): TraceEvent => ({
  op: "open",
  pid: 0,
  args: [path, 0],
  outcome: ok(fd),
});
const read = (fd: number, text: string): TraceEvent => ({
  op: "read",
  pid: 0,
  args: [fd, 8192],
  outcome: ok(enc(text)),
});

const WAIT_A = "io 0x1 pc 0x1002 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x5\n";
const WAIT_B = "io 0x1 pc 0x1004 sp 0x0 ilen 0x1 iinfo 0x0\n";

function program(wait: string, regs: string, map: string, status: string): TraceEvent[] {
  return [
    proc,
    open("#X/0/wait", 3),
    read(3, wait),
    open("#X/0/regs", 4),
    read(4, regs),
    open("#X/0/map", 5),
    read(5, map),
    open("#X/0/status", 6),
    read(6, status),
  ];
}

Deno.test("identical traces have no differences", () => {
  const a = program(WAIT_A, "pc 0x1\n", "", "ready\n");
  deepEqual(diffTraces(trace(a), trace(a)), { differences: [], remarks: [] });
});

Deno.test("reads are compared by what the file holds: wait lines, registers, map pieces, bytes", () => {
  const a = trace(
    program(WAIT_A, "pc 0x10\nsp 0x20\n", "rwx wb 0x0 0xa0000 vm.0 0x0\n", "ready\n"),
  );
  const b = trace(
    program(
      WAIT_B,
      "pc 0x10\nsp 0x21\n",
      "r-- wb 0x0 0xa0000 vm.0 0x0\nrw- uc 0xa0000 0xb0000 vm.0 0xa0000\n",
      "dead\n",
    ),
  );
  const r = diffTraces(a, b);
  deepEqual(r.differences.map((d) => [d.a, d.b, d.kind, d.file, d.fields]), [
    [2, 2, "outcome", "#X/0/wait", [{ name: "pc", a: "0x1002", b: "0x1004" }, {
      name: "ax",
      a: "0x5",
      b: "-",
    }]],
    [4, 4, "outcome", "#X/0/regs", [{ name: "sp", a: "0x20", b: "0x21" }]],
    [6, 6, "outcome", "#X/0/map", [
      { name: "piece 0", a: "rwx wb 0x0 0xa0000 vm.0 0x0", b: "r-- wb 0x0 0xa0000 vm.0 0x0" },
      { name: "piece 1", a: "-", b: "rw- uc 0xa0000 0xb0000 vm.0 0xa0000" },
    ]],
    [8, 8, "outcome", "#X/0/status", [{
      name: "bytes from 0",
      a: '"ready\\n" (6 bytes)',
      b: '"dead\\n" (5 bytes)',
    }]],
  ]);
});

Deno.test("content that does not parse as its file's format is compared as bytes", () => {
  const a = trace(program("junk\n", "pc\n", "", ""));
  const b = trace(program("junk!\n", "pc 0x1 2\n", "", ""));
  deepEqual(diffTraces(a, b).differences.map((d) => d.fields[0].name), [
    "bytes from 4",
    "bytes from 2",
  ]);
});

Deno.test("wait lines: *ack, entry failures, and what does not parse", () => {
  deepEqual([...parseWaitLine("*ack 32\n")!], [["cause", "*ack"], ["vector", "32"]]);
  deepEqual(
    parseWaitLine("!entrystate 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0")!.get("cause"),
    "!entrystate",
  );
  const full = parseWaitLine(
    "#pf 0x6 pc 0x1 sp 0x2 ilen 0x3 iinfo 0x80000b0e excode 0x6 va 0x7 pa 0x8 ax 0x9",
  )!;
  deepEqual([...full.keys()], [
    "cause",
    "qualification",
    "pc",
    "sp",
    "ilen",
    "iinfo",
    "excode",
    "va",
    "pa",
    "ax",
  ]);
  equal(parseWaitLine("io 0x1 pc 0x1 sp 0x1 ilen 0x1 iinfo"), undefined);
  equal(parseWaitLine("io 0x1 pc 0x1 pc 0x1 ilen 0x1 iinfo 0x0"), undefined);
  equal(parseWaitLine("io 0x1 xx 0x1 sp 0x1 ilen 0x1 iinfo 0x0"), undefined);
  equal(parseWaitLine("*ack"), undefined);
});

Deno.test("insertions and deletions realign; changed calls are compared argument by argument", () => {
  const base = program(WAIT_A, "", "", "ready\n");
  const extra: TraceEvent = {
    op: "stat",
    pid: 0,
    args: ["#X"],
    outcome: { status: "error", message: "x" },
  };
  const b = [...base.slice(0, 3), extra, extra, ...base.slice(3)];
  const r = diffTraces(trace(base), trace(b));
  deepEqual(r.differences.map((d) => [d.a, d.b, d.kind]), [[undefined, 3, "only in b"], [
    undefined,
    4,
    "only in b",
  ]]);
  const r2 = diffTraces(trace(b), trace(base));
  deepEqual(r2.differences.map((d) => [d.a, d.b, d.kind]), [[3, undefined, "only in a"], [
    4,
    undefined,
    "only in a",
  ]]);
  const w = (data: string): TraceEvent => ({
    op: "write",
    pid: 0,
    args: [3, enc(data)],
    outcome: ok(data.length),
  });
  const close: TraceEvent = { op: "close", pid: 0, args: [3], outcome: ok(null) };
  const r3 = diffTraces(trace([proc, w("go\n"), close]), trace([proc, w("gone\n"), close]));
  deepEqual(r3.differences.map((d) => [d.a, d.b, d.kind, d.fields]), [[1, 1, "call", [
    { name: "data from 2", a: '"go\\n" (3 bytes)', b: '"gone\\n" (5 bytes)' },
    { name: "result", a: "3", b: "5" },
  ]]]);
  const r4 = diffTraces(trace([proc, open("a", 3)]), trace([proc, open("b", 3)]));
  deepEqual(r4.differences[0].fields, [{ name: "path", a: "a", b: "b" }]);
  const r5 = diffTraces(trace([proc, open("a", 3)]), trace([proc, read(3, "")]));
  deepEqual(r5.differences[0].fields, [{ name: "call", a: "open 'a' OREAD", b: "read fd 3 8192" }]);
});

Deno.test("a tail only one trace has is listed, however far it goes", () => {
  const a = [proc, open("a", 3)];
  const b = [proc, ...Array.from({ length: 70 }, (_, i) => open(`f${i}`, 3))];
  const r = diffTraces(trace(a), trace(b), { window: 4 });
  equal(r.differences.length, 70);
  deepEqual(r.differences[0].kind, "call");
  deepEqual(r.differences[1], {
    b: 2,
    kind: "only in b",
    event: "open 'f1' OREAD = fd 3",
    fields: [],
  });
});

Deno.test("descriptors are named from the opens each side saw, forgotten at close", () => {
  const close: TraceEvent = { op: "close", pid: 0, args: [3], outcome: ok(null) };
  const a = trace([proc, open("#X/0/wait", 3), close, read(3, WAIT_A)]);
  const b = trace([proc, open("#X/0/wait", 3), close, read(3, WAIT_B)]);
  const d = diffTraces(a, b).differences[0];
  equal(d.file, undefined);
  equal(d.fields[0].name, "bytes from 15 (shown from 7)");
});

Deno.test("header fields, annotations and outcomes of other kinds are compared by field", () => {
  const note = (n: unknown): TraceEvent => ({ ...proc, note: n });
  const a = trace([note({ icount: 5n, exits: [1, 2] })], { seed: 1 });
  const b = trace([note({ icount: 6n, exits: [1], extra: true })], { seed: 2, tool: "t2" }, 0);
  const r = diffTraces(a, b);
  deepEqual(r.remarks, ["tool: t1 vs t2"]);
  deepEqual(r.differences.map((d) => [d.kind, d.fields]), [
    ["header", [{ name: "seed", a: "1", b: "2" }]],
    ["note", [
      { name: "note.icount", a: "0x5", b: "0x6" },
      { name: "note.exits[1]", a: "2", b: "-" },
      { name: "note.extra", a: "-", b: "true" },
    ]],
  ]);
  const e = (o: Outcome): TraceEvent => ({ op: "close", pid: 0, args: [3], outcome: o });
  const r2 = diffTraces(
    trace([proc, e(ok(null))]),
    trace([proc, e({ status: "error", message: "no" })]),
  );
  deepEqual(r2.differences[0].fields, [{ name: "result", a: "ok", b: 'error "no"' }]);
});

Deno.test("truncation is remarked on", () => {
  const evs = program(WAIT_A, "", "", "");
  const r = diffTraces(trace(evs, {}, 3), trace(evs));
  deepEqual(r.remarks, ["a is truncated: cut inside chunk 10 at byte 440"]);
});

Deno.test("valueDiff and bytesDiff", () => {
  deepEqual(valueDiff({ a: { b: 1 } }, { a: { b: 2 } }, ""), [{ name: "a.b", a: "1", b: "2" }]);
  deepEqual(valueDiff([1, 2], [1, 3], "x"), [{ name: "x[1]", a: "2", b: "3" }]);
  deepEqual(valueDiff({ a: 1 }, [1], "v"), [{ name: "v", a: "{a=1}", b: "[1]" }]);
  deepEqual(valueDiff(new Uint8Array([1]), new Uint8Array([1]), "v"), []);
  deepEqual(bytesDiff(enc("same"), enc("same"), "b"), []);
  deepEqual(bytesDiff(enc("0123456789abcdef"), enc("0123456789abXdef"), "b", 4), [
    {
      name: "b from 12 (shown from 4)",
      a: '"456789abcdef" (16 bytes)',
      b: '"456789abXdef" (16 bytes)',
    },
  ]);
});

Deno.test("formatDiff prints one line per difference and its fields indented", () => {
  const other: TraceEvent = { ...proc, pid: 1, args: ["other"] };
  const a = trace([proc, open("#X/0/wait", 3), read(3, WAIT_A), other], { seed: 1 });
  const b = trace([proc, open("#X/0/wait", 3), read(3, WAIT_B)], { seed: 2, tool: "t2" });
  deepEqual(formatDiff(diffTraces(a, b)), [
    "# tool: t1 vs t2",
    "header: header",
    "  seed: 1 vs 2",
    `event 2: outcome: read fd 3 8192 = "${WAIT_A.trim()}\\n" (#X/0/wait)`,
    "  pc: 0x1002 vs 0x1004",
    "  ax: 0x5 vs -",
    "event 3: only in a: proc 'other' = pid 1",
  ]);
  const c = trace([proc, open("x", 3)]);
  const d = trace([proc, open("y", 3), open("x", 3)]);
  deepEqual(formatDiff(diffTraces(c, d)), ["b event 1: only in b: open 'y' OREAD = fd 3"]);
  const e = trace([proc, proc, open("x", 3)].map((v, i) => (i === 1 ? { ...v, pid: 1 } : v)));
  const f = trace([proc, open("x", 4)]);
  deepEqual(formatDiff(diffTraces(e, f)), [
    "event 1: only in a: proc 'glenda' = pid 1",
    "event 2 (b: 1): outcome: open 'x' OREAD = fd 3",
    "  result: fd 3 vs fd 4",
  ]);
});
