/**
 * MMX, SSE, SSE2 and SSE3 rows of the 0F map (SDM vol. 2, appendix A.3
 * tables ): decoded, not executed yet. Unprefixed rows are NP: a
 * 66, F2 or F3 prefix that has no row of its own at the opcode makes it #UD
 * rather than being ignored. Rows with 66 are NOREP: where there is no
 * unprefixed row (PUNPCKLQDQ, HADDPD) the decoder falls back to the 66 row
 * for an F2 or F3 without one of its own, which must then be #UD too.
 *
 * Most opcodes come in families written as tables: the floating-point
 * operations (ps/pd/ss/sd by prefix), the packed-only ones (ps/pd), and the
 * integer operations with an MMX form (`Pq,Qq`) and an SSE2 form with 66
 * (`Vdq,Wdq`). The rest are listed one encoding a row.
 *
 * @module
 */

import { hexByte, type OpDef, row } from "./defs_row.ts";
import { Attr } from "./operands.ts";

/** Mandatory prefixes in the order of the 4-slot tables below (none, 66, F3, F2). */
const _PFX = ["", "66 ", "F3 ", "F2 "];

/** One encoding: prefix slot (0-3), 0F opcode, ModRM part, mnemonic, form. */
type _Enc = readonly [pfx: number, op: number, modrm: string, mnem: string, form: string];

function _row([pfx, op, modrm, mnem, form]: _Enc): OpDef {
  const enc = `${_PFX[pfx]}0F ${hexByte(op)}${modrm === "" ? "" : " " + modrm}`;
  return row(mnem, enc, form, "", { attr: pfx === 0 ? Attr.NP : pfx === 1 ? Attr.NOREP : 0 });
}

/** Floating-point operations in all four forms (ps, pd, ss, sd); `imm` adds an Ib. */
function _fp(op: number, name: string, imm = ""): _Enc[] {
  return [
    [0, op, "/r", `${name}ps`, "Vdq,Wdq" + imm],
    [1, op, "/r", `${name}pd`, "Vdq,Wdq" + imm],
    [2, op, "/r", `${name}ss`, "Vdq,Wd" + imm],
    [3, op, "/r", `${name}sd`, "Vdq,Wq" + imm],
  ];
}

/** Packed floating-point operations (ps, pd) with the same form. */
function _packed(op: number, name: string, form: string): _Enc[] {
  return [[0, op, "/r", `${name}ps`, form], [1, op, "/r", `${name}pd`, form]];
}

/**
 * Integer operations with an MMX and an SSE2 form, by opcode from 60 and from D0 ("-": none).
 * The low unpacks (60-62) read only a doubleword of MMX memory.
 */
const _INT: readonly [base: number, names: string][] = [
  [
    0x60,
    "punpcklbw punpcklwd punpckldq packsswb pcmpgtb pcmpgtw pcmpgtd packuswb " +
    "punpckhbw punpckhwd punpckhdq packssdw - - - - " +
    "- - - - pcmpeqb pcmpeqw pcmpeqd",
  ],
  [
    0xd0,
    "- psrlw psrld psrlq paddq pmullw - - psubusb psubusw pminub pand paddusb paddusw pmaxub " +
    "pandn pavgb psraw psrad pavgw pmulhuw pmulhw - - psubsb psubsw pminsw por paddsb paddsw " +
    "pmaxsw pxor - psllw pslld psllq pmuludq pmaddwd psadbw - psubb psubw psubd psubq paddb " +
    "paddw paddd",
  ],
];

function _int(): _Enc[] {
  const out: _Enc[] = [];
  for (const [base, names] of _INT) {
    names.split(" ").forEach((m, k) => {
      if (m === "-") return;
      const op = base + k;
      out.push([0, op, "/r", m, op <= 0x62 ? "Pq,Qd" : "Pq,Qq"], [1, op, "/r", m, "Vdq,Wdq"]);
    });
  }
  return out;
}

/** Shift-by-immediate groups 71-73 by ModRM.reg; the byte shifts (`...dq`) have only 66 forms. */
const _SHIFT_GROUPS: readonly [op: number, names: readonly string[]][] = [
  [0x71, ["", "", "psrlw", "", "psraw", "", "psllw", ""]],
  [0x72, ["", "", "psrld", "", "psrad", "", "pslld", ""]],
  [0x73, ["", "", "psrlq", "psrldq", "", "", "psllq", "pslldq"]],
];

function _shifts(): _Enc[] {
  const out: _Enc[] = [];
  for (const [op, names] of _SHIFT_GROUPS) {
    names.forEach((m, n) => {
      if (m === "") return;
      if (!m.endsWith("dq")) out.push([0, op, `/${n}`, m, "Nq,Ib"]);
      out.push([1, op, `/${n}`, m, "Udq,Ib"]);
    });
  }
  return out;
}

