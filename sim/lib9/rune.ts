/**
 * UTF-8 as 9front's libc decodes and encodes it (sys/src/libc/port/rune.c,
 * utfrune.c, utflen.c), over byte strings (see bytes.ts). A byte past the
 * end of a string reads as NUL, as C reads the terminator.
 *
 * @module
 */

import { cut } from "./bytes.ts";

/** Most bytes in one rune's encoding. */
export const UTFmax = 4;
/** Runes below this are one byte and encode as themselves. */
export const Runeself = 0x80;
/** The rune a bad encoding decodes to. */
export const Runeerror = 0xfffd;
/** Largest rune. */
export const Runemax = 0x10ffff;

/** Byte `i` of `s`, NUL past the end. */
export function byteAt(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

/**
 * chartorune: the rune encoded at byte `i` of `s` and its length. Bad
 * sequences (overlong, truncated, above Runemax) give Runeerror and length 1.
 */
export function chartorune(s: string, i: number): [rune: number, len: number] {
  const c = byteAt(s, i);
  if (c < 0x80) return [c, 1];
  const c1 = byteAt(s, i + 1) ^ 0x80;
  if (c1 & 0xc0) return [Runeerror, 1];
  if (c < 0xe0) {
    if (c < 0xc0) return [Runeerror, 1];
    const l = ((c << 6) | c1) & 0x7ff;
    return l <= 0x7f ? [Runeerror, 1] : [l, 2];
  }
  const c2 = byteAt(s, i + 2) ^ 0x80;
  if (c2 & 0xc0) return [Runeerror, 1];
  if (c < 0xf0) {
    const l = ((((c << 6) | c1) << 6) | c2) & 0xffff;
    return l <= 0x7ff ? [Runeerror, 1] : [l, 3];
  }
  const c3 = byteAt(s, i + 3) ^ 0x80;
  if (c3 & 0xc0) return [Runeerror, 1];
  if (c < 0xf8) {
    const l = ((((((c << 6) | c1) << 6) | c2) << 6) | c3) & 0x3fffff;
    return l <= 0xffff || l > Runemax ? [Runeerror, 1] : [l, 4];
  }
  return [Runeerror, 1];
}

/** runetochar: the UTF-8 encoding of rune `r` (Runeerror above Runemax). */
export function runetochar(r: number): string {
  const c = r > Runemax ? Runeerror : r;
  if (c <= 0x7f) return String.fromCharCode(c);
  if (c <= 0x7ff) return String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
  if (c <= 0xffff) {
    return String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (c >> 18),
    0x80 | ((c >> 12) & 0x3f),
    0x80 | ((c >> 6) & 0x3f),
    0x80 | (c & 0x3f),
  );
}

/** fullrune: whether the `n` bytes at `i` hold a whole rune's encoding. */
export function fullrune(s: string, i: number, n: number): boolean {
  if (n <= 0) return false;
  const c = byteAt(s, i);
  if (c < 0x80) return true;
  if (c < 0xe0) return n >= 2;
  if (c < 0xf0) return n >= 3;
  return n >= 4;
}

/** utflen: runes in the C string `s`. */
export function utflen(s: string): number {
  let n = 0;
  for (let i = 0;; n++) {
    const c = byteAt(s, i);
    if (c < Runeself) {
      if (c === 0) return n;
      i++;
    } else i += chartorune(s, i)[1];
  }
}

/**
 * utfrune: whether rune `c` occurs in the C string `set`. Below 0x80 this is
 * strchr, which also finds the terminating NUL; callers never ask for 0.
 */
export function utfrune(set: string, c: number): boolean {
  if (c < Runeself) return c === 0 || cut(set).includes(String.fromCharCode(c));
  for (let i = 0;;) {
    const c1 = byteAt(set, i);
    if (c1 < Runeself) {
      if (c1 === 0) return false;
      if (c1 === c) return true;
      i++;
      continue;
    }
    const [r, n] = chartorune(set, i);
    if (r === c) return true;
    i += n;
  }
}
