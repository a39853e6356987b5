/**
 * One virtual CPU as devvmx.c keeps it (struct Vmx) together with a
 * deterministic model of its kernel process, vmxproc(): the command queue
 * (vmxcmd, runcmd, postponed commands), the entry logic (event injection,
 * interrupt window, monitor trap flag) and processexit().
 *
 * Time model. On hardware the kproc runs the guest concurrently with the
 * program and takes commands only between VM exits, and external-interrupt
 * exits (not reported) come at timer ticks. Here the guest runs only when a
 * command needs the kproc: a command sent while the vCPU is `running` first
 * lets the guest run to its next exit — a reported one, or the next tick,
 * which comes after `quantum` retired instructions of one entry. That choice
 * is deterministic and is what a trace records.
 *
 * Deviation. A command that would wait forever on hardware because nothing
 * can happen any more (reading `wait` while the vCPU is not running and
 * nothing is pending; `exc` while an exception is pending and the vCPU is not
 * running; a guest that runs `waitBudget` instructions without a reported
 * exit) fails with an error beginning `would block:`.
 *
 * Quirks of devvmx.c kept as they are: the monitor trap flag joins
 * defprocbctls after this entry's copy was taken, so a `step` traps from the
 * next entry on and every later entry traps too; POSTIRQ is tested after
 * POSTEX was cleared, so an irq delivered at an entry replaces the exc
 * written for it; vmx->launched is set after any entry that did not fail
 * outright, so after a failed first VMLAUNCH the next VMRESUME fails; and
 * cmdsetfpregs copies `sizeof(FPsave) - n` bytes at the end (where that runs
 * past FPsave, into the rest of struct Vmx, the vCPU dies as unimplemented).
 *
 * @module
 */

import { Cpu, Field, RunStatus, setRandomSeed } from "../cpu/mod.ts";
import { error, errstrcpy, PlanError } from "../ns/mod.ts";
import { strtoul } from "../lib9/mod.ts";
import { cmdgetregs, setregs } from "./guestregs.ts";
import { eventparse, type VmIntr } from "./eventparse.ts";
import { cmdwait, formatack } from "./waitline.ts";
import { VmMemMap } from "./meminfo.ts";
import type { SegmentRef } from "./meminfo.ts";
import { checkcontrols, checkguest } from "./entrycheck.ts";
import { vmcsinit } from "./vmcsinit.ts";
import { fprestorefault, fpsaveexit, newfpsave } from "./fpregs.ts";
import { HOST } from "./host.ts";

/** vCPU states, in devvmx's order (statenames). */
export const enum VmxState {
  INIT = 0,
  READY = 1,
  RUNNING = 2,
  DEAD = 3,
  ENDING = 4,
}

/** The names `status` prints for each state. */
export const statenames: readonly string[] = Object.freeze([
  "init",
  "ready",
  "running",
  "dead",
  "ending",
]);

/** "vmx: ending": every command once the vCPU quit. */
const _Equit = "vmx: ending";

/** Tunables of the time model; recorded in traces. */
export interface VcpuOptions {
  /** Retired instructions per entry before a (not reported) timer-tick exit. */
  quantum: number;
  /** Retired instructions a command may let the guest run without a reported exit before `would block`. */
  waitBudget: number;
  /** Seed of RDRAND and RDSEED (a non-negative safe integer); their values depend on it and the retired count. */
  rdrandSeed: number;
}

// onentry bits, as devvmx.c.
const _STEP = 4, _POSTEX = 8, _POSTIRQ = 16;
// got bits.
const _GOTEXIT = 1, _GOTIRQACK = 2;
// Primary processor-based controls devvmx toggles per entry.
const _PROCB_IRQWIN = 1 << 2, _PROCB_MONTRAP = 1 << 27;
const _VALID = 0x80000000;
/** devvmx's per-channel text buffer (AUXSIZE): map text is cut to fit it. */
const _AUXSIZE = 4096;

/**
 * Throw RangeError unless `quantum` and `waitBudget` are positive
 * instruction counts and `rdrandSeed` a non-negative safe integer.
 */
