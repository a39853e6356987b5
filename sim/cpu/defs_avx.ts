/**
 * AVX and AVX2 rows of the VEX 0F map (the VEX forms of SSE to SSE3): decoded,
 * not executed yet. Packed rows take VEX.L as their width (Lx); scalar rows
 * ignore it (LIG); rows the SDM defines only for 128 bits (moves of a quadword
 * or less, VPINSRW, VPEXTRW, VMASKMOVDQU, VLDMXCSR) are #UD with VEX.L = 1.
 * VEX.W is ignored except where it sizes a general register (VMOVD/VMOVQ,
 * VCVTSI2SS and kin); a row with no vvvv operand requires vvvv = 1111b.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";

/** [mnemonic, opcode] pairs, written `"58 vaddps 59 vmulps"`. */
function _pairs(s: string): [string, string][] {
  const t = s.split(" ");
  const out: [string, string][] = [];
  for (let k = 0; k < t.length; k += 2) out.push([t[k + 1], t[k]]);
  return out;
}

/** One row per pair of `ops`, all with encoding prefix `pre` and the same `form` and ModRM. */
function _each(pre: string, ops: string, form: string, modrm = "/r"): OpDef[] {
  return _pairs(ops).map(([m, op]) => row(m, `${pre} ${op} ${modrm}`, form, ""));
}

// Floating-point arithmetic in all four types: PS (none), PD (66), SS (F3), SD (F2).
const _FP4 = "58 add 59 mul 5C sub 5D min 5E div 5F max";
// The same with PS and PD only.
const _FP2 = "54 and 55 andn 56 or 57 xor";

function _fp(): OpDef[] {
  const rows: OpDef[] = [];
  for (const [m, op] of _pairs(_FP4)) {
    rows.push(
      row(`v${m}ps`, `VEX.Lx.0F ${op} /r`, "Vx,Hx,Wx", ""),
      row(`v${m}pd`, `VEX.Lx.66.0F ${op} /r`, "Vx,Hx,Wx", ""),
      row(`v${m}ss`, `VEX.LIG.F3.0F ${op} /r`, "Vdq,Hdq,Wd", ""),
      row(`v${m}sd`, `VEX.LIG.F2.0F ${op} /r`, "Vdq,Hdq,Wq", ""),
    );
  }
  for (const [m, op] of _pairs(_FP2)) {
    rows.push(
      row(`v${m}ps`, `VEX.Lx.0F ${op} /r`, "Vx,Hx,Wx", ""),
      row(`v${m}pd`, `VEX.Lx.66.0F ${op} /r`, "Vx,Hx,Wx", ""),
    );
  }
  rows.push(
    row("vcmp{cmp}ps", "VEX.Lx.0F C2 /r", "Vx,Hx,Wx,Ib", ""),
    row("vcmp{cmp}pd", "VEX.Lx.66.0F C2 /r", "Vx,Hx,Wx,Ib", ""),
    row("vcmp{cmp}ss", "VEX.LIG.F3.0F C2 /r", "Vdq,Hdq,Wd,Ib", ""),
    row("vcmp{cmp}sd", "VEX.LIG.F2.0F C2 /r", "Vdq,Hdq,Wq,Ib", ""),
    row("vsqrtps", "VEX.Lx.0F 51 /r", "Vx,Wx", ""),
    row("vsqrtpd", "VEX.Lx.66.0F 51 /r", "Vx,Wx", ""),
    row("vsqrtss", "VEX.LIG.F3.0F 51 /r", "Vdq,Hdq,Wd", ""),
    row("vsqrtsd", "VEX.LIG.F2.0F 51 /r", "Vdq,Hdq,Wq", ""),
    row("vrsqrtps", "VEX.Lx.0F 52 /r", "Vx,Wx", ""),
    row("vrsqrtss", "VEX.LIG.F3.0F 52 /r", "Vdq,Hdq,Wd", ""),
    row("vrcpps", "VEX.Lx.0F 53 /r", "Vx,Wx", ""),
    row("vrcpss", "VEX.LIG.F3.0F 53 /r", "Vdq,Hdq,Wd", ""),
    row("vucomiss", "VEX.LIG.0F 2E /r", "Vdq,Wd", ""),
    row("vucomisd", "VEX.LIG.66.0F 2E /r", "Vdq,Wq", ""),
    row("vcomiss", "VEX.LIG.0F 2F /r", "Vdq,Wd", ""),
    row("vcomisd", "VEX.LIG.66.0F 2F /r", "Vdq,Wq", ""),
    ..._each("VEX.Lx.0F", "14 vunpcklps 15 vunpckhps", "Vx,Hx,Wx"),
    ..._each("VEX.Lx.66.0F", "14 vunpcklpd 15 vunpckhpd 7C vhaddpd 7D vhsubpd", "Vx,Hx,Wx"),
    ..._each("VEX.Lx.66.0F", "D0 vaddsubpd", "Vx,Hx,Wx"),
    ..._each("VEX.Lx.F2.0F", "7C vhaddps 7D vhsubps D0 vaddsubps", "Vx,Hx,Wx"),
    row("vshufps", "VEX.Lx.0F C6 /r", "Vx,Hx,Wx,Ib", ""),
    row("vshufpd", "VEX.Lx.66.0F C6 /r", "Vx,Hx,Wx,Ib", ""),
  );
  return rows;
}

