/**
 * Kernel snapshots: the whole simulated state as a plain record a trace
 * checkpoint can hold (numbers, bigints for 64-bit values, strings, bytes,
 * arrays, plain objects), and a kernel rebuilt from one that behaves exactly
 * as the original from then on.
 *
 * What is kept, and why it is enough for what follows:
 * - every vCPU: all Fields (the VMCS), the retired counter, the CPU's
 *   pending injection and MTF exit (`Cpu.pending`), the paging registers
 *   no field holds (PAE PDPTEs, the last page fault's address), the kproc's private
 *   state (`Vmx.kproc`), state, error text and FPsave bytes; the map as its
 *   piece list and its per-page EPT (replaying map lines is not exact: a
 *   merged piece keeps its first part's attributes while each page keeps
 *   its own). Modes, segment limits and the TLB are recomputed or flushed at
 *   the next entry; the decoded-code cache starts empty.
 * - the table of vCPUs with its length (nvmxtab never shrinks) and the
 *   moribund one;
 * - every #g slot and every Globalseg still held by an open ctl or data
 *   file (a removed segment lives on while they are open), palloc's pages
 *   used by fixed segments, and every segment's memory, also of segments
 *   only a vCPU's map still holds; memory as its non-zero pages, so that a
 *   trace stores each distinct page once, as a blob;
 * - every process's descriptor table: each channel's device, qid, mode,
 *   flag, offset, directory index, name and aux (devvmx's text buffer, or
 *   devsegment's Globalseg by number).
 *
 * The CPU's decode cache and TLB are caches: they are not kept. Records
 * refer to segments and Globalsegs by their index in the record's lists.
 *
 * @module
 */

import {
  type EptEntry,
  Field,
  GuestRam,
  PAGE_SIZE,
  pagingRegisters,
  setPagingRegisters,
} from "./cpu/mod.ts";
import type { DevSegment, DevVmx, GlobalsegState, Segment } from "./dev/mod.ts";
import { Chan, type Dev, type NameSpace } from "./ns/mod.ts";
import { type MemPiece, type SegmentRef, type VcpuOptions, Vmx, type VmxKproc } from "./vmx/mod.ts";

/** The snapshot record's version; restore refuses others. */
export const SNAPSHOT_VERSION = 2;

/** Options a snapshot records; a kernel restores only a snapshot of its own options. */
export interface SnapshotOptions extends VcpuOptions {
  /** The host owner. */
  eve: string;
}

/** What a snapshot covers: a kernel's devices and processes, in creation order. */
export interface KernelParts {
  /** The options in force. */
  readonly options: SnapshotOptions;
  /** #g. */
  readonly segment: DevSegment;
  /** #X. */
  readonly vmx: DevVmx;
  /** Every process, in creation order. */
  readonly procs: readonly NameSpace[];
}

/** Numbers the segments' memories and the Globalsegs reachable from the state. */
class _Registry {
  readonly rams = new Map<GuestRam, number>();
  readonly segs: { ram: GuestRam; seg: SegmentRef | undefined }[] = [];
  readonly gsegs = new Map<GlobalsegState, number>();

  ram(ram: GuestRam, seg?: SegmentRef): number {
    let id = this.rams.get(ram);
    if (id === undefined) {
      id = this.segs.length;
      this.rams.set(ram, id);
      this.segs.push({ ram, seg });
    } else if (seg !== undefined) this.segs[id].seg ??= seg;
    return id;
  }

  gseg(g: GlobalsegState): number {
    let id = this.gsegs.get(g);
    if (id === undefined) {
      id = this.gsegs.size;
      this.gsegs.set(g, id);
      if (g.s !== undefined) this.ram(g.s.ram, g.s);
    }
    return id;
  }
}

