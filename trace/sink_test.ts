import { deepEqual, equal, throws } from "node:assert/strict";
import { fileSink, MemorySink } from "./sink.ts";

Deno.test("fileSink writes each chunk through to the file", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/t`;
    Deno.writeFileSync(path, new Uint8Array([9, 9, 9, 9]));
    const s = fileSink(path);
    s.write(new Uint8Array([1, 2]));
    deepEqual(Deno.readFileSync(path), new Uint8Array([1, 2]), "truncated, then written at once");
    s.write(new Uint8Array([3]));
    s.close();
    deepEqual(Deno.readFileSync(path), new Uint8Array([1, 2, 3]));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("MemorySink keeps chunks and refuses writes after close", () => {
  const s = new MemorySink();
  deepEqual(s.bytes(), new Uint8Array(0));
  s.write(new Uint8Array([1]));
  s.write(new Uint8Array([2, 3]));
  deepEqual(s.bytes(), new Uint8Array([1, 2, 3]));
  equal(s.closed, false);
  s.close();
  equal(s.closed, true);
  throws(() => s.write(new Uint8Array([4])), /^Error: write to a closed MemorySink$/);
});
