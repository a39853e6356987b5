/**
 * What each executed instruction of a case leaves undefined, from the
 * simulator's single-stepped run (native_sim.ts `traceOnSim`): flags and
 * registers, folded over the sequence into the masks oracle/compare.ts
 * applies, or a reason the case cannot be compared at all.
 *
 * Sources. The row the simulator's own decoder picks (sim/cpu/defs.ts)
 * gives the flags an instruction writes (`fw`); sim/cpu/undefined_flags.ts
 * gives those the SDM leaves undefined for the operands at hand (`fu`
 * narrowed by the shift count) and the undefined results (16-bit SHLD/SHRD
 * past 16); oracle/compare.ts's vendor table widens them for the host.
 * iced-x86 gives the flags it reads and the registers it reads and writes.
 * Beyond those:
 * - a shift or rotate whose count masks to 0, and a REP CMPS/SCAS with a
 *   zero count, write no flag;
 * - BSF/BSR with a zero source (ZF = 1 after it) leave the destination
 *   undefined (Intel; AMD documents it unchanged).
 * A later read of an undefined flag or register makes the case "tainted";
 * an undefined memory result makes it incomparable too.
 *
 * @module
 */

import {
  Decoder,
  DecoderOptions,
  Instruction,
  InstructionInfoFactory,
  MemorySizeExt,
  Mnemonic,
  OpAccess,
  OpKind,
  type Register,
  RegisterExt,
} from "iced-x86";
import {
  type FlagEffect,
  foldUndefined,
  type Masks,
  type Outcome,
  vendorFlagMask,
} from "../oracle/compare.ts";
import { NATIVE_CODE_ADDR } from "../oracle/mod.ts";
import {
  ByteSource,
  DEC_OK,
  decode,
  Insn,
  OPDEFS,
  undefinedFlags,
  undefinedResult,
} from "../sim/cpu/mod.ts";
import { gprNumber } from "./gen_insn_operands.ts";
import { icedFlags } from "./gen_insn_table.ts";
import type { SimStep } from "./native_sim.ts";

const _ZF = 0x40;

/** Masks for a case, or why it cannot be compared. */
export interface CaseMasks {
  /** What to mask (valid also when tainted, for reports). */
  masks: Masks;
  /** Set when the sequence reads something undefined (or leaves undefined bytes in memory). */
  tainted?: string;
}

/** One executed instruction's effect: flags, and registers it leaves undefined (by number). */
export interface StepEffect extends FlagEffect {
  /** Lowercase mnemonic. */
  mnemonic: string;
  /** Registers whose value is undefined afterwards: number → bits. */
  undefRegs: Map<number, bigint>;
  /** The result in memory is undefined. */
  undefMemory: boolean;
  /** Registers (numbers) it reads, its address registers included. */
  reads: number;
  /** Registers it writes in full (32- or 64-bit writes), which makes them defined again. */
  defines: number;
}

/**
 * Masks for the case `code` whose single-stepped run is `steps`, ending in
 * `outcome` (the simulator's), on a host of CPU vendor `vendor`.
 */
export function caseMasks(
  code: Uint8Array,
  steps: readonly SimStep[],
  outcome: Outcome,
  vendor: string,
): CaseMasks {
  const effects = steps.map((s, k) =>
    stepEffect(code, s, k + 1 < steps.length ? steps[k + 1].rflags : outcome.rflags, vendor)
  );
  const flags = foldUndefined(effects);
  if (flags.tainted >= 0) {
    return {
      masks: { flags: flags.flags },
      tainted:
        `${effects[flags.tainted].mnemonic} (instruction ${flags.tainted + 1}) reads a flag ` +
        `an earlier instruction left undefined`,
    };
  }
  const regs = new Map<number, bigint>();
  for (let k = 0; k < effects.length; k++) {
    const e = effects[k];
    if (e.undefMemory) {
      return { masks: { flags: flags.flags }, tainted: `${e.mnemonic} leaves memory undefined` };
    }
    for (const n of regs.keys()) {
      if (e.reads & (1 << n)) {
        return {
          masks: { flags: flags.flags },
          tainted: `${e.mnemonic} (instruction ${
            k + 1
          }) reads a register an earlier one left undefined`,
        };
      }
      if (e.defines & (1 << n)) regs.delete(n);
    }
    for (const [n, bits] of e.undefRegs) regs.set(n, (regs.get(n) ?? 0n) | bits);
  }
  const masks: Masks = { flags: flags.flags };
  if (regs.size > 0) {
    masks.regs = Array.from({ length: 16 }, (_, n) => regs.get(n) ?? 0n);
  }
  return { masks };
}

const _insn = new Insn();
const _info = new InstructionInfoFactory();

