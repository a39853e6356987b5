import assert from "node:assert/strict";
import { buildRunner, RUNNER_CFLAGS } from "./native_build.ts";

const SOURCE = new URL("./native/runner.c", import.meta.url);

async function _withTempDir(body: (dir: URL) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await body(new URL(`file://${dir}/`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("buildRunner caches the build under a name from the source hash", async () => {
  const first = await buildRunner();
  assert.match(first, /\/oracle\/native\/build\/runner-[0-9a-f]{16}$/);
  assert.equal(await buildRunner(), first);
  assert.ok(((await Deno.stat(first)).mode ?? 0) & 0o100, "executable");
});

Deno.test("an edited source builds anew and the stale build is dropped", () =>
  _withTempDir(async (dir) => {
    const source = new URL("runner.c", dir), outDir = new URL("build/", dir);
    const text = await Deno.readTextFile(SOURCE);
    await Deno.writeTextFile(source, text);
    const v1 = await buildRunner({ source, outDir });
    await Deno.writeTextFile(source, text + "/* edited */\n");
    const v2 = await buildRunner({ source, outDir });
    assert.notEqual(v2, v1);
    const left = [];
    for await (const e of Deno.readDir(outDir)) left.push(e.name);
    assert.deepEqual(left, [v2.slice(v2.lastIndexOf("/") + 1)]);
  }));

Deno.test("no C compiler is one clear line", () =>
  _withTempDir(async (dir) => {
    await assert.rejects(
      buildRunner({ cc: "vmxsim-no-such-cc", outDir: dir }),
      /^Error: cannot build the native oracle runner: no C compiler "vmxsim-no-such-cc" on PATH$/,
    );
  }));

Deno.test("a compile error is one line quoting the compiler's error", () =>
  _withTempDir(async (dir) => {
    const source = new URL("bad.c", dir);
    await Deno.writeTextFile(source, "int main(void) { return nope; }\n");
    await assert.rejects(
      buildRunner({ source, outDir: new URL("build/", dir) }),
      /^Error: cannot build the native oracle runner: cc exited with status 1: .*error: 'nope' undeclared/,
    );
  }));

Deno.test("runner.c compiles without warnings", async () => {
  const out = await new Deno.Command("cc", {
    args: [...RUNNER_CFLAGS, "-Werror", "-fsyntax-only", SOURCE.pathname],
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  assert.ok(out.success);
});