export function checkVcpuOptions(opts: VcpuOptions): void {
  for (const name of ["quantum", "waitBudget"] as const) {
    const n = opts[name];
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`${name} ${n} is not a positive instruction count`);
    }
  }
  if (!Number.isSafeInteger(opts.rdrandSeed) || opts.rdrandSeed < 0) {
    throw new RangeError(`rdrandSeed ${opts.rdrandSeed} is not a non-negative safe integer`);
  }
}

/** Returned by a command that must wait for a later runcmd (CMDFPOSTP). */
const _POSTPONE: unique symbol = Symbol("postpone");

/** A command body, run by the kproc: returns its result or _POSTPONE. */
type _CmdFn<T> = () => T | typeof _POSTPONE;

/** One vCPU: devvmx's struct Vmx and its kproc. */
export class Vmx {
  /** Slot index: the directory name under #X. */
  readonly index: number;
  /** Current state. */
  state: VmxState = VmxState.INIT;
  /** The error that killed the vCPU (errstr). */
  errstr = "";
  /** The CPU; its fields are the VMCS. */
  readonly cpu: Cpu;
  /** The memory map (EPT). */
  readonly mem: VmMemMap;
  /** The FPsave area behind `fpregs`. */
  readonly fp: Uint8Array;
  readonly #opts: VcpuOptions;
  #onentry = 0;
  #got = 0;
  #exc: VmIntr = { info: 0, code: 0, ilen: 0 };
  #irq: VmIntr = { info: 0, code: 0, ilen: 0 };
  #irqack: VmIntr = { info: 0, code: 0, ilen: 0 };
  #defprocbctls = 0;
  /** VM-entry interruption information field (VMENTRY_INTRINFO/CODE/ILEN). */
  #entryintr: VmIntr = { info: 0, code: 0, ilen: 0 };
  #memgen = -1;
  /** devvmx's vmx->launched: use VMRESUME from now on. */
  #launched = false;
  /** The VMCS launch state: "launched" after a successful VMLAUNCH. */
  #vmcslaunched = false;

  /** Create and start vCPU `index` (vmxnew + vmxstart + vmcsinit). */
  constructor(index: number, opts: VcpuOptions) {
    checkVcpuOptions(opts);
    this.index = index;
    this.#opts = opts;
    this.mem = new VmMemMap();
    this.cpu = new Cpu(this.mem);
    setRandomSeed(
      this.cpu,
      opts.rdrandSeed % 0x1_0000_0000,
      Math.floor(opts.rdrandSeed / 0x1_0000_0000),
    );
    this.fp = newfpsave(HOST.mxcsrMask);
    vmcsinit(this.cpu);
    this.state = VmxState.READY;
    this.#defprocbctls = Number(this.cpu.getField(Field.PROCBASED_CTLS));
  }

  /**
   * vmxcmd: hand a command to the kproc and wait for it. Between commands the
   * kproc is inside the guest exactly when the vCPU is running (vmxproc enters
   * it again right after runcmd), so a command first lets that guest run to
   * its next exit, then runs (runcmd); a postponed command is retried after
   * each further exit. Every entry counts for at least one instruction against
   * `waitBudget`, so a guest that exits without retiring anything cannot spin.
   */
  #vmxcmd<T>(f: _CmdFn<T>): T {
    if (this.state === VmxState.ENDING) error(_Equit);
    let budget = this.#opts.waitBudget;
    for (;;) {
      if (this.state === VmxState.RUNNING) budget -= Math.max(1, this.#finishrun());
      const r = f();
      if (r !== _POSTPONE) return r;
      if (this.state !== VmxState.RUNNING) {
        error(`would block: vCPU ${this.index} is not running`);
      }
      if (budget <= 0) {
        error(
          `would block: vCPU ${this.index} ran ${this.#opts.waitBudget} instructions without a reported exit`,
        );
      }
    }
  }

