/**
 * Corpus sessions rc cannot express, written against the library: ORCLOSE
 * (rc has no open mode for it), a second user (the shell runs as the host
 * owner), and guests that need bytes in memory the scripts cannot write
 * readably (a GDT and an IDT for exc and irq delivery). A failing call is
 * part of the session: its error is recorded and the session goes on.
 *
 * @module
 */

import {
  DMDIR,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  PlanError,
  type Syscalls,
} from "../sim/mod.ts";
import type { Recorder } from "../trace/mod.ts";
import { descriptorTables } from "./guest.ts";

/** A session: it makes its processes with `rec.process(user)`. */
export type Session = (rec: Recorder) => void;

const _enc = new TextEncoder();

/** Run `f`; a Plan 9 error is only recorded. */
function _try(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
  }
}

/** Open `path`, write `text` once, close; errors recorded. */
function _put(p: Syscalls, path: string, text: string | Uint8Array, mode = OWRITE): void {
  _try(() => {
    const fd = p.open(path, mode);
    _try(() => p.write(fd, typeof text === "string" ? _enc.encode(text) : text));
    p.close(fd);
  });
}

/** Open `path`, read once, close; errors recorded. */
function _get(p: Syscalls, path: string, n = 8192): void {
  _try(() => {
    const fd = p.open(path, OREAD);
    _try(() => p.read(fd, n));
    p.close(fd);
  });
}

/** A directory under #g, made (and closed) as mkdir makes it. */
function _mkdir(p: Syscalls, path: string): void {
  _try(() => p.close(p.create(path, OREAD, DMDIR | 0o777)));
}

/** vm.0 (sticky, 1 MiB) holding `image` at offset 0, and a vCPU mapping it at 0; the ctl fd. */
function _boot(p: Syscalls, image: Uint8Array): number {
  _mkdir(p, "#g/vm.0");
  _put(p, "#g/vm.0/ctl", "va 0x10000000 0x100000 sticky");
  _put(p, "#g/vm.0/data", image);
  const ctl = p.open("#X/clone", ORDWR);
  _put(p, "#X/0/map", "rwx wb 0x0 0x100000 vm.0 0x0\n", OWRITE | OTRUNC);
  return ctl;
}

/**
 * Guest memory with a GDT at 0x100 (flat code 0x08, flat data 0x10), an IDT
 * at 0x200 whose gates for 6, 13 and 32 lead to a hlt at 0x3000 + 16 *
 * vector, and `code` at 0x1000.
 */
function _idtImage(code: readonly number[]): Uint8Array {
  const m = new Uint8Array(0x4000);
  for (const [addr, bytes] of descriptorTables([6, 13, 32])) m.set(bytes, addr);
  m.set(code, 0x1000);
  return m;
}

/** Remove on close: a ctl makes its vCPU moribund, a segment directory goes. */
function _orclose(rec: Recorder): void {
  const p = rec.process("glenda");
  p.open("#X/clone", ORDWR);
  p.open("#X/clone", ORDWR);
  p.open("#X/clone", ORDWR);
  // ORCLOSE on ctl: closing it removes it, which makes vCPU 0 moribund.
  const c0 = p.open("#X/0/ctl", ORDWR | ORCLOSE);
  _get(p, "#X");
  p.close(c0);
  _get(p, "#X");
  _get(p, "#X/0/status");
  // A second moribund vCPU quits the first: 0 goes, its slot stays in the table.
  const c1 = p.open("#X/1/ctl", OREAD | ORCLOSE);
  p.close(c1);
  _get(p, "#X");
  _get(p, "#X/0/status");
  // Removing a moribund vCPU's ctl again changes nothing; quit ends it for good.
  _try(() => p.remove("#X/1/ctl"));
  _put(p, "#X/1/ctl", "quit");
  _get(p, "#X");
  // ORCLOSE on a file that is not ctl: the remove fails, and close drops the error.
  const r = p.open("#X/2/regs", OREAD | ORCLOSE);
  p.close(r);
  _get(p, "#X/2/status");
  // The slots come back lowest first.
  p.open("#X/clone", ORDWR);
  p.open("#X/clone", ORDWR);
  _get(p, "#X");
  // A segment directory made with ORCLOSE goes when closed; its ctl kept open still works.
  const d = p.create("#g/tmp", OREAD | ORCLOSE, DMDIR | 0o777);
  _put(p, "#g/tmp/ctl", "va 0x20000000 0x1000 sticky");
  const ctl = p.open("#g/tmp/ctl", OREAD);
  _get(p, "#g");
  p.close(d);
  _get(p, "#g");
  _try(() => p.read(ctl, 100));
  _try(() => p.stat("#g/tmp"));
  p.close(ctl);
  // ORCLOSE on the top directory or a segment's files is refused or ignored as 9front does.
  _try(() => p.open("#g", OREAD | ORCLOSE));
  _mkdir(p, "#g/keep");
  _try(() => p.close(p.open("#g/keep", OREAD | ORCLOSE)));
  _get(p, "#g");
}

