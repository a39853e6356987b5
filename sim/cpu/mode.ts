/**
 * Derived execution state: code size, CPL, stack width and the per-segment
 * access limits the hot path checks, recomputed whenever CR0, CR4, EFER,
 * RFLAGS or a segment register changes (SDM vol. 3 §3.4.5 descriptor
 * fields, §5.3 limit checking, §5.4-5.5 type checking; real-address mode
 * with VMX unrestricted guest keeps the cached limits and ignores types).
 *
 * IA-32e mode (EFER.LMA = 1) runs 64-bit code when CS.L = 1 and
 * compatibility mode (32- or 16-bit by CS.D) otherwise (vol. 3 §5.2.1).
 * Cached translations depend on CPL and on the paging controls (CR0.PG,
 * CR0.WP, CR4, EFER.NXE/LMA): when any of them changes here, the TLBs
 * are flushed.
 *
 * @module
 */

import { Field } from "./fields.ts";
import { VM } from "./operands.ts";
import { loadPdptes } from "./paging.ts";
import { type CpuState, CS, dead, raise, SS, TR } from "./state.ts";

// CR0.PG and CR0.WP; CR4.PSE, PAE, PGE, PCIDE, SMEP, SMAP; EFER.LMA and NXE.
const _CR0_PAGING = 0x80010000, _CR4_PAGING = 0x3200b0, _EFER_PAGING = 0xc00;
const _signature = new WeakMap<CpuState, string>();
const _AC = 1 << 18, _AM = 1 << 18;

/**
 * Recompute the derived state of `c`. Returns "" or the message of a mode
 * this CPU does not model.
 */
export function refreshMode(c: CpuState): string {
  const cr0 = c.lo(Field.CR0);
  const pe = (cr0 & 1) !== 0;
  c.paging = (cr0 & 0x80000000) !== 0;
  const csAr = c.segAr[CS];
  const lma = (c.lo(Field.EFER) & 0x400) !== 0;
  c.mode = lma && csAr & 0x2000 ? 64 : csAr & 0x4000 ? 32 : 16;
  c.cpl = pe ? (c.segAr[SS] >> 5) & 3 : 0;
  c.ipMask = c.mode === 16 ? 0xffff : -1;
  c.spMask = c.segAr[SS] & 0x4000 || c.mode === 64 ? -1 : 0xffff;
  c.segOdd = 0;
  for (let s = 0; s < 6; s++) {
    const ar = c.segAr[s], lim = c.segLimit[s];
    let r = lim, w = lim;
    if (pe) {
      if (ar & 0x10000) r = w = -1;
      else if (ar & 8) {
        // Code: readable if type bit 1, never writable.
        if (!(ar & 2)) r = -1;
        w = -1;
      } else {
        if (!(ar & 2)) w = -1;
        if (ar & 4) {
          c.segOdd |= 1 << s;
          r = w = -1;
        }
      }
    }
    c.rlim[s] = r;
    c.wlim[s] = w;
  }
  _flushOnChange(c, cr0);
  if (lma && !c.paging) return "unimplemented IA-32e mode without paging";
  if (pe && c.flags & VM) return "unimplemented virtual-8086 mode";
  if (alignmentChecking(c)) return "unimplemented alignment checking";
  return "";
}

/**
 * Whether alignment checking is on (SDM vol. 3 §6.15 #AC: CR0.AM, RFLAGS.AC,
 * CPL 3). It is not modeled: whatever turns it on stops the run loudly.
 */
export function alignmentChecking(c: CpuState): boolean {
  return c.cpl === 3 && (c.flags & _AC) !== 0 && (c.lo(Field.CR0) & _AM) !== 0;
}

function _flushOnChange(c: CpuState, cr0: number): void {
  const sig = `${c.cpl} ${cr0 & _CR0_PAGING} ${c.lo(Field.CR4) & _CR4_PAGING} ${
    c.lo(Field.EFER) & _EFER_PAGING
  }`;
  if (_signature.get(c) === sig) return;
  _signature.set(c, sig);
  c.tlbR.flush();
  c.tlbW.flush();
  c.tlbX.flush();
}

const _PE = 1, _NW = 0x20000000, _CD = 0x40000000, _PG = 0x80000000;
const _CR4_PSE = 0x10, _CR4_PAE = 0x20, _CR4_PGE = 0x80, _CR4_PCIDE = 0x20000;
const _CR4_SMEP = 0x100000;
// CR4 bits the modeled Skylake allows (IA32_VMX_CR4_FIXED1, 0x3727ff in sim/vmx/host.ts).
const _CR4_VALID = 0x3727ff;
const _LME = 0x100, _LMA = 0x400, _ENTRY_GUEST64 = 0x200;

