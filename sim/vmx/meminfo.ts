/**
 * A vCPU's guest-physical memory map: the `map` file of devvmx.c. Two
 * structures, kept as the kernel keeps them:
 *
 * - the EPT, one entry per 4 KiB guest page (epttranslate writes it; the CPU
 *   reads it through `lookupPage`), holding the attributes of the line that
 *   mapped that page;
 * - the piece list (vmx->mem), a sorted list of pieces each running to the
 *   next one, which only `getmeminfo` reads. vmmemupdate splits, overrides
 *   and merges it; merging compares segment and offset but not attributes,
 *   so a merged piece reads back with its first part's attributes while the
 *   EPT keeps each page's own.
 *
 * Follows cmdsetmeminfo, epttranslate, vmmemupdate, vmmeminsert,
 * vmmemremove, cmdgetmeminfo and cmdclearmeminfo.
 *
 * Not modeled: on hardware eptwalk allocates EPT tables even for pages an
 * all-`-` line unmaps, one 4 KiB table per 2 MiB, so unmapping a vast range
 * may run the kernel out of memory. A line spanning more than
 * `UNMAP_LIMIT` bytes fails with `unimplemented: unmapping N bytes at once`
 * instead of guessing.
 *
 * @module
 */

import { type EptEntry, type GuestRam, PAGE_SIZE, type PhysMap } from "../cpu/mod.ts";
import { Egreg, error } from "../ns/mod.ts";
import { fmtX, Seprint, strtoull, tokenize } from "../lib9/mod.ts";

/**
 * A global segment (#g) as the map file sees it: what
 * devsegment's globalsegattach returns. `ram` is the segment's memory; it
 * also identifies the segment (two pieces merge only when it is the same).
 */
export interface SegmentRef {
  /** The segment's name under #g. */
  readonly name: string;
  /** Segment type; devvmx accepts only sticky and fixed. */
  readonly type: "shared" | "sticky" | "fixed";
  /** Virtual base address (seg->base). */
  readonly base: bigint;
  /** End of the segment (seg->top). */
  readonly top: bigint;
  /** The pages, byte 0 at `base`. */
  readonly ram: GuestRam;
}

/**
 * Finds a segment by name as devsegment's globalsegattach does: undefined
 * when there is none; throws the PlanError globalsegattach raises
 * ("permission denied", "global segment not assigned a virtual address").
 */
export type SegAttach = (name: string) => SegmentRef | undefined;

/** Bytes one all-`-` line may span; beyond that hardware behaviour depends on kernel memory. */
export const UNMAP_LIMIT = 2 ** 36;

/** devvmx's mtype table: EPT memory type names, indexed by type. */
const _MTYPE: readonly string[] = Object.freeze(["uc", "wc", "02", "03", "wt", "wp", "wb", "07"]);

const _PAGEMASK = 0xfffn;
const _U64 = (v: bigint) => BigInt.asUintN(64, v);

/** One piece of the list (struct VmMem), linked; `seg` undefined is a boundary. */
interface _VmMem extends MemPiece {
  next: _VmMem;
  prev: _VmMem;
}

/** vmokpage: page aligned and below 2^48. */
function _vmokpage(v: bigint): boolean {
  return (v & _PAGEMASK) === 0n && v >> 48n === 0n;
}

/** strtoull(s, &r, 0) with `*r != 0` refused: undefined unless the whole field is a number. */
function _parse(s: string): bigint | undefined {
  const r = strtoull(s, 0);
  return r.end === s.length ? r.value : undefined;
}

function _newsentinel(): _VmMem {
  const m = { addr: 0, seg: undefined, off: 0, name: "", attr: 0 } as _VmMem;
  m.next = m.prev = m;
  return m;
}

/** vmmeminsert: put `p` before `l`. */
function _insert(l: _VmMem, p: _VmMem): void {
  p.prev = l.prev;
  p.next = l;
  p.prev.next = p;
  p.next.prev = p;
}

/** vmmemremove: unlink `p`, return its successor. */
function _remove(p: _VmMem): _VmMem {
  p.next.prev = p.prev;
  p.prev.next = p.next;
  return p.next;
}

