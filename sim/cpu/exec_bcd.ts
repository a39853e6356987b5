/**
 * Decimal adjust instructions (SDM vol. 2: AAA AAS AAM AAD DAA DAS), valid
 * outside 64-bit mode only (their rows are marked invalid there). AAM with
 * an immediate of 0 raises #DE.
 *
 * Undefined flags get fixed values (listed in undefined_flags.ts): AAA/AAS
 * clear OF and SF and set ZF and PF from the final AL; AAM clears OF AF
 * CF; AAD sets OF AF CF as the 8-bit addition AL + AH * imm8 that it
 * performs; DAA/DAS clear OF.
 *
 * @module
 */

import { getAF, getCF, getFlags, PARITY } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { AF, ARITH, CF, OF, PF, SF, ZF } from "./operands.ts";
import { type CpuState, raise } from "./state.ts";

function _szp(v: number): number {
  v &= 0xff;
  return (v & 0x80 ? SF : 0) | (v === 0 ? ZF : 0) | PARITY[v];
}

function _set(c: CpuState, f: number): void {
  c.flags = (getFlags(c) & ~ARITH) | f;
  c.fop = 0;
}

/** AAA (sub 0) and AAS (sub 1). */
function _aaa(c: CpuState, i: Insn): void {
  const al = c.r8[0];
  if ((al & 0x0f) > 9 || getAF(c)) {
    if (i.sub === 0) c.r16[0] = c.r16[0] + 0x106;
    else {
      c.r16[0] = c.r16[0] - 6;
      c.r8[1] = c.r8[1] - 1;
    }
    c.r8[0] &= 0x0f;
    _set(c, AF | CF | (_szp(c.r8[0]) & (ZF | PF)));
  } else {
    c.r8[0] &= 0x0f;
    _set(c, _szp(c.r8[0]) & (ZF | PF));
  }
}

/** DAA (sub 0) and DAS (sub 1). */
function _daa(c: CpuState, i: Insn): void {
  const old = c.r8[0], oldCF = getCF(c);
  let al = old, cf = 0, af = 0;
  if ((old & 0x0f) > 9 || getAF(c)) {
    if (i.sub === 0) {
      al = old + 6;
      cf = oldCF | (al > 0xff ? CF : 0);
    } else {
      al = old - 6;
      cf = oldCF | (al < 0 ? CF : 0);
    }
    al &= 0xff;
    af = AF;
  }
  if (old > 0x99 || oldCF) {
    al = (i.sub === 0 ? al + 0x60 : al - 0x60) & 0xff;
    cf = CF;
  } else if (i.sub === 0) cf = 0;
  c.r8[0] = al;
  _set(c, cf | af | _szp(al));
}

/** AAM imm8 (sub 0) and AAD imm8 (sub 1). */
function _aam(c: CpuState, i: Insn): void {
  const base = i.imm & 0xff;
  if (i.sub === 0) {
    if (base === 0) raise(c, 0);
    const al = c.r8[0];
    c.r8[1] = Math.floor(al / base);
    c.r8[0] = al % base;
    _set(c, _szp(c.r8[0]));
    return;
  }
  const a = c.r8[0], b = (c.r8[1] * base) & 0xff, r = (a + b) & 0xff;
  c.r16[0] = r;
  const of = ((a ^ r) & (b ^ r) & 0x80) ? OF : 0;
  _set(c, _szp(r) | of | ((a ^ b ^ r) & AF) | (a + b > 0xff ? CF : 0));
}

/** Decimal-adjust handlers by name (see HANDLER_NAMES). */
export const BCD_HANDLERS: Record<string, Handler> = {
  aaa: _aaa,
  daa: _daa,
  aam: _aam,
};