  /**
   * The kproc's loop body while running: entry set-up, VM entry, the guest
   * run, processexit. Returns retired instructions. Kernel-side errors make
   * the vCPU dead, as vmxproc's waserror loop does.
   */
  #finishrun(): number {
    const cpu = this.cpu;
    const before = cpu.retired;
    try {
      let procbctls = this.#defprocbctls;
      if (this.#onentry & _STEP) this.#defprocbctls |= _PROCB_MONTRAP;
      if (this.#onentry & _POSTEX) {
        this.#entryintr = { ...this.#exc };
        this.#onentry &= ~_POSTEX;
      }
      if ((this.#onentry & _POSTIRQ) && !(this.#onentry & _STEP)) {
        // devvmx tests POSTEX after clearing it, so an irq may replace an exc injected at this entry.
        const rflags = cpu.getField(Field.RFLAGS);
        const canintr = cpu.getField(Field.INTERRUPTIBILITY);
        if ((rflags & 0x200n) !== 0n && (canintr & 3n) === 0n) {
          this.#entryintr = { ...this.#irq };
          this.#onentry &= ~_POSTIRQ;
          this.#got |= _GOTIRQACK;
          this.#irqack = { ...this.#irq };
        } else procbctls |= _PROCB_IRQWIN;
      }
      if (this.mem.generation !== this.#memgen) {
        cpu.flushTlb();
        this.#memgen = this.mem.generation;
      }
      cpu.setField(Field.PROCBASED_CTLS, BigInt(procbctls >>> 0));
      this.#got &= ~_GOTEXIT;
      const xrstor = fprestorefault(this.fp, HOST.xcr0, HOST.mxcsrMask);
      if (xrstor !== undefined) error(`unimplemented: XRSTOR of fpregs: ${xrstor}`);
      // putxcr0(vmx->xcr0): XSETBV refuses AVX without SSE (#GP, SDM vol. 2).
      const xcr0 = cpu.getField(Field.XCR0);
      if ((xcr0 & 6n) === 4n) {
        error(`unimplemented: XSETBV of xcr0 0x${xcr0.toString(16)}: #GP, a kernel panic`);
      }
      try {
        this.#vmlaunch();
      } finally {
        // fpsave runs before vmxproc looks at vmlaunch's result.
        fpsaveexit(this.fp, HOST.mxcsrMask);
      }
      this.#processexit();
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      // vmxproc keeps the error as kstrcpy into its ERRMAX buffer leaves it.
      this.errstr = errstrcpy(e.errstr);
      this.state = VmxState.DEAD;
    }
    return cpu.retired - before;
  }

  /**
   * vmlaunch(&vmx->ureg, vmx->launched): VMLAUNCH or VMRESUME with its
   * checks, injection and the guest run. VMfailValid (launch state, controls)
   * records the VM-instruction error and is devvmx's "vmlaunch failed".
   */
  #vmlaunch(): void {
    const cpu = this.cpu;
    const intr = this.#entryintr;
    // SDM VMLAUNCH/VMRESUME: VMLAUNCH needs a clear VMCS (error 4), VMRESUME a
    // launched one (error 5). Only a successful entry launches the VMCS, yet
    // devvmx resumes after any entry that did not fail outright, so a failed
    // first entry (!entrystate) makes the next go fail here.
    if (this.#launched !== this.#vmcslaunched) this.#vmfailvalid(this.#launched ? 5 : 4);
    if (checkcontrols(cpu, intr) !== undefined) this.#vmfailvalid(7);
    const bad = checkguest(cpu, intr);
    this.#launched = true;
    if (bad !== undefined) {
      // SDM 26.7 (VM-entry failures during or after loading guest state): only
      // the exit reason and qualification are written, and the valid bit of the
      // VM-entry interruption information stays set, so the event is still
      // injected by the next entry.
      cpu.setField(Field.EXIT_REASON, 0x80000000n | 33n);
      cpu.setField(Field.EXIT_QUALIFICATION, BigInt(bad.qualification));
      return;
    }
    this.#vmcslaunched = true;
    // VM exits clear the valid bit of the VM-entry interruption information (SDM 24.8.3).
    this.#entryintr = { info: intr.info & ~_VALID, code: intr.code, ilen: intr.ilen };
    if (intr.info & _VALID) cpu.inject(intr.info >>> 0, intr.code >>> 0, intr.ilen);
    const st = cpu.run(this.#opts.quantum);
    if (st === RunStatus.DEAD) error(cpu.deadMessage);
    if (st === RunStatus.BUDGET) {
      // The timer tick: an external-interrupt exit without acknowledgement (SDM 27.2.2).
      cpu.setField(Field.EXIT_REASON, 1n);
      cpu.setField(Field.EXIT_QUALIFICATION, 0n);
      cpu.setField(Field.EXIT_INTR_INFO, 0n);
      cpu.setField(Field.IDT_VECTORING_INFO, 0n);
    }
  }

  /** VMfailValid: the VM-instruction error field is set and vmlaunch returns -1. */
  #vmfailvalid(instrerr: number): never {
    this.cpu.setField(Field.INSTRUCTION_ERROR, BigInt(instrerr));
    return error("vmlaunch failed");
  }

  /** processexit: which exits are reported. */
  #processexit(): void {
    const reason = Number(this.cpu.getField(Field.EXIT_REASON));
    if ((reason & 0x80000000) === 0) {
      switch (reason & 0xffff) {
        case 1:
        case 3:
        case 4:
        case 5:
        case 6:
        case 7:
        case 8:
          return;
      }
    }
    this.state = VmxState.READY;
    this.#got |= _GOTEXIT;
    this.#onentry &= ~_STEP;
  }