// Conversions. A widening one reads half the destination's width, a narrowing one writes an
// XMM register whatever VEX.L; with a general register, VEX.W picks 32 or 64 bits.
function _cvt(): OpDef[] {
  return [
    row("vcvtps2pd", "VEX.Lx.0F 5A /r", "Vx,Wxh", ""),
    row("vcvtpd2ps", "VEX.Lx.66.0F 5A /r", "Vdq,Wx", ""),
    row("vcvtss2sd", "VEX.LIG.F3.0F 5A /r", "Vdq,Hdq,Wd", ""),
    row("vcvtsd2ss", "VEX.LIG.F2.0F 5A /r", "Vdq,Hdq,Wq", ""),
    row("vcvtdq2ps", "VEX.Lx.0F 5B /r", "Vx,Wx", ""),
    row("vcvtps2dq", "VEX.Lx.66.0F 5B /r", "Vx,Wx", ""),
    row("vcvttps2dq", "VEX.Lx.F3.0F 5B /r", "Vx,Wx", ""),
    row("vcvttpd2dq", "VEX.Lx.66.0F E6 /r", "Vdq,Wx", ""),
    row("vcvtdq2pd", "VEX.Lx.F3.0F E6 /r", "Vx,Wxh", ""),
    row("vcvtpd2dq", "VEX.Lx.F2.0F E6 /r", "Vdq,Wx", ""),
    row("vcvtsi2ss", "VEX.LIG.F3.0F 2A /r", "Vdq,Hdq,Edq", ""),
    row("vcvtsi2sd", "VEX.LIG.F2.0F 2A /r", "Vdq,Hdq,Edq", ""),
    row("vcvttss2si", "VEX.LIG.F3.0F 2C /r", "Gdq,Wd", ""),
    row("vcvttsd2si", "VEX.LIG.F2.0F 2C /r", "Gdq,Wq", ""),
    row("vcvtss2si", "VEX.LIG.F3.0F 2D /r", "Gdq,Wd", ""),
    row("vcvtsd2si", "VEX.LIG.F2.0F 2D /r", "Gdq,Wq", ""),
  ];
}

