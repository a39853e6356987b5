/**
 * `deno task test:rebase`: run every example and rewrite its golden file,
 * deleting goldens whose example is gone. Review the diff before committing.
 *
 * @module
 */

import { examples, GOLDEN_DIR, goldenPath, render, runExample } from "./golden.ts";

if (import.meta.main) {
  const names = examples();
  for (const name of names) {
    const text = render(await runExample(name));
    let old: string | null = null;
    try {
      old = Deno.readTextFileSync(goldenPath(name));
    } catch {
      // a new example
    }
    if (old !== text) {
      Deno.writeTextFileSync(goldenPath(name), text);
      console.log(
        `${old === null ? "new" : "changed"}: ${goldenPath(name).slice(GOLDEN_DIR.length + 1)}`,
      );
    }
  }
  for (const e of Deno.readDirSync(GOLDEN_DIR)) {
    if (e.name.endsWith(".golden") && !names.includes(e.name.slice(0, -7))) {
      Deno.removeSync(`${GOLDEN_DIR}/${e.name}`);
      console.log(`removed: ${e.name}`);
    }
  }
}
