/**
 * Address translation below the segment unit: guest paging (SDM vol. 3
 * chapter 4) from linear to guest-physical addresses, and EPT (chapter 28)
 * from guest-physical addresses to the host's pages, with the EPT exits
 * (§28.2.3; qualification per §27.2.1, table 27-7).
 *
 * Host model for EPT-violation qualifications: the Skylake's
 * IA32_VMX_EPT_VPID_CAP has bit 22 clear, so there is no advanced VM-exit
 * information: bits 9-11 are 0. Bit 6 is 0 (no mode-based execute
 * control). Bit 7 (guest linear address valid) is set for every access
 * from a linear address; bit 8 is set for the access to the translation
 * of that address and clear for accesses to paging-structure entries
 * during a walk (reads of entries are data reads, A/D updates data
 * writes). A read-modify-write that fails sets both bit 0 and bit 1.
 *
 * @module
 */

import { EPT_EXEC, EPT_READ, EPT_WRITE, type EptEntry, PAGE_SIZE } from "./bus.ts";
import { EXIT_EPT_MISCONFIG, EXIT_EPT_VIOLATION, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { codeWrite } from "./smc.ts";
import { type CpuState, dead, raise } from "./state.ts";

/** EPT-violation qualification bit 7: the guest linear address is valid. */
export const QUAL_LINEAR = 0x80;
/** Bits 7 and 8: the access is to the translation of the linear address. */
export const QUAL_FINAL = 0x180;

const _2_32 = 4294967296;

/** Bits 63:47 of a 64-bit value whose bits 63:32 are the int32 `hi` are all equal. */
export function canonical(hi: number): boolean {
  const t = hi >> 15;
  return t === 0 || t === -1;
}

/** The linear address (48-bit folded) of the canonical address `hi:lo` (int32 halves). */
export function fold(lo: number, hi: number): number {
  return (hi & 0xffff) * _2_32 + (lo >>> 0);
}

/** Bits 63:32 (int32) of the canonical address that linear address `lin` stands for. */
export function unfoldHi(lin: number): number {
  const h = Math.floor(lin / _2_32);
  return h & 0x8000 ? h | 0xffff0000 : h;
}

/** `eptCheck`: the access is allowed. */
export const EPT_OK = 0;
/** `eptCheck`: EPT violation. */
export const EPT_VIOLATION = 1;
/** `eptCheck`: EPT misconfiguration. */
export const EPT_MISCONFIG = 2;

/**
 * How EPT treats an access of kind `acc` (1 read, 2 write, 3
 * read-modify-write, 4 fetch) to the page `e` (undefined: not mapped).
 * Misconfigurations (SDM vol. 3 §28.2.3.1: write-only or write-execute,
 * memory types 2, 3, 7) come before the permission check.
 */
export function eptCheck(e: EptEntry | undefined, acc: number): number {
  const perm = e === undefined ? 0 : e.attr & 7;
  if (perm === 0) return EPT_VIOLATION;
  const mt = (e!.attr >> 3) & 7;
  if (perm === EPT_WRITE || perm === (EPT_WRITE | EPT_EXEC) || mt === 2 || mt === 3 || mt === 7) {
    return EPT_MISCONFIG;
  }
  const need = acc === 4 ? EPT_EXEC : acc === 1 ? EPT_READ : EPT_READ | EPT_WRITE;
  return (perm & need) === need ? EPT_OK : EPT_VIOLATION;
}

/**
 * The EPT entry of guest-physical address `gpa` for an access of kind
 * `acc`, or an EPT exit: `qual` is 0 (no linear address), QUAL_LINEAR (a
 * paging-structure access while translating `lin`) or QUAL_FINAL.
 */
export function eptPage(
  c: CpuState,
  gpa: number,
  acc: number,
  lin: number,
  qual: number,
): EptEntry {
  const e = c.mem.lookupPage(Math.floor(gpa / PAGE_SIZE));
  const st = eptCheck(e, acc);
  if (st === EPT_OK) return e!;
  c.setWide(Field.GUEST_PHYSICAL, gpa >>> 0, Math.floor(gpa / _2_32));
  if (st === EPT_MISCONFIG) vmexit(c, EXIT_EPT_MISCONFIG, 0, 0);
  if (qual & QUAL_LINEAR) c.setWide(Field.GUEST_LINEAR, lin >>> 0, unfoldHi(lin));
  const perm = e === undefined ? 0 : e.attr & 7;
  return vmexit(c, EXIT_EPT_VIOLATION, acc | (perm << 3) | qual, 0);
}

// Per-vCPU paging state no Field holds: the PAE PDPTE registers (SDM vol. 3 §4.4.1) and the
// linear address of the last page fault (CR2, or the exit qualification of a #PF exit).
interface _State {
  readonly pdpte: Int32Array;
  pdpteValid: boolean;
  pfLin: number;
}

const _states = new WeakMap<CpuState, _State>();

function _state(c: CpuState): _State {
  let s = _states.get(c);
  if (s === undefined) {
    s = { pdpte: new Int32Array(8), pdpteValid: false, pfLin: 0 };
    _states.set(c, s);
  }
  return s;
}

// CR0.WP, CR4.PSE/PAE/SMEP/SMAP, EFER.NXE/LMA, RFLAGS.AC.
const _WP = 0x10000, _PSE = 0x10, _PAE = 0x20, _SMEP = 0x100000, _SMAP = 0x200000;
const _NXE = 0x800, _LMA = 0x400, _AC = 0x40000;
// Page-fault error code bits (SDM vol. 3 §4.7).
const _PF_P = 1, _PF_W = 2, _PF_U = 4, _PF_RSVD = 8, _PF_ID = 16;

// The walk in progress: entries to mark accessed (guest-physical address of the byte holding A and
// D) and the result's properties. Reused: a walk allocates nothing.
const _entGpa = new Float64Array(4);
const _entLow = new Int32Array(4);
let _nEnt = 0;
let _implicit = false;
let _cacheable = true;

/**
 * Mark the accesses that follow as implicit supervisor-mode accesses
 * (descriptor-table reads during event delivery, SDM vol. 3 §4.6), or
 * back to accesses at the CPL.
 */
export function implicitSupervisor(on: boolean): void {
  _implicit = on;
}

/** Whether the last `walk`'s translation may be cached in the TLB for the current privilege. */
export function walkCacheable(): boolean {
  return _cacheable;
}

/** The paging state no VMCS field holds, as a snapshot carries it. */
export interface PagingRegisters {
  /** The four PDPTE registers as low, high 32-bit halves (PAE paging). */
  readonly pdpte: readonly number[];
  /** Whether the PDPTE registers were loaded (by MOV to CR0, CR3 or CR4). */
  readonly pdpteValid: boolean;
  /** Linear address of the last page fault raised (low 32 bits, or the folded 64-bit form). */
  readonly pfLin: number;
}

/** A copy of `c`'s paging registers (for snapshots). */
export function pagingRegisters(c: CpuState): PagingRegisters {
  const s = _state(c);
  return { pdpte: Array.from(s.pdpte), pdpteValid: s.pdpteValid, pfLin: s.pfLin };
}

/** Set `c`'s paging registers from a snapshot's copy. */
export function setPagingRegisters(c: CpuState, r: PagingRegisters): void {
  const s = _state(c);
  if (r.pdpte.length !== 8) throw new Error(`${r.pdpte.length} PDPTE halves, not 8`);
  s.pdpte.set(r.pdpte);
  s.pdpteValid = r.pdpteValid;
  s.pfLin = r.pfLin;
}

/** The linear address of the last page fault raised (for CR2 or the exit qualification). */
export function faultAddress(c: CpuState): number {
  return _state(c).pfLin;
}

function _fault(c: CpuState, lin: number, code: number): never {
  _state(c).pfLin = lin;
  return raise(c, 14, code);
}

// Read the paging-structure entry at guest-physical `gpa` (`size` 4 or 8) during the walk for `lin`:
// the low half returned, the high half in _hi.
let _hi = 0;
function _entry(c: CpuState, gpa: number, lin: number, size: number): number {
  const e = eptPage(c, gpa, 1, lin, QUAL_LINEAR);
  const b = e.ram.bytes, o = e.offset + (gpa & 0xfff);
  _hi = size === 8 ? b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24) : 0;
  const lo = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
  _entGpa[_nEnt] = gpa;
  _entLow[_nEnt++] = lo;
  return lo;
}

