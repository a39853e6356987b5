import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { echo } from "./echo.ts";

Deno.test("echo writes its arguments and a newline in one write", () => {
  const r = run(echo, ["echo", "go", "pc=0x1000;"], new FakeNs());
  assert.deepEqual(r.out, ["go pc=0x1000;\n"]);
  assert.equal(r.status, "");
  assert.deepEqual(run(echo, ["echo"], new FakeNs()).out, ["\n"]);
});

Deno.test("echo -n: no newline, and a bare -n writes zero bytes", () => {
  assert.deepEqual(run(echo, ["echo", "-n", "a", "b"], new FakeNs()).out, ["a b"]);
  assert.deepEqual(run(echo, ["echo", "-n"], new FakeNs()).out, [""]);
  assert.deepEqual(run(echo, ["echo", "-nn", "x"], new FakeNs()).out, ["-nn x\n"]);
  assert.deepEqual(run(echo, ["echo", "a", "-n"], new FakeNs()).out, ["a -n\n"]);
});

Deno.test("echo reports a failed write with the Plan 9 error", () => {
  const r = run(echo, ["echo", "go"], new FakeNs(), { outError: "i/o on hungup channel" });
  assert.deepEqual([r.status, r.err], [
    "write error",
    "echo: write error: i/o on hungup channel\n",
  ]);
});
