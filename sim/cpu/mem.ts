/**
 * Guest memory accesses: segment checks (SDM vol. 3 §5.3 limit checking,
 * §5.4-5.5 type checks), the direct-mapped TLB fast path and the slow path
 * that translates through EPT and raises EPT violations and
 * misconfigurations (SDM vol. 3 §28.2.3, qualification per §27.2.1 table
 * 27-7).
 *
 * Host model for EPT-violation qualifications: advanced VM-exit information
 * for EPT violations is supported, so with CR0.PG = 0 bits 9 (user-mode
 * address) and 10 (writable) are 1 and bit 11 (execute-disable) is 0; bit 6
 * is 0 (no mode-based execute control). A read-modify-write that fails sets
 * both bit 0 and bit 1.
 *
 * @module
 */

import { EPT_EXEC, EPT_READ, EPT_WRITE, type EptEntry, type GuestRam, PAGE_SIZE } from "./bus.ts";
import { EXIT_EPT_MISCONFIG, EXIT_EPT_VIOLATION, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { codeWrite } from "./smc.ts";
import { type CpuState, dead, raise, SS, type Tlb, TLB_SIZE } from "./state.ts";

/** Access kind: data read (EPT qualification bit 0). */
export const ACC_READ = 1;
/** Access kind: data write (bit 1). */
export const ACC_WRITE = 2;
/** Access kind: read-modify-write (bits 0 and 1). */
export const ACC_RMW = 3;
/** Access kind: instruction fetch (bit 2). */
export const ACC_FETCH = 4;

const _TMASK = TLB_SIZE - 1;
const _views = new WeakMap<GuestRam, DataView>();

function _view(ram: GuestRam): DataView {
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

/** Linear address of a read of `size` bytes at `off` in segment `seg` (limit and type checked). */
export function linR(c: CpuState, seg: number, off: number, size: number): number {
  if (off + size - 1 > c.rlim[seg]) _segFault(c, seg);
  return (c.segBase[seg] + off) >>> 0;
}

/** Linear address of a write (or read-modify-write) of `size` bytes. */
export function linW(c: CpuState, seg: number, off: number, size: number): number {
  if (off + size - 1 > c.wlim[seg]) _segFault(c, seg);
  return (c.segBase[seg] + off) >>> 0;
}

/**
 * Translate linear `lin` for an access of kind `acc`: the EPT entry of its
 * page, or an EPT exit. Paging is not modeled yet.
 */
export function translate(c: CpuState, lin: number, acc: number): EptEntry {
  if (c.paging) dead(c, "unimplemented paging");
  const gpa = lin;
  const e = c.mem.lookupPage(Math.floor(gpa / PAGE_SIZE));
  const st = _check(e, acc);
  if (st === _OK) return e!;
  c.setWide(Field.GUEST_PHYSICAL, gpa >>> 0, 0);
  if (st === _MISCONFIG) vmexit(c, EXIT_EPT_MISCONFIG, 0, 0);
  c.setWide(Field.GUEST_LINEAR, lin >>> 0, 0);
  return vmexit(c, EXIT_EPT_VIOLATION, acc | ((e === undefined ? 0 : e.attr & 7) << 3) | 0x780, 0);
}

const _OK = 0, _VIOLATION = 1, _MISCONFIG = 2;

// EPT misconfigurations (SDM vol. 3 §28.2.3.1: write-only or write-execute, memory types
// 2, 3, 7) come before the permission check.
function _check(e: EptEntry | undefined, acc: number): number {
  const perm = e === undefined ? 0 : e.attr & 7;
  if (perm === 0) return _VIOLATION;
  const mt = (e!.attr >> 3) & 7;
  if (perm === EPT_WRITE || perm === (EPT_WRITE | EPT_EXEC) || mt === 2 || mt === 3 || mt === 7) {
    return _MISCONFIG;
  }
  const need = acc === ACC_FETCH ? EPT_EXEC : acc === ACC_READ ? EPT_READ : EPT_READ | EPT_WRITE;
  return (perm & need) === need ? _OK : _VIOLATION;
}

/**
 * Where code at linear `lin` comes from, through the fetch TLB: the RAM
 * (and `fetchOff`, the page's offset in it). A miss translates, raising the
 * EPT exit; with `probe` a page that cannot be fetched gives undefined instead.
 */
export function fetchRam(c: CpuState, lin: number, probe: boolean): GuestRam | undefined {
  const t = c.tlbX, page = lin >>> 12, k = page & _TMASK;
  if (t.tag[k] !== page) {
    let e: EptEntry | undefined;
    if (!probe) e = translate(c, lin, ACC_FETCH);
    else {
      if (c.paging) return undefined;
      e = c.mem.lookupPage(page);
      if (_check(e, ACC_FETCH) !== _OK) return undefined;
    }
    _fill(t, lin, e!);
  }
  c.fetchOff = t.off[k];
  return t.ram[k];
}

function _fill(t: Tlb, lin: number, e: EptEntry): void {
  const k = (lin >>> 12) & _TMASK;
  t.tag[k] = lin >>> 12;
  t.off[k] = e.offset;
  t.view[k] = _view(e.ram);
  t.ram[k] = e.ram;
}

function _rdSlow(c: CpuState, lin: number, size: number, acc: number): number {
  const e = translate(c, lin, acc);
  const po = lin & 0xfff;
  if (po + size <= PAGE_SIZE) {
    if (acc === ACC_READ) _fill(c.tlbR, lin, e);
    const v = _view(e.ram), o = e.offset + po;
    return size === 1 ? v.getUint8(o) : size === 2 ? v.getUint16(o, true) : v.getInt32(o, true);
  }
  // The part on the next page is a separate access starting at that page.
  const e2 = translate(c, (lin | 0xfff) + 1 >>> 0, acc);
  let x = 0;
  for (let k = size - 1; k >= 0; k--) {
    const o = po + k;
    const b = o < PAGE_SIZE ? e.ram.bytes[e.offset + o] : e2.ram.bytes[e2.offset + o - PAGE_SIZE];
    x = (x << 8) | b;
  }
  return size === 2 ? x & 0xffff : x | 0;
}

function _store(c: CpuState, e: EptEntry, o: number, b: number): void {
  const ram = e.ram, at = e.offset + o;
  if (ram.codePage[Math.floor(at / PAGE_SIZE)] && codeWrite(ram, at, 1)) c.brk = true;
  ram.bytes[at] = b;
}

function _wrSlow(c: CpuState, lin: number, size: number, v: number): void {
  const e = translate(c, lin, ACC_WRITE);
  const po = lin & 0xfff;
  if (po + size <= PAGE_SIZE) {
    const at = e.offset + po;
    if (e.ram.codePage[Math.floor(at / PAGE_SIZE)]) {
      if (codeWrite(e.ram, at, size)) c.brk = true;
    } else {
      _fill(c.tlbW, lin, e);
    }
    const dv = _view(e.ram);
    if (size === 1) dv.setUint8(at, v);
    else if (size === 2) dv.setUint16(at, v, true);
    else dv.setInt32(at, v, true);
    return;
  }
  const e2 = translate(c, (lin | 0xfff) + 1 >>> 0, ACC_WRITE);
  for (let k = 0; k < size; k++) {
    const o = po + k;
    if (o < PAGE_SIZE) _store(c, e, o, (v >>> (8 * k)) & 0xff);
    else _store(c, e2, o - PAGE_SIZE, (v >>> (8 * k)) & 0xff);
  }
}

/** Read a byte at linear `lin`. */
export function rd8(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12) return t.view[k].getUint8(t.off[k] + (lin & 0xfff));
  return _rdSlow(c, lin, 1, ACC_READ);
}

/** Read a word at linear `lin`. */
export function rd16(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffe) {
    return t.view[k].getUint16(t.off[k] + (lin & 0xfff), true);
  }
  return _rdSlow(c, lin, 2, ACC_READ);
}

