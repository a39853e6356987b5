import assert from "node:assert/strict";
import { Shared, StreamFile } from "../file.ts";
import { Proc } from "../proc.ts";
import { Space } from "../space.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { Bio } from "./bio.ts";

Deno.test("Bio writes full IOUNIT buffers, then the rest on flush", () => {
  const writes: number[] = [];
  const out = new Shared(new StreamFile({ writer: (d) => writes.push(d.length) }));
  const p = new Proc(new Space(new FakeNs(), new FakeNs()), new Map([[1, out]]), "t");
  const b = new Bio(p, 1);
  b.flush();
  assert.deepEqual(writes, []);
  b.print("x".repeat(40000));
  assert.deepEqual(writes, [32768]);
  b.print("y".repeat(25536));
  assert.deepEqual(writes, [32768, 32768]);
  b.print("z");
  b.flush();
  b.flush();
  assert.deepEqual(writes, [32768, 32768, 1]);
});