// Moves: loads at the opcode, stores at opcode + 1 (or the pair given).
function _moves(): OpDef[] {
  const rows: OpDef[] = [];
  const full: [string, string, string][] = [
    ["vmovups", "VEX.Lx.0F", "10 11"],
    ["vmovupd", "VEX.Lx.66.0F", "10 11"],
    ["vmovaps", "VEX.Lx.0F", "28 29"],
    ["vmovapd", "VEX.Lx.66.0F", "28 29"],
    ["vmovdqa", "VEX.Lx.66.0F", "6F 7F"],
    ["vmovdqu", "VEX.Lx.F3.0F", "6F 7F"],
  ];
  for (const [m, pre, ops] of full) {
    const [ld, st] = ops.split(" ");
    rows.push(row(m, `${pre} ${ld} /r`, "Vx,Wx", ""), row(m, `${pre} ${st} /r`, "Wx,Vx", ""));
  }
  // VMOVSS/VMOVSD: registers merge with vvvv, memory takes no vvvv.
  for (const [m, pre, sz] of [["vmovss", "VEX.LIG.F3.0F", "d"], ["vmovsd", "VEX.LIG.F2.0F", "q"]]) {
    rows.push(
      row(m, `${pre} 10 /rr`, "Vdq,Hdq,Udq", ""),
      row(m, `${pre} 10 /rm`, `Vdq,M${sz}`, ""),
      row(m, `${pre} 11 /rr`, "Udq,Hdq,Vdq", ""),
      row(m, `${pre} 11 /rm`, `M${sz},Vdq`, ""),
    );
  }
  // The low and high quadword moves: a register source names the other half's move.
  rows.push(
    row("vmovhlps", "VEX.128.0F 12 /rr", "Vdq,Hdq,Udq", ""),
    row("vmovlps", "VEX.128.0F 12 /rm", "Vdq,Hdq,Mq", ""),
    row("vmovlps", "VEX.128.0F 13 /rm", "Mq,Vdq", ""),
    row("vmovlpd", "VEX.128.66.0F 12 /rm", "Vdq,Hdq,Mq", ""),
    row("vmovlpd", "VEX.128.66.0F 13 /rm", "Mq,Vdq", ""),
    row("vmovlhps", "VEX.128.0F 16 /rr", "Vdq,Hdq,Udq", ""),
    row("vmovhps", "VEX.128.0F 16 /rm", "Vdq,Hdq,Mq", ""),
    row("vmovhps", "VEX.128.0F 17 /rm", "Mq,Vdq", ""),
    row("vmovhpd", "VEX.128.66.0F 16 /rm", "Vdq,Hdq,Mq", ""),
    row("vmovhpd", "VEX.128.66.0F 17 /rm", "Mq,Vdq", ""),
    row("vmovsldup", "VEX.Lx.F3.0F 12 /r", "Vx,Wx", ""),
    row("vmovshdup", "VEX.Lx.F3.0F 16 /r", "Vx,Wx", ""),
    // VMOVDDUP reads one quadword at 128 bits, the whole source at 256.
    row("vmovddup", "VEX.128.F2.0F 12 /r", "Vdq,Wq", ""),
    row("vmovddup", "VEX.256.F2.0F 12 /r", "Vqq,Wqq", ""),
    row("vmovntps", "VEX.Lx.0F 2B /rm", "Mx,Vx", ""),
    row("vmovntpd", "VEX.Lx.66.0F 2B /rm", "Mx,Vx", ""),
    row("vmovntdq", "VEX.Lx.66.0F E7 /rm", "Mx,Vx", ""),
    row("vlddqu", "VEX.Lx.F2.0F F0 /rm", "Vx,Mx", ""),
    row("vmaskmovdqu", "VEX.128.66.0F F7 /rr", "Vdq,Udq", ""),
    // VEX.W1 makes VMOVD VMOVQ in 64-bit code only; elsewhere it is ignored.
    row("vmovd/vmovd/vmovq", "VEX.128.66.0F 6E /r", "Vdq,Edq", ""),
    row("vmovd/vmovd/vmovq", "VEX.128.66.0F 7E /r", "Edq,Vdq", ""),
    row("vmovq", "VEX.128.F3.0F 7E /r", "Vdq,Wq", ""),
    row("vmovq", "VEX.128.66.0F D6 /r", "Wq,Vdq", ""),
    // Sign masks to a 32-bit general register.
    row("vmovmskps", "VEX.Lx.0F 50 /rr", "Gd,Ux", ""),
    row("vmovmskpd", "VEX.Lx.66.0F 50 /rr", "Gd,Ux", ""),
    row("vpmovmskb", "VEX.Lx.66.0F D7 /rr", "Gd,Ux", ""),
    row("vpinsrw", "VEX.128.66.0F C4 /r", "Vdq,Hdq,Rw,Ib", ""),
    row("vpextrw", "VEX.128.66.0F C5 /rr", "Gd,Udq,Ib", ""),
  );
  return rows;
}

