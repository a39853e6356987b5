/**
 * Our decoder (sim/cpu) seen through the normal form: status, length, and
 * `formatInsn`'s text normalised, with the ModRM or moffs memory operand
 * taken from the decoded fields the executor uses (`seg`, `base`, `index`,
 * `scale`, `disp`, `ripRel`) rather than from the text. Needs no iced-x86.
 *
 * @module
 */

import {
  ByteSource,
  DEC_FETCH,
  DEC_INVALID,
  DEC_OK,
  DEC_TOO_LONG,
  decode,
  formatInsn,
  Insn,
} from "../sim/cpu/mod.ts";
import { type Decoded, type DecodeStatus, type MemRef, normalizeIntel } from "./decoder_norm.ts";

/** The address instructions are decoded at (branch targets and RIP-relative operands depend on it). */
export const ORACLE_IP = 0x1000;

const _SEG = ["es", "cs", "ss", "ds", "fs", "gs"];
const _STATUS: Readonly<Record<number, DecodeStatus>> = {
  [DEC_OK]: "ok",
  [DEC_INVALID]: "invalid",
  [DEC_TOO_LONG]: "toolong",
  [DEC_FETCH]: "truncated",
};

const _R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const _insn = new Insn();
// A fresh Insn's base and index are the "no register" lane.
const _NO_REG = _insn.base;

/** Address register `n` for an address size of `asz` bytes. */
function _reg(n: number, asz: number): string {
  if (n >= 8) return asz === 2 ? `r${n}w` : asz === 4 ? `r${n}d` : `r${n}`;
  return asz === 2 ? _R16[n] : (asz === 4 ? "e" : "r") + _R16[n];
}

/** The ModRM or moffs memory operand from the decoded fields, if there is one. */
function _memRef(i: Insn): MemRef | undefined {
  const modrmMem = i.modrm >= 0 && i.modrm < 0xc0 && i.rm < 0;
  const moffs = i.modrm < 0 && i.posDisp >= 0;
  if (!modrmMem && !moffs) return undefined;
  const a = i.asz;
  const base = i.ripRel ? (a === 4 ? "eip" : "rip") : i.base === _NO_REG ? "" : _reg(i.base / 2, a);
  const index = i.index === _NO_REG
    ? ""
    : i.vsib !== 0
    ? `${i.vsib === 32 ? "ymm" : "xmm"}${i.index / 2}`
    : _reg(i.index / 2, a);
  let disp: bigint;
  if (base !== "" || index !== "") disp = BigInt(i.disp);
  else if (a === 2) disp = BigInt(i.disp & 0xffff);
  else if (a === 4) disp = BigInt(i.disp >>> 0);
  else if (moffs) disp = (BigInt(i.immHi >>> 0) << 32n) | BigInt(i.disp >>> 0);
  else disp = BigInt.asUintN(64, BigInt(i.disp));
  return { seg: _SEG[i.seg], base, index, scale: 1 << i.scale, disp };
}

/** Decode `bytes` in `mode` (16, 32, 64) at ORACLE_IP with sim/cpu's decoder, in normal form. */
export function decodeOurs(mode: number, bytes: Uint8Array): Decoded {
  const i = _insn;
  const st = decode(new ByteSource(bytes), 0, mode, i);
  const status = _STATUS[st];
  if (status === undefined) throw new Error(`sim/cpu decode returned unknown status ${st}`);
  if (status !== "ok") return { status, len: i.len, text: status };
  const text = formatInsn(i, ORACLE_IP);
  return { status, len: i.len, text, norm: normalizeIntel(text, mode, { mem: _memRef(i) }) };
}
