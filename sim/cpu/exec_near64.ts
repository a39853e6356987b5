/**
 * Near control transfers in 64-bit mode (SDM vol. 2: JMP, Jcc, CALL, RET,
 * LOOP/LOOPE/LOOPNE, JRCXZ/JECXZ, in their 64-bit operand size): RIP is
 * 64 bits (`c.next` the low half, `c.ipHi` the high half) and a target
 * that is not canonical raises #GP(0) on the branch itself; there is no CS
 * limit. Intel ignores 66h on these (operand size forced to 64 bits, the
 * decoder's F64 attribute); AMD would honour it.
 *
 * LOOP and JRCXZ count in RCX, or in ECX with 67h; a LOOP on ECX writes
 * ECX as 32-bit results do, clearing bits 63:32 of RCX (as the host's AMD
 * Zen 4 does).
 *
 * @module
 */

import { addSp, HI, jump64, nextRip64, push64, readM64, top64 } from "./access.ts";
import { getZF, testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { canonical } from "./paging.ts";
import { type CpuState, raise } from "./state.ts";

function _rel(c: CpuState, i: Insn): void {
  const lo = nextRip64(c, i, i.imm);
  jump64(c, lo, HI[0]);
}

function _jcc(c: CpuState, i: Insn): void {
  if (testCC(c, i.sub)) _rel(c, i);
}

function _loop(c: CpuState, i: Insn): void {
  const r = c.r32;
  let nz: boolean;
  if (i.sub === 3) nz = i.asz === 8 ? (r[2] | r[3]) !== 0 : r[2] !== 0;
  else if (i.asz === 8) {
    const lo = r[2];
    r[2] = lo - 1;
    if (lo === 0) r[3] = r[3] - 1;
    nz = (r[2] | r[3]) !== 0;
  } else {
    r[2] = r[2] - 1;
    r[3] = 0;
    nz = r[2] !== 0;
  }
  let t: boolean;
  if (i.sub === 3) t = !nz;
  else if (i.sub === 1) t = nz && getZF(c) !== 0;
  else if (i.sub === 0) t = nz && getZF(c) === 0;
  else t = nz;
  if (t) _rel(c, i);
}

function _call(c: CpuState, i: Insn, lo: number, hi: number): void {
  if (!canonical(hi)) raise(c, 13, 0);
  const ret = nextRip64(c, i, 0);
  push64(c, ret, HI[0]);
  jump64(c, lo, hi);
}

function _ret(c: CpuState, i: Insn): void {
  const lo = top64(c), hi = HI[0];
  if (!canonical(hi)) raise(c, 13, 0);
  addSp(c, i.posImm >= 0 ? 8 + i.imm : 8);
  jump64(c, lo, hi);
}

/** Handlers of the 64-bit near branches by name. */
export const NEAR64_HANDLERS: Record<string, Handler> = {
  jcc64: _jcc,
  jmp64: _rel,
  loop64: _loop,
  call64: (c, i) => {
    const lo = nextRip64(c, i, i.imm);
    _call(c, i, lo, HI[0]);
  },
  callE64r: (c, i) => _call(c, i, c.r32[i.rmX], c.r32[i.rmX + 1]),
  callE64m: (c, i) => {
    const lo = readM64(c, i);
    _call(c, i, lo, HI[0]);
  },
  jmpE64r: (c, i) => jump64(c, c.r32[i.rmX], c.r32[i.rmX + 1]),
  jmpE64m: (c, i) => {
    const lo = readM64(c, i);
    jump64(c, lo, HI[0]);
  },
  ret64: _ret,
};
