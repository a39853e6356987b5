/**
 * Guest memory accesses: segment checks (SDM vol. 3 §5.3 limit checking,
 * §5.4-5.5 type checks; in 64-bit mode none, but canonical addresses and
 * FS/GS bases, vol. 1 §3.3.7.1 and vol. 3 §3.4.4), the direct-mapped TLB
 * fast path, and the slow path that translates through paging (paging.ts)
 * and EPT.
 *
 * Linear addresses are non-negative numbers: below 2^32 outside 64-bit
 * mode; in 64-bit mode canonical addresses folded to 48 bits (bits 47:0,
 * so the upper half lies in [2^47, 2^48)). The TLB holds only pages below
 * 2^32 (its tags are 32-bit); higher pages always take the slow path.
 *
 * A 64-bit value travels as two int32 halves: functions that read one
 * return the low half and leave the high half in `HI[0]`.
 *
 * @module
 */

import { type EptEntry, type GuestRam, PAGE_SIZE } from "./bus.ts";
import {
  canonical,
  EPT_OK,
  eptCheck,
  eptPage,
  fold,
  QUAL_FINAL,
  walk,
  walkCacheable,
} from "./paging.ts";
import { codeWrite } from "./smc.ts";
import { type CpuState, CS, dead, FS, raise, SS, type Tlb, TLB_SIZE } from "./state.ts";

/** Access kind: data read (EPT qualification bit 0). */
export const ACC_READ = 1;
/** Access kind: data write (bit 1). */
export const ACC_WRITE = 2;
/** Access kind: read-modify-write (bits 0 and 1). */
export const ACC_RMW = 3;
/** Access kind: instruction fetch (bit 2). */
export const ACC_FETCH = 4;

/** High 32 bits (int32) of the last 64-bit value a reader returned the low half of. */
export const HI: Int32Array = new Int32Array(1);

const _TMASK = TLB_SIZE - 1;
const _2_32 = 4294967296;
const _2_48 = 281474976710656;
const _views = new WeakMap<GuestRam, DataView>();

/** The RAM's bytes as a DataView (one per RAM). */
export function ramView(ram: GuestRam): DataView {
  let v = _views.get(ram);
  if (v === undefined) {
    v = new DataView(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.byteLength);
    _views.set(ram, v);
  }
  return v;
}

function _segFault(c: CpuState, seg: number): never {
  if (c.segOdd & (1 << seg)) dead(c, "unimplemented expand-down segment");
  return raise(c, seg === SS ? 12 : 13, 0);
}

/**
 * 64-bit mode: the linear address of `size` bytes at offset `hi:lo` in
 * `seg` (only FS and GS add a base). Raises #GP(0), or #SS(0) for SS, if
 * the first or last byte is not canonical.
 */
export function lin64(c: CpuState, seg: number, lo: number, hi: number, size: number): number {
  lo = lo >>> 0;
  // The common case: below 4 GiB, no base.
  if (hi === 0 && seg < FS && lo <= _2_32 - size) return lo;
  if (seg >= FS) {
    const s = lo + (c.segBase[seg] >>> 0);
    hi = (hi + c.segBaseHi[seg] + (s >= _2_32 ? 1 : 0)) | 0;
    lo = s >>> 0;
  }
  const hiEnd = lo + size - 1 >= _2_32 ? (hi + 1) | 0 : hi;
  if (!canonical(hi) || !canonical(hiEnd)) raise(c, seg === SS ? 12 : 13, 0);
  return fold(lo, hi);
}

/** Linear address of a read of `size` bytes at `off` in segment `seg` (limit and type checked). */
export function linR(c: CpuState, seg: number, off: number, size: number): number {
  if (c.mode === 64) return lin64(c, seg, off, 0, size);
  if (off + size - 1 > c.rlim[seg]) _segFault(c, seg);
  return (c.segBase[seg] + off) >>> 0;
}