/** The whole state of `k` as a plain record (see the module doc). Reading it changes nothing. */
export function snapshotKernel(k: KernelParts): Record<string, unknown> {
  const reg = new _Registry();
  const { globalseg, pageref } = k.segment.tables;
  const slots: number[][] = [];
  globalseg.forEach((g, i) => {
    if (g !== undefined) slots.push([i, reg.gseg(g)]);
  });
  const procs = k.procs.map((p) => ({
    user: p.user,
    fds: _entries(p.fds).map(([fd, c]) => [fd, _chan(c, k, reg)]),
  }));
  const vmxtab = k.vmx.vcpus.map((v) => (v === undefined ? null : _vcpu(v, reg)));
  const moribund = k.vmx.moribund;
  if (moribund !== undefined && k.vmx.vcpus[moribund.index] !== moribund) {
    throw new Error("snapshot: the moribund vCPU is not in the table");
  }
  return {
    version: SNAPSHOT_VERSION,
    options: {
      eve: k.options.eve,
      quantum: k.options.quantum,
      waitBudget: k.options.waitBudget,
      rdrandSeed: k.options.rdrandSeed,
    },
    segments: reg.segs.map(({ ram, seg }) => _segment(ram, seg)),
    globalsegs: [...reg.gsegs.keys()].map((g) => ({
      ref: g.ref,
      name: g.name,
      uid: g.uid,
      perm: g.perm,
      seg: g.s === undefined ? -1 : reg.ram(g.s.ram),
    })),
    slots,
    pageref: _runs(pageref),
    vmxtab,
    moribund: moribund === undefined ? -1 : moribund.index,
    procs,
  };
}

/** Defined entries of a sparse table, by index. */
function _entries<T>(a: readonly (T | undefined)[]): [number, T][] {
  const out: [number, T][] = [];
  a.forEach((x, i) => {
    if (x !== undefined) out.push([i, x]);
  });
  return out;
}

function _chan(c: Chan, k: KernelParts, reg: _Registry): Record<string, unknown> {
  let aux: unknown;
  if (c.aux === undefined) aux = null;
  else if (c.dev === k.vmx && c.aux instanceof Uint8Array) aux = c.aux.slice();
  else if (c.dev === k.segment && typeof c.aux === "object") {
    aux = reg.gseg(c.aux as GlobalsegState);
  } else throw new Error(`snapshot: channel ${c.name} has an aux this snapshot does not model`);
  if (c.dev !== k.vmx && c.dev !== k.segment) {
    throw new Error(`snapshot: channel ${c.name} is on a device of another kernel`);
  }
  return {
    dev: c.dev.dc,
    qid: [c.qid.path, c.qid.vers, c.qid.type],
    mode: c.mode,
    flag: c.flag,
    offset: c.offset,
    dri: c.dri,
    name: c.name,
    aux,
  };
}

function _vcpu(v: Vmx, reg: _Registry): Record<string, unknown> {
  const cpu = v.cpu;
  const fields: bigint[] = [];
  for (let f = 0; f < Field.COUNT; f++) fields.push(cpu.getField(f));
  const { pieces, pages } = v.mem.dump();
  return {
    state: v.state,
    errstr: v.errstr,
    fields,
    retired: BigInt(cpu.retired),
    cpu: { ...cpu.pending, deadMessage: cpu.deadMessage, newBlock: cpu.newBlock },
    paging: pagingRegisters(cpu),
    kproc: v.kproc,
    fp: v.fp.slice(),
    pieces: pieces.map((p) => [
      p.addr,
      p.seg === undefined ? -1 : reg.ram(p.seg.ram, p.seg),
      p.off,
      p.name,
      p.attr,
    ]),
    ept: _eptruns(pages, reg),
  };
}

/** The EPT as runs [first page, count, segment, offset, attr] of pages continuing each other. */
function _eptruns(pages: readonly [number, EptEntry][], reg: _Registry): number[][] {
  const runs: number[][] = [];
  let last: number[] | undefined;
  let ram: GuestRam | undefined;
  for (const [page, e] of pages) {
    if (
      last !== undefined && e.ram === ram && e.attr === last[4] && page === last[0] + last[1] &&
      e.offset === last[3] + last[1] * PAGE_SIZE
    ) {
      last[1]++;
      continue;
    }
    ram = e.ram;
    last = [page, 1, reg.ram(e.ram), e.offset, e.attr];
    runs.push(last);
  }
  return runs;
}

