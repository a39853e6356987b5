/**
 * The instruction forms the native campaign generates: every iced-x86
 * `Code` of the general-purpose instructions in {@link INSN_CLASSES} that is
 * valid in 64-bit mode, legacy- or VEX-encoded, and needs only CPUID
 * features both the modeled Skylake and the host have. Each form keeps its
 * operand kinds, from which gen_insn.ts builds operands.
 *
 * Left out on purpose: segment-register, control- and debug-register forms
 * of MOV/PUSH/POP (system state), SSE forms that share a mnemonic (MOVSD,
 * CMPSD), 16-bit BSWAP (its result is undefined), and branches, system
 * calls and I/O (the case must run straight through to its end).
 *
 * @module
 */

import {
  Code,
  CodeExt,
  CpuidFeature,
  EncodingKind,
  Instruction,
  Mnemonic,
  OpCodeOperandKind,
} from "iced-x86";
import type { CpuFeature } from "../oracle/mod.ts";

/** Condition codes in encoding order, as iced-x86 spells them in mnemonics. */
// deno-fmt-ignore
const _CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

/** Instruction classes of the campaign and their iced-x86 mnemonics. */
export const INSN_CLASSES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  mov: ["Mov"],
  lea: ["Lea"],
  movx: ["Movzx", "Movsx", "Movsxd"],
  convert: ["Cbw", "Cwde", "Cdqe", "Cwd", "Cdq", "Cqo"],
  stack: ["Push", "Pop"],
  pushf: ["Pushf", "Pushfq", "Popf", "Popfq"],
  enter: ["Enter", "Leave"],
  arith: ["Add", "Adc", "Sub", "Sbb", "Neg", "Cmp", "Inc", "Dec"],
  mul: ["Mul", "Imul"],
  div: ["Div", "Idiv"],
  logic: ["And", "Or", "Xor", "Not", "Test"],
  shift: ["Shl", "Sal", "Shr", "Sar"],
  rotate: ["Rol", "Ror", "Rcl", "Rcr"],
  shiftd: ["Shld", "Shrd"],
  bt: ["Bt", "Bts", "Btr", "Btc"],
  bitscan: ["Bsf", "Bsr"],
  count: ["Popcnt", "Lzcnt", "Tzcnt"],
  bmi1: ["Andn", "Bextr", "Blsi", "Blsmsk", "Blsr"],
  bmi2: ["Bzhi", "Mulx", "Pdep", "Pext", "Rorx", "Sarx", "Shlx", "Shrx"],
  adx: ["Adcx", "Adox"],
  bswap: ["Bswap"],
  xchg: ["Xchg", "Xadd"],
  cmpxchg: ["Cmpxchg", "Cmpxchg8b", "Cmpxchg16b"],
  setcc: _CC.map((c) => `Set${c}`),
  cmovcc: _CC.map((c) => `Cmov${c}`),
  string: ["b", "w", "d", "q"].flatMap((s) =>
    ["Movs", "Cmps", "Scas", "Lods", "Stos"].map((m) => m + s)
  ),
  flags: ["Lahf", "Sahf", "Clc", "Stc", "Cmc", "Cld", "Std"],
  xlat: ["Xlatb"],
  nop: ["Nop", "Pause"],
  movbe: ["Movbe"],
  crc32: ["Crc32"],
});

/** One instruction form. */
export interface InsnTemplate {
  /** iced-x86's name of the form (`Add_rm8_r8`). */
  readonly name: string;
  /** iced-x86's code of the form. */
  readonly code: Code;
  /** Lowercase mnemonic (`add`). */
  readonly mnemonic: string;
  /** Its key in {@link INSN_CLASSES}. */
  readonly cls: string;
  /** Host features it needs (empty for the x86-64 baseline). */
  readonly needs: readonly CpuFeature[];
  /** Operand kinds, in operand order. */
  readonly ops: readonly OpCodeOperandKind[];
}

