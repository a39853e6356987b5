/**
 * `deno task replay [TRACE|DIR]...`: replay traces (by default every
 * *.trace under corpus/) on fresh backends and check every output. Exit 0
 * when all match, 1 when any diverges, 2 when any input is unusable.
 *
 * @module
 */

import type { BackendFactory } from "./backend.ts";
import { type CliIO, commandLine, intOption, openTrace, traceFiles, usageError } from "./cli.ts";
import { TraceError } from "./errors.ts";
import { type Divergence, type ReplayResult, replayTrace } from "./replay.ts";
import { eventJson, formatCall, formatEvent, formatNote, formatOutcome } from "./show.ts";

const _USAGE = `usage: deno task replay [options] [TRACE|DIR]...

Replays each trace on a fresh backend and checks every output byte for byte.
With no arguments, replays every *.trace under corpus/, sorted.

options:
  --json          one JSON document with every result instead of text
  --from N        start at the checkpoint taken before event N
  --context N     events to show before a divergence (default 3)
  --no-notes      do not compare annotations
  --help          this text

exit status: 0 all match, 1 some trace diverges, 2 some input is unusable`;

const _SPEC = {
  name: "replay",
  usage: _USAGE,
  flags: ["--json", "--no-notes"],
  valued: ["--from", "--context"],
};

/** Options of `replayMain`. */
export interface ReplayMainOptions {
  /** Backend factories by the name in a trace header's backend description. */
  readonly backends: Readonly<Record<string, BackendFactory>>;
  /** Directory replayed when no path is given. Default "corpus". */
  readonly corpus?: string;
}

interface _Row {
  file: string;
  status: "ok" | "diverged" | "unusable";
  result?: ReplayResult;
  error?: string;
}

/** Run the replay command on `args`; returns the exit status. */
export function replayMain(args: readonly string[], io: CliIO, options: ReplayMainOptions): number {
  const p = commandLine(args, _SPEC, io);
  if (typeof p === "number") return p;
  const from = intOption(p, "--from");
  const context = intOption(p, "--context");
  if (typeof from === "string") return usageError(io, "replay", from);
  if (typeof context === "string") return usageError(io, "replay", context);
  const corpus = options.corpus ?? "corpus";
  const files = traceFiles(p.rest.length ? p.rest : [corpus]);
  if (typeof files === "string") {
    if (p.rest.length) {
      io.err(`replay: ${files}`);
      return 2;
    }
    io.out(`no traces under ${corpus}`);
    return 0;
  }
  const json = p.flags.has("--json");
  const rows: _Row[] = [];
  files.forEach((file, k) => {
    const row = _replayOne(file, io, options.backends, {
      ...(from === undefined ? {} : { from }),
      ...(context === undefined ? {} : { context }),
      notes: !p.flags.has("--no-notes"),
      onProgress: io.progress &&
        ((done: number, total: number) =>
          io.progress!(`[${k + 1}/${files.length}] ${file} ${done}/${total} events`)),
    });
    io.progress?.(undefined);
    rows.push(row);
    // An unusable input is one line on stderr; the report keeps its row.
    if (row.status === "unusable") io.err(row.error!);
    else if (!json) _printRow(io, row);
  });
  const count = (s: _Row["status"]) => rows.filter((r) => r.status === s).length;
  const truncated = rows.filter((r) => r.result?.truncated !== undefined).length;
  if (json) {
    io.out(JSON.stringify({
      traces: rows.map(_rowJson),
      ok: count("ok"),
      diverged: count("diverged"),
      unusable: count("unusable"),
      truncated,
    }));
  } else {
    const t = truncated ? `, ${truncated} truncated` : "";
    io.out(
      `${rows.length} trace${rows.length === 1 ? "" : "s"}: ${count("ok")} ok, ${
        count("diverged")
      } diverged, ${count("unusable")} unusable${t}`,
    );
  }
  return count("unusable") ? 2 : count("diverged") ? 1 : 0;
}

function _replayOne(
  file: string,
  io: CliIO,
  backends: Readonly<Record<string, BackendFactory>>,
  options: Parameters<typeof replayTrace>[2],
): _Row {
  const trace = openTrace(file);
  if (typeof trace === "string") return { file, status: "unusable", error: trace };
  const name = trace.header.backend.name;
  const factory = backends[name];
  if (factory === undefined) {
    const known = Object.keys(backends).sort().join(", ");
    return {
      file,
      status: "unusable",
      error: `cannot replay "${file}": no backend named "${name}" (known: ${known})`,
    };
  }
  try {
    const result = replayTrace(trace, factory, options);
    return { file, status: result.divergence ? "diverged" : "ok", result };
  } catch (e) {
    if (e instanceof TraceError) {
      return { file, status: "unusable", error: `cannot replay "${file}": ${e.message}` };
    }
    throw e;
  } finally {
    io.progress?.(undefined);
  }
}

function _printRow(io: CliIO, row: _Row): void {
  const r = row.result!;
  const t = r.truncated === undefined ? "" : ` (truncated: ${r.truncated})`;
  if (r.divergence === undefined) {
    io.out(`ok ${row.file} ${r.events} events${t}`);
    return;
  }
  for (const line of _divergenceLines(row.file, r.divergence, t)) io.out(line);
}

function _divergenceLines(file: string, d: Divergence, truncated: string): string[] {
  const e = d.expected;
  const lines = [`FAIL ${file} event ${d.index}: ${formatCall(e)}${truncated}`];
  if (d.field === "outcome") {
    lines.push(`  expected = ${formatOutcome(e.op, e.outcome, e.pid, 200)}`);
    lines.push(`  actual   = ${formatOutcome(e.op, d.actual.outcome, e.pid, 200)}`);
  } else {
    lines.push(`  expected note ${formatNote(e.note)}`);
    lines.push(`  actual note   ${formatNote(d.actual.note)}`);
  }
  if (d.before.length) lines.push("  preceded by:");
  for (const b of d.before) lines.push(`    ${b.index} ${formatEvent(b.event)}`);
  return lines;
}

function _rowJson(row: _Row): Record<string, unknown> {
  if (row.status === "unusable") return { file: row.file, status: row.status, error: row.error };
  const r = row.result!;
  const out: Record<string, unknown> = { file: row.file, status: row.status, events: r.events };
  if (r.truncated !== undefined) out.truncated = r.truncated;
  const d = r.divergence;
  if (d !== undefined) {
    out.divergence = {
      index: d.index,
      field: d.field,
      expected: eventJson(d.expected, d.index),
      actual: eventJson(d.actual, d.index),
      before: d.before.map((b) => eventJson(b.event, b.index)),
    };
  }
  return out;
}
