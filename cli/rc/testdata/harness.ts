/**
 * Runs one shell command against fake name spaces and collects what it did:
 * its exit status, each write to standard output and error, and the system
 * calls the fakes served.
 *
 * @module
 */

import { PlanError } from "../../../sim/ns/mod.ts";
import { Shared, StreamFile } from "../file.ts";
import { Proc } from "../proc.ts";
import { Space } from "../space.ts";
import type { Command } from "../cmd/command.ts";
import { FakeNs } from "./fake_ns.ts";

/** What a command did. */
export interface Ran {
  /** Its exit status. */
  status: string;
  /** Its writes to standard output, one string per write. */
  out: string[];
  /** Its standard error, joined. */
  err: string;
  /** Calls served by the kernel fake. */
  calls: string[];
  /** Calls served by the host fake. */
  hostCalls: string[];
}

const _dec = new TextDecoder();
const _enc = new TextEncoder();

/**
 * Run `cmd` with `argv` on kernel fake `ns` (and host fake `host`), standard
 * input `stdin`, with the descriptors in `closed` not open and writes to
 * standard output failing with `outError` if given.
 */
export function run(
  cmd: Command,
  argv: string[],
  ns: FakeNs,
  options: { host?: FakeNs; stdin?: string[]; closed?: number[]; outError?: string } = {},
): Ran {
  const host = options.host ?? new FakeNs();
  const stdin = [...(options.stdin ?? [])];
  const out: string[] = [];
  let err = "";
  const _out = (d: Uint8Array) => {
    if (options.outError) throw new PlanError(options.outError);
    out.push(_dec.decode(d));
  };
  const fds = new Map<number, Shared>([
    [0, new Shared(new StreamFile({ reader: () => _enc.encode(stdin.shift() ?? "") }))],
    [1, new Shared(new StreamFile({ writer: (d) => _out(d) }))],
    [2, new Shared(new StreamFile({ writer: (d) => err += _dec.decode(d) }))],
  ]);
  for (const fd of options.closed ?? []) fds.delete(fd);
  const p = new Proc(new Space(ns, host), fds, argv[0]);
  const status = cmd(p, argv);
  p.exits();
  return { status, out, err, calls: ns.calls, hostCalls: host.calls };
}