// MOVD moves a doubleword; with REX.W (64-bit operand size) it is MOVQ.
const _MOVD = "movd/movd/movq";

/** Encodings outside the families, by opcode. */
// deno-fmt-ignore
const _OTHER: readonly _Enc[] = [
  [0, 0x10, "/r", "movups", "Vdq,Wdq"], [1, 0x10, "/r", "movupd", "Vdq,Wdq"],
  [2, 0x10, "/r", "movss", "Vdq,Wd"], [3, 0x10, "/r", "movsd", "Vdq,Wq"],
  [0, 0x11, "/r", "movups", "Wdq,Vdq"], [1, 0x11, "/r", "movupd", "Wdq,Vdq"],
  [2, 0x11, "/r", "movss", "Wd,Vdq"], [3, 0x11, "/r", "movsd", "Wq,Vdq"],
  [0, 0x12, "/rm", "movlps", "Vdq,Mq"], [0, 0x12, "/rr", "movhlps", "Vdq,Udq"],
  [1, 0x12, "/rm", "movlpd", "Vdq,Mq"], [2, 0x12, "/r", "movsldup", "Vdq,Wdq"],
  [3, 0x12, "/r", "movddup", "Vdq,Wq"],
  [0, 0x13, "/r", "movlps", "Mq,Vdq"], [1, 0x13, "/r", "movlpd", "Mq,Vdq"],
  [0, 0x16, "/rm", "movhps", "Vdq,Mq"], [0, 0x16, "/rr", "movlhps", "Vdq,Udq"],
  [1, 0x16, "/rm", "movhpd", "Vdq,Mq"], [2, 0x16, "/r", "movshdup", "Vdq,Wdq"],
  [0, 0x17, "/r", "movhps", "Mq,Vdq"], [1, 0x17, "/r", "movhpd", "Mq,Vdq"],
  [0, 0x2a, "/r", "cvtpi2ps", "Vdq,Qq"], [1, 0x2a, "/r", "cvtpi2pd", "Vdq,Qq"],
  [2, 0x2a, "/r", "cvtsi2ss", "Vdq,Edq"], [3, 0x2a, "/r", "cvtsi2sd", "Vdq,Edq"],
  [0, 0x2c, "/r", "cvttps2pi", "Pq,Wq"], [1, 0x2c, "/r", "cvttpd2pi", "Pq,Wdq"],
  [2, 0x2c, "/r", "cvttss2si", "Gdq,Wd"], [3, 0x2c, "/r", "cvttsd2si", "Gdq,Wq"],
  [0, 0x2d, "/r", "cvtps2pi", "Pq,Wq"], [1, 0x2d, "/r", "cvtpd2pi", "Pq,Wdq"],
  [2, 0x2d, "/r", "cvtss2si", "Gdq,Wd"], [3, 0x2d, "/r", "cvtsd2si", "Gdq,Wq"],
  [0, 0x2e, "/r", "ucomiss", "Vdq,Wd"], [1, 0x2e, "/r", "ucomisd", "Vdq,Wq"],
  [0, 0x2f, "/r", "comiss", "Vdq,Wd"], [1, 0x2f, "/r", "comisd", "Vdq,Wq"],
  [0, 0x50, "/r", "movmskps", "Gd,Udq"], [1, 0x50, "/r", "movmskpd", "Gd,Udq"],
  [0, 0x52, "/r", "rsqrtps", "Vdq,Wdq"], [2, 0x52, "/r", "rsqrtss", "Vdq,Wd"],
  [0, 0x53, "/r", "rcpps", "Vdq,Wdq"], [2, 0x53, "/r", "rcpss", "Vdq,Wd"],
  [0, 0x5a, "/r", "cvtps2pd", "Vdq,Wq"], [1, 0x5a, "/r", "cvtpd2ps", "Vdq,Wdq"],
  [2, 0x5a, "/r", "cvtss2sd", "Vdq,Wd"], [3, 0x5a, "/r", "cvtsd2ss", "Vdq,Wq"],
  [0, 0x5b, "/r", "cvtdq2ps", "Vdq,Wdq"], [1, 0x5b, "/r", "cvtps2dq", "Vdq,Wdq"],
  [2, 0x5b, "/r", "cvttps2dq", "Vdq,Wdq"],
  [1, 0x6c, "/r", "punpcklqdq", "Vdq,Wdq"], [1, 0x6d, "/r", "punpckhqdq", "Vdq,Wdq"],
  [0, 0x6e, "/r", _MOVD, "Pq,Edq"], [1, 0x6e, "/r", _MOVD, "Vdq,Edq"],
  [0, 0x6f, "/r", "movq", "Pq,Qq"], [1, 0x6f, "/r", "movdqa", "Vdq,Wdq"],
  [2, 0x6f, "/r", "movdqu", "Vdq,Wdq"],
  [0, 0x70, "/r", "pshufw", "Pq,Qq,Ib"], [1, 0x70, "/r", "pshufd", "Vdq,Wdq,Ib"],
  [2, 0x70, "/r", "pshufhw", "Vdq,Wdq,Ib"], [3, 0x70, "/r", "pshuflw", "Vdq,Wdq,Ib"],
  [0, 0x77, "", "emms", ""],
  [1, 0x7c, "/r", "haddpd", "Vdq,Wdq"], [3, 0x7c, "/r", "haddps", "Vdq,Wdq"],
  [1, 0x7d, "/r", "hsubpd", "Vdq,Wdq"], [3, 0x7d, "/r", "hsubps", "Vdq,Wdq"],
  [0, 0x7e, "/r", _MOVD, "Edq,Pq"], [1, 0x7e, "/r", _MOVD, "Edq,Vdq"],
  [2, 0x7e, "/r", "movq", "Vdq,Wq"],
  [0, 0x7f, "/r", "movq", "Qq,Pq"], [1, 0x7f, "/r", "movdqa", "Wdq,Vdq"],
  [2, 0x7f, "/r", "movdqu", "Wdq,Vdq"],
  [0, 0xc4, "/r", "pinsrw", "Pq,Rw,Ib"], [1, 0xc4, "/r", "pinsrw", "Vdq,Rw,Ib"],
  [0, 0xc5, "/r", "pextrw", "Gd,Nq,Ib"], [1, 0xc5, "/r", "pextrw", "Gd,Udq,Ib"],
  [1, 0xd0, "/r", "addsubpd", "Vdq,Wdq"], [3, 0xd0, "/r", "addsubps", "Vdq,Wdq"],
  [1, 0xd6, "/r", "movq", "Wq,Vdq"], [2, 0xd6, "/r", "movq2dq", "Vdq,Nq"],
  [3, 0xd6, "/r", "movdq2q", "Pq,Udq"],
  [0, 0xd7, "/r", "pmovmskb", "Gd,Nq"], [1, 0xd7, "/r", "pmovmskb", "Gd,Udq"],
  [1, 0xe6, "/r", "cvttpd2dq", "Vdq,Wdq"], [2, 0xe6, "/r", "cvtdq2pd", "Vdq,Wq"],
  [3, 0xe6, "/r", "cvtpd2dq", "Vdq,Wdq"],
  [0, 0xe7, "/r", "movntq", "Mq,Pq"], [1, 0xe7, "/r", "movntdq", "Mdq,Vdq"],
  [3, 0xf0, "/r", "lddqu", "Vdq,Mdq"],
  [0, 0xf7, "/r", "maskmovq", "Pq,Nq"], [1, 0xf7, "/r", "maskmovdqu", "Vdq,Udq"],
];

