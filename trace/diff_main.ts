/**
 * `deno task diff A B`: align two traces and report where they differ.
 * Exit 0 when they do not, 1 when they do, 2 when either is unusable.
 *
 * @module
 */

import { type CliIO, commandLine, intOption, openTrace, usageError } from "./cli.ts";
import { diffTraces, formatDiff } from "./diff.ts";
import { TraceError } from "./errors.ts";

const _USAGE = `usage: deno task diff [options] A B

Aligns the events of traces A and B by call and reports each difference:
exit lines from wait field by field, regs by register, map by piece,
other data from the first differing byte; header and annotations by field.

options:
  --json        one JSON document instead of text
  --max N       print at most N differences (default 50, 0: all)
  --bytes N     print at most N bytes of data (default 64)
  --window N    events to look ahead when realigning (default 64)
  --help        this text

exit status: 0 same, 1 different, 2 unusable input`;

const _SPEC = {
  name: "diff",
  usage: _USAGE,
  flags: ["--json"],
  valued: ["--max", "--bytes", "--window"],
};

/** Run the diff command on `args`; returns the exit status. */
export function diffMain(args: readonly string[], io: CliIO): number {
  const p = commandLine(args, _SPEC, io);
  if (typeof p === "number") return p;
  if (p.rest.length !== 2) return usageError(io, "diff", "give exactly two traces");
  const max = intOption(p, "--max");
  const bytes = intOption(p, "--bytes");
  const window = intOption(p, "--window");
  for (const v of [max, bytes, window]) if (typeof v === "string") return usageError(io, "diff", v);
  const [a, b] = p.rest.map(openTrace);
  if (typeof a === "string" || typeof b === "string") {
    for (const t of [a, b]) if (typeof t === "string") io.err(t);
    return 2;
  }
  let r;
  try {
    r = diffTraces(a, b, {
      ...(bytes === undefined ? {} : { bytes: bytes as number }),
      ...(window === undefined ? {} : { window: window as number }),
    });
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    io.err(`cannot diff "${p.rest[0]}" and "${p.rest[1]}": ${e.message}`);
    return 2;
  }
  const n = r.differences.length;
  if (p.flags.has("--json")) {
    io.out(JSON.stringify({ identical: n === 0, differences: r.differences, remarks: r.remarks }));
    return n ? 1 : 0;
  }
  const limit = (max as number | undefined) ?? 50;
  const shown = limit === 0 ? r : { ...r, differences: r.differences.slice(0, limit) };
  formatDiff(shown).forEach(io.out);
  if (n > shown.differences.length) io.out(`... and ${n - shown.differences.length} more`);
  io.out(n === 0 ? `no differences (${a.eventCount} events)` : `${n} differences`);
  return n ? 1 : 0;
}
