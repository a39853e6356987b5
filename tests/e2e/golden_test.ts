import assert from "node:assert/strict";
import { examples, GOLDEN_DIR, goldenPath, render, runExample } from "./golden.ts";

for (const name of examples()) {
  Deno.test(`examples/${name}.rc matches its golden output`, async () => {
    let golden: string;
    try {
      golden = Deno.readTextFileSync(goldenPath(name));
    } catch {
      throw new Error(`no golden for examples/${name}.rc: run deno task test:rebase`);
    }
    assert.equal(render(await runExample(name)), golden, "run deno task test:rebase if intended");
  });
}

Deno.test("every golden has its example", () => {
  const goldens = [...Deno.readDirSync(GOLDEN_DIR)].map((e) => e.name).sort();
  assert.deepEqual(goldens, examples().map((n) => `${n}.golden`));
});

Deno.test("render frames the three parts, marking a missing final newline", () => {
  assert.equal(
    render({ stdout: "a\n", stderr: "", code: 0 }),
    "--- stdout\na\n--- stderr\n--- exit 0\n",
  );
  assert.equal(
    render({ stdout: "0", stderr: "e\n", code: 1 }),
    "--- stdout\n0\n\\ no newline at end\n--- stderr\ne\n--- exit 1\n",
  );
});