/** A segment's identity (when some segment object names it) and its non-zero pages. */
function _segment(ram: GuestRam, seg: SegmentRef | undefined): Record<string, unknown> {
  const pages: [number, Uint8Array][] = [];
  const words = new Uint32Array(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.length >> 2);
  for (let p = 0; p * PAGE_SIZE < ram.bytes.length; p++) {
    const w = p * (PAGE_SIZE >> 2);
    for (let i = 0; i < PAGE_SIZE >> 2; i++) {
      if (words[w + i] !== 0) {
        pages.push([p, ram.bytes.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE)]);
        break;
      }
    }
  }
  const meta = seg === undefined ? null : {
    name: seg.name,
    type: seg.type,
    base: seg.base,
    top: seg.top,
    page: (seg as Partial<Segment>).page ?? -1,
  };
  return { size: ram.bytes.length, meta, pages };
}

/** Runs [first, count] of non-zero bytes (of a 0/1 map). */
function _runs(a: Uint8Array): number[][] {
  const runs: number[][] = [];
  for (let i = a.indexOf(1); i >= 0;) {
    let j = a.indexOf(0, i);
    if (j < 0) j = a.length;
    runs.push([i, j - i]);
    i = a.indexOf(1, j);
  }
  return runs;
}

/** Where `restoreKernel` puts the state: fresh devices, and how to start a process. */
export interface RestoreTarget {
  /** The options of the kernel restored into; they must equal the snapshot's. */
  readonly options: SnapshotOptions;
  /** A new, empty #g. */
  readonly segment: DevSegment;
  /** A new, empty #X. */
  readonly vmx: DevVmx;
  /** A new process with no descriptors. */
  readonly process: (user: string) => NameSpace;
}

/**
 * Fill `into`'s fresh devices with the state `snapshot` describes and make
 * its processes, returned in creation order. A record that is not a
 * snapshot of this version, or of other options, throws an Error saying what.
 */
export function restoreKernel(snapshot: unknown, into: RestoreTarget): NameSpace[] {
  const s = _obj(snapshot, "snapshot");
  if (s.version !== SNAPSHOT_VERSION) {
    throw new Error(`snapshot: version ${String(s.version)}, not ${SNAPSHOT_VERSION}`);
  }
  const o = _obj(s.options, "options");
  const want = into.options;
  if (
    o.eve !== want.eve || o.quantum !== want.quantum || o.waitBudget !== want.waitBudget ||
    (o.rdrandSeed ?? 0) !== want.rdrandSeed
  ) {
    throw new Error(
      `snapshot: taken with options ${JSON.stringify(o)}, not ${JSON.stringify(want)}`,
    );
  }
  const segs = _arr(s.segments, "segments").map((x, i) => _loadSegment(x, `segments[${i}]`));
  const seg = (i: unknown, what: string) => _at(segs, i, what);
  const gsegs: GlobalsegState[] = _arr(s.globalsegs, "globalsegs").map((x, i) => {
    const g = _obj(x, `globalsegs[${i}]`);
    const si = _int(g.seg, "globalseg segment");
    const sg = si === -1 ? undefined : seg(si, "globalseg segment");
    if (sg !== undefined && sg.seg === undefined) {
      throw new Error(`snapshot: globalsegs[${i}] names a segment without identity`);
    }
    return {
      ref: _int(g.ref, "globalseg ref"),
      name: _str(g.name, "globalseg name"),
      uid: _str(g.uid, "globalseg uid"),
      perm: _int(g.perm, "globalseg perm"),
      s: sg?.seg,
    };
  });
  const table: (GlobalsegState | undefined)[] = new Array(into.segment.tables.globalseg.length)
    .fill(undefined);
  for (const x of _arr(s.slots, "slots")) {
    const [slot, gi] = _arr(x, "slot");
    table[_int(slot, "slot")] = _at(gsegs, gi, "slot Globalseg");
  }
  const pageref = new Uint8Array(into.segment.tables.pageref.length);
  for (const x of _arr(s.pageref, "pageref")) {
    const [first, count] = _arr(x, "pageref run").map((n) => _int(n, "pageref run"));
    pageref.fill(1, first, first + count);
  }
  into.segment.load(table, pageref);
  const opts = { quantum: want.quantum, waitBudget: want.waitBudget, rdrandSeed: want.rdrandSeed };
  const vmxtab = _arr(s.vmxtab, "vmxtab").map((x, i) =>
    x === null ? undefined : _loadVcpu(x, i, opts, seg)
  );
  const mi = _int(s.moribund, "moribund");
  const moribund = mi === -1 ? undefined : vmxtab[mi];
  if (mi !== -1 && moribund === undefined) throw new Error("snapshot: moribund slot is empty");
  into.vmx.load(vmxtab, moribund);
  return _arr(s.procs, "procs").map((x, i) => {
    const p = _obj(x, `procs[${i}]`);
    const ns = into.process(_str(p.user, "process user"));
    const fds: (Chan | undefined)[] = [];
    for (const e of _arr(p.fds, "fds")) {
      const [fd, c] = _arr(e, "fd entry");
      fds[_int(fd, "fd")] = _loadChan(c, into, gsegs);
    }
    ns.loadfds(fds);
    return ns;
  });
}

