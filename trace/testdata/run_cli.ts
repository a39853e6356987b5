/**
 * Runs the repository's commands (cli/*.ts, corpus/gen.ts, tests/e2e/rebase.ts)
 * as child processes, for tests of exit codes and output as a shell sees them,
 * and checks the rule every command keeps for bad input: a non-zero status
 * and exactly one line on stderr.
 *
 * @module
 */

import { equal, match } from "node:assert/strict";

/** What a run gave. */
export interface CliRun {
  /** Exit status. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

const _ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Run `deno run PERMS ROOT/SCRIPT ARGS` (`perms` default to --allow-read),
 * from the repository root, with no standard input.
 */
export async function runScript(
  script: string,
  args: readonly string[],
  perms: readonly string[] = ["--allow-read"],
): Promise<CliRun> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--config=${_ROOT}deno.json`, ...perms, _ROOT + script, ...args],
    cwd: _ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code, out: d.decode(stdout), err: d.decode(stderr) };
}

/** Run `deno run --allow-read cli/NAME.ts ARGS` and return its exit code and output. */
export function run(name: string, ...args: string[]): Promise<CliRun> {
  return runScript(`cli/${name}.ts`, args);
}

/** A bad command line and what must come of it: its exit status and its one stderr line. */
export type BadInput = [args: readonly string[], code: number, line: RegExp];

/**
 * Run `script` with each row's arguments (all at once) and check the
 * status and that stderr is exactly one line, matching the row.
 */
export async function checkBadInput(
  script: string,
  rows: readonly BadInput[],
  perms?: readonly string[],
): Promise<void> {
  const runs = await Promise.all(rows.map(([args]) => runScript(script, args, perms)));
  rows.forEach(([args, code, line], i) => {
    const r = runs[i];
    const what = `${script} ${args.join(" ")}`;
    equal(r.code, code, `${what}: status ${r.code}; stderr ${r.err}`);
    match(r.err, /^[^\n]+\n$/, `${what}: stderr is not one line: ${JSON.stringify(r.err)}`);
    match(r.err.trimEnd(), line, what);
  });
}
