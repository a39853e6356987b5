/**
 * Undefined flags and results of the general-purpose arithmetic, logic and
 * bit instructions: which ones the SDM leaves undefined for given operands,
 * and the fixed value this simulator gives each (SDM vol. 2, each
 * instruction's "Flags Affected"; vol. 1 appendix A).
 *
 * The defs.ts rows carry `fu`, the union over all operands; `undefinedFlags`
 * narrows it for the operands at hand (shift counts), which is what a
 * comparison against hardware must mask. `UNDEFINED_CHOICES` documents the
 * values given, for docs/undefined-flags.md (gen/undefined_flags.ts).
 *
 * The modeled CPU is an Intel Skylake. Intel does not document what its
 * parts leave in undefined flags; where a value is known for Intel P6-family
 * cores (which include Skylake) it is used, and otherwise a simple rule is
 * chosen and marked as a choice. AMD Zen 4 (this project's oracle host,
 * oracle/host_cpu.ts) is noted where it differs.
 *
 * @module
 */

import { MNEMONICS, ROW_FU, ROW_MNEM } from "./_optab.ts";
import type { Insn } from "./insn.ts";
import { AF, Attr, CF, OF, PF, SF, ZF } from "./operands.ts";

const _OSZAPC = OF | SF | ZF | AF | PF | CF;

/** One documented choice: for these mnemonics, these flags, when, the value given. */
export interface UndefinedChoice {
  /** Mnemonics (as in defs.ts) the choice applies to. */
  readonly mnems: readonly string[];
  /** Flags left undefined (a mask of CF PF AF ZF SF OF), or 0 for a result-only entry. */
  readonly flags: number;
  /** When the SDM leaves them undefined. */
  readonly when: string;
  /** The value this simulator gives. */
  readonly value: string;
  /** Why that value: known hardware behaviour, or a choice. */
  readonly basis: string;
}

