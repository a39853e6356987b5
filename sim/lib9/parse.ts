/**
 * Control messages as sys/src/9/port/parse.c handles them: parsecmd splits
 * a write into fields, lookupcmd finds the Cmdtab row and checks the field
 * count, cmderror raises `MSG "F1 F2 ..."` with every field %q-quoted and the
 * text cut at ERRMAX-10 bytes. devvmx's ctl and devsegment's ctl use these.
 *
 * @module
 */

// ns's errors.ts, not its mod.ts, which imports lib9 (namec.ts).
import { berror, Ecmdargs, error } from "../ns/errors.ts";
import { bytesToStr } from "./bytes.ts";
import { Seprint } from "./dofmt.ts";
import { ERRMAX } from "./kstrcpy.ts";
import { tokenize } from "./tokenize.ts";

/** A parsed control message (Cmdbuf): its fields, byte strings. */
export interface Cmdbuf {
  /** The fields, unquoted as tokenize does. */
  readonly f: readonly string[];
  /** Number of fields. */
  readonly nf: number;
}

/** A row of a control-message table (Cmdtab). */
export interface Cmdtab {
  /** The device's command number. */
  readonly index: number;
  /** The verb, or "*" to match any. */
  readonly cmd: string;
  /** Exact field count required, verb included; 0 for any. */
  readonly narg: number;
}

/**
 * ncmdfield: parsecmd's generous field estimate, counting blank-separated
 * words over all `data` (a NUL counts as a blank, quotes are ignored).
 */
function _ncmdfield(data: Uint8Array): number {
  let nf = 0;
  let white = true;
  for (const c of data) {
    const nwhite = c === 0 || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    if (white && !nwhite) nf++;
    white = nwhite;
  }
  return nf + 1;
}

/**
 * parsecmd: drop one trailing newline and tokenize the rest (rc quotes;
 * the text ends at the first NUL). An empty write gives no fields.
 */
export function parsecmd(data: Uint8Array): Cmdbuf {
  const nf = _ncmdfield(data);
  const n = data.length > 0 && data[data.length - 1] === 0x0a ? data.length - 1 : data.length;
  const f = tokenize(bytesToStr(data.subarray(0, n)), nf - 1);
  return { f, nf: f.length };
}

/**
 * cmderror: raise `s "F1 F2 ..."`, each field %q-quoted, the text before the
 * closing quote limited to ERRMAX-11 bytes as seprint into up->genbuf cuts it.
 * The errstr is that text's UTF-8 decoding (%q writes runes whole).
 */
export function cmderror(cb: Cmdbuf, s: string): never {
  const b = new Seprint(ERRMAX - 10).print('%s "', s);
  for (let i = 0; i < cb.nf; i++) {
    if (i > 0) b.print(" ");
    b.print("%q", cb.f[i]);
  }
  berror(b.text + '"');
}

/**
 * lookupcmd: the first row whose verb is "*" or the first field. No fields:
 * "empty control message"; a row with narg != 0 and another field count:
 * "wrong #args in control message ..."; no row: "unknown control message ...".
 */
export function lookupcmd<T extends Cmdtab>(cb: Cmdbuf, ctab: readonly T[]): T {
  if (cb.nf === 0) error("empty control message");
  for (const ct of ctab) {
    if (ct.cmd !== "*" && ct.cmd !== cb.f[0]) continue;
    if (ct.narg !== 0 && ct.narg !== cb.nf) cmderror(cb, Ecmdargs);
    return ct;
  }
  cmderror(cb, "unknown control message");
}
