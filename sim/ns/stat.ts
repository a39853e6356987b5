/**
 * The machine-independent directory entry of stat(5): packing a `Dir` into
 * bytes and back, after 9front's libc/9sys/convD2M.c and convM2D.c. Directory
 * reads return concatenations of these entries; stat(2) returns one.
 *
 * Layout (little-endian): size[2] type[2] dev[4] qid.type[1] qid.vers[4]
 * qid.path[8] mode[4] atime[4] mtime[4] length[8] name[s] uid[s] gid[s]
 * muid[s], where `size` counts the bytes after itself and each string is a
 * 2-byte byte count followed by UTF-8 without a terminator.
 *
 * @module
 */

import type { Dir } from "./dev.ts";

/** Size of a 16-bit field. */
export const BIT16SZ = 2;
/** Bytes of the fixed part of an entry, including its leading count (fcall.h). */
export const STATFIXLEN = 49;

const _enc = new TextEncoder();
const _dec = new TextDecoder();
const _TWO32 = 0x1_0000_0000;

function _strings(d: Dir): Uint8Array[] {
  return [d.name, d.uid, d.gid, d.muid].map((s) => _enc.encode(s));
}

/** Bytes `d` packs into (sizeD2M): the fixed part plus the strings' UTF-8 lengths. */
export function sizeD2M(d: Dir): number {
  return _strings(d).reduce((n, s) => n + s.length, STATFIXLEN);
}

function _put64(v: DataView, off: number, x: number): void {
  v.setUint32(off, x % _TWO32, true);
  v.setUint32(off + 4, Math.floor(x / _TWO32), true);
}

/**
 * Pack `d` into at most `nbuf` bytes, as convD2M does: an empty result if
 * `nbuf` < 2; only the 2-byte size (telling the caller what is needed) if the
 * entry does not fit; else the whole entry. A string longer than 65535 bytes
 * has no encoding (the kernel refuses such names earlier): RangeError.
 */
export function convD2M(d: Dir, nbuf: number): Uint8Array {
  if (nbuf < BIT16SZ) return new Uint8Array(0);
  const strs = _strings(d);
  const ss = strs.reduce((n, s) => n + s.length, STATFIXLEN);
  if (ss - BIT16SZ > 0xffff) throw new RangeError(`stat entry of ${ss} bytes does not fit 9P`);
  if (ss > nbuf) {
    const head = new Uint8Array(BIT16SZ);
    new DataView(head.buffer).setUint16(0, ss - BIT16SZ, true);
    return head;
  }
  const buf = new Uint8Array(ss);
  const v = new DataView(buf.buffer);
  v.setUint16(0, ss - BIT16SZ, true);
  v.setUint16(2, d.type & 0xffff, true);
  v.setUint32(4, d.dev >>> 0, true);
  v.setUint8(8, d.qid.type & 0xff);
  v.setUint32(9, d.qid.vers >>> 0, true);
  _put64(v, 13, d.qid.path);
  v.setUint32(21, d.mode >>> 0, true);
  v.setUint32(25, d.atime >>> 0, true);
  v.setUint32(29, d.mtime >>> 0, true);
  _put64(v, 33, d.length);
  let p = 41;
  for (const s of strs) {
    v.setUint16(p, s.length, true);
    buf.set(s, p + BIT16SZ);
    p += BIT16SZ + s.length;
  }
  return buf;
}

/**
 * Whether `buf` is exactly one well-formed entry (statcheck): its count
 * matches its length and the four strings end exactly at its end.
 */
export function statcheck(buf: Uint8Array): boolean {
  if (buf.length < STATFIXLEN) return false;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length !== BIT16SZ + v.getUint16(0, true)) return false;
  let p = STATFIXLEN - 4 * BIT16SZ;
  for (let i = 0; i < 4; i++) {
    if (p + BIT16SZ > buf.length) return false;
    p += BIT16SZ + v.getUint16(p, true);
  }
  return p === buf.length;
}

function _get64(v: DataView, off: number): number {
  const hi = v.getUint32(off + 4, true);
  if (hi > 0x1f_ffff) throw new RangeError(`stat entry: 64-bit field at byte ${off} exceeds 2^53`);
  return hi * _TWO32 + v.getUint32(off, true);
}

/**
 * Unpack the entry at the start of `buf` (convM2D): the Dir and the bytes it
 * used, or undefined where convM2D returns 0 (too short, a string overruns).
 * The leading count is not checked, as in C; use `statcheck` for that.
 * Strings are decoded as UTF-8. A 64-bit field above 2^53 throws RangeError:
 * the simulator's numbers cannot hold it.
 */
export function convM2D(buf: Uint8Array): { dir: Dir; size: number } | undefined {
  if (buf.length < STATFIXLEN) return undefined;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const strs: string[] = [];
  let p = 41;
  for (let i = 0; i < 4; i++) {
    if (p + BIT16SZ > buf.length) return undefined;
    const ns = v.getUint16(p, true);
    p += BIT16SZ;
    if (p + ns > buf.length) return undefined;
    strs.push(_dec.decode(buf.subarray(p, p + ns)));
    p += ns;
  }
  const dir: Dir = {
    type: v.getUint16(2, true),
    dev: v.getUint32(4, true),
    qid: { type: v.getUint8(8), vers: v.getUint32(9, true), path: _get64(v, 13) },
    mode: v.getUint32(21, true),
    atime: v.getUint32(25, true),
    mtime: v.getUint32(29, true),
    length: _get64(v, 33),
    name: strs[0],
    uid: strs[1],
    gid: strs[2],
    muid: strs[3],
  };
  return { dir, size: p };
}
