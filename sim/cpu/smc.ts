/**
 * Which bytes of guest RAM hold decoded instructions, at 64-byte-line
 * granularity, so that a CPU write to a page holding code invalidates the
 * page's decoded blocks only when it really lands on code (SDM vol. 3 §11.6:
 * writes to instructions already fetched take effect). Host writes go
 * through `GuestRam.noteWrite`, which drops the whole page.
 *
 * @module
 */

import { type GuestRam, PAGE_SIZE } from "./bus.ts";

const _LINE = 64;
const _lines = new WeakMap<GuestRam, Uint8Array>();

function _bits(ram: GuestRam): Uint8Array {
  let b = _lines.get(ram);
  if (b === undefined) {
    b = new Uint8Array(ram.pageGen.length * (PAGE_SIZE / _LINE / 8));
    _lines.set(ram, b);
  }
  return b;
}

/** Note that bytes [off, off+len) of `ram` (within one page) hold decoded code. Returns true if the page was not marked yet. */
export function markCode(ram: GuestRam, off: number, len: number): boolean {
  const page = Math.floor(off / PAGE_SIZE);
  const fresh = ram.codePage[page] === 0;
  if (fresh) ram.codePage[page] = 1;
  const b = _bits(ram);
  for (let l = Math.floor(off / _LINE); l <= Math.floor((off + len - 1) / _LINE); l++) {
    b[l >> 3] |= 1 << (l & 7);
  }
  return fresh;
}

/**
 * A CPU write to bytes [off, off+len) of a page marked as code: if it touches
 * a line holding code, drop the page's decoded code (bump its generation) and
 * return true.
 */
export function codeWrite(ram: GuestRam, off: number, len: number): boolean {
  const b = _bits(ram);
  let hit = false;
  for (let l = Math.floor(off / _LINE); l <= Math.floor((off + len - 1) / _LINE); l++) {
    if (b[l >> 3] & (1 << (l & 7))) hit = true;
  }
  if (!hit) return false;
  const page = Math.floor(off / PAGE_SIZE);
  b.fill(0, page * 8, page * 8 + 8);
  ram.codePage[page] = 0;
  ram.pageGen[page]++;
  return true;
}
