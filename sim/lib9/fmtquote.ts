/**
 * %q and %#q as 9front's fmtquote.c prints them (the kernel installs them
 * with quotefmtinstall; doquote stays nil). A string is quoted rc-style when
 * it is empty or holds a rune <= ' ' or a quote; inside the quotes a quote is
 * doubled. %#q always quotes.
 *
 * In a bounded buffer _quotesetup first measures what fits: it takes only as
 * much of the string as fits with its closing quote, and if quoting turns out
 * to be needed where the quotes no longer fit, prints the part before it
 * unquoted. cmderror's 118-byte message and devvmx's status line are cut
 * this way.
 *
 * @module
 */

import { cut } from "./bytes.ts";
import {
  type Fmt,
  fmtcpy,
  FmtLeft,
  fmtpad,
  FmtPrec,
  fmtrune,
  fmtrunein,
  FmtSharp,
} from "./fmtbuf.ts";
import { chartorune } from "./rune.ts";

/** Quoteinfo, for byte output. */
interface _Quoteinfo {
  quoted: boolean;
  nrunesin: number;
  nbytesin: number;
  nbytesout: number;
}

/** _quotesetup: how much of `s` to take and whether to quote it, for `nout` bytes. */
function _quotesetup(s: string, nin: number, nout: number, sharp: boolean): _Quoteinfo {
  const q: _Quoteinfo = { quoted: false, nrunesin: 0, nbytesin: 0, nbytesout: 0 };
  if (sharp || nin === 0 || s.length === 0) {
    if (nout < 2) return q;
    q.quoted = true;
    q.nbytesout = 2;
  }
  for (let i = 0; nin !== 0; nin--) {
    const [c, w] = chartorune(s, i);
    if (c === 0) break;
    if (q.nbytesout + w > nout) break;
    if (c <= 0x20 || c === 0x27) {
      if (!q.quoted) {
        if (1 + q.nbytesout + w + 1 > nout) break;
        q.nbytesout += 2;
        q.quoted = true;
      }
      if (c === 0x27) {
        if (1 + q.nbytesout + w > nout) break;
        q.nbytesout++;
      }
    }
    i += w;
    q.nbytesin += w;
    q.nrunesin++;
    q.nbytesout += w;
  }
  return q;
}

/** qstrfmt: print the measured part of `s` in quotes, doubling quotes. */
function _qstrfmt(s: string, q: _Quoteinfo, f: Fmt): void {
  const w = f.width;
  const fl = f.flags;
  let m = 0;
  const me = q.nbytesin;
  if (!(fl & FmtLeft)) fmtpad(f, w - q.nbytesout);
  fmtrune(f, 0x27);
  for (let nc = q.nrunesin; nc > 0; nc--) {
    const rw = fmtrunein(s, m, me);
    if (rw === undefined) break;
    m += rw[1];
    fmtrune(f, rw[0]);
    if (rw[0] === 0x27) fmtrune(f, 0x27);
  }
  fmtrune(f, 0x27);
  if (fl & FmtLeft) fmtpad(f, w - q.nbytesout);
}

/** quotestrfmt: the %q verb for the C string `arg`. */
export function quotestrfmt(f: Fmt, arg: string): void {
  const s = cut(arg);
  const nin = f.flags & FmtPrec ? f.prec : -1;
  const outlen = f.unbounded ? 0x7fffffff : f.stop - f.out.length;
  const q = _quotesetup(s, nin, outlen, (f.flags & FmtSharp) !== 0);
  if (!q.quoted) fmtcpy(f, s, 0, q.nrunesin, q.nbytesin);
  else _qstrfmt(s, q, f);
}
