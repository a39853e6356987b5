import { deepEqual, equal, match } from "node:assert/strict";
import { MemfsBackend, memfsFactory } from "./memfs.ts";
import { replayMain } from "./replay_main.ts";
import { capture, withTempDir } from "./testdata/io.ts";
import { enc, sampleTrace } from "./testdata/sample.ts";
import type { BackendFactory } from "./backend.ts";
import { Recorder } from "./record.ts";

const backends = { memfs: memfsFactory };
/** A memfs whose ctl echo comes back upside down: every trace touching it diverges. */
const broken: BackendFactory = () => {
  const b = new MemfsBackend({ annotate: true });
  return {
    describe: () => b.describe(),
    process: (u) => {
      const s = b.process(u);
      return { ...s, pread: (fd, n, o) => s.pread(fd, n, o).reverse() };
    },
  };
};

function files(dir: string) {
  const good = sampleTrace({ checkpointEvery: 8 }, { annotate: true });
  Deno.writeFileSync(`${dir}/a.trace`, good);
  Deno.writeFileSync(`${dir}/b.trace`, good.subarray(0, good.length - 5));
  Deno.writeFileSync(`${dir}/c.txt`, enc("not a trace"));
  return { good };
}

Deno.test("replay prints one ok line per trace and a summary; exit 0", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(replayMain([dir], c.io, { backends }), 0);
    deepEqual(c.out, [
      `ok ${dir}/a.trace 20 events`,
      `ok ${dir}/b.trace 20 events (truncated: cut inside chunk 8 at byte 10477)`,
      "2 traces: 2 ok, 0 diverged, 0 unusable, 1 truncated",
    ]);
    deepEqual(c.err, []);
  });
});

Deno.test("replay with no argument replays the corpus directory", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(replayMain([], c.io, { backends, corpus: dir }), 0);
    equal(c.out.length, 3);
    const empty = capture();
    Deno.mkdirSync(`${dir}/empty`);
    equal(replayMain([], empty.io, { backends, corpus: `${dir}/empty` }), 0);
    deepEqual(empty.out, [`no traces under ${dir}/empty`]);
  });
});

Deno.test("a divergence prints the event, expected and actual, and the events before it; exit 1", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(
      replayMain([`${dir}/a.trace`, "--context", "2"], c.io, { backends: { memfs: broken } }),
      1,
    );
    deepEqual(c.out, [
      `FAIL ${dir}/a.trace event 3: pread fd 3 100 at 0`,
      '  expected = "go\\n"',
      '  actual   = "\\nog"',
      "  preceded by:",
      "    1 open '/ctl' ORDWR = fd 3 [ops=1]",
      '    2 write fd 3 "go\\n" = 3 [ops=2]',
      "1 trace: 0 ok, 1 diverged, 0 unusable",
    ]);
  });
});

Deno.test("an annotation divergence prints both notes; --no-notes skips them", () => {
  withTempDir((dir) => {
    files(dir);
    const odd: BackendFactory = () => {
      const b = new MemfsBackend();
      return {
        describe: () => b.describe(),
        process: (u) => b.process(u),
        annotate: () => ({ ops: -1 }),
      };
    };
    const c = capture();
    equal(replayMain([`${dir}/a.trace`], c.io, { backends: { memfs: odd } }), 1);
    deepEqual(c.out.slice(0, 3), [
      `FAIL ${dir}/a.trace event 0: proc 'glenda'`,
      "  expected note [ops=0]",
      "  actual note   [ops=-1]",
    ]);
    equal(
      replayMain([`${dir}/a.trace`, "--no-notes"], capture().io, { backends: { memfs: odd } }),
      0,
    );
  });
});

