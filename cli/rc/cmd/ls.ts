/**
 * ls(1), after 9front's sys/src/cmd/ls.c: dirstat each name; list a
 * directory by opening it OREAD and reading it with dirreadall; sort by name
 * (with the name's prefix, as compar does) and print through a Bio buffer,
 * names `%q`-quoted with rc's rules (so `ls '#X'` prints `'#X/0'`).
 *
 * Options: -d -F -l -m -n -p -q -Q -r -s -T -u as ls(1). -l prints times as
 * asciitime does, in GMT (the simulated kernel's files have time 0). -t is
 * refused: with every time equal, its order would be 9front's qsort's.
 *
 * @module
 */

import { type Dir, DMDIR, OREAD, QTDIR } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { rcquote } from "../quote.ts";
import { Arg } from "./arg.ts";
import { Bio } from "./bio.ts";
import type { Command } from "./command.ts";

/** DMTMP: a temporary file, -T's `t`. */
const _DMTMP = 0x04000000;
const _DMAPPEND = 0x40000000;
const _DMEXCL = 0x20000000;
const _DMAUTH = 0x08000000;
const _MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

interface _NDir {
  d: Dir;
  prefix: string | null;
}

/** dirmodefmt (%M): type letter, exclusive-use letter, then rwx for owner, group, others. */
export function dirmodefmt(m: number): string {
  const rwx = (b: number) => (b & 4 ? "r" : "-") + (b & 2 ? "w" : "-") + (b & 1 ? "x" : "-");
  const t = m & DMDIR ? "d" : m & _DMAPPEND ? "a" : m & _DMAUTH ? "A" : "-";
  return t + (m & _DMEXCL ? "l" : "-") + rwx(m >> 6 & 7) + rwx(m >> 3 & 7) + rwx(m & 7);
}

/**
 * ls's asciitime: "Mmm dd hh:mm" for times within six months back or a day
 * ahead of `clk`, else "Mmm dd  yyyy" (ctime's fields, in GMT).
 */
