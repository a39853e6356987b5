import { equal } from "node:assert/strict";
import { sampleTrace } from "../trace/testdata/sample.ts";
import { run } from "../trace/testdata/run_cli.ts";

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
