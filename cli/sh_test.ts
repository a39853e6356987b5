import { equal, match } from "node:assert/strict";
import { checkBadInput, runScript } from "../trace/testdata/run_cli.ts";

const _PERMS = ["--allow-read", "--allow-write"];

Deno.test("cli/sh answers --help", async () => {
  const r = await runScript("cli/sh.ts", ["--help"], _PERMS);
  equal(r.code, 0, r.err);
  match(r.out, /^usage: deno task sh \[--record TRACE\] \[SCRIPT \[ARG \.\.\.\]\]\n/);
  equal(r.err, "");
});

Deno.test("cli/sh: bad arguments and bad scripts are one line on stderr, never a stack trace", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/syntax.rc`, "echo ok\necho a | b\n");
    Deno.writeTextFileSync(`${dir}/fails.rc`, "cat '#X/9/ctl'\n");
    Deno.writeFileSync(`${dir}/binary.rc`, Uint8Array.of(0x27, 0xff, 0x0a));
    await checkBadInput("cli/sh.ts", [
      [["-x"], 2, /^sh: unknown option -x \(see --help\)$/],
      [["--bogus", "s.rc"], 2, /^sh: unknown option --bogus \(see --help\)$/],
      [["--record"], 2, /^sh: --record needs a trace file name$/],
      [["--record="], 2, /^sh: --record needs a trace file name$/],
      [["nope.rc"], 2, /^sh: cannot read script "nope\.rc": /],
      [[dir], 2, /^sh: cannot read script ".*": /],
      [
        ["--record", `${dir}/no/such/dir/t.trace`, "examples/hello.rc"],
        2,
        /^sh: cannot record ".*\/no\/such\/dir\/t\.trace": /,
      ],
      [[`${dir}/syntax.rc`], 2, /^.*\/syntax\.rc:2: token '\|': not supported in vmxsim sh$/],
      [[`${dir}/binary.rc`], 2, /^.*\/binary\.rc:2: eof in quoted string$/],
      [[`${dir}/fails.rc`], 1, /^cat: can't open #X\/9\/ctl: file does not exist: '#X\/9'$/],
    ], _PERMS);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
