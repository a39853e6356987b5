import { equal, match, throws } from "node:assert/strict";
import { checkBadInput, runScript } from "../trace/testdata/run_cli.ts";
import { recordEntry } from "./gen.ts";

const _PERMS = ["--allow-read", "--allow-write"];

Deno.test("corpus:gen answers --help and writes nothing", async () => {
  const r = await runScript("corpus/gen.ts", ["--help"], _PERMS);
  equal(r.code, 0, r.err);
  match(r.out, /^usage: deno task corpus:gen\n/);
  equal(r.err, "");
});

Deno.test("corpus:gen: any argument is one line on stderr and status 2, before anything is written", async () => {
  await checkBadInput("corpus/gen.ts", [
    [["--bogus"], 2, /^corpus:gen: unexpected argument "--bogus" \(see --help\)$/],
    [["corpus"], 2, /^corpus:gen: unexpected argument "corpus" \(see --help\)$/],
    [["-v", "x"], 2, /^corpus:gen: unexpected argument "-v" \(see --help\)$/],
  ], _PERMS);
});

Deno.test("a manifest row that cannot be recorded is an Error with one line", () => {
  const row = (source: string) => ({ trace: "vmxsim/x.trace", source, covers: "" });
  throws(
    () => recordEntry(row("scripts/none.rc")),
    /^Error: sh: cannot read script "corpus\/scripts\/none\.rc": /,
  );
  throws(
    () => recordEntry(row("sessions.ts#none")),
    /^Error: corpus: no session "none" in sessions\.ts$/,
  );
  throws(
    () => recordEntry(row("other.txt")),
    /^Error: corpus: cannot make vmxsim\/x\.trace from "other\.txt"$/,
  );
});
