/**
 * System instructions as they behave in VMX non-root operation under
 * devvmx's controls (SDM vol. 3 §26.1: exceptions based on privilege and
 * #UD come before the exit; §26.1.2 unconditional exits; §26.1.3
 * control-driven exits): CLI, STI, HLT, CPUID, INVD, GETSEC, VMX
 * instructions, XSETBV, MONITOR, MWAIT, RDTSC, RDMSR, WRMSR, MOV CR, MOV DR,
 * UD2.
 *
 * RDTSC is deterministic: the TSC reads as the retired-instruction count
 * (devvmx's TSC offsetting is not modeled; RDTSC does not exit).
 *
 * @module
 */

import { setReg, setReg64 } from "./access.ts";
import {
  EXIT_CR_ACCESS,
  EXIT_DR_ACCESS,
  EXIT_GETSEC,
  EXIT_RDMSR,
  EXIT_WRMSR,
  vmexit,
} from "./exits.ts";
import { Field } from "./fields.ts";
import type { Handler, Insn } from "./insn.ts";
import { refreshMode, writeCr } from "./mode.ts";
import { IF, VM } from "./operands.ts";
import { type CpuState, CS, dead, FS, GS, raise, ZERO_LANE } from "./state.ts";

const _CR4_TSD = 1 << 2, _CR4_DE = 1 << 3;
const _CR4_OSXSAVE = 1 << 18, _CR4_SMXE = 1 << 14;
const _EFER_LME = 0x100, _EFER_LMA = 0x400, _EFER_OK = 0xd01;

function _gp0(c: CpuState): never {
  return raise(c, 13, 0);
}

function _iopl(c: CpuState): number {
  return (c.flags >> 12) & 3;
}

function _pe(c: CpuState): boolean {
  return (c.lo(Field.CR0) & 1) !== 0;
}

function _cli(c: CpuState): void {
  if (_pe(c) && c.cpl > _iopl(c)) _gp0(c);
  c.flags &= ~IF;
}

function _sti(c: CpuState): void {
  if (_pe(c) && c.cpl > _iopl(c)) _gp0(c);
  // Blocking by STI only when IF was 0 (SDM STI; vol. 3 table 25-3).
  if (!(c.flags & IF)) c.newBlock = 1;
  c.flags |= IF;
  c.brk = true;
}

/** Instructions that exit unless an exception of higher priority applies (`i.sub` is the reason). */
function _exitInsn(c: CpuState, i: Insn): void {
  switch (i.sub) {
    case 12: // HLT
    case 13: // INVD
      if (c.cpl > 0) _gp0(c);
      break;
    case 20: // VMLAUNCH, VMRESUME, VMXOFF
    case 24:
    case 26:
      _vmxMode(c);
      break;
    case 55: // XSETBV
      if (!(c.lo(Field.CR4) & _CR4_OSXSAVE)) raise(c, 6);
      if (c.cpl > 0) _gp0(c);
      break;
  }
  vmexit(c, i.sub, 0, i.len);
}

/** #UD for VMX instructions outside protected mode, in virtual-8086 or compatibility mode. */
function _vmxMode(c: CpuState): void {
  const lma = c.lo(Field.EFER) & _EFER_LMA;
  if (!_pe(c) || c.flags & VM || (lma && !(c.segAr[CS] & 0x2000))) raise(c, 6);
}

/**
 * Instruction information of a memory operand (SDM vol. 3 table 27-13/27-14): scaling 1:0,
 * address size 9:7, segment 17:15, index 21:18 and invalid 22, base 26:23 and invalid 27;
 * bits the SDM leaves undefined are 0.
 */
function _memInfo(i: Insn): number {
  const noIndex = i.index === ZERO_LANE, noBase = i.base === ZERO_LANE;
  return (noIndex ? 1 << 22 : (i.scale | ((i.index >> 1) << 18))) |
    ((i.asz === 2 ? 0 : i.asz === 4 ? 1 : 2) << 7) | (i.seg << 15) |
    (noBase ? 1 << 27 : (i.base >> 1) << 23);
}

/** VMCLEAR, VMPTRLD, VMPTRST, VMXON: exit with the displacement as qualification (§27.2.1). */
function _vmxMem(c: CpuState, i: Insn): void {
  _vmxMode(c);
  vmexit(c, i.sub, i.disp, i.len, _memInfo(i), 0, i.disp >> 31);
}

/** VMREAD, VMWRITE: reg2 (bits 31:28) is the field-encoding register; reg1 (6:3) a register operand. */
function _vmxRW(c: CpuState, i: Insn, mem: boolean): void {
  _vmxMode(c);
  const info = (mem ? _memInfo(i) : (1 << 10) | (i.rm << 3)) | (i.reg << 28);
  vmexit(c, i.sub, mem ? i.disp : 0, i.len, info >>> 0, 0, mem ? i.disp >> 31 : 0);
}

function _monitor(c: CpuState, i: Insn): void {
  if (c.cpl > 0) raise(c, 6);
  // MWAIT's qualification bit 0 (monitor armed) is 0: MONITOR itself exits.
  vmexit(c, i.sub, 0, i.len);
}

function _getsec(c: CpuState, i: Insn): void {
  if (!(c.lo(Field.CR4) & _CR4_SMXE)) raise(c, 6);
  vmexit(c, EXIT_GETSEC, 0, i.len);
}

function _rdtsc(c: CpuState): void {
  if (c.lo(Field.CR4) & _CR4_TSD && c.cpl > 0) _gp0(c);
  const t = c.retired;
  setReg(c, 0, 4, t % 0x100000000);
  setReg(c, 4, 4, Math.floor(t / 0x100000000));
}

