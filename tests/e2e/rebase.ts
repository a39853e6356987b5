/**
 * `deno task test:rebase`: run every example and rewrite its golden file,
 * deleting goldens whose example is gone. Review the diff before committing.
 *
 * @module
 */

import { examples, GOLDEN_DIR, goldenPath, render, runExample } from "./golden.ts";

const _USAGE = `usage: deno task test:rebase

Runs every examples/NAME.rc as deno task sh runs it and rewrites
tests/e2e/testdata/NAME.golden with its output, error output and exit
status; deletes goldens whose example is gone. Prints each file it changed.
Takes no arguments.`;

/** Rewrite the goldens; prints what changed. */
async function _rebase(): Promise<void> {
  const names = examples();
  for (const name of names) {
    const text = render(await runExample(name));
    let old: string | null = null;
    try {
      old = Deno.readTextFileSync(goldenPath(name));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
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

/** `deno task test:rebase` with command-line `args`; the exit status. */
async function _main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(_USAGE);
    return 0;
  }
  if (args.length > 0) {
    console.error(`test:rebase: unexpected argument ${JSON.stringify(args[0])} (see --help)`);
    return 2;
  }
  try {
    await _rebase();
  } catch (e) {
    console.error(`test:rebase: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await _main(Deno.args));
