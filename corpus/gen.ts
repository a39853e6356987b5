/**
 * `deno task corpus:gen`: regenerate the regression corpus from its sources.
 * corpus/manifest.json lists every trace with its source: an rc script
 * (corpus/scripts/NAME.rc, run as `deno task sh --record` runs it, from the
 * repository root) or a TypeScript session (corpus/sessions.ts, for what rc
 * cannot do: ORCLOSE, a second user, an IDT in guest memory). The guest
 * programs of corpus/guest.ts are written to corpus/guest/ first, since
 * scripts copy them into #g.
 *
 * The output is byte-identical from run to run: a fixed header (argv names
 * the script relative to the root), no clock (ls -l sees time 0), the
 * simulator's determinism. tests/corpus_test.ts checks that the committed
 * files are what this generator makes.
 *
 * @module
 */

import { Kernel, type KernelOptions } from "../sim/mod.ts";
import { HostFiles, main } from "../cli/rc/mod.ts";
import { MemorySink, Recorder, TraceWriter, vmxsimBackend } from "../trace/mod.ts";
import { GUEST_PROGRAMS } from "./guest.ts";
import { SESSIONS } from "./sessions.ts";

/** The repository root. */
export const ROOT: string = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** Checkpoints of corpus traces: often enough that replay can start near anywhere. */
const _CHECKPOINT_EVERY = 16;

/** One row of corpus/manifest.json. */
export interface CorpusEntry {
  /** The trace, relative to corpus/. */
  readonly trace: string;
  /** Its source, relative to corpus/: `scripts/NAME.rc` or `sessions.ts#NAME`. */
  readonly source: string;
  /** The kernel options it is recorded with, if not the defaults. */
  readonly options?: KernelOptions;
  /** What it covers. */
  readonly covers: string;
}

/** The manifest's rows. */
export function loadManifest(): CorpusEntry[] {
  return JSON.parse(Deno.readTextFileSync(`${ROOT}/corpus/manifest.json`)) as CorpusEntry[];
}

/** The guest programs as files: path relative to the root, and bytes. */
function _guestFiles(): Map<string, Uint8Array> {
  return new Map(
    GUEST_PROGRAMS.map((g) => [`corpus/guest/${g.name}.bin`, Uint8Array.from(g.bytes)]),
  );
}

/**
 * Record one entry, with a checkpoint every `checkpointEvery` events;
 * returns the trace's bytes. Guest programs must be on disk.
 */
export function recordEntry(e: CorpusEntry, checkpointEvery = _CHECKPOINT_EVERY): Uint8Array {
  const kernel = new Kernel(e.options);
  const backend = vmxsimBackend(kernel);
  const sink = new MemorySink();
  const start = (argv: string[]) =>
    new Recorder(
      backend,
      new TraceWriter(sink, { argv, backend: backend.describe() }, { checkpointEvery }),
    );
  const [file, name] = e.source.split("#");
  if (file === "sessions.ts") {
    const session = SESSIONS[name];
    if (session === undefined) throw new Error(`corpus: no session "${name}" in sessions.ts`);
    const rec = start(["corpus/sessions.ts", name]);
    session(rec);
    rec.close();
  } else if (file.startsWith("scripts/") && file.endsWith(".rc") && name === undefined) {
    _runScript(`corpus/${file}`, (argv) => start(argv));
  } else throw new Error(`corpus: cannot make ${e.trace} from "${e.source}"`);
  return sink.bytes();
}

/**
 * Run rc script `path` (relative to the root) as `deno task sh --record`
 * would. Commands may fail (that is recorded); a script sh cannot run (not
 * found, a syntax error, a simulator failure) is an Error with sh's message.
 */
function _runScript(path: string, start: (argv: string[]) => Recorder): void {
  const sink = { writeSync: (p: Uint8Array) => p.length };
  let err = "";
  const status = main(["--record", "corpus", path], {
    stdin: { readSync: () => null, isTerminal: () => false },
    stdout: sink,
    stderr: { writeSync: (p: Uint8Array) => (err += new TextDecoder().decode(p), p.length) },
    kernel: () => {
      throw new Error("corpus scripts are always recorded");
    },
    host: new HostFiles({ dir: ROOT, gitModes: true }),
    now: () => 0,
    readScript: (p) => Deno.readTextFileSync(`${ROOT}/${p}`),
    record: () => {
      const rec = start(["sh", path]);
      return { sys: rec.process("glenda"), finish: () => rec.close() };
    },
  });
  if (status > 1) throw new Error(err.trimEnd().split("\n").at(-1));
}

/** Every file the generator makes (guest programs, then traces), by path relative to the root. */
export function generate(): Map<string, Uint8Array> {
  const files = _guestFiles();
  for (const e of loadManifest()) files.set(`corpus/${e.trace}`, recordEntry(e));
  return files;
}

const _USAGE = `usage: deno task corpus:gen

Regenerates the regression corpus from its sources: writes corpus/guest/*.bin
(corpus/guest.ts), then records every trace corpus/manifest.json lists from
its rc script or session into corpus/vmxsim/. The output is byte-identical
from run to run. Takes no arguments.`;

/** `deno task corpus:gen` with command-line `args`; the exit status. */
function _main(args: readonly string[]): number {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(_USAGE);
    return 0;
  }
  if (args.length > 0) {
    console.error(`corpus:gen: unexpected argument ${JSON.stringify(args[0])} (see --help)`);
    return 2;
  }
  try {
    for (const [path, bytes] of _guestFiles()) Deno.writeFileSync(`${ROOT}/${path}`, bytes);
    for (const [path, bytes] of generate()) {
      Deno.mkdirSync(`${ROOT}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
      Deno.writeFileSync(`${ROOT}/${path}`, bytes);
      console.log(`${path}: ${bytes.length} bytes`);
    }
  } catch (e) {
    console.error(`corpus:gen: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(_main(Deno.args));