// Integer rows (VEX.66): AVX at 128 bits, AVX2 at 256.
const _INT3 = "60 vpunpcklbw 61 vpunpcklwd 62 vpunpckldq 63 vpacksswb 64 vpcmpgtb 65 vpcmpgtw " +
  "66 vpcmpgtd 67 vpackuswb 68 vpunpckhbw 69 vpunpckhwd 6A vpunpckhdq 6B vpackssdw " +
  "6C vpunpcklqdq 6D vpunpckhqdq 74 vpcmpeqb 75 vpcmpeqw 76 vpcmpeqd D4 vpaddq D5 vpmullw " +
  "D8 vpsubusb D9 vpsubusw DA vpminub DB vpand DC vpaddusb DD vpaddusw DE vpmaxub DF vpandn " +
  "E0 vpavgb E3 vpavgw E4 vpmulhuw E5 vpmulhw E8 vpsubsb E9 vpsubsw EA vpminsw EB vpor " +
  "EC vpaddsb ED vpaddsw EE vpmaxsw EF vpxor F4 vpmuludq F5 vpmaddwd F6 vpsadbw F8 vpsubb " +
  "F9 vpsubw FA vpsubd FB vpsubq FC vpaddb FD vpaddw FE vpaddd";
// Shifts by a count in the low quadword of an XMM register or 128-bit memory.
const _SHIFT = "D1 vpsrlw D2 vpsrld D3 vpsrlq E1 vpsraw E2 vpsrad F1 vpsllw F2 vpslld F3 vpsllq";
// Shifts by an immediate: opcode, then [ModRM.reg, mnemonic] pairs. VEX.vvvv is the destination.
const _SHIFT_IMM: readonly [string, string][] = [
  ["71", "2 vpsrlw 4 vpsraw 6 vpsllw"],
  ["72", "2 vpsrld 4 vpsrad 6 vpslld"],
  ["73", "2 vpsrlq 3 vpsrldq 6 vpsllq 7 vpslldq"],
];

function _int(): OpDef[] {
  const rows = [
    ..._each("VEX.Lx.66.0F", _INT3, "Vx,Hx,Wx"),
    ..._each("VEX.Lx.66.0F", _SHIFT, "Vx,Hx,Wdq"),
    row("vpshufd", "VEX.Lx.66.0F 70 /r", "Vx,Wx,Ib", ""),
    row("vpshufhw", "VEX.Lx.F3.0F 70 /r", "Vx,Wx,Ib", ""),
    row("vpshuflw", "VEX.Lx.F2.0F 70 /r", "Vx,Wx,Ib", ""),
  ];
  for (const [op, regs] of _SHIFT_IMM) {
    for (const [m, reg] of _pairs(regs)) {
      rows.push(row(m, `VEX.Lx.66.0F ${op} /${reg}r`, "Hx,Ux,Ib", ""));
    }
  }
  return rows;
}

/** AVX and AVX2 rows of the VEX 0F map. */
export const AVX_DEFS: readonly OpDef[] = [
  ..._fp(),
  ..._cvt(),
  ..._moves(),
  ..._int(),
  row("vldmxcsr", "VEX.LZ.0F AE /2m", "Md", ""),
  row("vstmxcsr", "VEX.LZ.0F AE /3m", "Md", ""),
  row("vzeroupper", "VEX.128.0F 77", "", ""),
  row("vzeroall", "VEX.256.0F 77", "", ""),
];