/** Every fixed value the simulator gives to an undefined flag or result. */
export const UNDEFINED_CHOICES: readonly UndefinedChoice[] = Object.freeze([
  {
    mnems: ["and", "or", "xor", "test"],
    flags: AF,
    when: "always",
    value: "AF = 0",
    basis: "What Intel P6-family, NetBurst and AMD cores all do (sandpile.org flags table).",
  },
  {
    mnems: ["shl", "shr", "sar"],
    flags: AF,
    when: "masked count not 0",
    value: "AF = 0",
    basis: "Choice (NetBurst's value per sandpile.org; P6 family unknown). Zen 4 sets AF = 1.",
  },
  {
    mnems: ["shl", "shr", "sar", "rol", "ror", "rcl", "rcr"],
    flags: OF,
    when: "masked count above 1",
    value:
      "the count-1 rule applied to the last one-bit step: SHL/ROL/RCL OF = MSB(result) XOR CF; " +
      "SHR OF = 0; SAR OF = 0; ROR/RCR OF = XOR of the two top bits of the result",
    basis: "Choice; it is what Zen 4 does (probed) and what QEMU models.",
  },
  {
    mnems: ["shl", "shr"],
    flags: CF,
    when: "8- and 16-bit operands, masked count >= operand size",
    value: "the last bit shifted out of the operand extended with zeros (0 once count > size)",
    basis: "Choice: the natural continuation of the defined rule.",
  },
  {
    mnems: ["shld", "shrd"],
    flags: AF | OF,
    when: "masked count not 0 (AF), above 1 (OF)",
    value: "AF = 0; OF = MSB(result) XOR CF (SHLD), XOR of the two top result bits (SHRD)",
    basis: "Choice, as for SHL/SHR (last one-bit step).",
  },
  {
    mnems: ["shld", "shrd"],
    flags: _OSZAPC,
    when: "16-bit operand, masked count above 16 (the result is undefined too)",
    value:
      "result: the 48-bit dest:src:src (SHRD: src:src:dest) shifted by the count, its top (SHRD: " +
      "low) 16 bits; CF = the last bit shifted out of it; SF ZF PF from the result; OF, AF as above",
    basis:
      "Zen 4 gives this result (probed); Bochs documents the same dest:src:src pattern for x86.",
  },
  {
    mnems: ["mul", "imul"],
    flags: SF | ZF | AF | PF,
    when: "always",
    value: "unchanged",
    basis:
      "Choice. Intel parts differ by generation (NetBurst computes SF ZF PF from the low half); a " +
      "public report shows an Intel Core not setting SF for a negative IMUL result. Zen 4 keeps them.",
  },
  {
    mnems: ["div", "idiv"],
    flags: _OSZAPC,
    when: "always",
    value: "unchanged",
    basis: "Choice (Bochs does the same). Zen 4 keeps CF OF, clears SF ZF PF and sets AF.",
  },
  {
    mnems: ["bt", "bts", "btr", "btc"],
    flags: OF | SF | AF | PF,
    when: "always",
    value: "unchanged (ZF, defined unchanged by Intel, undefined for AMD, is unchanged too)",
    basis: "Choice; Zen 4 keeps them.",
  },
  {
    mnems: ["bsf", "bsr"],
    flags: CF | OF | SF | AF | PF,
    when: "always",
    value: "CF = OF = SF = AF = 0; PF from the result's low byte (0 for a zero source, so PF = 1)",
    basis: "NetBurst's documented values (sandpile.org); Zen 4 does the same.",
  },
  {
    mnems: ["bsf", "bsr"],
    flags: 0,
    when: "source 0: the destination is undefined (Intel)",
    value: "the whole destination register unchanged, also bits 63:32 of a 32-bit one",
    basis: "AMD documents it; Intel parts are reported to do it too; Zen 4 does.",
  },
  {
    mnems: ["tzcnt", "lzcnt"],
    flags: OF | SF | AF | PF,
    when: "always",
    value: "0",
    basis: "Choice. Zen 4 keeps OF and clears SF AF PF.",
  },
  {
    mnems: ["bswap"],
    flags: 0,
    when: "16-bit operand: the result is undefined",
    value: "the low 16 bits of the register become 0",
    basis: "What Intel and AMD parts are reported to do; Zen 4 does.",
  },
  {
    mnems: ["aaa", "aas"],
    flags: OF | SF | ZF | PF,
    when: "always",
    value: "OF = SF = 0; ZF and PF from the final AL",
    basis: "NetBurst's values (sandpile.org); the P6 family differs in OF and ZF, unknown exactly.",
  },
  {
    mnems: ["aam"],
    flags: OF | AF | CF,
    when: "always",
    value: "0",
    basis: "P5, P6 family and NetBurst all clear them (sandpile.org).",
  },
  {
    mnems: ["aad"],
    flags: OF | AF | CF,
    when: "always",
    value: "as the 8-bit addition AL + (AH * imm8) that AAD performs sets them",
    basis: "P5, P6 family and NetBurst (sandpile.org).",
  },
  {
    mnems: ["daa", "das"],
    flags: OF,
    when: "always",
    value: "0",
    basis: "NetBurst and Core 2 (sandpile.org); P6 family listed as undefined.",
  },
  {
    mnems: ["andn", "blsi", "blsmsk", "blsr", "bzhi"],
    flags: AF | PF,
    when: "always",
    value: "AF = 0; PF from the result's low byte",
    basis: "Choice: as for a logical operation. Zen 4 clears AF.",
  },
  {
    mnems: ["bextr"],
    flags: AF | SF | PF,
    when: "always",
    value: "AF = 0; SF and PF from the result",
    basis: "Choice: as for a logical operation (Intel cores reportedly differ in SF).",
  },
]);

// Index of a mnemonic in MNEMONICS, -1 if none.
function _m(name: string): number {
  return MNEMONICS.indexOf(name);
}
const _SHL = _m("shl"), _SHR = _m("shr"), _SAR = _m("sar");
const _ROT = [_m("rol"), _m("ror"), _m("rcl"), _m("rcr")];
const _SHLD = _m("shld"), _SHRD = _m("shrd"), _BSWAP = _m("bswap");

/**
 * The flags `i` leaves undefined when its count operand (CL or the
 * immediate, before masking; ignored by instructions without one) is
 * `count`. A subset of the row's `fu`.
 */
export function undefinedFlags(i: Insn, count: number): number {
  const m = ROW_MNEM[i.row], bits = i.attr & Attr.BYTE ? 8 : i.osz * 8;
  const n = count & (bits === 64 ? 63 : 31);
  if (m === _SHL || m === _SHR || m === _SAR) {
    if (n === 0) return 0;
    return AF | (n > 1 ? OF : 0) | (m !== _SAR && n >= bits ? CF : 0);
  }
  if (_ROT.includes(m)) return n > 1 ? OF : 0;
  if (m === _SHLD || m === _SHRD) {
    if (n === 0) return 0;
    if (n > bits) return _OSZAPC;
    return AF | (n > 1 ? OF : 0);
  }
  return ROW_FU[i.row];
}

/**
 * Whether the result (the destination) of `i` is undefined for this count:
 * 16-bit SHLD/SHRD with a masked count above 16, 16-bit BSWAP.
 */
export function undefinedResult(i: Insn, count: number): boolean {
  const m = ROW_MNEM[i.row];
  if (i.osz !== 2) return false;
  if (m === _BSWAP) return true;
  return (m === _SHLD || m === _SHRD) && (count & 31) > 16;
}
