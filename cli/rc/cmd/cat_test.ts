import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { cat } from "./cat.ts";

Deno.test("cat opens OREAD, reads IOUNIT until a zero read, writes each chunk, closes", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/clone", "", { reads: ["0"] });
  const r = run(cat, ["cat", "#X/clone"], ns);
  assert.deepEqual(r.out, ["0"]);
  assert.deepEqual(r.calls, [
    "open #X/clone 0 = 3",
    'read 3 32768 = "0"',
    'read 3 32768 = ""',
    "close 3 = 0",
  ]);
  assert.equal(r.status, "");
});

Deno.test("cat copies each read as it comes, file after file", () => {
  const ns = new FakeNs("#g");
  ns.file("#g/a", "", { reads: ["one\n", "two\n"] });
  ns.file("#g/b", "three\n");
  const r = run(cat, ["cat", "#g/a", "#g/b"], ns);
  assert.deepEqual(r.out, ["one\n", "two\n", "three\n"]);
});

Deno.test("cat with no arguments copies standard input", () => {
  const r = run(cat, ["cat"], new FakeNs(), { stdin: ["a", "b"] });
  assert.deepEqual(r.out, ["a", "b"]);
});

Deno.test("cat stops at the first file it cannot open", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/b", "b");
  const r = run(cat, ["cat", "#X/9/ctl", "#X/b"], ns);
  assert.equal(r.err, "cat: can't open #X/9/ctl: file does not exist: '#X/9/ctl'\n");
  assert.equal(r.status, "can't open #X/9/ctl: file does not exist: '#X/9/ctl'");
  assert.deepEqual(r.out, []);
  assert.deepEqual(r.calls, ["open #X/9/ctl 0 ! file does not exist: '#X/9/ctl'"]);
});

Deno.test("cat: read errors and short writes are fatal", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/wait", "", { errors: { read: "vmx: ending" } });
  const r = run(cat, ["cat", "#X/wait"], ns);
  assert.equal(r.err, "cat: error reading #X/wait: vmx: ending\n");
  assert.deepEqual(r.calls, [
    "open #X/wait 0 = 3",
    "read 3 32768 ! vmx: ending",
    "close 3 = 0",
  ]);
});

Deno.test("cat: a failed write is fatal", () => {
  const ns = new FakeNs("#g");
  ns.file("#g/a", "x");
  const r = run(cat, ["cat", "#g/a"], ns, { outError: "i/o on hungup channel" });
  assert.equal(r.err, "cat: write error copying #g/a: i/o on hungup channel\n");
  assert.deepEqual(r.calls, ["open #g/a 0 = 3", 'read 3 32768 = "x"', "close 3 = 0"]);
});
