/**
 * #X, 9front's vmx(3) device, after sys/src/9/pc/devvmx.c: the file table
 * (vmxdir, vmxgen), clone and slot reuse (vmxnew), the moribund rule
 * (vmxremove), and vmxread/vmxwrite with their buffers and clipping. The
 * vCPU itself and its kproc are sim/vmx's Vmx.
 *
 * @module
 */

import {
  Chan,
  CRCLOSE,
  type Dev,
  devdir,
  devdirread,
  DEVDOTDOT,
  devopen,
  DMDIR,
  Egreg,
  Enonexist,
  Eperm,
  error,
  type GenResult,
  OTRUNC,
  type Proc,
  QTDIR,
  QTFILE,
  readbuf,
  readstr,
} from "../ns/mod.ts";
import {
  bytesToStr,
  ERRMAX,
  fromUtf8,
  lookupcmd,
  parsecmd,
  snprint,
  strToBytes,
  toUtf8,
} from "../lib9/mod.ts";
import { statenames, type VcpuOptions, Vmx, VmxState } from "../vmx/mod.ts";
import type { SegAttach, SegmentRef } from "../vmx/mod.ts";

// Qids: QIDPATH(slot, file) = (slot+1)<<8 | file; slot -1 is the top level.
const _Qdir = 0, _Qclone = 1;
const _Qctl = 1, _Qregs = 2, _Qstatus = 3, _Qmap = 4, _Qwait = 5, _Qfpregs = 6;
const _QIDPATH = (slot: number, file: number) => ((slot + 1) << 8) | file;
const _SLOT = (c: Chan) => (c.qid.path >> 8) - 1;
const _FILE = (c: Chan) => c.qid.path & 0xff;

/** The per-vCPU directory (vmxdir): name, file, permission. */
const _vmxdir: readonly { name: string; file: number; perm: number }[] = Object.freeze([
  { name: "ctl", file: _Qctl, perm: 0o660 },
  { name: "regs", file: _Qregs, perm: 0o660 },
  { name: "status", file: _Qstatus, perm: 0o440 },
  { name: "map", file: _Qmap, perm: 0o660 },
  { name: "wait", file: _Qwait, perm: 0o440 },
  { name: "fpregs", file: _Qfpregs, perm: 0o660 },
]);

const _CMquit = 0, _CMgo = 1, _CMstop = 2, _CMstep = 3, _CMexc = 4, _CMirq = 5, _CMextrap = 6;

/** The ctl commands (vmxctlmsg): index, verb, field count (0: any). */
const _vmxctlmsg = Object.freeze([
  { index: _CMquit, cmd: "quit", narg: 1 },
  { index: _CMgo, cmd: "go", narg: 0 },
  { index: _CMstop, cmd: "stop", narg: 1 },
  { index: _CMstep, cmd: "step", narg: 0 },
  { index: _CMexc, cmd: "exc", narg: 2 },
  { index: _CMirq, cmd: "irq", narg: 0 },
  { index: _CMextrap, cmd: "extrap", narg: 2 },
]);

/** Options of the device: the vCPUs' time model. */
export type DevVmxOptions = VcpuOptions;

/** The #X device. */
export class DevVmx implements Dev {
  /** Device character. */
  readonly dc = "X";
  /** Device name. */
  readonly name = "vmx";
  readonly #vmxtab: (Vmx | undefined)[] = [];
  #moribund: Vmx | undefined;
  readonly #attach: SegAttach;
  readonly #opts: DevVmxOptions;
  readonly #gen = (up: Proc, c: Chan, s: number): GenResult => this.gen(up, c, s);

  /** A device whose map lines find segments (by their Unicode names) through `globalsegattach`. */
  constructor(globalsegattach: SegAttach, options: DevVmxOptions) {
    this.#attach = globalsegattach;
    this.#opts = options;
  }

