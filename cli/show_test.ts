import { equal, match } from "node:assert/strict";
import { sampleTrace } from "../trace/testdata/sample.ts";
import { checkBadInput, run } from "../trace/testdata/run_cli.ts";

Deno.test("cli/show lists a trace and exits 0, or 2 for an unusable one", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    const ok = await run("show", `${dir}/a.trace`, "--to", "2");
    equal(ok.code, 0, ok.err);
    equal(ok.out.split("\n")[5], "1 open '/ctl' ORDWR = fd 3");
    const bad = await run("show", `${dir}/none.trace`);
    equal(bad.code, 2);
    equal(bad.err, `cannot read trace "${dir}/none.trace": no such file\n`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli/show: --help, and each bad argument or trace is one line on stderr", async () => {
  const help = await run("show", "--help");
  equal(help.code, 0, help.err);
  match(help.out, /^usage: deno task show /);
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    Deno.writeTextFileSync(`${dir}/junk.trace`, "junk");
    await checkBadInput("cli/show.ts", [
      [[], 2, /^show: give exactly one trace \(see --help\)$/],
      [[`${dir}/a.trace`, `${dir}/a.trace`], 2, /^show: give exactly one trace \(see --help\)$/],
      [["--nope", `${dir}/a.trace`], 2, /^show: unknown option --nope \(see --help\)$/],
      [[`${dir}/a.trace`, "--from", "x"], 2, /^show: --from wants a non-negative integer, not "x"/],
      [[`${dir}/a.trace`, "--bytes"], 2, /^show: --bytes needs a value \(see --help\)$/],
      [[`${dir}/none.trace`], 2, /^cannot read trace ".*\/none\.trace": no such file$/],
      [
        [`${dir}/junk.trace`],
        2,
        /^cannot read trace ".*\/junk\.trace": not a trace \(no VXTR magic\)$/,
      ],
      [[`${dir}/junk.trace`, "--json"], 2, /^cannot read trace ".*\/junk\.trace": not a trace/],
      [[`${dir}/junk.trace`, "--follow"], 2, /^cannot read trace ".*\/junk\.trace": not a trace/],
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