function _msrField(msr: number): Field | -1 {
  switch (msr) {
    case 0xc0000080:
      return Field.EFER;
    case 0xc0000081:
      return Field.STAR;
    case 0xc0000082:
      return Field.LSTAR;
    case 0xc0000083:
      return Field.CSTAR;
    case 0xc0000084:
      return Field.SFMASK;
    case 0xc0000102:
      return Field.KERNEL_GS_BASE;
    default:
      return -1;
  }
}

function _segMsr(msr: number): number {
  return msr === 0xc0000100 ? FS : msr === 0xc0000101 ? GS : -1;
}

function _rdmsr(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  const msr = c.r32[2] >>> 0;
  const f = _msrField(msr), s = _segMsr(msr);
  let lo: number, hi: number;
  if (f >= 0) {
    lo = c.lo(f as Field);
    hi = c.hi(f as Field);
  } else if (s >= 0) {
    lo = c.segBase[s];
    hi = c.segBaseHi[s];
  } else return vmexit(c, EXIT_RDMSR, 0, i.len);
  setReg(c, 0, 4, lo);
  setReg(c, 4, 4, hi);
}

function _canonical(hi: number): boolean {
  const t = (hi | 0) >> 15;
  return t === 0 || t === -1;
}

function _wrmsr(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  const msr = c.r32[2] >>> 0;
  const f = _msrField(msr), s = _segMsr(msr);
  const lo = c.r32[0] >>> 0, hi = c.r32[4] >>> 0;
  if (f < 0 && s < 0) vmexit(c, EXIT_WRMSR, 0, i.len);
  if (f === Field.EFER) {
    const old = c.lo(Field.EFER);
    if (hi !== 0 || lo & ~_EFER_OK) _gp0(c);
    if ((lo ^ old) & _EFER_LME && c.lo(Field.CR0) & 0x80000000) _gp0(c);
    c.setWide(Field.EFER, (lo & ~_EFER_LMA) | (old & _EFER_LMA), 0);
    refreshMode(c);
    return;
  }
  if (f !== Field.STAR && f !== Field.SFMASK && !_canonical(hi)) _gp0(c);
  if (s >= 0) {
    c.segBase[s] = lo;
    c.segBaseHi[s] = hi;
  } else c.setWide(f as Field, lo, hi);
}

function _crField(n: number): Field {
  return n === 0 ? Field.CR0 : n === 2 ? Field.CR2 : n === 3 ? Field.CR3 : Field.CR4;
}

function _movRC(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  if (i.reg === 8) dead(c, "unimplemented CR8");
  const f = _crField(i.reg);
  let v = c.lo(f);
  if (f === Field.CR0 || f === Field.CR4) {
    // Host-owned bits read from the read shadow (SDM vol. 3 §26.3).
    const m = c.lo(f === Field.CR0 ? Field.CR0_MASK : Field.CR4_MASK);
    const sh = c.lo(f === Field.CR0 ? Field.CR0_SHADOW : Field.CR4_SHADOW);
    v = (v & ~m) | (sh & m);
  }
  setReg64(c, i.rmX, v, c.mode === 64 ? c.hi(f) : 0);
}

function _movCR(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  if (i.reg === 8) dead(c, "unimplemented CR8");
  let v = c.r32[i.rmX] >>> 0, h = c.mode === 64 ? c.r32[i.rmX + 1] : 0;
  const f = _crField(i.reg);
  if (f === Field.CR0 || f === Field.CR4) {
    const mf = f === Field.CR0 ? Field.CR0_MASK : Field.CR4_MASK;
    const sf = f === Field.CR0 ? Field.CR0_SHADOW : Field.CR4_SHADOW;
    const mlo = c.lo(mf), mhi = c.hi(mf);
    // Exit when a host-owned bit would differ from the shadow (SDM vol. 3 §26.1.3);
    // qualification: CR number, access type 0 (MOV to CR), GPR in bits 11:8 (table 27-3).
    if (((v ^ c.lo(sf)) & mlo) !== 0 || ((h ^ c.hi(sf)) & mhi) !== 0) {
      vmexit(c, EXIT_CR_ACCESS, i.reg | (i.rm << 8), i.len);
    }
    v = (v & ~mlo) | (c.lo(f) & mlo);
    h = (h & ~mhi) | (c.hi(f) & mhi);
  }
  // Checks, PDPTE loads, IA-32e activation and TLB flushes (mode.ts).
  writeCr(c, i.reg, v, h);
}

function _movDR(c: CpuState, i: Insn, toDr: boolean): void {
  if (c.cpl > 0) _gp0(c);
  if (c.lo(Field.CR4) & _CR4_DE && (i.reg === 4 || i.reg === 5)) raise(c, 6);
  if (c.lo(Field.DR7) & 0x2000) dead(c, "unimplemented DR7.GD");
  // Qualification (table 27-4): DR number, bit 4 direction (1 = MOV from DR), GPR in bits 11:8.
  vmexit(c, EXIT_DR_ACCESS, i.reg | (toDr ? 0 : 0x10) | (i.rm << 8), i.len);
}

/** System-category handlers by name. */
export const SYSTEM_HANDLERS: Record<string, Handler> = {
  cli: _cli,
  sti: _sti,
  exitInsn: _exitInsn,
  monitor: _monitor,
  getsec: _getsec,
  rdtsc: _rdtsc,
  rdmsr: _rdmsr,
  wrmsr: _wrmsr,
  movRC: _movRC,
  movCR: _movCR,
  movRD: (c, i) => _movDR(c, i, false),
  movDR: (c, i) => _movDR(c, i, true),
  ud: (c) => raise(c, 6),
  vmxMemm: _vmxMem,
  vmxRWr: (c, i) => _vmxRW(c, i, false),
  vmxRWm: (c, i) => _vmxRW(c, i, true),
};