/** Linear address of a write (or read-modify-write) of `size` bytes. */
export function linW(c: CpuState, seg: number, off: number, size: number): number {
  if (c.mode === 64) return lin64(c, seg, off, 0, size);
  if (off + size - 1 > c.wlim[seg]) _segFault(c, seg);
  return (c.segBase[seg] + off) >>> 0;
}

// Whether the last `translate` may be cached in the TLB for the current privilege, and the
// guest-physical address it produced.
let _cacheable = true;
let _gpa = 0;

/**
 * Translate linear `lin` for an access of kind `acc`: paging (raising #PF)
 * then EPT (raising EPT exits). Returns the EPT entry of the page.
 */
export function translate(c: CpuState, lin: number, acc: number): EptEntry {
  _cacheable = true;
  let gpa = lin;
  if (c.paging) {
    gpa = walk(c, lin, acc);
    _cacheable = walkCacheable();
  }
  _gpa = gpa;
  return eptPage(c, gpa, acc, lin, QUAL_FINAL);
}

/**
 * Linear address of the code byte at CS offset `off` (the low 32 bits of
 * its RIP in 64-bit mode, where RIP's high half is `c.ipHi`, plus one if
 * `off` wrapped past the current instruction's), or -1 if it lies beyond
 * the CS limit or is not canonical.
 */
export function codeLin(c: CpuState, off: number): number {
  off >>>= 0;
  if (c.mode === 64) {
    const hi = off < c.ip >>> 0 ? (c.ipHi + 1) | 0 : c.ipHi;
    return canonical(hi) ? fold(off, hi) : -1;
  }
  return off > c.segLimit[CS] ? -1 : (c.segBase[CS] + off) >>> 0;
}

// Guest-physical page numbers of the fetch TLB's entries while paging, for the vCPU that filled them
// last: valid where the fetch TLB's tag still matches (every fetch TLB fill writes both).
let _xOwner: CpuState | null = null;
const _xTag = new Int32Array(TLB_SIZE).fill(-1);
const _xGpa = new Float64Array(TLB_SIZE);

/**
 * Guest-physical address of the instruction at the current IP, the code
 * cache's key: through paging (#PF) and the fetch TLB; #GP(0) if the IP is
 * beyond the CS limit or not canonical.
 */
export function codePhys(c: CpuState): number {
  const lin = codeLin(c, c.ip);
  if (lin < 0) raise(c, 13, 0);
  _codeHeld = true;
  if (!c.paging) return lin;
  const page = lin >>> 12, k = page & _TMASK;
  if (_xOwner === c && c.tlbX.tag[k] === page && _xTag[k] === page && lin < _2_32) {
    return _xGpa[k] * PAGE_SIZE + (lin & 0xfff);
  }
  const e = translate(c, lin, ACC_FETCH), gpa = _gpa;
  _fill(c, c.tlbX, lin, e);
  _codeHeld = _cacheable && lin < _2_32;
  return gpa;
}

// Whether the last codePhys answer holds until the fetch TLB changes (see codePhysHeld).
let _codeHeld = true;

/**
 * Whether the last `codePhys` answer stays right until the fetch TLB's
 * `gen` or the code segment changes: no paging, or a translation the fetch
 * TLB holds (not one walked again each time: above 4 GiB or uncacheable).
 */
export function codePhysHeld(): boolean {
  return _codeHeld;
}

/**
 * Where code at linear `lin` comes from, through the fetch TLB: the RAM
 * (and `fetchOff`, the page's offset in it). A miss translates, raising
 * #PF or the EPT exit; with `probe` a page that cannot be fetched without
 * a walk or a fault gives undefined instead.
 */
