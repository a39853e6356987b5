/**
 * Text of a decoded instruction in Intel syntax, spelled as iced-x86's Intel
 * formatter prints it with memory sizes always shown (so the two can be
 * compared): lowercase mnemonics and registers, hex numbers as `0FFh`
 * (0-9 in decimal), branch targets as full-width addresses.
 *
 * @module
 */

import { MNEMONICS, ROW_MNEM, ROW_OPS } from "./_optab.ts";
import { type Insn, P_ASIZE, P_LOCK, P_REP, P_REPNE } from "./insn.ts";
import { Attr, Opk, Osz, oszBytes } from "./operands.ts";
import { DS, SS, ZERO_LANE } from "./state.ts";

const _R8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];
const _R8L = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"];
const _R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const _SEG = ["es", "cs", "ss", "ds", "fs", "gs"];
const _PTR: Record<number, string> = {
  1: "byte ptr ",
  2: "word ptr ",
  4: "dword ptr ",
  6: "fword ptr ",
  8: "qword ptr ",
  10: "tbyte ptr ",
  16: "xmmword ptr ",
  32: "ymmword ptr ",
};

/**
 * The x87 environment or state area's size name when the operand size is
 * not the mode's default (16 bits in 16-bit code, else 32; REX.W counts as
 * 32), as iced-x86 prints it; else nothing.
 */
function _area(i: Insn, s: Osz): string {
  if (s !== Osz.fenv && s !== Osz.fstate) return "";
  const o16 = i.osz === 2;
  if (o16 === (i.mode === 16)) return "";
  return s === Osz.fenv
    ? (o16 ? "fpuenv14 ptr " : "fpuenv28 ptr ")
    : o16
    ? "fpustate94 ptr "
    : "fpustate108 ptr ";
}

/** XMM or YMM register `n` for an operand of `size` bytes. */
function _vreg(n: number, size: number): string {
  return (size === 32 ? "ymm" : "xmm") + n;
}

/** Register `n` of `size` bytes by name; `rex` selects spl-dil over ah-bh. */
export function regName(n: number, size: number, rex = 0): string {
  if (size === 1) return n >= 8 ? `r${n}b` : rex ? _R8[n] : _R8L[n];
  if (size === 2) return n >= 8 ? `r${n}w` : _R16[n];
  if (size === 4) return n >= 8 ? `r${n}d` : "e" + _R16[n];
  return n >= 8 ? `r${n}` : "r" + _R16[n];
}

/** iced-x86's number style: 0-9 decimal, else uppercase hex with `h`, a leading 0 before A-F. */
export function hexNum(v: number | bigint, digits = 0): string {
  if (digits === 0 && v >= 0 && v <= 9) return String(v);
  const h = v.toString(16).toUpperCase().padStart(digits, "0");
  return (/^[A-F]/.test(h) ? "0" : "") + h + "h";
}

function _unsigned(v: number, size: number): bigint {
  if (size === 8) return BigInt.asUintN(64, BigInt(v));
  return BigInt(size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v >>> 0);
}

function _mem(i: Insn, ip: number, size: number): string {
  const asz = i.asz;
  const parts: string[] = [];
  const hasBase = i.base !== ZERO_LANE, hasIndex = i.index !== ZERO_LANE;
  if (hasBase) parts.push(regName(i.base / 2, asz));
  if (hasIndex) {
    const s = 1 << i.scale;
    const name = i.vsib !== 0 ? _vreg(i.index / 2, i.vsib) : regName(i.index / 2, asz);
    parts.push(name + (s !== 1 || !hasBase ? `*${s}` : ""));
  }
  let text = parts.join("+");
  if (i.ripRel) {
    // With 67h the RIP-relative address is EIP-relative: it wraps at 32 bits.
    text = hexNum(BigInt.asUintN(asz === 8 ? 64 : 32, BigInt(ip + i.len) + BigInt(i.disp | 0)));
  } else if (!hasBase && !hasIndex) {
    // A 64-bit moffs has all 64 bits; a ModRM disp32 alone is sign-extended to 64.
    text = hexNum(
      asz !== 8
        ? _unsigned(i.disp, asz)
        : i.modrm >= 0
        ? BigInt.asUintN(64, BigInt(i.disp | 0))
        : BigInt.asUintN(64, (BigInt(i.immHi) << 32n) | BigInt(i.disp >>> 0)),
    );
  } else if (i.disp !== 0) {
    const d = asz === 2 ? (i.disp << 16) >> 16 : i.disp;
    text += (d < 0 ? "-" : "+") + hexNum(Math.abs(d));
  }
  const bp = hasBase && (i.base / 2 === 5 || (i.base / 2 === 4 && asz !== 2));
  const def = bp ? SS : DS;
  // LEA's operand is no access: iced-x86 leaves its segment off.
  const seg =
    i.segPfx >= 0 && i.segPfx !== def && (size > 0 || MNEMONICS[ROW_MNEM[i.row]] !== "lea")
      ? _SEG[i.segPfx] + ":"
      : "";
  return (size > 0 ? _PTR[size] : "") + seg + "[" + text + "]";
}

