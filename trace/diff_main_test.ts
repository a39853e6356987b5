import { deepEqual, equal, match } from "node:assert/strict";
import { ChunkKind } from "./chunk.ts";
import { diffMain } from "./diff_main.ts";
import { chunksOf, msgpackChunk } from "./testdata/chunks.ts";
import { concat } from "../sim/lib9/mod.ts";
import { capture, withTempDir } from "./testdata/io.ts";
import { sampleTrace } from "./testdata/sample.ts";

function files(dir: string) {
  Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
  Deno.writeFileSync(`${dir}/b.trace`, sampleTrace({}, {}, 2000));
  Deno.writeFileSync(`${dir}/c.trace`, sampleTrace({}, { annotate: true }));
}

Deno.test("diff of identical traces: exit 0", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/a.trace`], c.io), 0);
    deepEqual(c.out, ["no differences (20 events)"]);
  });
});

Deno.test("diff lists differences with their fields; exit 1", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/b.trace`, "--bytes", "4"], c.io), 1);
    deepEqual(c.out.slice(0, 3), [
      'event 7: call: write fd 4 "\\x07\\x07\\x07\\x07"... (3000 bytes) = 3000 (/data)',
      '  data from 2000 (shown from 1992): "\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07" (3000 bytes) vs "\\x07\\x07\\x07\\x07\\x07\\x07\\x07\\x07" (2000 bytes)',
      "  result: 3000 vs 2000",
    ]);
    equal(c.out.at(-1), "4 differences");
    equal(c.out.filter((l) => l === "  length: 6000 vs 4000").length, 2, "Dirs differ by field");
    const m = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/b.trace`, "--max=1"], m.io), 1);
    deepEqual(m.out.slice(-2), ["... and 3 more", "4 differences"]);
  });
});

Deno.test("diff --json prints one document", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/c.trace`, "--json"], c.io), 1);
    const doc = JSON.parse(c.out[0]);
    equal(doc.identical, false);
    deepEqual(doc.differences[0].fields, [{
      name: "backend.config.annotate",
      a: "false",
      b: "true",
    }]);
    const s = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/a.trace`, "--json"], s.io), 0);
    deepEqual(JSON.parse(s.out[0]), { identical: true, differences: [], remarks: [] });
  });
});

Deno.test("unusable inputs: one line each on stderr, exit 2", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(diffMain([`${dir}/none.trace`, `${dir}/gone.trace`], c.io), 2);
    deepEqual(c.err, [
      `cannot read trace "${dir}/none.trace": no such file`,
      `cannot read trace "${dir}/gone.trace": no such file`,
    ]);
    const bytes = sampleTrace();
    const end = chunksOf(bytes).at(-1)!;
    const wrong = msgpackChunk(ChunkKind.end, { events: 20, digest: new Uint8Array(32) });
    Deno.writeFileSync(`${dir}/bad.trace`, concat([bytes.subarray(0, end.offset), wrong]));
    const d = capture();
    equal(diffMain([`${dir}/a.trace`, `${dir}/bad.trace`], d.io), 2);
    deepEqual(d.err, [
      `cannot diff "${dir}/a.trace" and "${dir}/bad.trace": the end chunk's digest does not match the events`,
    ]);
  });
});

Deno.test("usage errors and --help", () => {
  const h = capture();
  equal(diffMain(["--help"], h.io), 0);
  match(h.out[0], /^usage: deno task diff/);
  for (const args of [[], ["a"], ["a", "b", "c"], ["--x", "a", "b"], ["a", "b", "--max", "-1"]]) {
    const c = capture();
    equal(diffMain(args, c.io), 2, args.join(" "));
    match(c.err[0], /^diff: /);
  }
});