export function fetchRam(c: CpuState, lin: number, probe: boolean): GuestRam | undefined {
  const t = c.tlbX, page = lin >>> 12, k = page & _TMASK;
  if (t.tag[k] === page && lin < _2_32) {
    c.fetchOff = t.off[k];
    return t.ram[k];
  }
  let e: EptEntry | undefined;
  if (!probe) e = translate(c, lin, ACC_FETCH);
  else {
    if (c.paging) return undefined;
    e = c.mem.lookupPage(Math.floor(lin / PAGE_SIZE));
    if (eptCheck(e, ACC_FETCH) !== EPT_OK) return undefined;
    _cacheable = true;
    _gpa = lin;
  }
  _fill(c, t, lin, e!);
  c.fetchOff = e!.offset;
  return e!.ram;
}

function _fill(c: CpuState, t: Tlb, lin: number, e: EptEntry): void {
  if (!_cacheable || lin >= _2_32) return;
  const k = (lin >>> 12) & _TMASK;
  t.tag[k] = lin >>> 12;
  t.gen++;
  t.off[k] = e.offset;
  t.view[k] = ramView(e.ram);
  t.ram[k] = e.ram;
  if (t === c.tlbX && c.paging) {
    if (_xOwner !== c) {
      _xTag.fill(-1);
      _xOwner = c;
    }
    _xTag[k] = lin >>> 12;
    _xGpa[k] = Math.floor(_gpa / PAGE_SIZE);
  }
}

function _nextPage(c: CpuState, lin: number): number {
  const n = lin - (lin & 0xfff) + PAGE_SIZE;
  return c.mode === 64 ? (n >= _2_48 ? n - _2_48 : n) : n >>> 0;
}

function _rdSlow(c: CpuState, lin: number, size: number, acc: number): number {
  const e = translate(c, lin, acc);
  const po = lin & 0xfff;
  if (po + size <= PAGE_SIZE) {
    if (acc === ACC_READ) _fill(c, c.tlbR, lin, e);
    const v = ramView(e.ram), o = e.offset + po;
    if (size === 8) {
      HI[0] = v.getInt32(o + 4, true);
      return v.getInt32(o, true);
    }
    return size === 1 ? v.getUint8(o) : size === 2 ? v.getUint16(o, true) : v.getInt32(o, true);
  }
  // The part on the next page is a separate access starting at that page.
  const e2 = translate(c, _nextPage(c, lin), acc);
  let x = 0, h = 0;
  for (let k = size - 1; k >= 0; k--) {
    const o = po + k;
    const b = o < PAGE_SIZE ? e.ram.bytes[e.offset + o] : e2.ram.bytes[e2.offset + o - PAGE_SIZE];
    h = (h << 8) | (x >>> 24);
    x = (x << 8) | b;
  }
  if (size === 8) HI[0] = h;
  return size === 2 ? x & 0xffff : x | 0;
}

function _store(c: CpuState, e: EptEntry, o: number, b: number): void {
  const ram = e.ram, at = e.offset + o;
  if (ram.codePage[Math.floor(at / PAGE_SIZE)] && codeWrite(ram, at, 1)) c.brk = true;
  ram.bytes[at] = b;
}

function _wrSlow(c: CpuState, lin: number, size: number, v: number, hi: number): void {
  const e = translate(c, lin, ACC_WRITE);
  const po = lin & 0xfff;
  if (po + size <= PAGE_SIZE) {
    const at = e.offset + po;
    if (e.ram.codePage[Math.floor(at / PAGE_SIZE)]) {
      if (codeWrite(e.ram, at, size)) c.brk = true;
    } else {
      _fill(c, c.tlbW, lin, e);
    }
    const dv = ramView(e.ram);
    if (size === 1) dv.setUint8(at, v);
    else if (size === 2) dv.setUint16(at, v, true);
    else {
      dv.setInt32(at, v, true);
      if (size === 8) dv.setInt32(at + 4, hi, true);
    }
    return;
  }
  const e2 = translate(c, _nextPage(c, lin), ACC_WRITE);
  for (let k = 0; k < size; k++) {
    const o = po + k;
    const b = ((k < 4 ? v : hi) >>> (8 * (k & 3))) & 0xff;
    if (o < PAGE_SIZE) _store(c, e, o, b);
    else _store(c, e2, o - PAGE_SIZE, b);
  }
}