  /**
   * globalsegattach for the byte-string name of a map line. The kernel
   * compares names as bytes; segment names are UTF-8 (validname), so a name
   * that is not UTF-8 finds no segment.
   */
  readonly #segattach = (name: string): SegmentRef | undefined => {
    let u: string;
    try {
      u = fromUtf8(name);
    } catch (e) {
      if (e instanceof RangeError) return undefined;
      throw e;
    }
    return this.#attach(u);
  };

  /** The live vCPUs by slot, for tools that look inside (traces, tests). */
  get vcpus(): readonly (Vmx | undefined)[] {
    return this.#vmxtab;
  }

  /** The vCPU whose ctl was removed last (vmx moribund), for kernel snapshots. */
  get moribund(): Vmx | undefined {
    return this.#moribund;
  }

  /** Replace the table and the moribund vCPU (kernel snapshots; nvmxtab is `vmxtab.length`). */
  load(vmxtab: readonly (Vmx | undefined)[], moribund: Vmx | undefined): void {
    this.#vmxtab.splice(0, this.#vmxtab.length, ...vmxtab);
    this.#moribund = moribund;
  }

  /** vmxattach. */
  attach(_up: Proc): Chan {
    return new Chan(this, { path: _Qdir, vers: 0, type: QTDIR }, "#X");
  }

  /** vmxgen. */
  gen(up: Proc, c: Chan, s: number): GenResult {
    if (s === DEVDOTDOT) {
      return devdir(up, c, { path: _Qdir, vers: 0, type: QTDIR }, "#X", 0, up.eve, 0o555);
    }
    if (c.qid.path === _Qdir) {
      if (s-- === 0) return this.#genclone(up, c);
      if (s >= this.#vmxtab.length) return -1;
      if (this.#vmxtab[s] === undefined) return 0;
      const q = { path: _QIDPATH(s, _Qdir), vers: 0, type: QTDIR };
      return devdir(up, c, q, String(s), 0, up.eve, (DMDIR | 0o555) >>> 0);
    }
    if (c.qid.path === _Qclone) return this.#genclone(up, c);
    if (s >= _vmxdir.length) return -1;
    const t = _vmxdir[s];
    const q = { path: t.file | _QIDPATH(_SLOT(c), 0), vers: 0, type: QTFILE };
    return devdir(up, c, q, t.name, 0, up.eve, t.perm);
  }

  #genclone(up: Proc, c: Chan): GenResult {
    return devdir(up, c, { path: _Qclone, vers: 0, type: QTFILE }, "clone", 0, up.eve, 0o444);
  }

  #vmxlook(n: number): Vmx | undefined {
    return n < 0 ? undefined : this.#vmxtab[n];
  }

  /** vmxnew: take the lowest free slot and start a vCPU there. */
  #vmxnew(): Vmx {
    let i = this.#vmxtab.indexOf(undefined);
    if (i < 0) i = this.#vmxtab.length;
    const vmx = new Vmx(i, this.#opts);
    this.#vmxtab[i] = vmx;
    return vmx;
  }

  /** vmxopen: opening clone makes a vCPU and becomes its ctl. */
  open(up: Proc, c: Chan, omode: number): Chan {
    const iseve = up.user === up.eve;
    if (c.qid.path === _Qclone) {
      if (!iseve) error(Eperm);
      const v = this.#vmxnew();
      c.qid = { path: _QIDPATH(v.index, _Qctl), vers: 0, type: QTFILE };
    }
    const vmx = this.#vmxlook(_SLOT(c));
    if (_SLOT(c) >= 0 && vmx === undefined) error(Enonexist);
    if (_FILE(c) !== _Qdir && !iseve) error(Eperm);
    const ch = devopen(up, c, omode, this.#gen);
    ch.aux = new Uint8Array(0);
    if (vmx !== undefined && _FILE(ch) === _Qmap && (omode & OTRUNC) !== 0) vmx.clearmeminfo();
    return ch;
  }

  /** devcreate: nothing can be created here. */
  create(): Chan {
    return error(Eperm);
  }

  /** vmxremove: removing ctl makes the vCPU moribund and quits the previous one. */
  remove(_up: Proc, c: Chan): void {
    c.aux = undefined;
    if (_SLOT(c) === -1 || _FILE(c) !== _Qctl) error(Eperm);
    const vmx = this.#vmxlook(_SLOT(c));
    if (vmx === undefined) error(Enonexist);
    const old = this.#moribund;
    this.#moribund = vmx;
    if (old !== undefined) this.#quit(old);
  }

  /** vmxclose. */
  close(up: Proc, c: Chan): void {
    if (c.flag & CRCLOSE) this.remove(up, c);
    else c.aux = undefined;
  }

  #quit(vmx: Vmx): void {
    vmx.quit();
    if (this.#moribund === vmx) this.#moribund = undefined;
    // The table keeps its length (nvmxtab never shrinks), as vmxgen expects.
    this.#vmxtab[vmx.index] = undefined;
  }

  #vmxent(c: Chan): Vmx {
    const vmx = this.#vmxlook(_SLOT(c));
    if (vmx === undefined) error(Enonexist);
    return vmx;
  }

  /** vmxread. */
  read(up: Proc, c: Chan, n: number, off: number): Uint8Array {
    if (_SLOT(c) === -1) {
      if (c.qid.path === _Qdir) return devdirread(up, c, n, this.#gen);
      error(Egreg);
    }
    const vmx = this.#vmxent(c);
    switch (_FILE(c)) {
      case _Qdir:
        return devdirread(up, c, n, this.#gen);
      case _Qctl:
        return readstr(off, n, String(vmx.index));
      case _Qregs:
        if (off === 0) c.aux = strToBytes(vmx.getregs());
        return readbuf(off, n, c.aux as Uint8Array);
      case _Qmap:
        if (off === 0) c.aux = strToBytes(vmx.getmeminfo());
        return readbuf(off, n, c.aux as Uint8Array);
      case _Qstatus: {
        const status = vmx.state;
        let text: string;
        if (status === VmxState.DEAD) {
          const { errstr } = vmx.status();
          text = snprint(ERRMAX + 128, "%s %#q\n", statenames[status], toUtf8(errstr));
        } else text = `${statenames[status]}\n`;
        return readbuf(off, n, strToBytes(text));
      }
      case _Qwait: {
        const line = strToBytes(vmx.wait());
        return line.subarray(0, Math.min(line.length, n));
      }
      case _Qfpregs: {
        const buf = vmx.getfpregs();
        if (n < 0 || off < 0 || off >= buf.length) return new Uint8Array(0);
        return buf.subarray(off, Math.min(buf.length, off + n));
      }
    }
    return error(Egreg);
  }

  /** vmxwrite. */
  write(_up: Proc, c: Chan, data: Uint8Array, off: number): number {
    if (_SLOT(c) === -1) error(c.qid.path === _Qdir ? Eperm : Egreg);
    const vmx = this.#vmxent(c);
    switch (_FILE(c)) {
      case _Qdir:
        return error(Eperm);
      case _Qctl:
        this.#ctl(vmx, data);
        return data.length;
      case _Qmap:
      case _Qregs: {
        // The kernel copies the bytes into a C string: text after a NUL is not seen.
        const nul = data.indexOf(0);
        const text = bytesToStr(nul < 0 ? data : data.subarray(0, nul));
        return _FILE(c) === _Qregs ? vmx.setregs(text) : vmx.setmeminfo(text, this.#segattach);
      }
      case _Qfpregs:
        return vmx.setfpregs(data.subarray(0, vmx.fp.length), off);
    }
    return error(Egreg);
  }

  #ctl(vmx: Vmx, data: Uint8Array): void {
    const cb = parsecmd(data);
    const ct = lookupcmd(cb, _vmxctlmsg);
    switch (ct.index) {
      case _CMquit:
        this.#quit(vmx);
        return;
      case _CMgo:
      case _CMstep: {
        let s: string | undefined;
        if (cb.nf === 2) s = cb.f[1];
        else if (cb.nf !== 1) error("bad arg in system call");
        vmx.go(ct.index === _CMstep, s);
        return;
      }
      case _CMstop:
        vmx.stop();
        return;
      case _CMexc:
        vmx.exc(cb.f[1]);
        return;
      case _CMirq:
        vmx.irq(cb.nf === 2 ? cb.f[1] : undefined);
        return;
      case _CMextrap:
        vmx.extrap(cb.f[1]);
        return;
    }
    error(Egreg);
  }
}
