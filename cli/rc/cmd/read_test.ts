import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { read } from "./read.ts";

Deno.test("read makes one 8 KiB read and prints what it returns", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/wait", "", { reads: [".hlt 0x0 pc 0x1004\n", "io 0x0\n"] });
  const r = run(read, ["read", "#X/wait"], ns);
  assert.deepEqual(r.out, [".hlt 0x0 pc 0x1004\n"]);
  assert.deepEqual(r.calls, [
    "open #X/wait 0 = 3",
    'read 3 8192 = ".hlt 0x0 pc 0x1004\\n"',
    "close 3 = 0",
  ]);
  assert.equal(r.status, "");
});

Deno.test("read from standard input, and eof status on an empty read", () => {
  assert.deepEqual(run(read, ["read"], new FakeNs(), { stdin: ["x\ny\n"] }).out, ["x\ny\n"]);
  const r = run(read, ["read"], new FakeNs());
  assert.deepEqual([r.status, r.out, r.err], ["eof", [], ""]);
});

Deno.test("read: one read per file, eof status kept", () => {
  const ns = new FakeNs("#g");
  ns.file("#g/a", "");
  ns.file("#g/b", "b");
  const r = run(read, ["read", "#g/a", "#g/b"], ns);
  assert.deepEqual([r.status, r.out], ["eof", ["b"]]);
});

Deno.test("read errors", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/wait", "", { errors: { read: "vmx: ending" } });
  let r = run(read, ["read", "#X/wait"], ns);
  assert.deepEqual([r.status, r.err], ["read error", "read: error reading #X/wait: vmx: ending\n"]);
  r = run(read, ["read", "#X/nope"], ns);
  assert.deepEqual([r.status, r.err], [
    "open",
    "read: can't open #X/nope: file does not exist: '#X/nope'\n",
  ]);
  r = run(read, ["read"], ns, { closed: [0] });
  assert.deepEqual([r.status, r.err], [
    "read error",
    "read: error reading <stdin>: fd out of range or not open\n",
  ]);
  r = run(read, ["read", "-m"], ns);
  assert.deepEqual([r.status, r.err], ["usage", "usage: read [file ...]\n"]);
});
