/**
 * How 9front's namec (port/chan.c) reads a file name before walking it:
 * validname's checks, the "#c" device prefix, parsename's element list with
 * the byte offsets error messages are cut at, and namelenerror, which turns
 * a walk or open failure into "error: 'name'".
 *
 * Names are handled here as lib9 byte strings (one code unit per UTF-8
 * byte), because every length and offset the kernel uses counts bytes.
 *
 * @module
 */

import { ERRMAX, snprint } from "../lib9/mod.ts";
import { berror, Ebadchar, Efilename, error, Etoolong } from "./errors.ts";

/** Size of up->genbuf, which bounds the "#c" prefix and the bad-character message. */
const _GENBUF = 128;

/**
 * validname0 with slashok: Etoolong from 64K bytes; a control character or
 * DEL is "bad character in file name: NAME", the name %q-quoted and the
 * message cut to fit up->genbuf.
 */
export function validname(name: string): void {
  if (name.length >= 1 << 16) error(Etoolong);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) berror(snprint(_GENBUF, "%s: %q", Ebadchar, name));
  }
}

/**
 * The "#c" prefix of a name starting with '#' (the bytes namec copies into
 * up->genbuf): everything up to the first '/' after the device character,
 * Efilename if that takes 127 bytes or more.
 */
export function sharpprefix(name: string): string {
  let n = 0;
  while (n < name.length && (name[n] !== "/" || n < 2)) {
    if (n >= _GENBUF - 1) error(Efilename);
    n++;
  }
  return name.slice(0, n);
}

/** A name split into elements as parsename does (Elemlist). */
export interface Elemlist {
  /** The elements, with "." and empty ones dropped; ".." kept. */
  elems: string[];
  /** off[i]: byte offset of the end of the first i elements (off[0]: start of the first). */
  off: number[];
  /** Whether the name ends in "/" or "/." so that it must name a directory. */
  mustbedir: boolean;
}

function _skipslash(s: string, i: number): number {
  while (s[i] === "/" || (s[i] === "." && (i + 1 === s.length || s[i + 1] === "/"))) i++;
  return i;
}

/** parsename: split `name` at slashes, skipping empty and "." elements. */
export function parsename(name: string): Elemlist {
  const e: Elemlist = { elems: [], off: [_skipslash(name, 0)], mustbedir: false };
  for (let i = 0;;) {
    i = _skipslash(name, i);
    if (i === name.length) {
      e.off[e.elems.length] = name.length;
      e.mustbedir = true;
      return e;
    }
    const slash = name.indexOf("/", i);
    e.elems.push(name.slice(i, slash < 0 ? name.length : slash));
    if (slash < 0) {
      e.off[e.elems.length] = name.length;
      return e;
    }
    e.off[e.elems.length] = slash;
    i = slash + 1;
  }
}

/**
 * namelenerror: raise `err: 'NAME'` where NAME is the first `len` bytes of
 * `aname`, or when that is long "..." and a suffix of whole elements
 * (a chopped last element if even that is too long); the message is cut to
 * ERRMAX-1 bytes as snprint cuts it.
 */
export function namelenerror(aname: string, len: number, err: string): never {
  const errlen = err.length;
  // C's integer divisions: ERRMAX/3 = 42, 2*ERRMAX/3 = 85.
  const short = (n: number) =>
    n < Math.floor(ERRMAX / 3) || n + errlen < Math.floor((2 * ERRMAX) / 3);
  let shown: string;
  if (short(len)) shown = aname.slice(0, len);
  else {
    const ename = len;
    let next = ename;
    let name: number;
    do {
      name = next;
      if (next === 0) break;
      while (next > 0) if (aname[--next] === "/") break;
    } while (short(ename - next));
    if (name === ename) {
      name = ename - ERRMAX / 4;
      for (let i = 0; (aname.charCodeAt(name) & 0xc0) === 0x80 && i < 4; i++) name++;
    }
    shown = snprint(_GENBUF, "...%s", aname.slice(name, ename));
  }
  berror(snprint(ERRMAX, "%s: %#q", err, shown));
}
