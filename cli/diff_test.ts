import { equal, match } from "node:assert/strict";
import { sampleTrace } from "../trace/testdata/sample.ts";
import { checkBadInput, run } from "../trace/testdata/run_cli.ts";

Deno.test("cli/diff exits 0 for the same trace, 1 for different ones, 2 for bad input", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    Deno.writeFileSync(`${dir}/b.trace`, sampleTrace({}, { annotate: true }));
    const same = await run("diff", `${dir}/a.trace`, `${dir}/a.trace`);
    equal(same.code, 0, same.err);
    equal(same.out, "no differences (20 events)\n");
    const differ = await run("diff", `${dir}/a.trace`, `${dir}/b.trace`);
    equal(differ.code, 1);
    equal(differ.out.split("\n")[1], "  backend.config.annotate: false vs true");
    const bad = await run("diff", `${dir}/a.trace`);
    equal(bad.code, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli/diff: --help, and each bad argument or trace is one line on stderr", async () => {
  const help = await run("diff", "--help");
  equal(help.code, 0, help.err);
  match(help.out, /^usage: deno task diff /);
  const dir = Deno.makeTempDirSync();
  try {
    const a = `${dir}/a.trace`;
    Deno.writeFileSync(a, sampleTrace());
    Deno.writeTextFileSync(`${dir}/junk.trace`, "junk");
    await checkBadInput("cli/diff.ts", [
      [[], 2, /^diff: give exactly two traces \(see --help\)$/],
      [[a], 2, /^diff: give exactly two traces \(see --help\)$/],
      [[a, a, a], 2, /^diff: give exactly two traces \(see --help\)$/],
      [["--x", a, a], 2, /^diff: unknown option --x \(see --help\)$/],
      [[a, a, "--max", "-1"], 2, /^diff: --max wants a non-negative integer, not "-1"/],
      [[a, a, "--window"], 2, /^diff: --window needs a value \(see --help\)$/],
      [[a, `${dir}/none.trace`], 2, /^cannot read trace ".*\/none\.trace": no such file$/],
      [[`${dir}/junk.trace`, a], 2, /^cannot read trace ".*\/junk\.trace": not a trace/],
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
