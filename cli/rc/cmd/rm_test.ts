import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { rm } from "./rm.ts";

Deno.test("rm removes each name; errors name the file and become the status", () => {
  const ns = new FakeNs("#X", "#g");
  ns.file("#g/a");
  ns.file("#X/ctl", "", { errors: { remove: "permission denied" } });
  const r = run(rm, ["rm", "#g/a", "#X/ctl", "#g/zz"], ns);
  assert.deepEqual(r.calls.slice(0, 2), ["remove #g/a = 0", "remove #X/ctl ! permission denied"]);
  assert.equal(
    r.err,
    "rm: #X/ctl: permission denied\nrm: #g/zz: file does not exist: '#g/zz'\n",
  );
  assert.equal(r.status, "file does not exist: '#g/zz'");
});

Deno.test("rm -f is silent and succeeds", () => {
  const r = run(rm, ["rm", "-f", "#g/zz"], new FakeNs("#g"));
  assert.deepEqual([r.status, r.err], ["", ""]);
});

Deno.test("rm -r empties a directory depth first, then removes it", () => {
  const ns = new FakeNs("#g");
  ns.mkdir("#g/d");
  ns.file("#g/d/f");
  ns.mkdir("#g/d/e");
  ns.file("#g/d/e/g");
  const r = run(rm, ["rm", "-r", "#g/d"], ns);
  assert.deepEqual([r.status, r.err], ["", ""]);
  assert.equal(ns.has("#g/d"), false);
  assert.deepEqual(r.calls.map((c) => c.replace(/ = .*| ! .*/, "")), [
    "remove #g/d",
    "stat #g/d",
    "open #g/d 0",
    "read 3 65615",
    "read 3 65615",
    "close 3",
    "remove #g/d/e",
    "remove #g/d/f",
    "open #g/d/e 0",
    "read 3 65615",
    "read 3 65615",
    "close 3",
    "remove #g/d/e/g",
    "remove #g/d/e",
    "remove #g/d",
  ]);
});

Deno.test("rm -r errors inside a directory", () => {
  const ns = new FakeNs("#g");
  ns.mkdir("#g/d");
  ns.file("#g/d/f", "", { errors: { remove: "permission denied" } });
  let r = run(rm, ["rm", "-r", "#g/d"], ns);
  assert.equal(r.err, "rm: #g/d/f: permission denied\nrm: #g/d: directory not empty\n");
  ns.mkdir("#g/u").errors.open = "permission denied";
  ns.file("#g/u/x");
  r = run(rm, ["rm", "-r", "#g/u"], ns);
  assert.equal(r.err, "rm: #g/u: permission denied\n");
  ns.mkdir("#g/v").reads = ["\x01"];
  ns.file("#g/v/x");
  r = run(rm, ["rm", "-r", "#g/v"], ns);
  assert.equal(r.err, "rm: dirreadall: directory not empty\n");
  r = run(rm, ["rm", "-z"], ns);
  assert.deepEqual([r.status, r.err], ["usage", "usage: rm [-fr] file ...\n"]);
});
