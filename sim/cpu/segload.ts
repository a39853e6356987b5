/**
 * Segment-register loads by instructions (SDM vol. 3 §3.4.2-3.4.5
 * selectors and descriptors, §5.4-5.8 type and privilege checks; vol. 2
 * MOV, POP, LDS/LES/LFS/LGS/LSS, far JMP/CALL/RET and IRET operation).
 *
 * Real-address mode: the selector and base (selector << 4) change; limit
 * and attributes stay (a segment made unusable in protected mode becomes a
 * 64 KiB read/write data segment). Protected mode and IA-32e mode: the
 * descriptor is read from the GDT or the LDT, checked, marked accessed in
 * memory, and its base, limit and attributes (VMX access-rights format)
 * fill the register's cache. A null selector makes ES, DS, FS or GS
 * unusable with base 0 (Intel clears the base; AMD keeps it); SS only in
 * 64-bit mode at CPL < 3 with RPL = CPL. Code-segment loads for control
 * transfers stay at the current privilege: call gates, task gates and TSS
 * descriptors (task switches) and changes of privilege end the run as
 * unimplemented. Virtual-8086 mode is not modeled.
 *
 * @module
 */

import { Field } from "./fields.ts";
import { rd32, wr32 } from "./mem.ts";
import { refreshMode } from "./mode.ts";
import { canonical, fold } from "./paging.ts";
import { type CpuState, CS, dead, LDTR, raise, SS } from "./state.ts";

/** The descriptor readDescriptor read last: four doublewords (the last two only for 16 bytes). */
export const DESC: Int32Array = new Int32Array(4);

const _2_32 = 4294967296;
const _UNUSABLE = 0x10000;

/** Descriptor word bits (high doubleword). */
const _A = 0x100, _RW = 0x200, _DC = 0x400, _CODE = 0x800, _S = 0x1000, _P = 0x8000;
const _L = 0x200000, _DB = 0x400000;

function _pe(c: CpuState): boolean {
  return (c.lo(Field.CR0) & 1) !== 0;
}

function _lma(c: CpuState): boolean {
  return (c.lo(Field.EFER) & 0x400) !== 0;
}

/**
 * Read the `size`-byte (8, or 16 for IA-32e system descriptors) descriptor
 * `sel` selects into DESC. Returns its linear address, or -1 when it lies
 * outside its table (or the LDT is unusable): the caller raises
 * #GP(selector). A non-canonical table address raises #GP(0).
 */
export function readDescriptor(c: CpuState, sel: number, size = 8): number {
  let lo: number, hi: number, limit: number;
  if (sel & 4) {
    if (c.segAr[LDTR] & _UNUSABLE) return -1;
    lo = c.segBase[LDTR];
    hi = c.segBaseHi[LDTR];
    limit = c.segLimit[LDTR];
  } else {
    lo = c.lo(Field.GDTR_BASE);
    hi = c.hi(Field.GDTR_BASE);
    limit = c.lo(Field.GDTR_LIMIT);
  }
  if ((sel & 0xfff8) + size - 1 > limit) return -1;
  const s = (lo >>> 0) + (sel & 0xfff8);
  let lin: number;
  if (_lma(c)) {
    const h = (hi + (s >= _2_32 ? 1 : 0)) | 0;
    if (!canonical(h)) raise(c, 13, 0);
    lin = fold(s >>> 0, h);
  } else lin = s >>> 0;
  for (let k = 0; k < size / 4; k++) DESC[k] = rd32(c, lin + 4 * k);
  return lin;
}

// Base bits 31:0 of the descriptor read last.
function _descBase(): number {
  const lo = DESC[0], hi = DESC[1];
  return ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
}

/** Limit in bytes of the descriptor read last (granularity applied). */
export function descLimit(): number {
  const lim = (DESC[0] & 0xffff) | (DESC[1] & 0xf0000);
  return DESC[1] & 0x800000 ? ((lim << 12) | 0xfff) >>> 0 : lim;
}

// Set the accessed bit of the descriptor at `lin` in memory (and in DESC) if clear.
function _touch(c: CpuState, lin: number): void {
  if (!(DESC[1] & _A)) {
    DESC[1] |= _A;
    wr32(c, lin + 4, DESC[1]);
  }
}

/** Fill register `s`'s selector and cache from DESC (`baseHi`: base bits 63:32, IA-32e system descriptors). */
export function cacheSegment(c: CpuState, s: number, sel: number, baseHi = 0): void {
  c.segSel[s] = sel;
  c.segBase[s] = _descBase();
  c.segBaseHi[s] = baseHi;
  c.segLimit[s] = descLimit();
  c.segAr[s] = (DESC[1] >> 8) & 0xf0ff;
}