// Set bits `bits` in the low byte of the entry at `gpa` (A, or A and D): a data write through EPT.
function _setBits(c: CpuState, gpa: number, lin: number, bits: number): void {
  const e = eptPage(c, gpa, 2, lin, QUAL_LINEAR);
  const at = e.offset + (gpa & 0xfff);
  if (e.ram.codePage[Math.floor(at / PAGE_SIZE)] && codeWrite(e.ram, at, 1)) c.brk = true;
  e.ram.bytes[at] |= bits;
}

// Physical address bits 38:12 of an entry (MAXPHYADDR 39).
function _addr(lo: number, hi: number): number {
  return (hi & 0x7f) * _2_32 + ((lo & 0xfffff000) >>> 0);
}

/**
 * Translate linear `lin` through the guest's paging structures (32-bit,
 * PAE or 4-level paging, SDM vol. 3 §4.3-4.5) for an access of kind `acc`
 * (1 read, 2 write, 3 read-modify-write, 4 fetch) at the current
 * privilege: the guest-physical address, or #PF with its error code (the
 * address kept for `faultAddress`). Every entry read is an EPT data read
 * (qualification bit 8 clear). Accessed and dirty flags are set only when
 * the access is allowed (the SDM leaves faulting walks open), top level
 * first.
 */
