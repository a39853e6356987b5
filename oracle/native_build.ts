/**
 * Builds oracle/native/runner.c with the machine's C compiler on first use
 * and caches the binary under oracle/native/build/ (gitignored), named by a
 * hash of the source, compiler and flags, so an edited source rebuilds and
 * nothing is downloaded. Concurrent builders each compile to a temporary
 * file and rename it into place, so the loser's rename is harmless.
 *
 * @module
 */

/** Flags the runner is built with; part of the cache key. */
export const RUNNER_CFLAGS: readonly string[] = Object.freeze([
  "-O2",
  "-Wall",
  "-Wextra",
  // The runner must not touch thread-local storage (the stack protector's
  // canary lives there) before it restores FS after a case.
  "-fno-stack-protector",
  // A fixed address for the save stub, whose address the case trailer holds.
  "-no-pie",
]);

/** Where to build from and to; the defaults are the repository's runner. */
export interface BuildOptions {
  /** C compiler command (default "cc"). */
  cc?: string;
  /** The runner's source (default oracle/native/runner.c). */
  source?: URL;
  /** Cache directory (default oracle/native/build/). */
  outDir?: URL;
}

/**
 * Returns the path of a runner binary built from the current source,
 * compiling it if no cached build matches. Throws one line naming the cause
 * when there is no compiler or the compile fails.
 */
export async function buildRunner(options: BuildOptions = {}): Promise<string> {
  const cc = options.cc ?? "cc";
  const source = options.source ?? new URL("./native/runner.c", import.meta.url);
  const outDir = options.outDir ?? new URL("./native/build/", import.meta.url);
  const text = await Deno.readFile(source);
  const key = await _hash(text, [cc, ...RUNNER_CFLAGS].join("\0"));
  const out = _path(new URL(`runner-${key}`, outDir));
  if (await _exists(out)) return out;

  await Deno.mkdir(outDir, { recursive: true });
  const tmp = await Deno.makeTempFile({ dir: _path(outDir), prefix: ".runner-" });
  try {
    let result: Deno.CommandOutput;
    try {
      result = await new Deno.Command(cc, {
        args: [...RUNNER_CFLAGS, "-o", tmp, _path(source)],
        env: { LC_ALL: "C" }, // plain ASCII diagnostics
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`cannot build the native oracle runner: no C compiler "${cc}" on PATH`);
      }
      throw e;
    }
    if (!result.success) {
      const why = new TextDecoder().decode(result.stderr).split("\n").find((l) =>
        l.includes("error")
      ) ??
        "no diagnostic";
      throw new Error(
        `cannot build the native oracle runner: ${cc} exited with status ${result.code}: ${why.trim()}`,
      );
    }
    await Deno.rename(tmp, out);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  await _removeStale(outDir, out);
  return out;
}

function _path(url: URL): string {
  return decodeURIComponent(url.pathname);
}

async function _hash(source: Uint8Array, salt: string): Promise<string> {
  const saltBytes = new TextEncoder().encode(salt);
  const all = new Uint8Array(source.length + 1 + saltBytes.length);
  all.set(source);
  all.set(saltBytes, source.length + 1);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function _exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Drops builds of older sources so the cache does not grow with every edit. */
async function _removeStale(outDir: URL, keep: string): Promise<void> {
  for await (const entry of Deno.readDir(outDir)) {
    const path = _path(new URL(entry.name, outDir));
    if (entry.name.startsWith("runner-") && path !== keep) await Deno.remove(path).catch(() => {});
  }
}
