/**
 * Runs one of the trace commands in cli/ as a child process, for tests of
 * exit codes and output as a shell sees them.
 *
 * @module
 */

/** Run `deno run --allow-read cli/NAME.ts ARGS` and return its exit code and output. */
export async function run(
  name: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const script = new URL(`../../cli/${name}.ts`, import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--config=${config}`, "--allow-read", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code, out: d.decode(stdout), err: d.decode(stderr) };
}