function _refresh(c: CpuState): void {
  const bad = refreshMode(c);
  if (bad !== "") dead(c, bad);
}

/** Real-address mode load of `s` (any register, CS included): selector and base only. */
export function loadReal(c: CpuState, s: number, sel: number): void {
  c.segSel[s] = sel;
  c.segBase[s] = sel << 4;
  c.segBaseHi[s] = 0;
  if (c.segAr[s] & _UNUSABLE) {
    c.segAr[s] = 0x93;
    c.segLimit[s] = 0xffff;
  }
  _refresh(c);
}

/**
 * Load data-segment register `s` (ES, SS, DS, FS or GS) with `sel` as MOV,
 * POP and LxS do; raises #GP, #SS or #NP (error code the selector) as the
 * SDM's MOV operation says.
 */
export function loadSeg(c: CpuState, s: number, sel: number): void {
  if (!_pe(c)) return loadReal(c, s, sel);
  const cpl = c.cpl, rpl = sel & 3, err = sel & 0xfffc;
  if (err === 0) {
    if (s === SS) {
      if (c.mode !== 64 || cpl === 3 || rpl !== cpl) raise(c, 13, 0);
      c.segAr[SS] = _UNUSABLE | (cpl << 5);
    } else {
      c.segAr[s] = _UNUSABLE;
      c.segLimit[s] = 0;
    }
    c.segSel[s] = sel;
    c.segBase[s] = 0;
    c.segBaseHi[s] = 0;
    return _refresh(c);
  }
  const lin = readDescriptor(c, sel);
  if (lin < 0) raise(c, 13, err);
  const hi = DESC[1], dpl = (hi >> 13) & 3;
  if (s === SS) {
    if (rpl !== cpl || !(hi & _S) || hi & _CODE || !(hi & _RW) || dpl !== cpl) raise(c, 13, err);
    if (!(hi & _P)) raise(c, 12, err);
  } else {
    if (!(hi & _S) || (hi & _CODE && !(hi & _RW))) raise(c, 13, err);
    const conforming = (hi & (_CODE | _DC)) === (_CODE | _DC);
    if (!conforming && (rpl > dpl || cpl > dpl)) raise(c, 13, err);
    if (!(hi & _P)) raise(c, 11, err);
  }
  _touch(c, lin);
  cacheSegment(c, s, sel);
  _refresh(c);
}

/**
 * Check `sel` as the code segment a far JMP or CALL (`ret` false) or a far
 * RET or IRET (`ret` true) goes to, at the current privilege level;
 * remembers the descriptor and returns its linear address. Raises
 * #GP(0) for a null selector, #GP(selector) or #NP(selector) per the SDM;
 * gates, TSS descriptors and privilege changes die as unimplemented.
 */
export function checkCode(c: CpuState, sel: number, ret: boolean): number {
  const cpl = c.cpl, rpl = sel & 3, err = sel & 0xfffc;
  if (err === 0) raise(c, 13, 0);
  const lin = readDescriptor(c, sel);
  if (lin < 0) raise(c, 13, err);
  const hi = DESC[1], dpl = (hi >> 13) & 3;
  if (!(hi & _S)) {
    const type = (hi >> 8) & 0xf;
    if (type === 4 || type === 0xc) dead(c, "unimplemented far transfer through a call gate");
    if (type === 5 || type === 1 || type === 9) dead(c, "unimplemented task switch");
    raise(c, 13, err);
  }
  if (!(hi & _CODE)) raise(c, 13, err);
  if (ret) {
    if (rpl < cpl) raise(c, 13, err);
    if (rpl > cpl) dead(c, "unimplemented return to an outer privilege level");
    if (hi & _DC ? dpl > rpl : dpl !== rpl) raise(c, 13, err);
  } else if (hi & _DC) {
    if (dpl > cpl) raise(c, 13, err);
  } else if (rpl > cpl || dpl !== cpl) raise(c, 13, err);
  if (!(hi & _P)) raise(c, 11, err);
  if (_lma(c) && hi & _L && hi & _DB) raise(c, 13, err);
  return lin;
}

/** Whether the code segment `checkCode` read runs 64-bit code (IA-32e mode and L = 1). */
export function descIs64(c: CpuState): boolean {
  return _lma(c) && (DESC[1] & _L) !== 0;
}

/** Load CS from `sel` and the descriptor `checkCode` read (at `lin`); RPL becomes CPL. */
export function loadCode(c: CpuState, sel: number, lin: number): void {
  _touch(c, lin);
  cacheSegment(c, CS, (sel & 0xfffc) | c.cpl);
  _refresh(c);
  c.brk = true;
}
