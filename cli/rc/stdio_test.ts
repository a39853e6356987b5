import assert from "node:assert/strict";
import { readerFile, type SyncReader, textChunks, writerFile } from "./stdio.ts";

function reader(chunks: number[][]): SyncReader {
  return {
    readSync(p) {
      const c = chunks.shift();
      if (c === undefined) return null;
      p.set(c.slice(0, p.length));
      return Math.min(c.length, p.length);
    },
  };
}

Deno.test("readerFile reads at most n bytes per read, empty at end", () => {
  const f = readerFile(reader([[1, 2, 3], [4]]));
  assert.deepEqual([...f.read(2)], [1, 2]);
  assert.deepEqual([...f.read(8)], [4]);
  assert.deepEqual([...f.read(8)], []);
});

Deno.test("writerFile writes everything, however little each writeSync takes", () => {
  const got: number[] = [];
  const f = writerFile({
    writeSync(p) {
      got.push(p[0]);
      return 1;
    },
  });
  assert.equal(f.write(new Uint8Array([7, 8, 9])), 3);
  assert.deepEqual(got, [7, 8, 9]);
});

Deno.test("textChunks decodes UTF-8 split across reads, then ends", () => {
  const e = [...new TextEncoder().encode("é")];
  const next = textChunks(reader([[0x61, e[0]], [e[1], 0x62]]));
  assert.equal(next(), "a");
  assert.equal(next(), "éb");
  assert.equal(next(), "");
  assert.equal(next(), null);
});
