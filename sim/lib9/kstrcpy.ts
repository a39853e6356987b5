/**
 * kstrcpy as sys/src/9/port/chan.c does it: how the kernel stores an error
 * string (error() copies into up->errstr with ns = ERRMAX) and how devvmx
 * saves a dead vCPU's error.
 *
 * @module
 */

import { cut } from "./bytes.ts";

/** ERRMAX: size of an error-string buffer, NUL included. */
export const ERRMAX = 128;

/**
 * What a buffer of `ns` bytes holds after kstrcpy(s, t, ns). A string that
 * fits (at most ns-1 bytes) is kept whole. A longer one is cut to ns-1 bytes
 * and then, when ns >= 4, "..." overwrites from byte ns-5, moved back over
 * UTF-8 continuation bytes so no rune is split: with ERRMAX a 128-byte
 * string keeps 123 bytes plus "...". For ns < 4 it is just cut to ns-1.
 */
export function kstrcpy(t: string, ns: number): string {
  if (!(ns >= 1)) throw new RangeError(`kstrcpy into ${ns} bytes`);
  const s = cut(t);
  if (s.length < ns) return s;
  const kept = s.slice(0, ns - 1);
  let n = ns - 4;
  if (n < 0) return kept;
  while (n > 0 && (kept.charCodeAt(--n) & 0xc0) === 0x80);
  return kept.slice(0, n) + "...";
}
