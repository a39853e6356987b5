/**
 * x87 floating-point rows (D8-DF, FWAIT): decoded, not executed yet.
 *
 * Spelled as iced-x86 prints them: the implicit stack top is shown (`fadd
 * st,dword ptr [rax]`, `fst dword ptr [rax],st`), a register form with
 * ST(1), the SDM's operand-less default, is printed with no operands
 * (`D8 D1` is `fcom`, `DE C1` is `faddp`), and the environment and state
 * areas of FLDENV/FNSTENV/FRSTOR/FNSAVE are named only when an operand-size
 * prefix changes their size (`fpuenv14 ptr`). The reserved aliases
 * Intel CPUs execute (D9 D8-DF `fstpnce`, DC D0-DF, DD C8-CF, DE D0-D7,
 * DF C8-DF) are listed, and so are FNENI, FNDISI and FNSETPM, no-ops
 * since the 387.
 *
 * @module
 */

import { hexByte, type OpDef, row } from "./defs_row.ts";

/** Arithmetic in /N order, shared by D8/DC (real) and DA/DE (integer) memory forms. */
const _ARITH = ["add", "mul", "com", "comp", "sub", "subr", "div", "divr"];

/**
 * Memory forms by opcode, /0 to /7: [mnemonic, form], or null where the
 * slot is #UD. Arithmetic ones come from _ARITH.
 */
// deno-fmt-ignore
const _MEM: readonly (readonly (readonly [string, string] | null)[])[] = [
  _ARITH.map((a) => [`f${a}`, "ST0,Md"] as const),
  [["fld", "ST0,Md"], null, ["fst", "Md,ST0"], ["fstp", "Md,ST0"],
    ["fldenv", "Mfenv"], ["fldcw", "Mw"], ["fnstenv", "Mfenv"], ["fnstcw", "Mw"]],
  _ARITH.map((a) => [`fi${a}`, "ST0,Md"] as const),
  [["fild", "ST0,Md"], ["fisttp", "Md,ST0"], ["fist", "Md,ST0"], ["fistp", "Md,ST0"],
    null, ["fld", "ST0,Mt"], null, ["fstp", "Mt,ST0"]],
  _ARITH.map((a) => [`f${a}`, "ST0,Mq"] as const),
  [["fld", "ST0,Mq"], ["fisttp", "Mq,ST0"], ["fst", "Mq,ST0"], ["fstp", "Mq,ST0"],
    ["frstor", "Mfstate"], null, ["fnsave", "Mfstate"], ["fnstsw", "Mw"]],
  _ARITH.map((a) => [`fi${a}`, "ST0,Mw"] as const),
  [["fild", "ST0,Mw"], ["fisttp", "Mw,ST0"], ["fist", "Mw,ST0"], ["fistp", "Mw,ST0"],
    ["fbld", "ST0,Mt"], ["fild", "ST0,Mq"], ["fbstp", "Mt,ST0"], ["fistp", "Mq,ST0"]],
];

/**
 * Register forms by opcode, /0 to /7: [mnemonic, form], or null where the
 * row has only exact-byte forms (below) or none. A mnemonic ending in `*`
 * prints no operands for ST(1) (rm = 1).
 */
// deno-fmt-ignore
const _REG: readonly (readonly (readonly [string, string] | null)[])[] = [
  [["fadd", "ST0,STi"], ["fmul", "ST0,STi"], ["fcom*", "ST0,STi"], ["fcomp*", "ST0,STi"],
    ["fsub", "ST0,STi"], ["fsubr", "ST0,STi"], ["fdiv", "ST0,STi"], ["fdivr", "ST0,STi"]],
  [["fld", "ST0,STi"], ["fxch*", "ST0,STi"], null, ["fstpnce", "STi,ST0"], null, null, null, null],
  [["fcmovb", "ST0,STi"], ["fcmove", "ST0,STi"], ["fcmovbe", "ST0,STi"], ["fcmovu", "ST0,STi"],
    null, null, null, null],
  [["fcmovnb", "ST0,STi"], ["fcmovne", "ST0,STi"], ["fcmovnbe", "ST0,STi"],
    ["fcmovnu", "ST0,STi"], null, ["fucomi", "ST0,STi"], ["fcomi", "ST0,STi"], null],
  [["fadd", "STi,ST0"], ["fmul", "STi,ST0"], ["fcom*", "ST0,STi"], ["fcomp*", "ST0,STi"],
    ["fsubr", "STi,ST0"], ["fsub", "STi,ST0"], ["fdivr", "STi,ST0"], ["fdiv", "STi,ST0"]],
  [["ffree", "STi"], ["fxch*", "ST0,STi"], ["fst", "STi,ST0"], ["fstp", "STi,ST0"],
    ["fucom*", "ST0,STi"], ["fucomp*", "ST0,STi"], null, null],
  [["faddp*", "STi,ST0"], ["fmulp*", "STi,ST0"], ["fcomp*", "ST0,STi"], null,
    ["fsubrp*", "STi,ST0"], ["fsubp*", "STi,ST0"], ["fdivrp*", "STi,ST0"], ["fdivp*", "STi,ST0"]],
  [["ffreep", "STi"], ["fxch*", "ST0,STi"], ["fstp", "STi,ST0"], ["fstp", "STi,ST0"],
    null, ["fucomip", "ST0,STi"], ["fcomip", "ST0,STi"], null],
];

/** Register forms that are one exact ModRM byte: [opcode, first ModRM byte, mnemonics...]. */
// deno-fmt-ignore
const _EXACT: readonly (readonly [number, number, ...string[]])[] = [
  [0xd9, 0xd0, "fnop"],
  [0xd9, 0xe0, "fchs", "fabs", "", "", "ftst", "fxam"],
  [0xd9, 0xe8, "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"],
  [0xd9, 0xf0, "f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp",
    "fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"],
  [0xda, 0xe9, "fucompp"],
  [0xdb, 0xe0, "fneni", "fndisi", "fnclex", "fninit", "fnsetpm"],
  [0xde, 0xd9, "fcompp"],
];

function _x87(): OpDef[] {
  const rows: OpDef[] = [];
  for (let k = 0; k < 8; k++) {
    const op = hexByte(0xd8 + k);
    _MEM[k].forEach((d, r) => {
      if (d !== null) rows.push(row(d[0], `${op} /${r}m`, d[1], ""));
    });
    _REG[k].forEach((d, r) => {
      if (d === null) return;
      const m = d[0].replace("*", "");
      rows.push(row(m, `${op} /${r}r`, d[1], ""));
      // Later rows take their ModRM slot over: ST(1) with no operands.
      if (d[0].endsWith("*")) rows.push(row(m, `${op} ${hexByte(0xc1 + r * 8)}`, "", ""));
    });
  }
  for (const [op, first, ...names] of _EXACT) {
    names.forEach((m, j) => {
      if (m !== "") rows.push(row(m, `${hexByte(op)} ${hexByte(first + j)}`, "", ""));
    });
  }
  rows.push(row("fnstsw", "DF E0", "AX", ""), row("fwait", "9B", "", ""));
  return rows;
}

/** x87 floating-point rows. */
export const X87_DEFS: readonly OpDef[] = _x87();
