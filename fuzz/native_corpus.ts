/**
 * Saved native cases (corpus/native/NAME.json) and readable reproducers.
 *
 * A saved case holds everything needed to replay it on the simulator
 * without the host: the code, the start state, and the host's outcome as
 * the expectation; also where it came from (seed, index, class), the host
 * it was recorded on, and what differed. Memory is stored sparsely: runs of
 * non-zero bytes as hex. `known`, when present, says the simulator is known
 * to get the case wrong (a bug reported to the CPU engineers): replays then
 * expect a mismatch and fail once it is fixed, so the marker gets removed.
 *
 * @module
 */

import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from "iced-x86";
import { type Difference, hex64, type Outcome, type OutcomeKind } from "../oracle/compare.ts";
import { GPR_NAMES, NATIVE_CODE_ADDR, type NativeCase, type NativeRegion } from "../oracle/mod.ts";

/** A region as JSON: its address, length, and its non-zero runs (offset, hex). */
export interface SavedRegion {
  /** Address, 0x-hex. */
  addr: string;
  /** Length in bytes. */
  len: number;
  /** Offsets and hex of the non-zero runs; the rest is zero. */
  runs: [number, string][];
}

/** An outcome as JSON. */
export interface SavedOutcome {
  /** How it ended. */
  kind: OutcomeKind;
  /** Exception vector. */
  vector?: number;
  /** Exception error code. */
  errorCode?: number;
  /** #PF address, 0x-hex. */
  faultAddr?: string;
  /** RIP, 0x-hex. */
  rip: string;
  /** GPRs by name, 0x-hex. */
  regs: Record<string, string>;
  /** RFLAGS, 0x-hex. */
  rflags: string;
  /** The regions, in case order. */
  mem: SavedRegion[];
  /** What an "other" or "timeout" outcome was. */
  note?: string;
}

/** One corpus entry. */
export interface SavedCase {
  /** File name without .json. */
  name: string;
  /** Campaign seed it came from. */
  seed: number;
  /** Case index it came from (before shrinking). */
  index: number;
  /** Instruction class(es) of the reproducer. */
  class: string;
  /** The host it was recorded on (brand, vendor, family/model). */
  host: string;
  /** CPUID vendor of that host, for the vendor table. */
  vendor: string;
  /** A known simulator bug this case shows; replays expect the mismatch. */
  known?: string;
  /** The code, hex bytes. */
  code: string;
  /** The code, one instruction a line. */
  disasm: string[];
  /** Start GPRs by name. */
  regs: Record<string, string>;
  /** Start RFLAGS. */
  rflags: string;
  /** Start memory; the last region is the stack. */
  mem: SavedRegion[];
  /** The host's outcome: the expectation. */
  expected: SavedOutcome;
  /** What differed when it was saved. */
  diffs: Difference[];
}

/** Hex pairs separated by spaces. */
export function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

function _unhex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})*$/i.test(t)) throw new SyntaxError(`not hex bytes: "${s}"`);
  return Uint8Array.from(t.match(/../g) ?? [], (x) => parseInt(x, 16));
}

function _regs(regs: BigUint64Array): Record<string, string> {
  return Object.fromEntries(GPR_NAMES.map((n, g) => [n, hex64(regs[g])]));
}

function _unregs(r: Record<string, string>): BigUint64Array {
  return BigUint64Array.from(GPR_NAMES, (n) => {
    if (r[n] === undefined) throw new SyntaxError(`register ${n} missing`);
    return BigInt(r[n]);
  });
}