Deno.test("unusable inputs get one line each on stderr and exit 2, the others still replay", () => {
  withTempDir((dir) => {
    files(dir);
    Deno.writeFileSync(`${dir}/x.trace`, sampleTrace().map((b, i) => (i === 40 ? b ^ 1 : b)));
    const c = capture();
    const code = replayMain(
      [`${dir}/a.trace`, `${dir}/c.txt`, `${dir}/none.trace`, `${dir}/x.trace`],
      c.io,
      { backends },
    );
    equal(code, 2);
    deepEqual(c.out, [`ok ${dir}/a.trace 20 events`, "4 traces: 1 ok, 0 diverged, 3 unusable"]);
    deepEqual(c.err, [
      `cannot read trace "${dir}/c.txt": not a trace (no VXTR magic)`,
      `cannot read trace "${dir}/none.trace": no such file`,
      `cannot read trace "${dir}/x.trace": chunk 0 at byte 0: payload CRC mismatch (corrupt)`,
    ]);
    const u = capture();
    equal(replayMain([`${dir}/a.trace`], u.io, { backends: {} }), 2);
    deepEqual(u.err, [`cannot replay "${dir}/a.trace": no backend named "memfs" (known: )`]);
    const f = capture();
    equal(replayMain([`${dir}/a.trace`, "--from", "9"], f.io, { backends }), 2);
    deepEqual(f.err, [
      `cannot replay "${dir}/a.trace": no checkpoint at event 9 (checkpoints: 8, 16)`,
    ]);
  });
});

Deno.test("--from replays from a checkpoint", () => {
  withTempDir((dir) => {
    files(dir);
    const c = capture();
    equal(replayMain([`${dir}/a.trace`, "--from=16"], c.io, { backends }), 0);
    equal(c.out[0], `ok ${dir}/a.trace 4 events`);
  });
});

Deno.test("--json prints one document with every result", () => {
  withTempDir((dir) => {
    files(dir);
    Deno.copyFileSync(`${dir}/a.trace`, `${dir}/d.trace`);
    const c = capture();
    equal(replayMain([dir, `${dir}/c.txt`, "--json"], c.io, { backends: { memfs: broken } }), 2);
    equal(c.out.length, 1);
    deepEqual(c.err, [`cannot read trace "${dir}/c.txt": not a trace (no VXTR magic)`]);
    const doc = JSON.parse(c.out[0]);
    deepEqual(
      doc.traces.map((t: { status: string }) => t.status),
      ["diverged", "diverged", "diverged", "unusable"],
    );
    deepEqual([doc.ok, doc.diverged, doc.unusable, doc.truncated], [0, 3, 1, 1]);
    const d = doc.traces[0].divergence;
    equal(d.index, 3);
    equal(d.field, "outcome");
    deepEqual(d.expected.result, { text: "go\n" });
    deepEqual(d.actual.result, { text: "\nog" });
    deepEqual(d.before.map((e: { index: number }) => e.index), [0, 1, 2]);
    equal(doc.traces[1].truncated, "cut inside chunk 8 at byte 10477");
    match(doc.traces[3].error, /not a trace/);
  });
});

Deno.test("usage errors and --help", () => {
  const h = capture();
  equal(replayMain(["--help"], h.io, { backends }), 0);
  match(h.out[0], /^usage: deno task replay/);
  for (const args of [["--bogus"], ["--from", "x"], ["--context=-1"]]) {
    const c = capture();
    equal(replayMain(args, c.io, { backends }), 2, args.join(" "));
    equal(c.err.length, 1);
    match(c.err[0], /^replay: .* \(see --help\)$/);
  }
  withTempDir((dir) => {
    const c = capture();
    equal(replayMain([dir], c.io, { backends }), 2);
    deepEqual(c.err, [`replay: no *.trace files under ${dir}`]);
  });
});

Deno.test("progress is shown while replaying and cleared after each trace", () => {
  withTempDir((dir) => {
    const b = new MemfsBackend();
    const rec = Recorder.create(`${dir}/long.trace`, b, { argv: [] });
    const p = rec.process("glenda");
    for (let i = 0; i < 1100; i++) p.stat("/");
    rec.close();
    const c = capture(true);
    equal(replayMain([dir], c.io, { backends }), 0);
    deepEqual(c.progress.filter((t) => t !== undefined), [
      `[1/1] ${dir}/long.trace 1024/1101 events`,
    ]);
    equal(c.progress.at(-1), undefined);
  });
});
