/**
 * #g, 9front's global segments (sys/src/9/port/devsegment.c): a directory
 * per segment holding ctl and data. A segment is made by creating a
 * directory, given an address range and a kind by writing
 * `va BASE LEN [fixed|sticky]` to its ctl, and read and written through its
 * data file (segio in port/segment.c). devvmx maps segments into guests
 * through `globalsegattach`.
 *
 * The modeled host is amd64 (pc64/mem.h: BY2PG, USTKTOP, SEGMAXSIZE) with
 * no physical segments beyond the portable "shared" and "memory" (no VGA
 * framebuffer). What the simulator adds:
 *
 * - Physical memory, for the address a fixed segment's ctl prints: user
 *   pages form one run from PALLOC_BASE, PALLOC_PAGES long. A fixed segment
 *   takes the lowest run of free pages that fixedseg's scan of palloc.pages
 *   accepts (including its limit: the run must end at least its own length
 *   before the end of memory), and gives them back when the segment is
 *   freed, i.e. when it is no longer in #g and no ctl or data file of it is
 *   open. Only fixed segments use modeled pages; references devvmx holds are
 *   not counted. On hardware the address depends on everything else the
 *   machine has allocated, so the oracle cannot compare it.
 * - Every segment is backed by a `GuestRam` allocated when its address is
 *   set; one larger than 4 GiB is not modeled (RangeError).
 *
 * @module
 */

import { GuestRam } from "../cpu/mod.ts";
import type { SegmentRef } from "../vmx/mod.ts";
import { fromUtf8, kstrcpy, parsecmd, snprint, strtoull, toUtf8 } from "../lib9/mod.ts";
import {
  Chan,
  COPEN,
  CRCLOSE,
  type Dev,
  devdir,
  devdirread,
  DEVDOTDOT,
  devpermcheck,
  DMDIR,
  Ebadarg,
  Ebadctl,
  Eexist,
  Eisdir,
  Enomem,
  Enovmem,
  Eperm,
  error,
  Etoolong,
  type GenResult,
  openmode,
  ORCLOSE,
  type Proc,
  QTDIR,
  QTFILE,
  readstr,
} from "../ns/mod.ts";

/** Bytes per page (pc64 BY2PG). */
const _BY2PG = 0x1000n;
/** Top of user space (pc64 USTKTOP): a segment must end at or below it. */
export const USTKTOP = 0x00007ffffffff000n;
/** Largest segment (SEGMAXSIZE = SEGMAPSIZE*PTEMAPMEM: 64 GiB). */
export const SEGMAXSIZE = 65536n * 0x100000n;
/** Largest segment the simulator backs with memory (4 GiB). */
const _SEGSIMMAX = 0x1_0000_0000n;
/** Physical address of the modeled host's first user page. */
export const PALLOC_BASE = 0x2000000n;
/** Number of user pages of the modeled host (4 GiB). */
export const PALLOC_PAGES = 0x100000;

/**
 * A segment with an address as #g holds it: what devvmx's map lines take
 * (SegmentRef), plus a fixed segment's first modeled page (-1 for others).
 */
export type Segment = SegmentRef & { readonly page: number };

/**
 * Globalseg: one #g directory, held by its table slot and by its open ctl and
 * data channels (as aux); kernel snapshots see it too.
 */
export interface GlobalsegState {
  /** References: the table slot and open ctl/data files. */
  ref: number;
  /** The directory name. */
  readonly name: string;
  /** The creator. */
  readonly uid: string;
  /** Permission of ctl and data. */
  readonly perm: number;
  /** The segment once `va` gave it an address. */
  s: Segment | undefined;
}

const _Qtopdir = 0, _Qsegdir = 1, _Qctl = 2, _Qdata = 3;
const _NGLOBALSEG = 100;
/** Size of up->genbuf: segment names must be shorter. */
const _GENBUF = 128;
/** Names findphysseg knows on the modeled host. */
const _physseg: readonly string[] = Object.freeze(["shared", "memory"]);

const _TYPE = (c: Chan) => c.qid.path & 0x7;
/** SEG(): six bits of slot, though there are 100 slots, as in devsegment.c. */
const _SEG = (c: Chan) => (c.qid.path >> 3) & 0x3f;
const _PATH = (s: number, t: number) => (s << 3) | t;

/** The #g device. One instance serves every process of a kernel. */
export class DevSegment implements Dev {
  /** Device character. */
  readonly dc = "g";
  /** Device name. */
  readonly name = "segment";
  readonly #globalseg: (GlobalsegState | undefined)[] = new Array(_NGLOBALSEG).fill(undefined);
  /** palloc.pages' use by fixed segments: 1 for a page in use. */
  readonly #pageref = new Uint8Array(PALLOC_PAGES);
  readonly #gen = (up: Proc, c: Chan, s: number): GenResult => this.gen(up, c, s);

  /** segmentattach. */
  attach(_up: Proc): Chan {
    return new Chan(this, { path: _PATH(0, _Qtopdir), vers: 0, type: QTDIR }, "#g");
  }

