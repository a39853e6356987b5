/**
 * Test-only: run one instruction through the decoder and its handler, in
 * 16-, 32- or 64-bit mode, from a register file, RFLAGS and a data area,
 * the way the native oracle runs it (oracle/native.ts), so the two can be
 * compared. The data area is at guest-physical (and, paging off, linear)
 * NATIVE_DATA_ADDR; in 16-bit mode DS and ES are based there. Registers
 * are BigInts here: this is test code, not the hot path.
 *
 * @module
 */

import { GuestRam, PAGE_SIZE, type PhysMap } from "./bus.ts";
import { Cpu } from "./cpu.ts";
import { ByteSource, decode } from "./decode.ts";
import { getFlags } from "./flags.ts";
import { HANDLERS } from "./handlers.ts";
import { DEC_OK, Insn } from "./insn.ts";
import { DS, ES, STOP, STOP_EXC } from "./state.ts";

/** Where the data area is (the native oracle's NATIVE_DATA_ADDR). */
export const DATA_ADDR = 0x1000_0000;
/** Its size in bytes. */
export const DATA_SIZE = 0x10000;

const _RWX_WB = 7 | (6 << 3);

class _DataMap implements PhysMap {
  readonly ram = new GuestRam(DATA_SIZE);
  lookupPage(page: number) {
    const k = page - DATA_ADDR / PAGE_SIZE;
    if (k < 0 || k >= DATA_SIZE / PAGE_SIZE) return undefined;
    return { ram: this.ram, offset: k * PAGE_SIZE, attr: _RWX_WB };
  }
}

/** Machine state before or after one instruction. */
export interface OneState {
  /** RAX..R15 as unsigned 64-bit values. */
  regs: bigint[];
  /** RFLAGS. */
  rflags: number;
  /** The data area's bytes (DATA_SIZE or fewer; the rest is zero). */
  mem: Uint8Array;
}

/** What running one instruction gave. */
export interface OneResult extends OneState {
  /** Decode status (DEC_OK when it ran). */
  status: number;
  /** Exception vector raised, -1 if none. */
  exc: number;
  /** The decoded instruction. */
  insn: Insn;
}

/** Run `code` (one instruction) in `mode` from `st`. */
export function runOne(mode: 16 | 32 | 64, code: Uint8Array, st: OneState): OneResult {
  const map = new _DataMap();
  map.ram.bytes.set(st.mem);
  const c = new Cpu(map);
  if (mode === 16) {
    for (const s of [DS, ES]) c.segBase[s] = DATA_ADDR;
  }
  for (let n = 0; n < 16; n++) {
    const v = BigInt.asUintN(64, st.regs[n] ?? 0n);
    c.r32[2 * n] = Number(v & 0xffffffffn);
    c.r32[2 * n + 1] = Number(v >> 32n);
  }
  c.flags = (st.rflags & 0xcd5) | 2;
  c.fop = 0;
  c.mode = mode;
  const i = new Insn();
  const status = decode(new ByteSource(code), 0, mode, i);
  let exc = -1;
  if (status === DEC_OK) {
    const h = HANDLERS[i.hid];
    if (h === undefined) throw new Error(`no handler for ${Array.from(code)}`);
    c.ip = 0;
    c.next = i.len;
    try {
      h(c, i);
    } catch (e) {
      if (e !== STOP || c.stopKind !== STOP_EXC) throw e;
      exc = c.excVector;
    }
  }
  const regs: bigint[] = [];
  for (let n = 0; n < 16; n++) {
    regs.push((BigInt(c.r32[2 * n + 1] >>> 0) << 32n) | BigInt(c.r32[2 * n] >>> 0));
  }
  return { status, exc, insn: i, regs, rflags: getFlags(c), mem: map.ram.bytes.slice() };
}

const _REG_NAMES = [
  "rax",
  "rcx",
  "rdx",
  "rbx",
  "rsp",
  "rbp",
  "rsi",
  "rdi",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
];

/** Parsed `name=hex` fields of a vector line: registers, `fl`, `m` (bytes), `exc`. */
interface _Fields {
  regs: Map<number, bigint>;
  fl?: number;
  m?: Uint8Array;
  exc?: number;
}

function _fields(s: string): _Fields {
  const out: _Fields = { regs: new Map() };
  for (const kv of s.trim().split(/\s+/)) {
    if (kv === "") continue;
    const [k, v] = kv.split("=");
    const r = _REG_NAMES.indexOf(k);
    if (r >= 0) out.regs.set(r, BigInt.asUintN(64, BigInt("0x" + v)));
    else if (k === "fl") out.fl = parseInt(v, 16);
    else if (k === "m") out.m = Uint8Array.from(v.match(/../g)!.map((x) => parseInt(x, 16)));
    else if (k === "exc") out.exc = Number(v);
    else throw new Error(`unknown field "${kv}"`);
  }
  return out;
}

/** A vector line's fields as text (the inverse of the parser), for generators. */
export function formatFields(
  regs: Map<number, bigint>,
  extra: { fl?: number; m?: Uint8Array; exc?: number } = {},
): string {
  const parts = [...regs].sort(([a], [b]) => a - b).map(([r, v]) =>
    `${_REG_NAMES[r]}=${v.toString(16)}`
  );
  if (extra.fl !== undefined) parts.push(`fl=${extra.fl.toString(16)}`);
  if (extra.m !== undefined) {
    parts.push(`m=${Array.from(extra.m, (b) => b.toString(16).padStart(2, "0")).join("")}`);
  }
  if (extra.exc !== undefined) parts.push(`exc=${extra.exc}`);
  return parts.join(" ");
}

/**
 * Check single-instruction vectors: lines `mode | bytes | initial | expected`
 * (`#` comments). Initial: registers by name, `fl` (RFLAGS), `m` (bytes of the
 * data area). Expected: the registers that change, `fl` (all six arithmetic
 * flags; omitted: unchanged), `m`, `exc` (an exception vector; nothing may
 * change then). Returns one message per mismatch and the count of lines.
 */
export function checkVectors(text: string): { bad: string[]; count: number } {
  const bad: string[] = [];
  let count = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [mode, hex, init, want] = line.split("|").map((x) => x.trim());
    const a = _fields(init), e = _fields(want);
    const regs = Array.from({ length: 16 }, (_, k) => a.regs.get(k) ?? 0n);
    const mem = a.m ?? new Uint8Array(0);
    const code = Uint8Array.from(hex.split(/\s+/).map((x) => parseInt(x, 16)));
    const r = runOne(Number(mode) as 16 | 32 | 64, code, { regs, rflags: a.fl ?? 2, mem });
    const got: string[] = [];
    if (r.status !== DEC_OK) got.push(`status ${r.status}`);
    if (r.exc !== (e.exc ?? -1)) got.push(`exc ${r.exc}`);
    for (let k = 0; k < 16; k++) {
      const v = e.regs.get(k) ?? regs[k];
      if (r.regs[k] !== v) got.push(`${_REG_NAMES[k]}=${r.regs[k].toString(16)}`);
    }
    const fl = (e.fl ?? a.fl ?? 2) & 0x8d5;
    if ((r.rflags & 0x8d5) !== fl) got.push(`fl=${(r.rflags & 0x8d5).toString(16)}`);
    const m = e.m ?? mem;
    if (m.some((b, k) => r.mem[k] !== b)) got.push("m differs");
    if (got.length > 0) bad.push(`${line}: got ${got.join(" ")}`);
    count++;
  }
  return { bad, count };
}
