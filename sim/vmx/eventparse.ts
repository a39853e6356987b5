/**
 * devvmx.c's eventparse: the EVENT argument of the `exc` and `irq` ctl
 * messages, turned into VM-entry interruption information (SDM vol. 3
 * 24.8.3), an error code and an instruction length.
 *
 * Syntax `NAME[,CODE[,ILEN]]`, followed quirk for quirk:
 * - NAME is a name in `except` (`#gp`), or a decimal vector parsed with
 *   strtoul (so blanks and a sign are accepted, and "" is vector 0); a leading
 *   `#` makes it a hardware exception (type 3), else it is an external
 *   interrupt (type 0), except that bare vectors 3 and 4 become type 3 too.
 *   The vector is a C int: values of 2^31 and up (including "-1" and
 *   overflow, which strtoul saturates) pass the `> 255` check as negative
 *   numbers and are ORed into the whole info word.
 * - A CODE field, even empty, sets bit 11 (deliver error code); "" is 0.
 *   An empty CODE followed by a comma is skipped, so `#bp,,1` is refused
 *   (the 1 is left over) while `#bp,,,1` sets only the length.
 * - CODE and ILEN are strtoul base 0 (32-bit, `0x` only before a hex digit).
 * Anything left over: "bad process or channel control request".
 *
 * @module
 */

import { Ebadctl, error } from "../ns/mod.ts";
import { strtoul } from "../lib9/mod.ts";
import { except } from "./exitreasons.ts";

/** An event to inject (struct VmIntr), all unsigned 32-bit. */
export interface VmIntr {
  /** Interruption information: bit 31 valid, 11 error code, 10:8 type, 7:0 vector. */
  info: number;
  /** Error code. */
  code: number;
  /** Instruction length. */
  ilen: number;
}

/** eventparse: the VmIntr for EVENT text `p`; throws Ebadctl when refused. */
export function eventparse(p: string): VmIntr {
  let info = 0x80000000;
  let code = 0, ilen = 0;
  const comma = p.indexOf(",");
  let q = comma < 0 ? p : p.slice(0, comma);
  let r = comma < 0 ? undefined : p.slice(comma + 1);
  let i = except.indexOf(q);
  if (i < 0) i = except.length;
  if (q.startsWith("#")) {
    q = q.slice(1);
    info |= 3 << 8;
  }
  if (i === except.length) {
    const v = strtoul(q, 10);
    i = v.value | 0;
    if (v.end !== q.length || i > 255) error(Ebadctl);
  }
  info = (info | i) >>> 0;
  if ((info & 0x7ff) === 3 || (info & 0x7ff) === 4) info = (info + (3 << 8)) >>> 0;
  if (r === undefined) return { info, code, ilen };
  if (!r.startsWith(",")) {
    const v = strtoul(r, 0);
    code = v.value;
    info = (info | 1 << 11) >>> 0;
    r = r.slice(v.end);
  } else r = r.slice(1);
  if (r.startsWith(",")) {
    const v = strtoul(r.slice(1), 0);
    ilen = v.value;
    r = r.slice(1 + v.end);
  }
  if (r !== "") error(Ebadctl);
  return { info, code, ilen };
}