  /** segmentgen: segments by slot at the top, ctl and data inside (and beside) each. */
  gen(up: Proc, c: Chan, s: number): GenResult {
    const t = _TYPE(c);
    if (s === DEVDOTDOT && (t === _Qtopdir || t === _Qsegdir)) {
      return devdir(
        up,
        c,
        { path: _PATH(0, _Qtopdir), vers: 0, type: QTDIR },
        "#g",
        0,
        up.eve,
        0o777,
      );
    }
    if (t === _Qtopdir) {
      if (s >= _NGLOBALSEG) return -1;
      const g = this.#globalseg[s];
      if (g === undefined) return 0;
      const q = { path: _PATH(s, _Qsegdir), vers: 0, type: QTDIR };
      return devdir(up, c, q, fromUtf8(kstrcpy(toUtf8(g.name), _GENBUF)), 0, g.uid, 0o777);
    }
    if (s !== 0 && s !== 1) return -1;
    const g = this.#getgseg(c);
    const q = { path: _PATH(_SEG(c), s === 0 ? _Qctl : _Qdata), vers: 0, type: QTFILE };
    const size = s === 1 && g.s !== undefined ? Number(g.s.top - g.s.base) : 0;
    const d = devdir(up, c, q, s === 0 ? "ctl" : "data", size, g.uid, g.perm);
    this.#putgseg(g);
    return d;
  }

  /** segmentopen: directories read-only (ORCLOSE allowed on a segment's); data needs a va. */
  open(up: Proc, c: Chan, omode: number): Chan {
    let mode = omode;
    const t = _TYPE(c);
    if (t === _Qtopdir || t === _Qsegdir) {
      if (t === _Qsegdir) mode &= ~ORCLOSE;
      if (mode !== 0) error(Eisdir);
    } else {
      const g = this.#getgseg(c);
      try {
        devpermcheck(up, g.uid, g.perm, mode);
        if (t === _Qdata && g.s === undefined) error("segment not yet allocated");
      } catch (e) {
        this.#putgseg(g);
        throw e;
      }
      c.aux = g;
    }
    c.mode = openmode(mode);
    c.flag |= COPEN;
    c.offset = 0;
    return c;
  }

  /** segmentcreate: a new segment directory, owned by its creator, in the lowest free slot. */
  create(up: Proc, c: Chan, name: string, omode: number, perm: number): Chan {
    if (_TYPE(c) !== _Qtopdir) error(Eperm);
    if (toUtf8(name).length >= _GENBUF) error(Etoolong);
    if (_physseg.includes(name)) error("name collision with physical segment");
    if (!(perm & DMDIR)) error(Ebadarg);
    const g: GlobalsegState = { ref: 1, name, uid: up.user, perm: 0o660, s: undefined };
    let xfree = -1;
    for (let x = 0; x < _NGLOBALSEG; x++) {
      const o = this.#globalseg[x];
      if (o === undefined) {
        if (xfree < 0) xfree = x;
      } else if (o.name === name) error(Eexist);
    }
    if (xfree < 0) error("too many global segments");
    this.#globalseg[xfree] = g;
    c.qid = { path: _PATH(xfree, _Qsegdir), vers: 0, type: QTDIR };
    c.mode = openmode(omode);
    c.flag |= COPEN;
    c.offset = 0;
    return c;
  }

