/**
 * getfields(2) as sys/src/libc/port/getfields.c does it, over byte strings:
 * split at any rune of `delims`. devvmx's setregs splits regs lines with it
 * (mflag set: runs of delimiters count as one, empty fields vanish).
 *
 * When `max` fields are found and another delimiter follows, splitting stops
 * and the last field keeps the rest of the string, delimiters included.
 *
 * @module
 */

import { cbytes, cstr } from "./bytes.ts";
import { chartorune, utfrune } from "./rune.ts";

/**
 * The fields of the C string `s`, at most `max`. Without `mflag` every
 * delimiter ends a field, so adjacent delimiters give empty fields and a
 * string of n delimiters gives n+1 fields.
 */
export function getfields(s: string, max: number, mflag: boolean, delims: string): string[] {
  if (max <= 0) return [];
  const b = cbytes(s);
  const args = [0];
  let narg = mflag ? 0 : 1;
  let intok = false;
  for (let p = 0;;) {
    const [r, nr] = chartorune(s, p);
    if (r === 0) break;
    if (utfrune(delims, r)) {
      if (narg >= max) break;
      b[p] = 0;
      intok = false;
      args[narg] = p + nr;
      if (!mflag) narg++;
    } else {
      if (!intok && mflag) narg++;
      intok = true;
    }
    p += nr;
  }
  return args.slice(0, narg).map((i) => cstr(b, i));
}
