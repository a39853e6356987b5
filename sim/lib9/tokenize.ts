/**
 * tokenize(2) as sys/src/libc/port/tokenize.c does it: fields separated by
 * blanks, tabs, CRs and newlines, with rc-style single quotes ('' inside
 * quotes is one quote, quotes may start and stop inside a field, an
 * unterminated quote runs to the end). The ctl parser (parsecmd) and the map
 * file (cmdsetmeminfo) split their input with it.
 *
 * The port works in place on a byte copy, as qtoken does, so it cannot
 * differ from the C in how quotes and separators interact. Only ASCII bytes
 * separate or quote; other bytes are copied through untouched.
 *
 * @module
 */

import { cbytes, cstr } from "./bytes.ts";

const _QUOTE = 0x27;

/** Whether byte `c` is in tokenize's separator set " \t\r\n". */
function _qsep(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * qtoken: unquote the field at `s` in place and NUL-terminate it; returns
 * where the scan for the next field starts.
 */
function _qtoken(b: Uint8Array, s: number): number {
  let quoting = false;
  let t = s;
  while (b[t] !== 0 && (quoting || !_qsep(b[t]))) {
    if (b[t] !== _QUOTE) {
      b[s++] = b[t++];
      continue;
    }
    if (!quoting) {
      quoting = true;
      t++;
      continue;
    }
    if (b[t + 1] !== _QUOTE) {
      t++;
      quoting = false;
      continue;
    }
    t++;
    b[s++] = b[t++];
  }
  if (b[s] !== 0) {
    b[s] = 0;
    if (t === s) t++;
  }
  return t;
}

/**
 * The first `max` fields of the C string `s` (a byte string), unquoted.
 * Text after the `max`th field is ignored.
 */
export function tokenize(s: string, max: number): string[] {
  const b = cbytes(s);
  const args: number[] = [];
  let p = 0;
  for (let nargs = 0; nargs < max; nargs++) {
    while (b[p] !== 0 && _qsep(b[p])) p++;
    if (b[p] === 0) break;
    args.push(p);
    p = _qtoken(b, p);
  }
  return args.map((i) => cstr(b, i));
}
