import { deepEqual, equal, match } from "node:assert/strict";
import { showMain } from "./show_main.ts";
import { capture, withTempDir } from "./testdata/io.ts";
import { sampleTrace } from "./testdata/sample.ts";

Deno.test("show lists the trace; --from, --to and --bytes narrow it", async () => {
  await withTempDir(async (dir) => {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    const c = capture();
    equal(await showMain([`${dir}/a.trace`], c.io), 0);
    equal(c.out.length, 4 + 20 + 1);
    equal(c.out[5], "1 open '/ctl' ORDWR = fd 3");
    const n = capture();
    equal(await showMain([`${dir}/a.trace`, "--from", "7", "--to=8", "--bytes", "2"], n.io), 0);
    deepEqual(n.out.slice(4), ['7 write fd 4 "\\x07\\x07"... (3000 bytes) = 3000']);
  });
});

Deno.test("show --json prints JSON lines", async () => {
  await withTempDir(async (dir) => {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    const c = capture();
    equal(await showMain([`${dir}/a.trace`, "--json"], c.io), 0);
    const lines = c.out.map((l) => JSON.parse(l));
    equal(lines[0].header.argv[0], "sample");
    equal(lines[1].op, "proc");
    equal(lines.at(-1).end.events, 20);
  });
});

Deno.test("show --follow lists a finished trace to its end chunk", async () => {
  await withTempDir(async (dir) => {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    const c = capture();
    equal(await showMain([`${dir}/a.trace`, "--follow", "--bytes=2"], c.io), 0);
    equal(c.out[0], "# trace format 1, written by vmxsim test");
    equal(c.out.length, 4 + 20);
    equal(c.out.at(-1), "19 remove '/dir' = ok");
    const j = capture();
    equal(await showMain([`${dir}/a.trace`, "--follow", "--json"], j.io), 0);
    equal(JSON.parse(j.out[0]).header.tool, "vmxsim test");
    equal(JSON.parse(j.out[20]).index, 19);
  });
});

Deno.test("an unusable trace is one line on stderr and exit 2", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/x.trace`, "hello");
    const c = capture();
    equal(await showMain([`${dir}/x.trace`], c.io), 2);
    deepEqual(c.err, [`cannot read trace "${dir}/x.trace": not a trace (no VXTR magic)`]);
    const f = capture();
    equal(await showMain([`${dir}/x.trace`, "--follow"], f.io), 2);
    deepEqual(f.err, [`cannot read trace "${dir}/x.trace": not a trace (no VXTR magic)`]);
  });
});

Deno.test("usage errors and --help", async () => {
  const h = capture();
  equal(await showMain(["--help"], h.io), 0);
  match(h.out[0], /^usage: deno task show/);
  for (const args of [[], ["a", "b"], ["--nope", "a"], ["a", "--from", "x"], ["a", "--bytes"]]) {
    const c = capture();
    equal(await showMain(args, c.io), 2, args.join(" "));
    match(c.err[0], /^show: /);
  }
});