export function asciitime(t: number, clk: number): string {
  const d = new Date(t * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const month = _MONTHS.slice(d.getUTCMonth() * 3, d.getUTCMonth() * 3 + 3);
  const day = `${month} ${String(d.getUTCDate()).padStart(2, " ")} `;
  if (t < clk - 180 * 24 * 60 * 60 || clk + 24 * 60 * 60 < t) {
    return day + " " + String(d.getUTCFullYear()).padStart(4, " ");
  }
  return day + `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** Compress slashes and drop a trailing one (xcleanname). */
export function xcleanname(name: string): string {
  let s = name.replace(/\/\/+/g, "/");
  while (s.length > 1 && s.endsWith("/")) s = s.slice(0, -1);
  return s;
}

function _strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class _Ls {
  readonly p: Proc;
  readonly flags: Set<string>;
  readonly clk: number;
  readonly bio: Bio;
  dirbuf: _NDir[] = [];
  swidth = 0;
  qwidth = 0;
  vwidth = 0;
  uwidth = 0;
  mwidth = 0;
  lwidth = 0;
  gwidth = 0;

  constructor(p: Proc, flags: Set<string>, clk: number) {
    this.p = p;
    this.flags = flags;
    this.clk = clk;
    this.bio = new Bio(p, 1);
  }

  ls(s: string, multi: boolean): number {
    const db = this.p.dirstat(s);
    if (db === null) return this.#error(s);
    if (db.qid.type & QTDIR && !this.flags.has("d")) {
      this.output();
      const fd = this.p.open(s, OREAD);
      if (fd === -1) return this.#error(s);
      const dirs = this.p.dirreadall(fd);
      if (dirs === null) return this.#error(s);
      const prefix = multi ? xcleanname(s) : null;
      for (const d of dirs) this.dirbuf.push({ d, prefix });
      this.p.close(fd);
      this.output();
    } else {
      const name = xcleanname(s);
      const slash = name.lastIndexOf("/");
      this.dirbuf.push({ d: db, prefix: slash >= 0 ? name.slice(0, slash) : null });
    }
    return 0;
  }

  #error(s: string): number {
    this.p.fprint(2, `ls: ${s}: ${this.p.errstr}\n`);
    return 1;
  }

  output(): void {
    const order = this.dirbuf.map((_, i) => i);
    if (!this.flags.has("n")) order.sort((a, b) => this.#compar(a, b));
    for (const i of order) this.#dowidths(this.dirbuf[i].d);
    for (const i of order) {
      const { d, prefix } = this.dirbuf[i];
      if (!this.flags.has("p") && prefix !== null) {
        this.#format(d, `${prefix === "/" ? "" : prefix}/${d.name}`);
      } else {
        this.#format(d, d.name);
      }
    }
    this.dirbuf = [];
    this.bio.flush();
  }

  #compar(ia: number, ib: number): number {
    const a = this.dirbuf[ia], b = this.dirbuf[ib];
    let i: number;
    if (a.prefix !== null && b.prefix !== null) {
      i = _strcmp(a.prefix, b.prefix) || _strcmp(a.d.name, b.d.name);
    } else if (a.prefix !== null) {
      i = _strcmp(a.prefix, b.d.name) || 1;
    } else if (b.prefix !== null) {
      i = _strcmp(a.d.name, b.prefix) || -1;
    } else {
      i = _strcmp(a.d.name, b.d.name);
    }
    if (i === 0) i = ia < ib ? -1 : 1;
    return this.flags.has("r") ? -i : i;
  }

  #dowidths(d: Dir): void {
    const f = this.flags;
    if (f.has("s")) this.swidth = Math.max(this.swidth, String(_blocks(d)).length);
    if (f.has("q")) this.qwidth = Math.max(this.qwidth, String(d.qid.vers).length);
    if (f.has("m")) this.mwidth = Math.max(this.mwidth, `[${rcquote(d.muid)}]`.length);
    if (f.has("l")) {
      this.vwidth = Math.max(this.vwidth, String(d.dev).length);
      this.uwidth = Math.max(this.uwidth, rcquote(d.uid).length);
      this.gwidth = Math.max(this.gwidth, rcquote(d.gid).length);
      this.lwidth = Math.max(this.lwidth, String(d.length).length);
    }
  }

  #format(d: Dir, name: string): void {
    const f = this.flags;
    let line = "";
    if (f.has("s")) line += `${String(_blocks(d)).padStart(this.swidth)} `;
    if (f.has("m")) {
      line += `[${rcquote(d.muid)}] `;
      line += " ".repeat(Math.max(0, this.mwidth - (2 + d.muid.length)));
    }
    if (f.has("q")) {
      const path = d.qid.path.toString(16).padStart(16, "0");
      const vers = String(d.qid.vers).padStart(this.qwidth);
      line += `(${path} ${vers} ${d.qid.type.toString(16).padStart(2, "0")}) `;
    }
    if (f.has("T")) line += `${d.mode & _DMTMP ? "t" : "-"} `;
    if (f.has("l")) {
      line += [
        dirmodefmt(d.mode),
        String.fromCodePoint(d.type),
        String(d.dev).padStart(this.vwidth),
        rcquote(d.uid).padEnd(this.uwidth),
        rcquote(d.gid).padEnd(this.gwidth),
        String(d.length).padStart(this.lwidth),
        asciitime(f.has("u") ? d.atime : d.mtime, this.clk),
        "",
      ].join(" ");
    }
    line += f.has("Q") ? name : rcquote(name);
    if (f.has("F")) line += d.qid.type & QTDIR ? "/" : d.mode & 0o111 ? "*" : "";
    this.bio.print(line + "\n");
  }
}

function _blocks(d: Dir): number {
  return Math.floor((d.length + 1023) / 1024);
}

/** Options: `now`, the clock for -l's recent-or-old choice (seconds; ls reads time(0)). */
export interface LsOptions {
  /** Seconds since the epoch. */
  now: () => number;
}

/** ls [-dlmnpqrsuFQT] [file ...], as a command reading the clock with `options.now`. */
export function lsCommand(options: LsOptions): Command {
  return (p, argv) => {
    const flags = new Set<string>();
    const a = new Arg(argv);
    for (let c = a.next(); c !== null; c = a.next()) {
      if (c === "t") {
        p.fprint(2, "ls: -t: not supported in vmxsim sh\n");
        return "usage";
      }
      if (!"dlmnpqrsuFQT".includes(c)) {
        p.fprint(2, "usage: ls [-dlmnpqrsuFQT] [file ...]\n");
        return "usage";
      }
      flags.add(c);
    }
    const names = a.operands();
    const l = new _Ls(p, flags, flags.has("l") ? options.now() : 0);
    let errs = 0;
    if (names.length === 0) errs = l.ls(".", false);
    else for (const s of names) errs |= l.ls(s, true);
    l.output();
    return errs ? "errors" : "";
  };
}
