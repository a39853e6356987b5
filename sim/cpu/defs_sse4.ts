/**
 * SSSE3, SSE4.1, SSE4.2, AES-NI and PCLMULQDQ rows of the legacy 0F 38 and
 * 0F 3A maps: decoded, not executed yet. The SSSE3 integer operations exist
 * on MMX registers (no prefix, NP) and on XMM registers (66); everything else
 * here exists only with 66, so those opcodes have no unprefixed row and are
 * #UD without it. F2/F3 with no row of their own make these maps' opcodes
 * #UD in the decoder itself.
 *
 * BLENDVPS, BLENDVPD and PBLENDVB read XMM0 implicitly; iced-x86's Intel
 * text leaves it out, and so do these forms. With REX.W in 64-bit mode
 * PEXTRD/PINSRD become PEXTRQ/PINSRQ and PCMPESTRI/PCMPESTRM take 64-bit
 * lengths (iced-x86: pcmpestri64, pcmpestrm64); the mandatory 66 makes the
 * operand size 16 bits without REX.W, so their `/` mnemonics pick the first
 * name then and the last with REX.W.
 *
 * @module
 */

import { hexByte, type OpDef, row } from "./defs_row.ts";
import { Attr } from "./operands.ts";

const NP = { attr: Attr.NP };

// SSSE3 integer operations of 0F 38: on MMX registers unprefixed, on XMM registers with 66.
const _SSSE3: readonly (readonly [string, number])[] = [
  ["pshufb", 0x00],
  ["phaddw", 0x01],
  ["phaddd", 0x02],
  ["phaddsw", 0x03],
  ["pmaddubsw", 0x04],
  ["phsubw", 0x05],
  ["phsubd", 0x06],
  ["phsubsw", 0x07],
  ["psignb", 0x08],
  ["psignw", 0x09],
  ["psignd", 0x0a],
  ["pmulhrsw", 0x0b],
  ["pabsb", 0x1c],
  ["pabsw", 0x1d],
  ["pabsd", 0x1e],
];

// 66 0F 38 operations on whole XMM registers: Vdq,Wdq.
const _XMM38: readonly (readonly [string, number])[] = [
  ["pblendvb", 0x10],
  ["blendvps", 0x14],
  ["blendvpd", 0x15],
  ["ptest", 0x17],
  ["pmuldq", 0x28],
  ["pcmpeqq", 0x29],
  ["packusdw", 0x2b],
  ["pcmpgtq", 0x37],
  ["pminsb", 0x38],
  ["pminsd", 0x39],
  ["pminuw", 0x3a],
  ["pminud", 0x3b],
  ["pmaxsb", 0x3c],
  ["pmaxsd", 0x3d],
  ["pmaxuw", 0x3e],
  ["pmaxud", 0x3f],
  ["pmulld", 0x40],
  ["phminposuw", 0x41],
  ["aesimc", 0xdb],
  ["aesenc", 0xdc],
  ["aesenclast", 0xdd],
  ["aesdec", 0xde],
  ["aesdeclast", 0xdf],
];

// PMOVSX (66 0F 38 20-25) and PMOVZX (30-35): element pair and the memory source's size.
const _PMOV: readonly (readonly [string, string])[] = [
  ["bw", "q"],
  ["bd", "d"],
  ["bq", "w"],
  ["wd", "q"],
  ["wq", "d"],
  ["dq", "q"],
];

// 66 0F 3A operations with an immediate byte: opcode, mnemonic, form.
const _IMM3A: readonly (readonly [number, string, string])[] = [
  [0x08, "roundps", "Vdq,Wdq,Ib"],
  [0x09, "roundpd", "Vdq,Wdq,Ib"],
  [0x0a, "roundss", "Vdq,Wd,Ib"],
  [0x0b, "roundsd", "Vdq,Wq,Ib"],
  [0x0c, "blendps", "Vdq,Wdq,Ib"],
  [0x0d, "blendpd", "Vdq,Wdq,Ib"],
  [0x0e, "pblendw", "Vdq,Wdq,Ib"],
  [0x0f, "palignr", "Vdq,Wdq,Ib"],
  [0x14, "pextrb", "Rb,Vdq,Ib"],
  [0x15, "pextrw", "Rw,Vdq,Ib"],
  [0x16, "pextrd/pextrd/pextrq", "Edq,Vdq,Ib"],
  [0x17, "extractps", "Rd,Vdq,Ib"],
  [0x20, "pinsrb", "Vdq,Rb,Ib"],
  [0x21, "insertps", "Vdq,Wd,Ib"],
  [0x22, "pinsrd/pinsrd/pinsrq", "Vdq,Edq,Ib"],
  [0x40, "dpps", "Vdq,Wdq,Ib"],
  [0x41, "dppd", "Vdq,Wdq,Ib"],
  [0x42, "mpsadbw", "Vdq,Wdq,Ib"],
  [0x44, "pclmul{clmul}dq", "Vdq,Wdq,Ib"],
  [0x60, "pcmpestrm/pcmpestrm/pcmpestrm64", "Vdq,Wdq,Ib"],
  [0x61, "pcmpestri/pcmpestri/pcmpestri64", "Vdq,Wdq,Ib"],
  [0x62, "pcmpistrm", "Vdq,Wdq,Ib"],
  [0x63, "pcmpistri", "Vdq,Wdq,Ib"],
  [0xdf, "aeskeygenassist", "Vdq,Wdq,Ib"],
];

function _rows(): OpDef[] {
  const rows: OpDef[] = [];
  for (const [m, op] of _SSSE3) {
    rows.push(
      row(m, `0F 38 ${hexByte(op)} /r`, "Pq,Qq", "", NP),
      row(m, `66 0F 38 ${hexByte(op)} /r`, "Vdq,Wdq", ""),
    );
  }
  for (const [m, op] of _XMM38) rows.push(row(m, `66 0F 38 ${hexByte(op)} /r`, "Vdq,Wdq", ""));
  _PMOV.forEach(([e, s], k) => {
    rows.push(
      row(`pmovsx${e}`, `66 0F 38 ${hexByte(0x20 + k)} /r`, `Vdq,W${s}`, ""),
      row(`pmovzx${e}`, `66 0F 38 ${hexByte(0x30 + k)} /r`, `Vdq,W${s}`, ""),
    );
  });
  rows.push(
    row("movntdqa", "66 0F 38 2A /rm", "Vdq,Mdq", ""),
    row("palignr", "0F 3A 0F /r", "Pq,Qq,Ib", "", NP),
  );
  for (const [op, m, f] of _IMM3A) rows.push(row(m, `66 0F 3A ${hexByte(op)} /r`, f, ""));
  return rows;
}

/** SSSE3, SSE4.1, SSE4.2, AES-NI and PCLMULQDQ rows of the 0F 38 and 0F 3A maps. */
export const SSE4_DEFS: readonly OpDef[] = _rows();
