import { equal, match } from "node:assert/strict";
import { checkBadInput, runScript } from "../../trace/testdata/run_cli.ts";

const _PERMS = ["--allow-read", "--allow-write", "--allow-run"];

Deno.test("test:rebase answers --help and rewrites nothing", async () => {
  const r = await runScript("tests/e2e/rebase.ts", ["--help"], _PERMS);
  equal(r.code, 0, r.err);
  match(r.out, /^usage: deno task test:rebase\n/);
  equal(r.err, "");
});

Deno.test("test:rebase: any argument is one line on stderr and status 2, before anything runs", async () => {
  await checkBadInput("tests/e2e/rebase.ts", [
    [["--bogus"], 2, /^test:rebase: unexpected argument "--bogus" \(see --help\)$/],
    [["hello"], 2, /^test:rebase: unexpected argument "hello" \(see --help\)$/],
  ], _PERMS);
});