interface _LoadedSeg {
  ram: GuestRam;
  seg: Segment | undefined;
}

function _loadSegment(x: unknown, what: string): _LoadedSeg {
  const r = _obj(x, what);
  const ram = new GuestRam(_int(r.size, `${what}.size`));
  for (const e of _arr(r.pages, `${what}.pages`)) {
    const [p, bytes] = _arr(e, `${what} page`);
    ram.bytes.set(_bytes(bytes, `${what} page`), _int(p, `${what} page`) * PAGE_SIZE);
  }
  if (r.meta === null) return { ram, seg: undefined };
  const m = _obj(r.meta, `${what}.meta`);
  const type = _str(m.type, "segment type");
  if (type !== "shared" && type !== "sticky" && type !== "fixed") {
    throw new Error(`snapshot: ${what} has type ${type}`);
  }
  const seg = {
    name: _str(m.name, "segment name"),
    type,
    base: _big(m.base, "segment base"),
    top: _big(m.top, "segment top"),
    ram,
    page: _int(m.page, "segment page"),
  } as const;
  return { ram, seg };
}

function _loadVcpu(
  x: unknown,
  index: number,
  opts: VcpuOptions,
  seg: (i: unknown, what: string) => _LoadedSeg,
): Vmx {
  const r = _obj(x, `vmxtab[${index}]`);
  const v = new Vmx(index, opts);
  const fields = _arr(r.fields, "fields");
  if (fields.length !== Field.COUNT) throw new Error(`snapshot: ${fields.length} fields`);
  fields.forEach((f, i) => v.cpu.setField(i, _big(f, `field ${Field[i]}`)));
  v.cpu.retired = Number(_big(r.retired, "retired"));
  const c = _obj(r.cpu, "cpu");
  v.cpu.pending = {
    injInfo: _int(c.injInfo, "injInfo"),
    injCode: _int(c.injCode, "injCode"),
    injLen: _int(c.injLen, "injLen"),
    mtf: _bool(c.mtf, "mtf"),
    dead: _bool(c.dead, "dead"),
  };
  v.cpu.deadMessage = _str(c.deadMessage, "deadMessage");
  v.cpu.newBlock = _int(c.newBlock, "newBlock");
  const p = _obj(r.paging, "paging");
  setPagingRegisters(v.cpu, {
    pdpte: _arr(p.pdpte, "pdpte").map((n) => _int(n, "pdpte")),
    pdpteValid: _bool(p.pdpteValid, "pdpteValid"),
    pfLin: _int(p.pfLin, "pfLin"),
  });
  const k = _obj(r.kproc, "kproc");
  v.kproc = {
    onentry: _int(k.onentry, "onentry"),
    got: _int(k.got, "got"),
    exc: _intr(k.exc, "exc"),
    irq: _intr(k.irq, "irq"),
    irqack: _intr(k.irqack, "irqack"),
    defprocbctls: _int(k.defprocbctls, "defprocbctls"),
    entryintr: _intr(k.entryintr, "entryintr"),
    launched: _bool(k.launched, "launched"),
    vmcslaunched: _bool(k.vmcslaunched, "vmcslaunched"),
  } satisfies VmxKproc;
  v.state = _int(r.state, "state");
  v.errstr = _str(r.errstr, "errstr");
  const fp = _bytes(r.fp, "fp");
  if (fp.length !== v.fp.length) throw new Error(`snapshot: fpregs of ${fp.length} bytes`);
  v.fp.set(fp);
  const pieces: MemPiece[] = _arr(r.pieces, "pieces").map((e) => {
    const [addr, si, off, name, attr] = _arr(e, "piece");
    const ref = _int(si, "piece segment") === -1 ? undefined : seg(si, "piece segment");
    if (ref !== undefined && ref.seg === undefined) {
      throw new Error("snapshot: a piece names a segment without identity");
    }
    return {
      addr: _int(addr, "piece addr"),
      seg: ref?.seg,
      off: _int(off, "piece offset"),
      name: _str(name, "piece name"),
      attr: _int(attr, "piece attr"),
    };
  });
  const pages: [number, EptEntry][] = [];
  for (const e of _arr(r.ept, "ept")) {
    const [first, count, si, off, attr] = _arr(e, "ept run").map((n) => _int(n, "ept run"));
    const ram = seg(si, "ept segment").ram;
    for (let i = 0; i < count; i++) {
      pages.push([first + i, { ram, offset: off + i * PAGE_SIZE, attr }]);
    }
  }
  v.mem.load(pieces, pages);
  return v;
}

