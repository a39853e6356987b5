/**
 * `deno task show TRACE`: list a trace as a person reads an strace log, or
 * as JSON lines; `--follow` lists a trace while it is being written.
 * Exit 0, or 2 when the trace is unusable.
 *
 * @module
 */

import { type CliIO, commandLine, intOption, openTrace, usageError } from "./cli.ts";
import { TraceError } from "./errors.ts";
import { TraceFile } from "./reader.ts";
import {
  eventJson,
  formatEvent,
  formatHeader,
  jsonValue,
  showTrace,
  showTraceJson,
} from "./show.ts";

const _USAGE = `usage: deno task show [options] TRACE

Lists every event of TRACE: the call, = and its result or error, and the
backend's annotation in brackets.

options:
  --json        JSON lines: a header object, one object per event, an end object
  --from N      start at event N
  --to N        stop before event N
  --bytes N     print at most N bytes of each byte string (default 64, 0: all)
  --follow      keep listing while the file grows, until its end chunk
  --help        this text`;

const _SPEC = {
  name: "show",
  usage: _USAGE,
  flags: ["--json", "--follow"],
  valued: ["--from", "--to", "--bytes"],
};

/** Run the show command on `args`; returns the exit status. */
export async function showMain(args: readonly string[], io: CliIO): Promise<number> {
  const p = commandLine(args, _SPEC, io);
  if (typeof p === "number") return p;
  if (p.rest.length !== 1) return usageError(io, "show", "give exactly one trace");
  const from = intOption(p, "--from");
  const to = intOption(p, "--to");
  const bytes = intOption(p, "--bytes");
  for (const v of [from, to, bytes]) if (typeof v === "string") return usageError(io, "show", v);
  const opts = {
    ...(from === undefined ? {} : { from: from as number }),
    ...(to === undefined ? {} : { to: to as number }),
    ...(bytes === undefined ? {} : { bytes: bytes as number }),
  };
  const file = p.rest[0];
  const json = p.flags.has("--json");
  try {
    if (p.flags.has("--follow")) return await _follow(file, json, opts.bytes, io);
    const trace = openTrace(file);
    if (typeof trace === "string") {
      io.err(trace);
      return 2;
    }
    for (const line of (json ? showTraceJson : showTrace)(trace, opts)) io.out(line);
    return 0;
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    io.err(`cannot read trace "${file}": ${e.message}`);
    return 2;
  }
}

async function _follow(
  file: string,
  json: boolean,
  bytes: number | undefined,
  io: CliIO,
): Promise<number> {
  let i = 0;
  const onHeader = json
    ? (h: TraceFile["header"]) => io.out(JSON.stringify({ header: jsonValue(h) }))
    : (h: TraceFile["header"]) => formatHeader(h).forEach(io.out);
  for await (const ev of TraceFile.follow(file, { onHeader })) {
    io.out(json ? JSON.stringify(eventJson(ev, i)) : `${i} ${formatEvent(ev, bytes)}`);
    i++;
  }
  return 0;
}
