import { equal } from "node:assert/strict";
import { sampleTrace } from "../trace/testdata/sample.ts";
import { run } from "../trace/testdata/run_cli.ts";

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