export function walk(c: CpuState, lin: number, acc: number): number {
  const cr4 = c.lo(Field.CR4), efer = c.lo(Field.EFER);
  const nx = (cr4 & _PAE) !== 0 && (efer & _NXE) !== 0;
  const user = c.cpl === 3 && !_implicit;
  const write = (acc & 2) !== 0, fetch = acc === 4;
  const code = (write ? _PF_W : 0) | (user ? _PF_U : 0) |
    (fetch && (nx || cr4 & _SMEP) ? _PF_ID : 0);
  // Reserved bits 63 (without NXE) and 51:39 (4-level) or 62:39 (PAE) of 8-byte entries.
  const rsvdHi = (nx ? 0 : 0x80000000) | (efer & _LMA ? 0x000fff80 : 0x7fffff80);
  _nEnt = 0;
  let us = 4, rw = 2, xd = 0, gpa: number;
  if (!(cr4 & _PAE)) {
    // 32-bit paging: 4-byte entries; a PDE with PS and CR4.PSE maps 4 MiB (PSE-36).
    let lo = _entry(c, (c.lo(Field.CR3) & 0xfffff000) + (lin >>> 22) * 4, lin, 4);
    if (!(lo & 1)) _fault(c, lin, code);
    us &= lo;
    rw &= lo;
    if (lo & 0x80 && cr4 & _PSE) {
      if (lo & 0x300000) _fault(c, lin, code | _PF_P | _PF_RSVD);
      gpa = ((lo >>> 13) & 0x7f) * _2_32 + ((lo & 0xffc00000) >>> 0) + (lin & 0x3fffff);
    } else {
      lo = _entry(c, ((lo & 0xfffff000) >>> 0) + ((lin >>> 12) & 0x3ff) * 4, lin, 4);
      if (!(lo & 1)) _fault(c, lin, code);
      us &= lo;
      rw &= lo;
      gpa = ((lo & 0xfffff000) >>> 0) + (lin & 0xfff);
    }
  } else {
    let table: number, level: number;
    if (efer & _LMA) {
      table = _addr(c.lo(Field.CR3), c.hi(Field.CR3));
      level = 4;
    } else {
      const st = _state(c);
      if (!st.pdpteValid) {
        dead(c, "unimplemented PAE paging entered with PDPTEs from the VMCS guest-state area");
      }
      const k = ((lin >>> 30) & 3) * 2;
      const plo = st.pdpte[k];
      if (!(plo & 1)) _fault(c, lin, code);
      table = _addr(plo, st.pdpte[k + 1]);
      level = 2;
    }
    for (;;) {
      const shift = 12 + 9 * (level - 1);
      const idx = Math.floor(lin / 2 ** shift) & 511;
      const lo = _entry(c, table + idx * 8, lin, 8), hi = _hi;
      if (!(lo & 1)) _fault(c, lin, code);
      // PS is reserved in a PML4E; a 1-GiB or 2-MiB page has reserved bits from 13 up.
      let rsvd = hi & rsvdHi;
      if (level === 4) rsvd |= lo & 0x80;
      else if (lo & 0x80) rsvd |= lo & (level === 3 ? 0x3fffe000 : 0x1fe000);
      if (rsvd) _fault(c, lin, code | _PF_P | _PF_RSVD);
      us &= lo;
      rw &= lo;
      if (nx) xd |= hi >>> 31;
      if (level === 1 || (level < 4 && lo & 0x80)) {
        const span = 2 ** shift;
        gpa = _addr(lo & ~(span - 1 & 0xfffff000), hi) + (lin % span);
        break;
      }
      table = _addr(lo, hi);
      level--;
    }
  }
  // Access rights (SDM vol. 3 §4.6).
  const userPage = us !== 0;
  const smap = !user && !fetch && userPage && (cr4 & _SMAP) !== 0;
  let ok: boolean;
  if (user) ok = userPage && (!write || rw !== 0) && !(fetch && xd);
  else if (fetch) ok = !xd && !(userPage && cr4 & _SMEP);
  else {
    ok = !(smap && (_implicit || !(c.flags & _AC)));
    if (write && !rw && c.lo(Field.CR0) & _WP) ok = false;
  }
  if (!ok) _fault(c, lin, code | _PF_P);
  for (let k = 0; k < _nEnt; k++) {
    const last = k === _nEnt - 1;
    const want = 0x20 | (last && write ? 0x40 : 0);
    if ((_entLow[k] & want) !== want) _setBits(c, _entGpa[k], lin, want);
  }
  _cacheable = !smap && !(_implicit && c.cpl === 3);
  return gpa;
}

/**
 * Load the four PDPTE registers for PAE paging from the 32-byte table at
 * guest-physical `cr3 & ~31` (SDM vol. 3 §4.4.1): each an EPT data read
 * without a linear address (qualification bit 7 clear). A present entry
 * with a reserved bit set raises #GP(0) and loads nothing.
 */
export function loadPdptes(c: CpuState, cr3: number): void {
  const base = (cr3 & 0xffffffe0) >>> 0;
  const v = new Int32Array(8);
  for (let k = 0; k < 4; k++) {
    const gpa = base + k * 8;
    const e = eptPage(c, gpa, 1, 0, 0);
    const b = e.ram.bytes, o = e.offset + (gpa & 0xfff);
    for (let h = 0; h < 2; h++) {
      const p = o + h * 4;
      v[k * 2 + h] = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    }
    // Reserved: bits 2:1, 8:5 and 63:39 of a present entry.
    if (v[k * 2] & 1 && (v[k * 2] & 0x1e6 || v[k * 2 + 1] & 0xffffff80)) raise(c, 13, 0);
  }
  const st = _state(c);
  st.pdpte.set(v);
  st.pdpteValid = true;
}