/** Two users: only the host owner has #X; #g is everyone's, with its owner and permissions. */
function _users(rec: Recorder): void {
  const g = rec.process("glenda");
  const o = rec.process("other");
  _try(() => o.open("#X/clone", ORDWR));
  _try(() => o.stat("#X"));
  _get(o, "#X");
  const ctl = g.open("#X/clone", ORDWR);
  _try(() => o.open("#X/0/ctl", OWRITE));
  _try(() => o.open("#X/0", OREAD));
  _get(o, "#X/0");
  _try(() => o.stat("#X/0/status"));
  // other's segment: shared only; fixed and sticky are the host owner's.
  _mkdir(o, "#g/theirs");
  _put(o, "#g/theirs/ctl", "va 0x30000000 0x2000 sticky");
  _put(o, "#g/theirs/ctl", "va 0x30000000 0x2000 fixed");
  _put(o, "#g/theirs/ctl", "va 0x30000000 0x2000");
  _get(o, "#g/theirs/ctl");
  _put(o, "#g/theirs/data", "other's bytes");
  _try(() => o.stat("#g/theirs/data"));
  _try(() => g.stat("#g/theirs"));
  // glenda reads and writes it (0660, and she is eve), but cannot map a shared segment.
  _get(g, "#g/theirs/data", 13);
  _put(g, "#X/0/map", "rw- wb 0x0 0x2000 theirs 0x0\n");
  _mkdir(g, "#g/mine");
  _put(g, "#g/mine/ctl", "va 0x40000000 0x1000 sticky");
  _get(o, "#g/mine/ctl");
  _put(o, "#g/mine/data", "x");
  _try(() => o.remove("#g/mine"));
  _get(g, "#g");
  _put(g, "#X/0/map", "rw- wb 0x0 0x1000 mine 0x0\n");
  _get(g, "#X/0/map");
  g.close(ctl);
}

/** exc and irq injected at VM entry and delivered through the guest's IDT. */
function _inject(rec: Recorder): void {
  const p = rec.process("glenda");
  // nop; sti; nop; nop; hlt
  const ctl = _boot(p, _idtImage([0x90, 0xfb, 0x90, 0x90, 0xf4]));
  const go = (msg: string) => _try(() => p.write(ctl, _enc.encode(msg)));
  const wait = p.open("#X/0/wait", OREAD);
  const w = () => _try(() => p.read(wait, 512));
  _put(p, "#X/0/regs", "gdtrbase 0x100\ngdtrlimit 0x17\nidtrbase 0x200\nidtrlimit 0x107\n");
  // irq with IF=1: *ack, then the handler's hlt.
  go("irq 32");
  go("go pc=0x1000;sp=0x8000;flags=0x202;");
  w();
  w();
  _get(p, "#g/vm.0/data", 0); // (a zero-length read)
  // irq with IF=0: taken in the window after sti.
  go("irq 32");
  go("go pc=0x1000;sp=0x8000;flags=0x2;");
  w();
  w();
  _get(p, "#X/0/regs");
  // exc with an error code, delivered through gate 13.
  go("exc #gp,0x10");
  go("go pc=0x1000;sp=0x8000;");
  w();
  // A second exc waits for the first to be taken; while not running it would block.
  go("exc #ud");
  go("exc #ud");
  // An entry that fails its guest-state checks keeps the event pending.
  _put(p, "#X/0/regs", "flags 0xa\n");
  go("go pc=0x1000;");
  w();
  _put(p, "#X/0/regs", "flags 0x2\n");
  go("go");
  w();
  // A later irq replaces a posted one; irq alone cancels.
  go("irq 32");
  go("irq 33");
  go("irq");
  go("go pc=0x1000;sp=0x8000;flags=0x202;");
  w();
  // Refused events change nothing.
  for (const bad of ["#xx", "256", "#gp,z", "#gp,1,2,3"]) {
    go(`exc ${bad}`);
    go(`irq ${bad}`);
  }
  // exc #gp without its error code: VM entry fails and the vCPU dies.
  go("exc #gp");
  go("go pc=0x1000;");
  w();
  _get(p, "#X/0/status");
  _get(p, "#X/0/regs");
}

/** Commands while the guest runs: timer ticks, stop, would block (quantum and budget small). */
function _running(rec: Recorder): void {
  const p = rec.process("glenda");
  // inc eax; jmp $-1: never exits by itself.
  const ctl = _boot(p, Uint8Array.from([0x40, 0xeb, 0xfd]));
  const go = (msg: string) => _try(() => p.write(ctl, _enc.encode(msg)));
  go("go pc=0x0;");
  _get(p, "#X/0/status");
  _try(() => p.pread(ctl, 20, 0));
  go("go");
  _put(p, "#X/0/regs", "bx 7\n");
  _get(p, "#X/0/regs", 200);
  go("extrap 0");
  _get(p, "#X/0/wait");
  go("stop");
  _get(p, "#X/0/status");
  _get(p, "#X/0/wait");
  go("go");
  go("irq 32");
  go("quit");
  _get(p, "#X/0/status");
}

/** The sessions by name, as the manifest's `sessions.ts#NAME` sources name them. */
export const SESSIONS: Readonly<Record<string, Session>> = Object.freeze({
  orclose: _orclose,
  users: _users,
  inject: _inject,
  running: _running,
});