function _loadChan(x: unknown, into: RestoreTarget, gsegs: GlobalsegState[]): Chan {
  const r = _obj(x, "channel");
  const dc = _str(r.dev, "channel device");
  const dev: Dev | undefined = dc === "X" ? into.vmx : dc === "g" ? into.segment : undefined;
  if (dev === undefined) throw new Error(`snapshot: channel on device #${dc}`);
  const [path, vers, type] = _arr(r.qid, "qid").map((n) => _int(n, "qid"));
  const c = new Chan(dev, { path, vers, type }, _str(r.name, "channel name"));
  c.mode = _int(r.mode, "channel mode");
  c.flag = _int(r.flag, "channel flag");
  c.offset = _int(r.offset, "channel offset");
  c.dri = _int(r.dri, "channel dri");
  if (r.aux === null) c.aux = undefined;
  else if (dev === into.vmx) c.aux = _bytes(r.aux, "channel aux").slice();
  else c.aux = _at(gsegs, r.aux, "channel Globalseg");
  return c;
}

function _intr(x: unknown, what: string): { info: number; code: number; ilen: number } {
  const r = _obj(x, what);
  return { info: _int(r.info, what), code: _int(r.code, what), ilen: _int(r.ilen, what) };
}

function _obj(x: unknown, what: string): Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x) || x instanceof Uint8Array) {
    throw new Error(`snapshot: ${what} is not a record`);
  }
  return x as Record<string, unknown>;
}

function _arr(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new Error(`snapshot: ${what} is not an array`);
  return x;
}

function _int(x: unknown, what: string): number {
  if (!Number.isSafeInteger(x)) throw new Error(`snapshot: ${what} is not an integer`);
  return x as number;
}

function _big(x: unknown, what: string): bigint {
  if (typeof x !== "bigint") throw new Error(`snapshot: ${what} is not a bigint`);
  return x;
}

function _str(x: unknown, what: string): string {
  if (typeof x !== "string") throw new Error(`snapshot: ${what} is not a string`);
  return x;
}

function _bool(x: unknown, what: string): boolean {
  if (typeof x !== "boolean") throw new Error(`snapshot: ${what} is not a boolean`);
  return x;
}

function _bytes(x: unknown, what: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new Error(`snapshot: ${what} is not bytes`);
  return x;
}

function _at<T>(list: readonly T[], i: unknown, what: string): T {
  const n = _int(i, what);
  if (n < 0 || n >= list.length) throw new Error(`snapshot: ${what} ${n} does not exist`);
  return list[n];
}