/** Read a byte at linear `lin`. */
export function rd8(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && lin < _2_32) return t.view[k].getUint8(t.off[k] + (lin & 0xfff));
  return _rdSlow(c, lin, 1, ACC_READ);
}

/** Read a word at linear `lin`. */
export function rd16(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffe && lin < _2_32) {
    return t.view[k].getUint16(t.off[k] + (lin & 0xfff), true);
  }
  return _rdSlow(c, lin, 2, ACC_READ);
}

/** Read a dword (as int32) at linear `lin`. */
export function rd32(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffc && lin < _2_32) {
    return t.view[k].getInt32(t.off[k] + (lin & 0xfff), true);
  }
  return _rdSlow(c, lin, 4, ACC_READ);
}

/** Read a qword at linear `lin`: the low half (int32); the high half in `HI[0]`. */
export function rd64(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xff8 && lin < _2_32) {
    const v = t.view[k], o = t.off[k] + (lin & 0xfff);
    HI[0] = v.getInt32(o + 4, true);
    return v.getInt32(o, true);
  }
  return _rdSlow(c, lin, 8, ACC_READ);
}

/**
 * Read `size` (1, 2, 4, 8) bytes at linear `lin` for a read-modify-write:
 * needs write permission. For 8 the high half goes to `HI[0]`.
 */
export function rdw(c: CpuState, lin: number, size: number): number {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= PAGE_SIZE - size && lin < _2_32) {
    const v = t.view[k], o = t.off[k] + (lin & 0xfff);
    if (size === 8) {
      HI[0] = v.getInt32(o + 4, true);
      return v.getInt32(o, true);
    }
    return size === 1 ? v.getUint8(o) : size === 2 ? v.getUint16(o, true) : v.getInt32(o, true);
  }
  return _rdSlow(c, lin, size, ACC_RMW);
}

/** Write a byte at linear `lin`. */
export function wr8(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && lin < _2_32) t.view[k].setUint8(t.off[k] + (lin & 0xfff), v);
  else _wrSlow(c, lin, 1, v, 0);
}

/** Write a word at linear `lin`. */
export function wr16(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffe && lin < _2_32) {
    t.view[k].setUint16(t.off[k] + (lin & 0xfff), v, true);
  } else _wrSlow(c, lin, 2, v, 0);
}

/** Write a dword at linear `lin`. */
export function wr32(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffc && lin < _2_32) {
    t.view[k].setInt32(t.off[k] + (lin & 0xfff), v, true);
  } else _wrSlow(c, lin, 4, v, 0);
}

/** Write a qword (int32 halves `lo`, `hi`) at linear `lin`. */
export function wr64(c: CpuState, lin: number, lo: number, hi: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xff8 && lin < _2_32) {
    const v = t.view[k], o = t.off[k] + (lin & 0xfff);
    v.setInt32(o, lo, true);
    v.setInt32(o + 4, hi, true);
  } else _wrSlow(c, lin, 8, lo, hi);
}

/** Read `size` bytes (1, 2, 4, 8) at linear `lin`; for 8 the high half goes to `HI[0]`. */
export function rdN(c: CpuState, lin: number, size: number): number {
  return size === 1
    ? rd8(c, lin)
    : size === 2
    ? rd16(c, lin)
    : size === 4
    ? rd32(c, lin)
    : rd64(c, lin);
}

/** Write `size` bytes (1, 2, 4) at linear `lin`. */
export function wrN(c: CpuState, lin: number, size: number, v: number): void {
  if (size === 1) wr8(c, lin, v);
  else if (size === 2) wr16(c, lin, v);
  else wr32(c, lin, v);
}
