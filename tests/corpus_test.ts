// The regression corpus: its manifest matches its files, the generator
// remakes every file byte for byte, and every trace replays on today's
// simulator, from its start and from each of its checkpoints.

import { deepEqual, equal } from "node:assert/strict";
import { generate, loadManifest, recordEntry, ROOT, SESSIONS } from "../corpus/mod.ts";
import {
  BACKENDS,
  readTraceFile,
  replayMain,
  replayTrace,
  TraceFile,
  vmxsimFactory,
} from "../trace/mod.ts";

function _files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(`${ROOT}/${dir}`)) {
    if (e.isDirectory) out.push(..._files(`${dir}/${e.name}`, ext));
    else if (e.name.endsWith(ext)) out.push(`${dir}/${e.name}`);
  }
  return out.sort();
}

const manifest = loadManifest();

Deno.test("every corpus trace is in the manifest, and every listed trace is there", () => {
  deepEqual(_files("corpus", ".trace"), manifest.map((e) => `corpus/${e.trace}`).sort());
  // Every script and session is recorded, once.
  const sources = manifest.map((e) => e.source).sort();
  deepEqual(sources, [...new Set(sources)]);
  deepEqual(
    sources,
    [
      ..._files("corpus/scripts", ".rc").map((f) => f.slice("corpus/".length)),
      ...Object.keys(SESSIONS).map((s) => `sessions.ts#${s}`),
    ].sort(),
  );
  for (const e of manifest) equal(e.covers.length > 0, true, e.trace);
});

Deno.test("the corpus README describes every trace", () => {
  const readme = Deno.readTextFileSync(`${ROOT}/corpus/README.md`);
  for (const e of manifest) equal(readme.includes(`\`${e.trace}\``), true, e.trace);
});

Deno.test("corpus:gen makes exactly the committed files, byte for byte", () => {
  const made = generate();
  for (const [path, bytes] of made) {
    deepEqual(
      Deno.readFileSync(`${ROOT}/${path}`),
      bytes,
      `${path} differs: run deno task corpus:gen`,
    );
  }
  deepEqual(
    _files("corpus/guest", ".bin"),
    [...made.keys()].filter((p) => p.endsWith(".bin")).sort(),
  );
});

Deno.test("every corpus trace replays, from its start and from each checkpoint", () => {
  for (const e of manifest) {
    const t = readTraceFile(`${ROOT}/corpus/${e.trace}`);
    equal(t.truncated, undefined);
    equal(t.checkpoints.length > 0, true, `${e.trace} has checkpoints`);
    for (const from of [0, ...t.checkpoints]) {
      const r = replayTrace(t, vmxsimFactory, { from });
      deepEqual(r, { events: t.eventCount - from }, `${e.trace} from ${from}`);
    }
  }
});

Deno.test("each corpus session checkpointed at every event replays from every event", () => {
  for (const e of manifest) {
    const t = TraceFile.parse(recordEntry(e, 1));
    deepEqual(t.checkpoints, Array.from({ length: t.eventCount }, (_, i) => i + 1));
    for (const from of t.checkpoints) {
      const r = replayTrace(t, vmxsimFactory, { from });
      deepEqual(r, { events: t.eventCount - from }, `${e.trace} from ${from}`);
    }
  }
});

Deno.test("deno task replay with no argument replays the corpus: all ok", () => {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  equal(replayMain([], io, { backends: BACKENDS, corpus: `${ROOT}/corpus` }), 0, out.join("\n"));
  equal(out.at(-1), `${manifest.length} traces: ${manifest.length} ok, 0 diverged, 0 unusable`);
});
