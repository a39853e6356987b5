/**
 * End-to-end runs of the example rc scripts: each examples/NAME.rc is run
 * as `deno task sh` runs it (a subprocess, from the repository root) and its
 * whole outcome — standard output, standard error, exit status — is
 * compared with tests/e2e/testdata/NAME.golden. `deno task test:rebase`
 * rewrites the goldens from fresh runs.
 *
 * @module
 */

/** The repository root. */
export const ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** Where the golden files live. */
export const GOLDEN_DIR = `${ROOT}/tests/e2e/testdata`;

/** What one run of an example gave. */
export interface Outcome {
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Exit status. */
  code: number;
}

/** The example names (examples/NAME.rc), sorted. */
export function examples(): string[] {
  return [...Deno.readDirSync(`${ROOT}/examples`)]
    .filter((e) => e.isFile && e.name.endsWith(".rc"))
    .map((e) => e.name.slice(0, -3))
    .sort();
}

/** The golden file of example `name`. */
export function goldenPath(name: string): string {
  return `${GOLDEN_DIR}/${name}.golden`;
}

/** Run example `name` as `deno task sh examples/NAME.rc` does, from the root. */
export async function runExample(name: string): Promise<Outcome> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", "--allow-write", "cli/sh.ts", `examples/${name}.rc`],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), code: out.code };
}

function _section(title: string, text: string): string {
  if (text === "" || text.endsWith("\n")) return `--- ${title}\n${text}`;
  return `--- ${title}\n${text}\n\\ no newline at end\n`;
}

/** An outcome as its golden file holds it: three sections, readable in a diff. */
export function render(o: Outcome): string {
  return _section("stdout", o.stdout) + _section("stderr", o.stderr) + `--- exit ${o.code}\n`;
}