  // The commands, as devvmx's cmd* functions.

  /** cmdgo / step: only from ready; applies `regs` (name=value; items) first. */
  go(step: boolean, regs: string | undefined): void {
    this.#vmxcmd(() => {
      if (this.state !== VmxState.READY) error("VM not ready");
      if (regs !== undefined) setregs(this.cpu, regs, ";", "=");
      if (step) this.#onentry |= _STEP;
      this.state = VmxState.RUNNING;
    });
  }

  /** cmdstop. */
  stop(): void {
    this.#vmxcmd(() => {
      if (this.state !== VmxState.READY && this.state !== VmxState.RUNNING) {
        error("VM not ready or running");
      }
      this.state = VmxState.READY;
    });
  }

  /** cmdexcept: waits while an exception is still pending. */
  exc(event: string): void {
    this.#vmxcmd(() => {
      if (this.#onentry & _POSTEX) return _POSTPONE;
      this.#exc = eventparse(event);
      this.#onentry |= _POSTEX;
      return undefined;
    });
  }

  /** cmdirq: post an interrupt, or cancel the posted one. */
  irq(event: string | undefined): void {
    this.#vmxcmd(() => {
      if (event === undefined) this.#onentry &= ~_POSTIRQ;
      else {
        this.#irq = eventparse(event);
        this.#onentry |= _POSTIRQ;
      }
    });
  }

  /** cmdextrap: set the exception bitmap. */
  extrap(arg: string): void {
    this.#vmxcmd(() => {
      const { value, end } = strtoul(arg, 0);
      if (end === 0 || end !== arg.length) error("bad arg in system call");
      this.cpu.setField(Field.EXCEPTION_BITMAP, BigInt(value));
    });
  }

  /** cmdwait: the next `*ack` or exit line. */
  wait(): string {
    return this.#vmxcmd(() => {
      if (this.#got & _GOTIRQACK) {
        this.#got &= ~_GOTIRQACK;
        return formatack(this.#irqack.info);
      }
      if (!(this.#got & _GOTEXIT)) return _POSTPONE;
      this.#got &= ~_GOTEXIT;
      return cmdwait(this.cpu);
    });
  }

  /** cmdgetregs. */
  getregs(): string {
    return this.#vmxcmd(() => cmdgetregs(this.cpu));
  }

  /** cmdsetregs: returns bytes consumed. */
  setregs(text: string): number {
    return this.#vmxcmd(() => setregs(this.cpu, text, "\n", " \t"));
  }

  /** cmdgetmeminfo. */
  getmeminfo(): string {
    return this.#vmxcmd(() => this.mem.getmeminfo(_AUXSIZE));
  }

  /** cmdsetmeminfo: returns bytes consumed. */
  setmeminfo(text: string, attach: (name: string) => SegmentRef | undefined): number {
    return this.#vmxcmd(() => this.mem.setmeminfo(text, attach));
  }

  /** cmdclearmeminfo. */
  clearmeminfo(): void {
    this.#vmxcmd(() => this.mem.clear());
  }

  /** cmdgetfpregs: a copy of the FPsave area. */
  getfpregs(): Uint8Array {
    return this.#vmxcmd(() => this.fp.slice());
  }

  /**
   * cmdsetfpregs, with its clipping: past the end it copies `size - n` bytes, a
   * devvmx bug. Where that would write beyond FPsave (kernel memory) the
   * simulator stops: the vCPU dies with an `unimplemented` message.
   */
  setfpregs(data: Uint8Array, off: number): number {
    const size = this.fp.length;
    // vmxwrite copies at most sizeof(FPsave) bytes into its buffer first.
    if (data.length > size) throw new RangeError(`fpregs write of ${data.length} bytes`);
    return this.#vmxcmd(() => {
      let n = data.length;
      if (off < 0 || off >= size) n = 0;
      else if (off + n > size) n = size - n;
      if (n > 0 && off + n > size) {
        this.errstr = `unimplemented: fpregs write of ${data.length} bytes at ${off} ` +
          `overruns FPsave by ${off + n - size} bytes`;
        this.state = VmxState.DEAD;
        this.fp.set(data.subarray(0, size - off), off);
        return n;
      }
      // memmove of nothing touches nothing, whatever the offset.
      if (n > 0) this.fp.set(data.subarray(0, n), off);
      return n;
    });
  }

  /** cmdstatus: the state and the error text. */
  status(): { state: VmxState; errstr: string } {
    return this.#vmxcmd(() => ({ state: this.state, errstr: this.errstr }));
  }

  /** cmdquit: the vCPU ends; the caller frees its slot. */
  quit(): void {
    this.#vmxcmd(() => {
      this.state = VmxState.ENDING;
      this.mem.clear();
    });
  }

  /** The kproc's private state, for kernel snapshots (sim/snapshot.ts). */
  get kproc(): VmxKproc {
    return {
      onentry: this.#onentry,
      got: this.#got,
      exc: { ...this.#exc },
      irq: { ...this.#irq },
      irqack: { ...this.#irqack },
      defprocbctls: this.#defprocbctls,
      entryintr: { ...this.#entryintr },
      launched: this.#launched,
      vmcslaunched: this.#vmcslaunched,
    };
  }

  /** Put back what `kproc` gave; the next entry flushes the CPU's translations. */
  set kproc(k: VmxKproc) {
    this.#onentry = k.onentry;
    this.#got = k.got;
    this.#exc = { ...k.exc };
    this.#irq = { ...k.irq };
    this.#irqack = { ...k.irqack };
    this.#defprocbctls = k.defprocbctls;
    this.#entryintr = { ...k.entryintr };
    this.#launched = k.launched;
    this.#vmcslaunched = k.vmcslaunched;
    this.#memgen = -1;
  }
}

/** What `Vmx.kproc` holds: the vmxproc state no VMCS field keeps. */
export interface VmxKproc {
  /** onentry bits (STEP, POSTEX, POSTIRQ). */
  onentry: number;
  /** got bits (GOTEXIT, GOTIRQACK). */
  got: number;
  /** The exception `exc` posted. */
  exc: VmIntr;
  /** The interrupt `irq` posted. */
  irq: VmIntr;
  /** The interrupt the next `*ack` line reports. */
  irqack: VmIntr;
  /** Default primary processor-based controls (MONTRAP stays once stepped). */
  defprocbctls: number;
  /** VM-entry interruption information still to inject. */
  entryintr: VmIntr;
  /** devvmx's vmx->launched. */
  launched: boolean;
  /** The VMCS launch state. */
  vmcslaunched: boolean;
}
