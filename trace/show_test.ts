import { deepEqual, equal } from "node:assert/strict";
import { DMDIR, OCEXEC, OEXCL, ORCLOSE, ORDWR, OTRUNC } from "../sim/ns/mod.ts";
import { TraceFile } from "./reader.ts";
import {
  eventJson,
  formatDir,
  formatEvent,
  formatHeader,
  formatMode,
  formatNote,
  formatOutcome,
  formatPerm,
  formatValue,
  jsonValue,
  quoteData,
  quoteRc,
  showTrace,
  showTraceJson,
} from "./show.ts";
import { enc, sampleTrace } from "./testdata/sample.ts";

const sample = TraceFile.parse(sampleTrace({ checkpointEvery: 8 }, { annotate: true }));

Deno.test("showTrace lists a trace like an strace log", () => {
  const want = `# trace format 1, written by vmxsim test
# backend memfs 1 {annotate=true}
# seed 24301
# argv 'sample'
0 proc 'glenda' = pid 0 [ops=0]
1 open '/ctl' ORDWR = fd 3 [ops=1]
2 write fd 3 "go\\n" = 3 [ops=2]
3 pread fd 3 100 at 0 = "go\\n" [ops=3]
4 write fd 3 "error VM"... (18 bytes) = error "VM not ready" [ops=4]
5 write fd 3 "crash" = crash "TypeError: memfs was asked to crash" [ops=5]
6 create '/data' ORDWR 0644 = fd 4 [ops=6]
7 write fd 4 "\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07"... (3000 bytes) = 3000 [ops=7]
-- checkpoint before event 8
8 pwrite fd 4 "\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07"... (3000 bytes) at 3000 = 3000 [ops=8]
9 seek fd 4 0 SEEK_SET = 0 [ops=9]
10 read fd 4 10 = "\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07"... (10 bytes) [ops=10]
11 fstat fd 4 = 'data' (0000000000000002 2 00) 0644 len 6000 uid 'glenda' gid 'glenda' muid 'glenda' type M dev 0 [ops=11]
12 close fd 4 = ok [ops=12]
13 proc 'other' = pid 1 [ops=12]
14 [pid 1] stat '/nope' = error "file does not exist" [ops=13]
15 [pid 1] stat '/data' = 'data' (0000000000000002 2 00) 0644 len 6000 uid 'glenda' gid 'glenda' muid 'glenda' type M dev 0 [ops=14]
-- checkpoint before event 16
16 create '/dir' OREAD DMDIR|0775 = fd 4 [ops=15]
17 remove '/ctl/x' = error "not a directory" [ops=16]
18 remove '/data' = ok [ops=17]
19 remove '/dir' = ok [ops=18]
# end: 20 events, digest 0833647bdbe71bfe877a9dd8a5f7a3e5639399ede8e696930671739b69740794`;
  equal([...showTrace(sample, { bytes: 8 })].join("\n"), want);
});

Deno.test("showTrace lists a range; the ending only when the range reaches it", () => {
  deepEqual([...showTrace(sample, { from: 12, to: 14 })].slice(4), [
    "12 close fd 4 = ok [ops=12]",
    "13 proc 'other' = pid 1 [ops=12]",
  ]);
  const tail = [...showTrace(sample, { from: 19 })];
  equal(tail.at(-1)!.startsWith("# end: 20 events, digest "), true);
  const cut = sampleTrace({ chunkEvents: 4 });
  const t = TraceFile.parse(cut.subarray(0, cut.length - 1));
  equal(
    [...showTrace(t)].at(-1),
    "# truncated: cut inside chunk 7 at byte 3746; 20 complete events",
  );
});

Deno.test("showTraceJson gives a header, events, checkpoint marks and the ending as JSON lines", () => {
  const lines = [...showTraceJson(sample, { from: 7, to: 9 })].map((l) => JSON.parse(l));
  deepEqual(lines[0].header.backend, { name: "memfs", version: "1", config: { annotate: true } });
  equal(lines[1].index, 7);
  deepEqual(lines[2], { checkpoint: 8 });
  equal(lines[3].op, "pwrite");
  equal(lines.length, 4);
  const all = [...showTraceJson(sample)].map((l) => JSON.parse(l));
  equal(all.at(-1).end.events, 20);
  equal(all.at(-1).end.digest.length, 64);
  const cut = sampleTrace({ chunkEvents: 4 });
  const t = TraceFile.parse(cut.subarray(0, cut.length - 1));
  deepEqual(JSON.parse([...showTraceJson(t)].at(-1)!), {
    truncated: "cut inside chunk 7 at byte 3746",
    events: 20,
  });
});