/** Read a dword (as int32) at linear `lin`. */
export function rd32(c: CpuState, lin: number): number {
  const t = c.tlbR, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffc) {
    return t.view[k].getInt32(t.off[k] + (lin & 0xfff), true);
  }
  return _rdSlow(c, lin, 4, ACC_READ);
}

/** Read `size` (1, 2, 4) bytes at linear `lin` for a read-modify-write: needs write permission. */
export function rdw(c: CpuState, lin: number, size: number): number {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= PAGE_SIZE - size) {
    const v = t.view[k], o = t.off[k] + (lin & 0xfff);
    return size === 1 ? v.getUint8(o) : size === 2 ? v.getUint16(o, true) : v.getInt32(o, true);
  }
  return _rdSlow(c, lin, size, ACC_RMW);
}

/** Write a byte at linear `lin`. */
export function wr8(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12) t.view[k].setUint8(t.off[k] + (lin & 0xfff), v);
  else _wrSlow(c, lin, 1, v);
}

/** Write a word at linear `lin`. */
export function wr16(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffe) {
    t.view[k].setUint16(t.off[k] + (lin & 0xfff), v, true);
  } else _wrSlow(c, lin, 2, v);
}

/** Write a dword at linear `lin`. */
export function wr32(c: CpuState, lin: number, v: number): void {
  const t = c.tlbW, k = (lin >>> 12) & _TMASK;
  if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffc) {
    t.view[k].setInt32(t.off[k] + (lin & 0xfff), v, true);
  } else _wrSlow(c, lin, 4, v);
}

/** Read `size` bytes (1, 2, 4) at linear `lin`. */
export function rdN(c: CpuState, lin: number, size: number): number {
  return size === 1 ? rd8(c, lin) : size === 2 ? rd16(c, lin) : rd32(c, lin);
}

/** Write `size` bytes (1, 2, 4) at linear `lin`. */
export function wrN(c: CpuState, lin: number, size: number, v: number): void {
  if (size === 1) wr8(c, lin, v);
  else if (size === 2) wr16(c, lin, v);
  else wr32(c, lin, v);
}