// Comparison predicates by immediate: CMPPS and kin take the first 8, VCMPPS and kin all 32.
// deno-fmt-ignore
const _CMP = [
  "eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord", "eq_uq", "nge", "ngt", "false", "neq_oq",
  "ge", "gt", "true", "eq_os", "lt_oq", "le_oq", "unord_s", "neq_us", "nlt_uq", "nle_uq", "ord_s",
  "eq_us", "nge_uq", "ngt_uq", "false_os", "neq_os", "ge_oq", "gt_oq", "true_us",
];
const _CLMUL: Record<number, string> = { 0x00: "lqlq", 0x01: "hqlq", 0x10: "lqhq", 0x11: "hqhq" };

/**
 * A mnemonic with a `{cmp}` or `{clmul}` slot names its immediate as iced-x86 does
 * (`cmpeqps`, `pclmullqlqdq`), which then is not shown; other immediates give `cmpps`, `pclmulqdq`.
 */
function _pseudo(m: string, i: Insn, ops: string[]): string {
  const imm = i.imm & 0xff;
  const cmp = m.includes("{cmp}");
  const name = cmp ? (imm < (i.opc >= 0x400 ? 32 : 8) ? _CMP[imm] : undefined) : _CLMUL[imm];
  if (name !== undefined) ops.pop();
  return m.replace(/\{(cmp|clmul)\}/, name ?? (cmp ? "" : "q"));
}

function _mnemonic(i: Insn): string {
  const m = MNEMONICS[ROW_MNEM[i.row]];
  const sz = i.osz === 2 ? "w" : i.osz === 4 ? "d" : "q";
  if (m === "ins" || m === "outs") return m + (i.attr & Attr.BYTE ? "b" : sz);
  if (m === "iret") return i.osz === 2 ? "iret" : i.osz === 4 ? "iretd" : "iretq";
  if (m === "jcxz") return i.asz === 2 ? "jcxz" : i.asz === 4 ? "jecxz" : "jrcxz";
  // "cbw/cwde/cdqe": one name per operand size.
  if (m.includes("/")) return m.split("/")[i.osz === 2 ? 0 : i.osz === 4 ? 1 : 2];
  return m;
}

// Mq is 8 bytes, but CMPXCHG8B with REX.W is CMPXCHG16B's 16.
function _mq(i: Insn): number {
  return i.osz === 8 && MNEMONICS[ROW_MNEM[i.row]].startsWith("cmpxchg8b") ? 16 : 8;
}