/**
 * Where the unprefixed rows of an opcode differ by ModRM.mod (MOVLPS/MOVHLPS), the table
 * generator keeps its prefixed rows apart by ModRM too: each `/r` of them becomes `/rm`, `/rr`.
 */
function _byMod(encs: readonly _Enc[]): _Enc[] {
  const split = new Set(encs.filter((e) => e[0] === 0 && e[2].length === 3).map((e) => e[1]));
  return encs.flatMap((e): _Enc[] => {
    const [pfx, op, modrm, mnem, form] = e;
    if (pfx === 0 || modrm !== "/r" || !split.has(op)) return [e];
    return [[pfx, op, "/rm", mnem, form], [pfx, op, "/rr", mnem, form]];
  });
}

/** MMX, SSE, SSE2 and SSE3 rows of the 0F map. */
export const SSE_DEFS: readonly OpDef[] = _byMod([
  ..._packed(0x14, "unpckl", "Vdq,Wdq"),
  ..._packed(0x15, "unpckh", "Vdq,Wdq"),
  ..._packed(0x28, "mova", "Vdq,Wdq"),
  ..._packed(0x29, "mova", "Wdq,Vdq"),
  ..._packed(0x2b, "movnt", "Mdq,Vdq"),
  ..._fp(0x51, "sqrt"),
  ..._packed(0x54, "and", "Vdq,Wdq"),
  ..._packed(0x55, "andn", "Vdq,Wdq"),
  ..._packed(0x56, "or", "Vdq,Wdq"),
  ..._packed(0x57, "xor", "Vdq,Wdq"),
  ..._fp(0x58, "add"),
  ..._fp(0x59, "mul"),
  ..._fp(0x5c, "sub"),
  ..._fp(0x5d, "min"),
  ..._fp(0x5e, "div"),
  ..._fp(0x5f, "max"),
  ..._fp(0xc2, "cmp{cmp}", ",Ib"),
  ..._packed(0xc6, "shuf", "Vdq,Wdq,Ib"),
  ..._int(),
  ..._shifts(),
  ..._OTHER,
]).map(_row);