function _gp0(c: CpuState): never {
  return raise(c, 13, 0);
}

/**
 * The architectural effect of MOV to CR0, CR2, CR3 or CR4 (`n`) of the
 * value `hi:lo`, once VMX non-root operation let it through (the caller
 * handled CR0/CR4 guest/host masks and their exits, and merged the
 * host-owned bits). Raises #GP(0) for invalid settings (SDM vol. 2 MOV
 * CR; vol. 3 §2.5): PG without PE, NW without CD, reserved CR3 or CR4
 * bits, PCIDE outside IA-32e mode or with CR3[11:0] set, clearing PAE in
 * IA-32e mode; activating IA-32e mode (vol. 3 §10.8.5) without PAE, from
 * code with CS.L = 1 or with a 16-bit TSS; leaving it from 64-bit code or
 * with PCIDE. EFER.LMA follows LME and PG, and so does the IA-32e mode
 * guest entry control, which a VM exit would store. With PAE paging, the
 * write loads the PDPTE registers when vol. 3 §4.4.1 says so (#GP(0) for a
 * reserved bit, the register then unchanged). TLBs are flushed.
 */
export function writeCr(c: CpuState, n: number, lo: number, hi: number): void {
  lo >>>= 0;
  if (c.mode !== 64) hi = 0;
  const cr0 = c.lo(Field.CR0), cr4 = c.lo(Field.CR4), efer = c.lo(Field.EFER);
  const lma = (efer & _LMA) !== 0;
  if (n === 2) {
    c.setWide(Field.CR2, lo, hi);
    return;
  }
  if (n === 3) {
    const pcide = (cr4 & _CR4_PCIDE) !== 0;
    // Bits 62:39 are reserved (MAXPHYADDR 39); bit 63 is the no-flush hint with PCIDE.
    if (hi & (pcide ? 0x7fffff80 : 0xffffff80)) _gp0(c);
    if (cr0 & _PG && cr4 & _CR4_PAE && !lma) loadPdptes(c, lo);
    c.setWide(Field.CR3, lo, hi & 0x7f);
  } else if (n === 0) {
    if (hi !== c.hi(Field.CR0)) _gp0(c);
    if (lo & _PG && !(lo & _PE)) _gp0(c);
    if (lo & _NW && !(lo & _CD)) _gp0(c);
    const on = (lo & _PG) !== 0 && !(cr0 & _PG), off = !(lo & _PG) && (cr0 & _PG) !== 0;
    if (on && efer & _LME) {
      if (!(cr4 & _CR4_PAE) || c.segAr[CS] & 0x2000) _gp0(c);
      if ((c.segAr[TR] & 0xf) === 3) _gp0(c);
    }
    if (off && lma && (c.mode === 64 || cr4 & _CR4_PCIDE)) _gp0(c);
    const lmaNew = (efer & _LME) !== 0 && (lo & _PG) !== 0;
    if (lo & _PG && cr4 & _CR4_PAE && !lmaNew && (lo ^ cr0) & (_PG | _CD | _NW)) {
      loadPdptes(c, c.lo(Field.CR3));
    }
    c.setWide(Field.CR0, lo, hi);
    _setLma(c, lmaNew);
  } else {
    if ((lo & ~_CR4_VALID) !== 0 || hi !== c.hi(Field.CR4)) _gp0(c);
    if (lo & _CR4_PCIDE && !(cr4 & _CR4_PCIDE) && (!lma || c.lo(Field.CR3) & 0xfff)) _gp0(c);
    if (lma && !(lo & _CR4_PAE)) _gp0(c);
    const pae = _CR4_PAE | _CR4_PGE | _CR4_PSE | _CR4_SMEP;
    if (cr0 & _PG && lo & _CR4_PAE && !lma && (lo ^ cr4) & pae) loadPdptes(c, c.lo(Field.CR3));
    c.setWide(Field.CR4, lo, hi);
  }
  const bad = refreshMode(c);
  if (bad !== "") dead(c, bad);
  c.tlbR.flush();
  c.tlbW.flush();
  c.tlbX.flush();
}

function _setLma(c: CpuState, on: boolean): void {
  const efer = c.lo(Field.EFER), ent = c.lo(Field.ENTRY_CTLS);
  c.setWide(Field.EFER, on ? efer | _LMA : efer & ~_LMA, c.hi(Field.EFER));
  c.setWide(Field.ENTRY_CTLS, on ? ent | _ENTRY_GUEST64 : ent & ~_ENTRY_GUEST64, 0);
}