// CPUID features of the baseline (every x86-64 CPU) and those the host must report.
const _BASE = new Set<CpuidFeature>([
  CpuidFeature.INTEL8086,
  CpuidFeature.INTEL186,
  CpuidFeature.INTEL286,
  CpuidFeature.INTEL386,
  CpuidFeature.INTEL486,
  CpuidFeature.X64,
  CpuidFeature.CX8,
  CpuidFeature.PAUSE,
  CpuidFeature.MULTIBYTENOP,
]);
const _HOST: ReadonlyMap<CpuidFeature, CpuFeature> = new Map([
  [CpuidFeature.CMOV, "cmov"],
  [CpuidFeature.BMI1, "bmi1"],
  [CpuidFeature.BMI2, "bmi2"],
  [CpuidFeature.ADX, "adx"],
  [CpuidFeature.POPCNT, "popcnt"],
  [CpuidFeature.LZCNT, "lzcnt"],
  [CpuidFeature.MOVBE, "movbe"],
  [CpuidFeature.SSE4_2, "sse42"],
  [CpuidFeature.CMPXCHG16B, "cx16"],
]);
const _SYSTEM_OPS = new Set<OpCodeOperandKind>([
  OpCodeOperandKind.seg_reg,
  OpCodeOperandKind.cr_reg,
  OpCodeOperandKind.dr_reg,
  OpCodeOperandKind.fs,
  OpCodeOperandKind.gs,
]);
const _SKIP = new Set<string>(["Bswap_r16"]);

function _build(): readonly InsnTemplate[] {
  const clsOf = new Map<Mnemonic, string>();
  for (const [cls, names] of Object.entries(INSN_CLASSES)) {
    for (const n of names) {
      const m = (Mnemonic as unknown as Record<string, Mnemonic>)[n];
      if (m === undefined) throw new Error(`iced-x86 has no mnemonic ${n}`);
      clsOf.set(m, cls);
    }
  }
  const out: InsnTemplate[] = [];
  for (const name of Object.keys(Code)) {
    const code = (Code as unknown as Record<string, Code>)[name];
    if (typeof code !== "number" || _SKIP.has(name)) continue;
    const oc = CodeExt.opCode(code);
    const mnemonic = oc.mnemonic, valid = oc.isInstruction && oc.mode64;
    const encoding = oc.encoding;
    const ops = Array.from({ length: oc.opCount }, (_, k) => oc.opKind(k));
    oc.free();
    const cls = clsOf.get(mnemonic);
    if (cls === undefined || !valid) continue;
    if (encoding !== EncodingKind.Legacy && encoding !== EncodingKind.VEX) continue;
    if (ops.some((k) => _SYSTEM_OPS.has(k) || _isVector(k))) continue;
    const needs: CpuFeature[] = [];
    let ok = true;
    for (const f of _features(code)) {
      const host = _HOST.get(f);
      if (host !== undefined) needs.push(host);
      else if (!_BASE.has(f)) ok = false;
    }
    if (!ok) continue;
    out.push(Object.freeze({
      name,
      code,
      mnemonic: Mnemonic[mnemonic].toLowerCase(),
      cls,
      needs: Object.freeze(needs),
      ops: Object.freeze(ops),
    }));
  }
  return Object.freeze(out);
}

function _isVector(k: OpCodeOperandKind): boolean {
  const n = OpCodeOperandKind[k];
  return n.startsWith("xmm") || n.startsWith("ymm") || n.startsWith("mm_") || n.startsWith("k_");
}

function _features(code: Code): CpuidFeature[] {
  const i = new Instruction();
  i.code = code;
  const f = Array.from(i.cpuidFeatures()) as CpuidFeature[];
  i.free();
  return f;
}

/** Every form the campaign can generate, before host features and exclusions are applied. */
export const INSN_TEMPLATES: readonly InsnTemplate[] = _build();

/** The forms whose features `features` reports. */
export function availableTemplates(
  features: Readonly<Record<CpuFeature, boolean>>,
): InsnTemplate[] {
  return INSN_TEMPLATES.filter((t) => t.needs.every((f) => features[f]));
}

// iced-x86 RflagsBits in bit order: OF SF ZF AF CF PF DF IF AC, and their RFLAGS bits.
const _RFLAGS = [0x800, 0x80, 0x40, 0x10, 0x1, 0x4, 0x400, 0x200, 0x4_0000];

/** iced-x86 RflagsBits as RFLAGS bits (OF SF ZF AF CF PF DF IF AC; FPU and UIF bits dropped). */
export function icedFlags(bits: number): number {
  let out = 0;
  _RFLAGS.forEach((f, k) => {
    if (bits & (1 << k)) out |= f;
  });
  return out;
}
