import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { NativeRunner } from "../oracle/mod.ts";
import { renderVectors, VECTOR_DIR } from "./arith_vectors.ts";

Deno.test("the committed vector files are what gen/arith_vectors.ts makes, host-checked", async () => {
  await using runner = await NativeRunner.open();
  for (const [name, text] of await renderVectors(runner)) {
    const committed = Deno.readTextFileSync(new URL(name, VECTOR_DIR));
    assertEquals(
      committed === text,
      true,
      `stale ${name}: run \`deno run -A gen/arith_vectors.ts\``,
    );
  }
});