  /** segmentread: ctl prints the range and kind; data reads through segio. */
  read(up: Proc, c: Chan, n: number, off: number): Uint8Array {
    if (c.qid.type === QTDIR) return devdirread(up, c, n, this.#gen);
    const g = c.aux as GlobalsegState;
    if (_TYPE(c) === _Qctl) {
      const s = g.s;
      if (s === undefined) error("segment not yet allocated");
      const size = s.top - s.base;
      let text: string;
      if (s.type === "fixed") {
        const pa = PALLOC_BASE + BigInt(s.page) * _BY2PG;
        text = snprint(128, "va %#p %#p fixed %#p\n", s.base, size, pa);
      } else if (s.type === "sticky") text = snprint(128, "va %#p %#p sticky\n", s.base, size);
      else text = snprint(128, "va %#p %#p\n", s.base, size);
      return readstr(off, n, text);
    }
    return _segread(g.s as Segment, n, off);
  }

  /** segmentwrite: the ctl "va" command; data writes through segio. */
  write(up: Proc, c: Chan, data: Uint8Array, off: number): number {
    if (c.qid.type === QTDIR) error(Eperm);
    const g = c.aux as GlobalsegState;
    if (_TYPE(c) === _Qdata) return _segwrite(g.s as Segment, data, off);
    const cb = parsecmd(data);
    if (cb.nf === 0 || cb.f[0] !== "va") error(Ebadctl);
    if (g.s !== undefined) error("already has a virtual address");
    if (cb.nf < 3) error(Ebadarg);
    let va = strtoull(cb.f[1], 0).value;
    const len = strtoull(cb.f[2], 0).value;
    const top = BigInt.asUintN(64, va + len + _BY2PG - 1n) & ~(_BY2PG - 1n);
    va &= ~(_BY2PG - 1n);
    if (va === 0n || top > USTKTOP || top <= va) error(Ebadarg);
    if (top - va > SEGMAXSIZE) error(Enovmem);
    const kind = cb.nf >= 4 && (cb.f[3] === "fixed" || cb.f[3] === "sticky") ? cb.f[3] : "shared";
    if (kind !== "shared" && up.user !== up.eve) error(Eperm);
    g.s = this.#newseg(g.name, kind, va, top);
    return data.length;
  }

  /** segmentremove: only a segment directory, whoever owns it; the slot empties at once. */
  remove(_up: Proc, c: Chan): void {
    if (_TYPE(c) !== _Qsegdir) error(Eperm);
    const x = _SEG(c);
    const g = this.#globalseg[x];
    this.#globalseg[x] = undefined;
    if (g !== undefined) this.#putgseg(g);
  }

  /** segmentclose: ORCLOSE removes a segment directory; ctl and data drop their reference. */
  close(up: Proc, c: Chan): void {
    if (!(c.flag & COPEN)) return;
    switch (_TYPE(c)) {
      case _Qsegdir:
        if (c.flag & CRCLOSE) this.remove(up, c);
        break;
      case _Qctl:
      case _Qdata:
        this.#putgseg(c.aux as GlobalsegState);
        c.aux = undefined;
        break;
    }
  }

  /**
   * globalsegattach, for devvmx's map lines: the segment named `name`, or
   * undefined if there is none; "global segment not assigned a virtual
   * address" if it has no va yet. The permission check devsegment makes
   * here runs as the vmx kproc, i.e. the host owner, and always passes:
   * segments are 0660 and the simulator has no wstat to change that.
   */
  globalsegattach(name: string): Segment | undefined {
    const g = this.#globalseg.find((g) => g !== undefined && g.name === name);
    if (g === undefined) return undefined;
    if (g.s === undefined) error("global segment not assigned a virtual address");
    return g.s;
  }

  /** The slot table (NGLOBALSEG long) and palloc's page use, live, for kernel snapshots. */
  get tables(): { globalseg: readonly (GlobalsegState | undefined)[]; pageref: Uint8Array } {
    return { globalseg: this.#globalseg, pageref: this.#pageref };
  }

  /** Replace the slot table and the page use (kernel snapshots); open channels keep their aux. */
  load(globalseg: readonly (GlobalsegState | undefined)[], pageref: Uint8Array): void {
    if (globalseg.length !== _NGLOBALSEG) throw new RangeError("load: the table has 100 slots");
    this.#globalseg.splice(0, _NGLOBALSEG, ...globalseg);
    this.#pageref.set(pageref);
  }

  /** getgseg: the segment of `c`'s slot, referenced; it may have been removed meanwhile. */
  #getgseg(c: Chan): GlobalsegState {
    const g = this.#globalseg[_SEG(c)];
    if (g === undefined) error("global segment disappeared");
    g.ref++;
    return g;
  }

  /** putgseg: drop a reference; the last one frees a fixed segment's pages. */
  #putgseg(g: GlobalsegState): void {
    if (--g.ref > 0) return;
    const s = g.s;
    if (s?.type === "fixed") {
      this.#pageref.fill(0, s.page, s.page + Number((s.top - s.base) / _BY2PG));
    }
  }

  /** newseg and, for fixed, fixedseg's page run: Enomem when no run fits. */
  #newseg(name: string, type: Segment["type"], base: bigint, top: bigint): Segment {
    const size = top - base;
    const npages = Number(size / _BY2PG);
    let page = -1;
    if (type === "fixed") {
      page = this.#fixedrun(npages);
      if (page < 0) error(Enomem);
    }
    if (size > _SEGSIMMAX) {
      throw new RangeError(`segment ${name}: ${size} bytes is more than the simulator backs`);
    }
    if (page >= 0) this.#pageref.fill(1, page, page + npages);
    return { name, type, base, top, ram: new GuestRam(Number(size)), page };
  }

  /**
   * fixedseg's scan of palloc.pages: the first run of `len` free pages, as
   * long as it ends at an index at most PALLOC_PAGES-len (the scan's bound);
   * -1 if there is none.
   */
  #fixedrun(len: number): number {
    let i = 0;
    for (let l = 0; PALLOC_PAGES - l >= len; l++) {
      if (this.#pageref[l] !== 0) {
        i = 0;
        continue;
      }
      if (++i === len) return l - len + 1;
    }
    return -1;
  }
}

/** segio reading: nothing at or past the end, clipped at it. */
function _segread(s: Segment, n: number, off: number): Uint8Array {
  const m = s.ram.bytes.length;
  if (off < 0 || off >= m) return new Uint8Array(0);
  return s.ram.bytes.slice(off, Math.min(m, off + n));
}

/** segio writing: Ebadarg unless all of `data` fits; returns its length. */
function _segwrite(s: Segment, data: Uint8Array, off: number): number {
  const m = s.ram.bytes.length;
  if (off < 0 || off >= m || off + data.length > m) error(Ebadarg);
  s.ram.bytes.set(data, off);
  s.ram.noteWrite(off, data.length);
  return data.length;
}