/** The map of one vCPU: EPT and piece list. */
export class VmMemMap implements PhysMap {
  /** The EPT's leaves, keyed by guest page number. */
  readonly #ept = new Map<number, EptEntry>();
  /** vmx->mem: the list's sentinel. */
  #mem = _newsentinel();
  #generation = 0;

  /**
   * Bumped whenever the EPT changes (devvmx's FLUSHEPT): a CPU caching
   * translations flushes them before the next entry when this moved.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The EPT entry of guest page `page`, or undefined if it is not mapped. */
  lookupPage(page: number): EptEntry | undefined {
    return this.#ept.get(page);
  }

  /**
   * cmdsetmeminfo: apply map lines (`text` is the written bytes as a C
   * string, one char per byte, nothing after a NUL). Returns the bytes
   * consumed: up to the last newline; a last line without one is ignored.
   * A failing line throws its PlanError; lines before it stay applied.
   */
  setmeminfo(text: string, attach: SegAttach): number {
    let p = 0;
    for (;;) {
      const q = text.indexOf("\n", p);
      if (q < 0) break;
      const f = tokenize(text.slice(p, q), 10);
      p = q + 1;
      if (f.length !== 0) this.#setline(f, attach);
    }
    return p;
  }

  /** One line of cmdsetmeminfo, with its checks in devvmx's order. */
  #setline(f: string[], attach: SegAttach): void {
    if (f.length !== 4 && f.length !== 6) error("number of fields wrong");
    let attr = 0;
    for (const c of f[0]) {
      const bit = c === "r" ? 1 : c === "w" ? 2 : c === "x" ? 4 : c === "-" ? 0 : -1;
      if (bit < 0 || (attr & bit) !== 0) error("invalid access field");
      // x also sets bit 10, user-mode execute under mode-based execute control.
      attr |= bit === 4 ? 0x404 : bit;
    }
    const j = _MTYPE.indexOf(f[1].slice(0, 2));
    if (j < 0 || f[1].length > 3) error("invalid memory type");
    attr |= j << 3;
    if (f[1][2] === "!") attr |= 0x40;
    else if (f[1].length > 2) error("invalid memory type");
    const addr = _parse(f[2]);
    if (addr === undefined || !_vmokpage(addr)) error("invalid low guest physical address");
    const end = _parse(f[3]);
    if (end === undefined || !_vmokpage(end) || end <= addr) {
      error("invalid high guest physical address");
    }
    let seg: SegmentRef | undefined;
    let name = "";
    let off = 0n;
    if ((attr & 7) !== 0) {
      if (f.length !== 6) error("number of fields wrong");
      seg = attach(f[4]);
      if (seg === undefined) error("no such segment");
      // Checked while the offset is still 0: the offset is parsed afterwards.
      if (_U64(seg.base + off + (end - addr)) > seg.top) error("out of bounds");
      name = f[4];
      const o = _parse(f[5]);
      if (o === undefined || !_vmokpage(o)) error("invalid offset");
      off = o;
    }
    const mp = { addr: Number(addr), seg, off: Number(off), name, attr } as _VmMem;
    this.#epttranslate(mp, Number(end));
    this.#vmmemupdate(mp, Number(end));
  }

  /**
   * epttranslate: write the EPT entries of [mp.addr, end). Its alignment
   * and attribute checks cannot fail after #setline's, so only the segment
   * checks remain.
   */
  #epttranslate(mp: _VmMem, end: number): void {
    const seg = mp.seg;
    const first = mp.addr / PAGE_SIZE, last = end / PAGE_SIZE;
    if (seg !== undefined) {
      if (seg.type !== "sticky" && seg.type !== "fixed") error(Egreg);
      if (_U64(seg.base + BigInt(mp.off) + BigInt(end - mp.addr)) > seg.top) error(Egreg);
      for (let p = first, o = mp.off; p !== last; p++, o += PAGE_SIZE) {
        this.#ept.set(p, { ram: seg.ram, offset: o, attr: mp.attr });
      }
    } else {
      if (end - mp.addr > UNMAP_LIMIT) {
        error(`unimplemented: unmapping ${fmtX(BigInt(end - mp.addr))} bytes at once`);
      }
      if (last - first <= this.#ept.size) {
        for (let p = first; p !== last; p++) this.#ept.delete(p);
      } else {
        // Deleting the current entry while iterating a Map is well defined.
        for (const p of this.#ept.keys()) if (p >= first && p < last) this.#ept.delete(p);
      }
    }
    this.#generation++;
  }

  /**
   * vmmemupdate: put piece `mp` = [mp.addr, end) into the list. The piece
   * holding `end` is split (or moved) to start at `end`, the pieces inside
   * are dropped, then neighbours merge: two boundaries, a boundary at the
   * head, or two pieces of one segment at consecutive offsets. `end` is
   * never 0 here (setmeminfo checks end > addr), so devvmx's `end == 0`
   * case does not arise.
   */
  #vmmemupdate(mp: _VmMem, end: number): void {
    const mem = this.#mem;
    let p = mem.prev;
    while (p !== mem && p.addr > end) p = p.prev;
    let q: _VmMem;
    if (p === mem || p.addr < mp.addr) {
      // The copy of the sentinel is a boundary: seg undefined.
      q = { addr: p.addr, seg: p.seg, off: p.off, name: p.name, attr: p.attr } as _VmMem;
      _insert(p.next, q);
    } else q = p;
    if (q.seg !== undefined) q.off += end - q.addr;
    q.addr = end;
    for (p = mem.next; p !== mem; p = p.next) if (p.addr >= mp.addr) break;
    _insert(p, mp);
    while (p !== q) p = _remove(p);
    for (p = mem.next; p !== mem;) {
      const prev = p.prev;
      const same = p.seg?.ram === prev.seg?.ram;
      if (same && (p.seg === undefined || p.addr - prev.addr === p.off - prev.off)) {
        p = _remove(p);
      } else p = p.next;
    }
  }

  /**
   * cmdgetmeminfo: one line per mapped piece, by address,
   * `ACCESS TYPE[!] LOW HIGH SEGMENT OFFSET`, printed with seprint into a
   * buffer of `size` bytes (devvmx passes its 4096-byte aux buffer), so cut
   * as the kernel cuts it.
   */
  getmeminfo(size = Infinity): string {
    const buf = new Seprint(size);
    for (let mp = this.#mem.next; mp !== this.#mem; mp = mp.next) {
      if (mp.seg === undefined) continue;
      const a = mp.attr;
      const access = ((a & 1) ? "r" : "-") + ((a & 2) ? "w" : "-") + ((a & 4) ? "x" : "-");
      const mt = _MTYPE[a >> 3 & 7] + ((a & 0x40) ? "!" : "");
      // The list always ends with a boundary, so mp.next is a piece, not the sentinel.
      buf.print(
        "%s %s %#llux %#llux %s %#llux\n",
        access,
        mt,
        mp.addr,
        mp.next.addr,
        mp.name,
        mp.off,
      );
    }
    return buf.text;
  }

  /** cmdclearmeminfo (`map` opened with OTRUNC, vCPU quit): drop every mapping. */
  clear(): void {
    this.#ept.clear();
    this.#mem = _newsentinel();
    this.#generation++;
  }

  /** The piece list in order (boundaries included) and the EPT by page, for kernel snapshots. */
  dump(): { pieces: MemPiece[]; pages: [number, EptEntry][] } {
    const pieces: MemPiece[] = [];
    for (let p = this.#mem.next; p !== this.#mem; p = p.next) {
      pieces.push({ addr: p.addr, seg: p.seg, off: p.off, name: p.name, attr: p.attr });
    }
    const pages = [...this.#ept].sort((a, b) => a[0] - b[0]);
    return { pieces, pages };
  }

  /** Replace the map with what `dump` gave (merging quirks make replaying lines inexact). */
  load(pieces: readonly MemPiece[], pages: Iterable<[number, EptEntry]>): void {
    this.clear();
    for (const p of pieces) _insert(this.#mem, { ...p } as _VmMem);
    for (const [page, e] of pages) this.#ept.set(page, e);
  }
}

/** One piece of the list as `dump` gives it: `seg` undefined for a boundary. */
export interface MemPiece {
  /** Guest-physical start; the piece runs to the next one's. */
  addr: number;
  /** The segment mapped, or undefined. */
  seg: SegmentRef | undefined;
  /** Offset in the segment. */
  off: number;
  /** The segment name the map line gave. */
  name: string;
  /** EPT attribute bits of the line. */
  attr: number;
}