function _region(r: NativeRegion): SavedRegion {
  const runs: [number, string][] = [];
  for (let i = 0; i < r.bytes.length;) {
    if (r.bytes[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    // A run ends at 8 zero bytes in a row.
    while (j < r.bytes.length && r.bytes.subarray(j, j + 8).some((b) => b !== 0)) j++;
    while (r.bytes[j - 1] === 0) j--;
    runs.push([i, hexBytes(r.bytes.subarray(i, j)).replace(/ /g, "")]);
    i = j;
  }
  return { addr: hex64(r.addr), len: r.bytes.length, runs };
}

function _unregion(r: SavedRegion): NativeRegion {
  const bytes = new Uint8Array(r.len);
  for (const [at, hex] of r.runs) bytes.set(_unhex(hex), at);
  return { addr: BigInt(r.addr), bytes };
}

/** An outcome as JSON. */
export function saveOutcome(o: Outcome): SavedOutcome {
  const out: SavedOutcome = {
    kind: o.kind,
    rip: hex64(o.rip),
    regs: _regs(o.regs),
    rflags: hex64(o.rflags),
    mem: o.mem.map(_region),
  };
  if (o.vector !== undefined) out.vector = o.vector;
  if (o.errorCode !== undefined) out.errorCode = o.errorCode;
  if (o.faultAddr !== undefined) out.faultAddr = hex64(o.faultAddr);
  if (o.note !== undefined) out.note = o.note;
  return out;
}

/** An outcome from JSON. */
export function loadOutcome(s: SavedOutcome): Outcome {
  const out: Outcome = {
    kind: s.kind,
    rip: BigInt(s.rip),
    regs: _unregs(s.regs),
    rflags: BigInt(s.rflags),
    mem: s.mem.map(_unregion),
  };
  if (s.vector !== undefined) out.vector = s.vector;
  if (s.errorCode !== undefined) out.errorCode = s.errorCode;
  if (s.faultAddr !== undefined) out.faultAddr = BigInt(s.faultAddr);
  if (s.note !== undefined) out.note = s.note;
  return out;
}

/** What {@link saveCase} records besides the case and the host's outcome. */
export interface SaveInfo {
  /** File name without .json. */
  name: string;
  /** Campaign seed. */
  seed: number;
  /** Case index. */
  index: number;
  /** Instruction class(es). */
  class: string;
  /** The host, as brand (vendor family model). */
  host: string;
  /** CPUID vendor of the host. */
  vendor: string;
  /** What differed. */
  diffs: Difference[];
  /** A known simulator bug the case shows. */
  known?: string;
}

/** A corpus entry for case `c` whose host outcome is `expected`. */
export function saveCase(c: NativeCase, expected: Outcome, info: SaveInfo): SavedCase {
  const out: SavedCase = {
    name: info.name,
    seed: info.seed,
    index: info.index,
    class: info.class,
    host: info.host,
    vendor: info.vendor,
    code: hexBytes(c.code),
    disasm: disassemble(c.code).map((l) => l.text),
    regs: _regs(c.regs),
    rflags: hex64(c.rflags),
    mem: c.mem.map(_region),
    expected: saveOutcome(expected),
    diffs: info.diffs,
  };
  if (info.known !== undefined) out.known = info.known;
  return out;
}

/** The case and expectation of a corpus entry; throws SyntaxError naming what is malformed. */
export function loadCase(s: SavedCase): { case: NativeCase; expected: Outcome } {
  return {
    case: {
      code: _unhex(s.code),
      regs: _unregs(s.regs),
      rflags: BigInt(s.rflags),
      mem: s.mem.map(_unregion),
    },
    expected: loadOutcome(s.expected),
  };
}

/** One disassembled instruction. */
export interface Line {
  /** Where it starts. */
  addr: bigint;
  /** Its bytes. */
  bytes: Uint8Array;
  /** iced-x86's Intel syntax. */
  text: string;
}

/** `code` as placed at NATIVE_CODE_ADDR, one line per instruction (iced-x86, Intel syntax). */
export function disassemble(code: Uint8Array): Line[] {
  const d = new Decoder(64, code, DecoderOptions.None);
  d.ip = NATIVE_CODE_ADDR;
  const f = new Formatter(FormatterSyntax.Intel);
  const i = new Instruction();
  const out: Line[] = [];
  while (d.canDecode) {
    d.decodeOut(i);
    const at = Number(i.ip - NATIVE_CODE_ADDR);
    out.push({ addr: i.ip, bytes: code.subarray(at, at + i.length), text: f.format(i) });
  }
  i.free();
  f.free();
  d.free();
  return out;
}

/** A reproducer for people: where it came from, code, start state, both outcomes, what differs. */
export function formatReproducer(
  title: string,
  c: NativeCase,
  native: Outcome | undefined,
  sim: Outcome,
  diffs: readonly Difference[],
): string {
  const lines = [title, "  code:"];
  for (const l of disassemble(c.code)) {
    lines.push(`    ${hex64(l.addr)}  ${hexBytes(l.bytes).padEnd(30)} ${l.text}`);
  }
  lines.push(`  start: ${_nonzero(c.regs)} rflags=${hex64(c.rflags)}`);
  for (const r of c.mem) {
    const s = _region(r);
    const shown = s.runs.slice(0, 4).map(([at, h]) => `+${at}: ${h.slice(0, 64)}`).join(" ");
    lines.push(
      `  mem ${s.addr} (${s.len} bytes): ${shown || "zeros"}${s.runs.length > 4 ? " ..." : ""}`,
    );
  }
  const say = (o: Outcome) =>
    `${o.kind === "exception" ? `exception ${o.vector}` : o.kind}${
      o.errorCode !== undefined ? ` code ${hex64(BigInt(o.errorCode))}` : ""
    }${o.faultAddr !== undefined ? ` at ${hex64(o.faultAddr)}` : ""}${
      o.note ? ` (${o.note})` : ""
    }, ` +
    `rip ${hex64(o.rip)}, ${_nonzero(o.regs)} rflags=${hex64(o.rflags)}`;
  if (native) lines.push(`  host:      ${say(native)}`);
  lines.push(`  simulator: ${say(sim)}`);
  for (const d of diffs) {
    lines.push(`  differs: ${d.field}: host ${d.expected}, simulator ${d.actual}`);
  }
  return lines.join("\n");
}

/** Non-zero registers as name=value. */
function _nonzero(regs: BigUint64Array): string {
  return GPR_NAMES.map((n, g) => regs[g] !== 0n ? `${n}=${hex64(regs[g])} ` : "").join("");
}