/** The effect of the instruction at `step.rip` of `code`, given the flags after it. */
export function stepEffect(
  code: Uint8Array,
  step: SimStep,
  flagsAfter: bigint,
  vendor: string,
): StepEffect {
  const off = Number(step.rip - NATIVE_CODE_ADDR);
  const bytes = code.subarray(off, off + 15);
  const d = new Decoder(64, bytes, DecoderOptions.None);
  d.ip = step.rip;
  const i = new Instruction();
  d.decodeOut(i);
  d.free();
  try {
    const mnemonic = Mnemonic[i.mnemonic].toLowerCase();
    const count = _count(i, step);
    let written: number, undef: number, result = false;
    const st = decode(new ByteSource(code), off, 64, _insn);
    const row = st === DEC_OK && _insn.row >= 0 ? OPDEFS[_insn.row] : undefined;
    if (row !== undefined && row.h !== "") {
      undef = undefinedFlags(_insn, count);
      written = row.fw;
      result = undefinedResult(_insn, count);
    } else {
      written = icedFlags(i.rflagsWritten | i.rflagsCleared | i.rflagsSet);
      undef = icedFlags(i.rflagsUndefined);
    }
    undef |= vendorFlagMask(vendor, mnemonic);
    const e: StepEffect = {
      mnemonic,
      read: icedFlags(i.rflagsRead),
      written: written & ~undef,
      undefined: undef,
      undefRegs: new Map(),
      undefMemory: false,
      reads: 0,
      defines: 0,
    };
    if (result) {
      if (i.op0Kind === OpKind.Register) _undefReg(e, i.op0Register, _width(i));
      else e.undefMemory = true;
    }
    _registers(i, e);
    _refine(i, e, step, count, flagsAfter);
    return e;
  } finally {
    i.free();
  }
}

/** Registers `i` reads, and those it writes whole. */
function _registers(i: Instruction, e: StepEffect): void {
  const info = _info.info(i);
  for (const u of info.usedRegisters()) {
    const n = gprNumber(u.register), a = u.access;
    if (n >= 0) {
      if (
        a === OpAccess.Read || a === OpAccess.CondRead || a === OpAccess.ReadWrite ||
        a === OpAccess.ReadCondWrite
      ) {
        e.reads |= 1 << n;
      }
      if (a === OpAccess.Write && RegisterExt.size(u.register) >= 4) e.defines |= 1 << n;
    }
    u.free();
  }
  info.free();
}

/** The count operand of a shift or rotate (CL or the immediate, unmasked), else 0. */
function _count(i: Instruction, step: SimStep): number {
  if (!_COUNTED.has(i.mnemonic) || i.opCount < 2) return 0;
  const k = i.opCount - 1;
  return i.opKind(k) === OpKind.Register ? Number(step.regs[1] & 0xffn) : i.immediate8;
}

/** What the row and undefined_flags.ts do not say (see the module doc). */
function _refine(
  i: Instruction,
  e: StepEffect,
  step: SimStep,
  count: number,
  flagsAfter: bigint,
): void {
  const mn = i.mnemonic;
  if (_COUNTED.has(mn)) {
    if ((count & (_width(i) === 64 ? 63 : 31)) === 0) _none(e);
    return;
  }
  switch (mn) {
    case Mnemonic.Bsf:
    case Mnemonic.Bsr:
      // A 16-bit destination keeps bits 63:16 on any vendor; a 32-bit one may be zero-extended.
      if (flagsAfter & BigInt(_ZF)) _undefReg(e, i.op0Register, _width(i) === 16 ? 16 : 64);
      return;
    case Mnemonic.Cmpsb:
    case Mnemonic.Cmpsw:
    case Mnemonic.Cmpsd:
    case Mnemonic.Cmpsq:
    case Mnemonic.Scasb:
    case Mnemonic.Scasw:
    case Mnemonic.Scasd:
    case Mnemonic.Scasq: {
      const a32 = [0, 1].some((k) => _ADDR32.has(i.opKind(k)));
      const rcx = a32 ? step.regs[1] & 0xffff_ffffn : step.regs[1];
      if ((i.hasRepePrefix || i.hasRepnePrefix) && rcx === 0n) _none(e);
      return;
    }
  }
}

const _COUNTED = new Set<Mnemonic>([
  Mnemonic.Shl,
  Mnemonic.Sal,
  Mnemonic.Shr,
  Mnemonic.Sar,
  Mnemonic.Rol,
  Mnemonic.Ror,
  Mnemonic.Rcl,
  Mnemonic.Rcr,
  Mnemonic.Shld,
  Mnemonic.Shrd,
]);

function _none(e: StepEffect): void {
  e.written = 0;
  e.undefined = 0;
}

function _undefReg(e: StepEffect, reg: Register, bits: number): void {
  const n = gprNumber(reg);
  if (n >= 0) e.undefRegs.set(n, bits >= 32 ? (1n << 64n) - 1n : (1n << BigInt(bits)) - 1n);
}

/** Operand size of `i` in bits, from its first operand. */
function _width(i: Instruction): number {
  if (i.op0Kind === OpKind.Register) return RegisterExt.size(i.op0Register) * 8;
  return Math.max(8, MemorySizeExt.size(i.memorySize) * 8);
}

// String operands with 32-bit addresses (67 prefix): the count is ECX.
const _ADDR32 = new Set<OpKind>([OpKind.MemorySegESI, OpKind.MemorySegEDI, OpKind.MemoryESEDI]);
