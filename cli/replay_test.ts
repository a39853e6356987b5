import { equal, match } from "node:assert/strict";
import { sampleTrace } from "../trace/testdata/sample.ts";
import { Kernel } from "../sim/mod.ts";
import { Recorder, vmxsimBackend } from "../trace/mod.ts";
import { runHello } from "../trace/testdata/hello.ts";
import { checkBadInput, run } from "../trace/testdata/run_cli.ts";

Deno.test("cli/replay exits 0, 1 or 2 as the traces warrant", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    const ok = await run("replay", dir);
    equal(ok.code, 0, ok.err);
    equal(ok.out, `ok ${dir}/a.trace 20 events\n1 trace: 1 ok, 0 diverged, 0 unusable\n`);
    Deno.writeTextFileSync(`${dir}/b.trace`, "junk");
    const bad = await run("replay", dir);
    equal(bad.code, 2);
    match(bad.err, /^cannot read trace ".*b\.trace": not a trace \(no VXTR magic\)\n$/);
    const usage = await run("replay", "--bogus");
    equal(usage.code, 2);
    equal(usage.err, "replay: unknown option --bogus (see --help)\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli/replay replays a simulator trace end to end", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const b = vmxsimBackend(new Kernel());
    const rec = Recorder.create(`${dir}/hello.trace`, b, { argv: ["hello"] });
    runHello(rec.process("glenda"));
    rec.close();
    const r = await run("replay", `${dir}/hello.trace`);
    equal(r.code, 0, r.err);
    equal(r.out, `ok ${dir}/hello.trace 22 events\n1 trace: 1 ok, 0 diverged, 0 unusable\n`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli/replay: --help, and each bad argument or trace is one line on stderr", async () => {
  const help = await run("replay", "--help");
  equal(help.code, 0, help.err);
  match(help.out, /^usage: deno task replay /);
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    Deno.writeTextFileSync(`${dir}/junk.trace`, "junk");
    Deno.writeFileSync(`${dir}/cut.trace`, sampleTrace().subarray(0, 10));
    Deno.mkdirSync(`${dir}/empty`);
    await checkBadInput("cli/replay.ts", [
      [["--bogus"], 2, /^replay: unknown option --bogus \(see --help\)$/],
      [["--json=1"], 2, /^replay: unknown option --json=1 \(see --help\)$/],
      [["--from"], 2, /^replay: --from needs a value \(see --help\)$/],
      [
        ["--from", "x", `${dir}/a.trace`],
        2,
        /^replay: --from wants a non-negative integer, not "x"/,
      ],
      [["--context=-1"], 2, /^replay: --context wants a non-negative integer, not "-1"/],
      [[`${dir}/empty`], 2, /^replay: no \*\.trace files under .*\/empty$/],
      [[`${dir}/none.trace`], 2, /^cannot read trace ".*\/none\.trace": no such file$/],
      [
        [`${dir}/junk.trace`],
        2,
        /^cannot read trace ".*\/junk\.trace": not a trace \(no VXTR magic\)$/,
      ],
      [[`${dir}/cut.trace`], 2, /^cannot read trace ".*\/cut\.trace": /],
      [[`${dir}/a.trace`, "--from", "9"], 2, /^cannot replay ".*": no checkpoint at event 9/],
      [["--json", `${dir}/junk.trace`], 2, /^cannot read trace ".*\/junk\.trace": not a trace/],
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