Deno.test("eventJson names arguments and carries bytes as text or hex", () => {
  deepEqual(eventJson(sample.event(2), 2), {
    index: 2,
    pid: 0,
    op: "write",
    args: { fd: 3, data: { text: "go\n" } },
    status: "ok",
    result: 3,
    note: { ops: 2 },
  });
  deepEqual(eventJson(sample.event(10), 10).result, { hex: "07070707070707070707" });
  deepEqual(eventJson(sample.event(4), 4).message, "VM not ready");
});

Deno.test("jsonValue turns bigints into hex strings", () => {
  deepEqual(jsonValue({ a: [1n << 60n, -1n], b: new Uint8Array([0x41, 0x0a]), c: null }), {
    a: ["0x1000000000000000", "-0x1"],
    b: { text: "A\n" },
    c: null,
  });
});

Deno.test("quoteRc quotes as rc does", () => {
  equal(quoteRc("#X/clone"), "'#X/clone'");
  equal(quoteRc("it's"), "'it''s'");
  equal(quoteRc(""), "''");
});

Deno.test("quoteData escapes C-style and elides long data with its length", () => {
  equal(quoteData(enc('a"b\\c\n\t\r')), '"a\\"b\\\\c\\n\\t\\r"');
  equal(quoteData(new Uint8Array([0, 0x7f, 0xff, 0x20])), '"\\x00\\x7f\\xff "');
  equal(quoteData(enc("abcdef"), 3), '"abc"... (6 bytes)');
  equal(quoteData(enc("abcdef"), 0), '"abcdef"');
  equal(quoteData(enc("abc"), 3), '"abc"');
  equal(quoteData(new Uint8Array(0)), '""');
});

Deno.test("formatMode and formatPerm use libc.h names", () => {
  equal(formatMode(0), "OREAD");
  equal(formatMode(ORDWR | OTRUNC | ORCLOSE), "ORDWR|OTRUNC|ORCLOSE");
  equal(formatMode(3 | OCEXEC | OEXCL | 0x100), "OEXEC|OCEXEC|OEXCL|0x100");
  equal(formatPerm(0o644), "0644");
  equal(formatPerm(DMDIR | 0o775), "DMDIR|0775");
  equal(formatPerm(0x40000000 | 0o600), "0x40000000|0600");
  equal(formatPerm(0), "00");
});

Deno.test("formatDir prints the qid as ls -q does, times only when set", () => {
  const d = {
    type: 0x58,
    dev: 1,
    qid: { path: 0x1234, vers: 5, type: 0x80 },
    mode: DMDIR | 0o550,
    atime: 0,
    mtime: 0,
    length: 0,
    name: "0",
    uid: "glenda",
    gid: "glenda",
    muid: "",
  };
  equal(
    formatDir(d),
    "'0' (0000000000001234 5 80) DMDIR|0550 len 0 uid 'glenda' gid 'glenda' muid '' type X dev 1",
  );
  equal(
    formatDir({ ...d, type: 3, atime: 1, mtime: 2 }).endsWith("type 3 dev 1 atime 1 mtime 2"),
    true,
  );
});

Deno.test("formatValue prints records in one line, bigints in hex", () => {
  equal(formatValue({ a: 1, b: [true, null, "s"], c: 0x10n }), '{a=1 b=[true nil "s"] c=0x10}');
  equal(formatValue(-0x10n), "-0x10");
  equal(formatValue(new Uint8Array([1, 2])), "<0102>");
  equal(formatValue(new Uint8Array(17)), "<17 bytes>");
  equal(formatValue(undefined), "nil");
  equal(formatNote({ icount: 5n }), "[icount=0x5]");
  equal(formatNote([1, 2]), "[[1 2]]");
  equal(formatNote(7), "[7]");
});

Deno.test("formatEvent and formatOutcome", () => {
  equal(
    formatEvent(sample.event(14)),
    "[pid 1] stat '/nope' = error \"file does not exist\" [ops=13]",
  );
  equal(formatOutcome("open", { status: "ok", value: 5 }, 0), "fd 5");
  equal(formatOutcome("close", { status: "ok", value: null }, 0), "ok");
  equal(formatOutcome("write", { status: "crash", message: 'a"b' }, 0), 'crash "a\\"b"');
  equal(
    formatEvent({ op: "seek", pid: 0, args: [3, -2, 9], outcome: { status: "ok", value: 1 } }),
    "seek fd 3 -2 9 = 1",
  );
});

Deno.test("formatHeader leaves out what the header lacks", () => {
  deepEqual(
    formatHeader({ format: 1, tool: "t", backend: { name: "n", version: "v" }, argv: [] }),
    [
      "# trace format 1, written by t",
      "# backend n v",
    ],
  );
  equal(formatHeader({ ...sample.header, info: { path: "1:2" } }).at(-1), '# info {path="1:2"}');
});
