import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { mkdir } from "./mkdir.ts";

Deno.test("mkdir: stat to refuse an existing name, create OREAD with DMDIR|0777, close", () => {
  const ns = new FakeNs("#g");
  const r = run(mkdir, ["mkdir", "#g/vm.0"], ns);
  assert.deepEqual(r.calls, [
    "stat #g/vm.0 ! file does not exist: '#g/vm.0'",
    "create #g/vm.0 0 20000000777 = 3",
    "close 3 = 0",
  ]);
  assert.equal(r.status, "");
  assert.equal(ns.has("#g/vm.0"), true);
});

Deno.test("mkdir errors: existing, cannot create; status error; the rest still made", () => {
  const ns = new FakeNs("#g");
  ns.mkdir("#g/a");
  ns.mkdir("#g/ro").errors.create = "permission denied";
  const r = run(mkdir, ["mkdir", "#g/a", "#g/ro/x", "#g/b"], ns);
  assert.equal(
    r.err,
    "mkdir: #g/a already exists\nmkdir: can't create #g/ro/x: permission denied\n",
  );
  assert.equal(r.status, "error");
  assert.equal(ns.has("#g/b"), true);
});

Deno.test("mkdir -m mode and -p", () => {
  const ns = new FakeNs("#g");
  run(mkdir, ["mkdir", "-m", "750", "#g/m"], ns);
  assert.equal(ns.calls[1], "create #g/m 0 20000000750 = 3");
  const r = run(mkdir, ["mkdir", "-p", "#g/p/q/r", "#g/p/q"], ns);
  assert.deepEqual([r.status, r.err], ["", ""]);
  assert.deepEqual([ns.has("#g/p"), ns.has("#g/p/q"), ns.has("#g/p/q/r")], [true, true, true]);
  const f = new FakeNs("#g");
  f.mkdir("#g/ro").errors.create = "permission denied";
  const s = run(mkdir, ["mkdir", "-p", "#g/ro/x/y"], f);
  assert.equal(s.err, "mkdir: can't create #g/ro/x: permission denied\n");
  assert.equal(f.has("#g/ro/x/y"), false);
});

Deno.test("mkdir usage", () => {
  for (const argv of [["mkdir", "-m"], ["mkdir", "-m", "1777", "d"], ["mkdir", "-x", "d"]]) {
    const r = run(mkdir, argv, new FakeNs());
    assert.deepEqual([r.status, r.err], ["usage", "usage: mkdir [-p] [-m mode] dir...\n"]);
  }
  const ns = new FakeNs("#g");
  run(mkdir, ["mkdir", "-m", "7x", "#g/d"], ns);
  assert.equal(ns.calls[1], "create #g/d 0 20000000007 = 3");
});