/** Format `i` (decoded at address `ip`) as iced-x86's Intel formatter would, memory sizes always shown. */
export function formatInsn(i: Insn, ip = 0): string {
  const ops: string[] = [];
  const osz = i.osz;
  const dq = i.mode === 64 && i.rex & 8 ? 8 : 4; // Gdq, Edq, Bdq
  for (let k = 0; k < 4; k++) {
    const code = ROW_OPS[i.row * 4 + k];
    const op = code & 0xff;
    // Vector, MMX and sized-memory operands: bytes by the size code and VEX.L.
    const vsize = oszBytes(code >> 8, i.vl);
    switch (op) {
      case Opk.NONE:
        break;
      case Opk.V:
        ops.push(_vreg(i.reg, vsize));
        break;
      case Opk.H:
        ops.push(_vreg(i.vvvv, vsize));
        break;
      case Opk.L:
        ops.push(_vreg((i.imm >> 4) & (i.mode === 64 ? 15 : 7), vsize));
        break;
      case Opk.W:
      case Opk.U:
        ops.push(i.rm >= 0 ? _vreg(i.rm, vsize) : _mem(i, ip, vsize));
        break;
      case Opk.P:
        ops.push(`mm${i.reg}`);
        break;
      case Opk.Q:
      case Opk.N:
        ops.push(i.rm >= 0 ? `mm${i.rm}` : _mem(i, ip, vsize));
        break;
      case Opk.Ms:
        ops.push(_area(i, code >> 8) + _mem(i, ip, vsize));
        break;
      case Opk.VSIB:
      case Opk.VSIBX:
        ops.push(_mem(i, ip, vsize));
        break;
      case Opk.AX:
        ops.push("ax");
        break;
      case Opk.R:
        ops.push(i.rm >= 0 ? regName(i.rm, 4) : _mem(i, ip, vsize));
        break;
      case Opk.ST0:
        ops.push("st");
        break;
      case Opk.STi:
        ops.push(`st(${i.rm})`);
        break;
      case Opk.Eb:
      case Opk.Ew:
      case Opk.Ev:
      case Opk.Ey:
      case Opk.Edq:
      case Opk.Ed:
      case Opk.M:
      case Opk.Mq:
      case Opk.Mp:
      case Opk.Ma:
      case Opk.Mb:
      case Opk.Mv: {
        const size = op === Opk.Eb || op === Opk.Mb
          ? 1
          : op === Opk.Ew
          ? 2
          : op === Opk.M
          ? 0
          : op === Opk.Mq
          ? _mq(i)
          : op === Opk.Edq
          ? dq
          : op === Opk.Ed
          ? (osz === 2 ? 2 : 4)
          : op === Opk.Mp
          ? osz + 2
          : op === Opk.Ma
          ? osz * 2
          : osz;
        ops.push(i.rm >= 0 ? regName(i.rm, size, i.rex) : _mem(i, ip, size));
        break;
      }
      case Opk.Evw:
        ops.push(i.rm >= 0 ? regName(i.rm, osz) : _mem(i, ip, 2));
        break;
      case Opk.Gb:
        ops.push(regName(i.reg, 1, i.rex));
        break;
      case Opk.Gw:
        ops.push(regName(i.reg, 2));
        break;
      case Opk.Gd:
        ops.push(regName(i.reg, 4));
        break;
      case Opk.Gv:
      case Opk.Gy:
      case Opk.Zv:
        ops.push(regName(i.reg, osz));
        break;
      case Opk.Zb:
        ops.push(regName(i.reg, 1, i.rex));
        break;
      case Opk.Gdq:
        ops.push(regName(i.reg, dq));
        break;
      case Opk.Bdq:
        ops.push(regName(i.vvvv, dq));
        break;
      case Opk.Ry:
        ops.push(regName(i.rm, osz));
        break;
      case Opk.Cy:
        ops.push(`cr${i.reg}`);
        break;
      case Opk.Dy:
        ops.push(`dr${i.reg}`);
        break;
      case Opk.Ib:
        ops.push(hexNum(i.imm & 0xff));
        break;
      case Opk.Iw:
        ops.push(hexNum(i.imm & 0xffff));
        break;
      case Opk.Ibs:
      case Opk.Iz:
        ops.push(hexNum(_unsigned(i.imm, osz)));
        break;
      case Opk.Iv:
        ops.push(
          hexNum(
            osz === 8
              ? BigInt.asUintN(64, (BigInt(i.immHi) << 32n) | BigInt(i.imm >>> 0))
              : _unsigned(i.imm, osz),
          ),
        );
        break;
      case Opk.Jb:
      case Opk.Jz: {
        // A target of 0-9 is printed in decimal, like any small number.
        const t = BigInt.asUintN(osz * 8, BigInt(ip + i.len) + BigInt(i.imm));
        ops.push(t <= 9n ? String(t) : hexNum(t, osz * 2));
        break;
      }
      case Opk.Ob:
        ops.push(_mem(i, ip, 1));
        break;
      case Opk.Ov:
        ops.push(_mem(i, ip, osz));
        break;
      case Opk.AL:
        ops.push("al");
        break;
      case Opk.eAX:
      case Opk.eAXz:
        ops.push(regName(0, osz));
        break;
      case Opk.DX:
        ops.push("dx");
        break;
      case Opk.CL:
        ops.push("cl");
        break;
      case Opk.ONE:
        ops.push("1");
        break;
      case Opk.Sw:
        ops.push(_SEG[i.reg]);
        break;
      case Opk.Zs:
        ops.push(_SEG[i.opc < 0x100 ? (i.opc >> 3) & 3 : i.opc & 8 ? 5 : 4]);
        break;
      case Opk.Ap:
        ops.push(hexNum(i.imm >>> 0, osz * 2), i.imm2 <= 9 ? String(i.imm2) : hexNum(i.imm2, 4));
        break;
      case Opk.Ib2:
        ops.push(hexNum(i.imm2 & 0xff));
        break;
      case Opk.XLAT: {
        const seg = i.segPfx >= 0 && i.segPfx !== DS ? _SEG[i.segPfx] + ":" : "";
        ops.push(_PTR[1] + seg + "[" + regName(3, i.asz) + "]");
        break;
      }
      case Opk.Xb:
      case Opk.Xz:
      case Opk.Xv:
      case Opk.Yb:
      case Opk.Yz:
      case Opk.Yv: {
        const src = op === Opk.Xb || op === Opk.Xz || op === Opk.Xv;
        const size = op === Opk.Xb || op === Opk.Yb ? 1 : osz;
        // iced-x86 shows an override other than DS on the source, and then es: on the destination.
        const seg = i.segPfx >= 0 && i.segPfx !== DS ? (src ? _SEG[i.segPfx] : "es") + ":" : "";
        ops.push(_PTR[size] + seg + "[" + regName(src ? 6 : 7, i.asz) + "]");
        break;
      }
    }
  }
  let pfx = "";
  if (i.pfx & P_LOCK) pfx += "lock ";
  if (i.pfx & P_REP && (i.opc & ~3) === 0x6c) pfx += "rep ";
  else if (i.pfx & P_REPNE && (i.opc & ~3) === 0x6c) pfx += "repne ";
  let m = _mnemonic(i);
  if (m.includes("{")) m = _pseudo(m, i, ops);
  // F2 on a near branch is MPX's BND prefix (iced-x86 leaves it off JMP rel8); F3 on RET is
  // printed as REP; F2/F3 on a locked or XCHG memory operand, and F3 on a MOV store, are the
  // HLE hints XACQUIRE/XRELEASE.
  if (i.pfx & P_REPNE && /^(j(?![er]?cxz)|call|ret)(?!.* far)/.test(m) && i.opc !== 0xeb) {
    pfx += "bnd ";
  }
  if (i.pfx & P_REP && i.opc === 0xc3) pfx += "rep ";
  const hle = i.rm < 0 && i.modrm >= 0 && (i.pfx & P_LOCK || i.opc === 0x86 || i.opc === 0x87);
  const store = i.rm < 0 && i.modrm >= 0 &&
    (i.opc === 0x88 || i.opc === 0x89 || i.opc === 0xc6 || i.opc === 0xc7);
  if (hle && i.pfx & P_REPNE) pfx = "xacquire " + pfx;
  else if ((hle || store) && i.pfx & P_REP) pfx = "xrelease " + pfx;
  const op0 = ROW_OPS[i.row * 4], op1 = ROW_OPS[i.row * 4 + 1];
  // Size prefixes the operands do not show are printed as data16/32/64, addr16/addr32.
  const implicit = op0 === Opk.NONE || op0 === Opk.Jb || op0 === Opk.Jz || op0 === Opk.Iw ||
    op0 === Opk.Ibs || op0 === Opk.Iz || op0 === Opk.Ap || op0 === Opk.Zs;
  const named = m.startsWith("iret") || MNEMONICS[ROW_MNEM[i.row]].includes("/");
  // Shown only where the size differs from the default: 16 bits in 16-bit code, 64 for
  // near branches and stack operations in 64-bit code (which ignore 66 there), else 32.
  const defOsz = i.mode === 16 ? 2 : i.mode === 64 && i.attr & (Attr.D64 | Attr.F64) ? 8 : 4;
  if (i.attr & Attr.WIDE && implicit && !named && i.osz !== defOsz) {
    pfx += `data${i.osz * 8} `;
  }
  const moffs = op0 === Opk.Ob || op0 === Opk.Ov || op1 === Opk.Ob || op1 === Opk.Ov;
  const monitor = m === "monitor";
  // MASKMOVQ and kin store to the implicit DS:rDI: an override other than DS is a last operand.
  const maskmov = /^v?maskmov(q|dqu)$/.test(m);
  if (i.pfx & P_ASIZE && (moffs || monitor || maskmov || m.startsWith("loop"))) {
    pfx += i.asz === 2 ? "addr16 " : "addr32 ";
  }
  if (monitor && i.segPfx >= 0) pfx += _SEG[i.segPfx] + " ";
  const flat = i.mode === 64 && i.segPfx < 4;
  if (maskmov && i.segPfx >= 0 && i.segPfx !== DS && !flat) ops.push(_SEG[i.segPfx]);
  // IMUL r, r/m, imm with r/m the same register prints as IMUL r, imm.
  if (m === "imul" && ops.length === 3 && ops[0] === ops[1]) ops.splice(1, 1);
  const short = op0 === Opk.Jb && m[0] === "j" && !/^j[er]?cxz$/.test(m);
  return pfx + m + (short ? " short" : "") + (ops.length > 0 ? " " + ops.join(",") : "");
}
