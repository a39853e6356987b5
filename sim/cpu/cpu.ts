/**
 * The vCPU: `run` executes guest code in VMX non-root operation until a VM
 * exit, the instruction budget or an internal failure; fields are read and
 * written as VMCS fields; `inject` queues VM-entry event injection.
 *
 * Order at each instruction boundary (SDM vol. 3 §6.9 priorities with the
 * VMX events of §26.5.2 and §26.7): pending MTF exit, pending single-step
 * #DB, interrupt-window exit, budget, then the next instruction.
 *
 * @module
 */

import { HI, jump64, nextRip64, readM, readM64 } from "./access.ts";
import type { PhysMap } from "./bus.ts";
import { type Block, CodeCache } from "./cache.ts";
import { deliverEvent, type EventSpec } from "./events.ts";
import {
  EXIT_IRQ_WINDOW,
  EXIT_MTF,
  INTR_HW_EXCEPTION,
  INTR_NMI,
  INTR_SW_INTERRUPT,
  vmexit,
} from "./exits.ts";
import { Field, type GuestState } from "./fields.ts";
import {
  getCF,
  getFlags,
  getZF,
  K_ADC,
  K_ADD,
  K_DEC,
  K_INC,
  K_LOGIC,
  K_SBB,
  K_SUB,
  keepCF,
  testCC,
  W64,
} from "./flags.ts";
import { compileBlock } from "./jit.ts";
import { refreshMode } from "./mode.ts";
import type { Insn } from "./insn.ts";
import { IF, TF } from "./operands.ts";
import {
  CpuState,
  CS,
  dead,
  raise,
  STOP,
  STOP_DEAD,
  STOP_EXC,
  STOP_EXIT,
  TLB_SIZE,
} from "./state.ts";

/** Why `run` returned. */
export enum RunStatus {
  /** A VM exit: the exit-information fields describe it. */
  EXIT = 0,
  /** The instruction budget is used up. */
  BUDGET = 1,
  /** An internal failure (`deadMessage`); the vCPU cannot run again. */
  DEAD = 2,
}

/** PROCBASED_CTLS bit: interrupt-window exiting. */
export const PROCB_IRQWIN = 1 << 2;
/** PROCBASED_CTLS bit: monitor trap flag. */
export const PROCB_MONTRAP = 1 << 27;

const _BS = 0x4000;

// Field widths in bits (SDM vol. 3 appendix B): 16 for selectors, 32 for limits, access
// rights and 32-bit control/information fields, 64 for the rest (natural width on a 64-bit host).
const _WIDTH: Uint8Array = (() => {
  const w = new Uint8Array(Field.COUNT).fill(64);
  for (let s = 0; s < 8; s++) {
    w[Field.ES_SEL + s * 4] = 16;
    w[Field.ES_LIMIT + s * 4] = 32;
    w[Field.ES_AR + s * 4] = 32;
  }
  for (
    const f of [
      Field.GDTR_LIMIT,
      Field.IDTR_LIMIT,
      Field.INTERRUPTIBILITY,
      Field.ACTIVITY,
      Field.EXCEPTION_BITMAP,
      Field.PROCBASED_CTLS,
      Field.PROCBASED_CTLS2,
      Field.ENTRY_CTLS,
      Field.INSTRUCTION_ERROR,
      Field.EXIT_REASON,
      Field.EXIT_INTR_INFO,
      Field.EXIT_INTR_CODE,
      Field.EXIT_INSTR_LEN,
      Field.EXIT_INSTR_INFO,
      Field.IDT_VECTORING_INFO,
      Field.IDT_VECTORING_CODE,
    ]
  ) w[f] = 32;
  return w;
})();

function _big(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** What `Cpu.pending` holds. */
export interface CpuPending {
  /** VM-entry interruption information queued by `inject`, not yet delivered. */
  injInfo: number;
  /** Its error code. */
  injCode: number;
  /** Its instruction length. */
  injLen: number;
  /** A monitor-trap-flag exit is due before the next instruction. */
  mtf: boolean;
  /** `run` failed for good. */
  dead: boolean;
}

/** Options of a Cpu. */
export interface CpuOptions {
  /** Whole-block runs before a block is compiled (jit.ts); Infinity never compiles. Default 16. */
  jitAfter?: number;
}

/** A virtual CPU behind vmx(3). */
export class Cpu extends CpuState implements GuestState {
  readonly #cache: CodeCache;
  #injInfo = 0;
  #injCode = 0;
  #injLen = 0;
  #mtfPending = false;
  #dbgPending = 0;
  #dead = false;
  // The block executing (null outside it) and its first IP; `retired` is not updated until
  // the block ends, so after a stop it still counts what ran before the block.
  #blk: Insn[] | null = null;
  #blkIp = 0;
  // The block that ran last (for the cache's chaining hint), null after an event.
  #prev: Block | null = null;
  // PROCBASED_CTLS, read once per block.
  #ctls = 0;
  readonly #jitAfter: number;

  /** A vCPU over `mem` in devvmx's initial guest state (vmcsinit): 32-bit flat protected mode. */
  constructor(mem: PhysMap, opts: CpuOptions = {}) {
    super(mem);
    this.#jitAfter = opts.jitAfter ?? 16;
    this.#cache = new CodeCache(this);
    for (let s = 0; s < 6; s++) {
      this.segLimit[s] = 0xffffffff;
      this.segAr[s] = 0xc093;
    }
    this.segAr[1] = 0xc09b;
    this.segAr[6] = 0x10000;
    this.segLimit[7] = 0xffff;
    this.segAr[7] = 0x8b;
    this.setWide(Field.CR0, 0x31, 0);
    this.setWide(Field.CR0_SHADOW, 0x31, 0);
    this.setWide(Field.PAT, 0x00070406, 0x00070406);
    this.setWide(Field.XCR0, 1, 0);
    this.setWide(Field.EXCEPTION_BITMAP, 0x40002, 0);
    refreshMode(this);
  }

  /** Drop cached translations and decoded code (after the memory map changed). */
  flushTlb(): void {
    this.tlbR.flush();
    this.tlbW.flush();
    this.tlbX.flush();
    this.#cache.flush();
  }

  /** Queue an event for injection at the next `run` (VM-entry interruption info, error code, length). */
  inject(info: number, code: number, ilen: number): void {
    this.#injInfo = info >>> 0;
    this.#injCode = code >>> 0;
    this.#injLen = ilen >>> 0;
  }

  /** What `run` depends on that no Field holds (queued injection, MTF exit, death), for snapshots. */
  get pending(): CpuPending {
    return {
      injInfo: this.#injInfo,
      injCode: this.#injCode,
      injLen: this.#injLen,
      mtf: this.#mtfPending,
      dead: this.#dead,
    };
  }

  /** Put back what `pending` gave. */
  set pending(p: CpuPending) {
    this.#injInfo = p.injInfo;
    this.#injCode = p.injCode;
    this.#injLen = p.injLen;
    this.#mtfPending = p.mtf;
    this.#dead = p.dead;
  }

  /** Read a field. */
  getField(f: Field): bigint {
    if (f < 16) return _big(this.r32[f * 2], this.r32[f * 2 + 1]);
    if (f >= Field.ES_SEL && f <= Field.TR_AR) {
      const s = (f - Field.ES_SEL) >> 2;
      switch ((f - Field.ES_SEL) & 3) {
        case 0:
          return BigInt(this.segSel[s]);
        case 1:
          return _big(this.segBase[s], this.segBaseHi[s]);
        case 2:
          return BigInt(this.segLimit[s]);
        default:
          return BigInt(this.segAr[s]);
      }
    }
    switch (f) {
      case Field.RIP:
        return _big(this.ip, this.ipHi);
      case Field.RFLAGS:
        return _big(getFlags(this), this.hi(f));
      case Field.INTERRUPTIBILITY:
        return BigInt(((this.lo(f) & ~3) | this.intrBlock) >>> 0);
      case Field.PENDING_DBG:
        return _big(this.#dbgPending | this.lo(f), this.hi(f));
    }
    return _big(this.lo(f), this.hi(f));
  }

  /** Write a field, cut to its VMCS width. */
  setField(f: Field, v: bigint): void {
    const w = f >= 16 ? _WIDTH[f] : 64;
    const cut = BigInt.asUintN(w, v);
    const lo = Number(cut & 0xffffffffn), hi = Number(cut >> 32n);
    if (f < 16) {
      this.r32[f * 2] = lo;
      this.r32[f * 2 + 1] = hi;
      return;
    }
    if (f >= Field.ES_SEL && f <= Field.TR_AR) {
      const s = (f - Field.ES_SEL) >> 2;
      switch ((f - Field.ES_SEL) & 3) {
        case 0:
          this.segSel[s] = lo;
          break;
        case 1:
          this.segBase[s] = lo;
          this.segBaseHi[s] = hi;
          break;
        case 2:
          this.segLimit[s] = lo;
          break;
        default:
          this.segAr[s] = lo;
      }
      return;
    }
    this.setWide(f, lo, hi);
    switch (f) {
      case Field.RIP:
        this.ip = lo | 0;
        this.ipHi = hi;
        break;
      case Field.RFLAGS:
        this.flags = lo;
        this.fop = 0;
        break;
      case Field.INTERRUPTIBILITY:
        this.intrBlock = lo & 3;
        break;
      case Field.PROCBASED_CTLS:
        this.#ctls = lo;
        break;
      case Field.PENDING_DBG:
        this.#dbgPending = lo & _BS;
        this.setWide(f, lo & ~_BS, hi);
        break;
      case Field.CR0:
      case Field.CR3:
      case Field.CR4:
      case Field.EFER:
        this.tlbR.flush();
        this.tlbW.flush();
        this.tlbX.flush();
        break;
    }
  }

  /** Run until a VM exit, `budget` retired instructions, or an internal failure. */
  run(budget: number): RunStatus {
    if (this.#dead) return RunStatus.DEAD;
    this.setWide(Field.IDT_VECTORING_INFO, 0, 0);
    const target = this.retired + budget;
    // Fields may have been written since the last run: no block to chain from.
    this.#prev = null;
    let entered = false;
    for (;;) {
      try {
        if (!entered) {
          entered = true;
          this.#enter();
        }
        return this.#loop(target);
      } catch (x) {
        if (x !== STOP) throw x;
        this.#settle();
        const s = this.#stopped();
        if (s >= 0) return s;
      }
    }
  }

  #enter(): void {
    const bad = refreshMode(this);
    if (bad !== "") dead(this, bad);
    const info = this.#injInfo;
    this.#injInfo = 0;
    if (this.lo(Field.ACTIVITY) !== 0) {
      if (!(info & 0x80000000)) {
        dead(this, `unimplemented activity state ${this.lo(Field.ACTIVITY)}`);
      }
      this.setWide(Field.ACTIVITY, 0, 0);
    }
    if (!(info & 0x80000000)) return;
    const type = (info >> 8) & 7;
    if (type === INTR_NMI || type === 1 || type === 7) {
      dead(this, `unimplemented injection of type ${type}`);
    }
    const pe = (this.lo(Field.CR0) & 1) !== 0;
    const soft = type >= INTR_SW_INTERRUPT;
    const e: EventSpec = {
      vector: info & 0xff,
      type,
      code: info & 0x800 && pe ? this.#injCode : -1,
      retIp: soft ? (this.ip + this.#injLen) & this.ipMask : this.ip,
      qual: 0,
      ilen: this.#injLen,
    };
    // An MTF exit is pending after an injected event is delivered (SDM vol. 3 §26.7.2).
    if (this.#ctls & PROCB_MONTRAP) this.#mtfPending = true;
    deliverEvent(this, e, true);
  }

  /** After a STOP inside a block: count the instructions before the one that stopped. */
  #settle(): void {
    const insns = this.#blk;
    if (insns === null) return;
    this.#blk = null;
    let ip = this.#blkIp, k = 0;
    while (ip !== this.ip && k < insns.length) ip = (ip + insns[k++].len) & this.ipMask;
    this.retired += k;
  }

  /** Handle a STOP: -1 to go on running, else the status to return. */
  #stopped(): number {
    switch (this.stopKind) {
      case STOP_EXIT:
        return RunStatus.EXIT;
      case STOP_DEAD:
        this.#dead = true;
        return RunStatus.DEAD;
      case STOP_EXC:
        this.#prev = null;
        try {
          this.#exception(this.excVector, this.excCode, this.ip, 0);
        } catch (x) {
          if (x !== STOP) throw x;
          return this.#stopped();
        }
        return -1;
    }
    throw new Error(`unknown stop kind ${this.stopKind}`);
  }

  #exception(vector: number, code: number, retIp: number, qual: number): void {
    const pe = (this.lo(Field.CR0) & 1) !== 0;
    const e: EventSpec = {
      vector,
      type: INTR_HW_EXCEPTION,
      code: pe ? code : -1,
      retIp,
      qual,
      ilen: 0,
    };
    if (this.#ctls & PROCB_MONTRAP) this.#mtfPending = true;
    deliverEvent(this, e, false);
  }

  // The hot loop: kept separate so it is optimized as a plain function. `retired` is counted
  // per block; when an instruction stops the block, #settle counts what completed.
  //
  // The forms of cache.ts's INLINE_FORMS run as inline code here (their handlers in
  // exec_alu.ts, exec_control.ts and exec_near64.ts are the reference, and compute the same
  // state: jit_test.ts and the native and corpus suites run both); every other instruction
  // calls its handler through `i.fn`. That call site sees every handler, and in V8 such a call
  // costs several times a `switch` case with the work inline; so does calling the same work as
  // a function from a case.
  #exec(b: Block, n: number): void {
    this.brk = false;
    const mask = this.ipMask, insns = b.insns, cases = b.cases, r = this.r32;
    let k = 0;
    while (k < n) {
      const i = insns[k], form = cases[k++];
      this.next = (this.ip + i.len) & mask;
      switch (form) {
        case 0:
          i.fn(this, i);
          break;
        case 1: // decZ32
        case 2: // incZ32
        case 3: // decE32r
        case 4: { // incE32r
          keepCF(this);
          const x = form < 3 ? i.regX : i.rmX, a = r[x], v = form & 1 ? (a - 1) | 0 : (a + 1) | 0;
          this.fa = a;
          this.fb = 1;
          this.fres = v;
          this.fop = (form & 1 ? K_DEC : K_INC) | 2;
          r[x] = v;
          r[x + 1] = 0;
          break;
        }
        case 5: // aluEI32r
        case 6: // aluAI32
        case 7: // aluEG32r
        case 8: // aluGE32r
        case 9: { // aluGE32m
          const op = i.sub, d = form === 5 || form === 7 ? i.rmX : form === 6 ? 0 : i.regX;
          const bv = form < 7
            ? i.imm
            : form === 7
            ? r[i.regX]
            : form === 8
            ? r[i.rmX]
            : readM(this, i, 4);
          const a = r[d], cf = (op === 2 || op === 3) && getCF(this) !== 0 ? 1 : 0;
          let v: number, kind: number;
          if (op === 0 || op === 2) {
            v = (a + bv + cf) | 0;
            kind = cf ? K_ADC : K_ADD;
          } else if (op === 3 || op === 5 || op === 7) {
            v = (a - bv - cf) | 0;
            kind = cf ? K_SBB : K_SUB;
          } else {
            v = op === 1 ? a | bv : op === 4 ? a & bv : a ^ bv;
            kind = K_LOGIC;
          }
          this.fa = a;
          this.fb = bv;
          this.fres = v;
          this.fop = kind | 2;
          if (op !== 7) {
            r[d] = v;
            r[d + 1] = 0;
          }
          break;
        }
        case 10: { // jcc32 (JE/JNE, which end most loops, test ZF alone; inline, as case 18)
          const cc = i.sub;
          if (cc >> 1 === 2 ? (getZF(this) !== 0) !== ((cc & 1) !== 0) : testCC(this, cc)) {
            this.#near32(i);
          }
          break;
        }
        case 11: // jmp32
          this.#near32(i);
          break;
        case 12: // aluEI64r
        case 13: // aluEG64r
        case 14: // aluGE64r
        case 15: { // aluGE64m
          const op = i.sub, d = form === 14 || form === 15 ? i.regX : i.rmX;
          let bl: number, bh: number;
          if (form === 12) {
            bl = i.imm;
            bh = bl >> 31;
          } else if (form === 13) {
            bl = r[i.regX];
            bh = r[i.regX + 1];
          } else if (form === 14) {
            bl = r[i.rmX];
            bh = r[i.rmX + 1];
          } else {
            // readM64's fast case, inline: a call from here is not inlined and costs ~15%.
            const b = i.base, d = i.disp, base = r[b], lo = (base + d) | 0;
            const hi = (r[b + 1] + (d >> 31) + ((lo >>> 0) < (base >>> 0) ? 1 : 0)) | 0;
            const t = this.tlbR, e = (lo >>> 12) & (TLB_SIZE - 1);
            if (i.flat64 && hi === 0 && t.tag[e] === lo >>> 12 && (lo & 0xfff) <= 0xff8) {
              const v = t.view[e], o = t.off[e] + (lo & 0xfff);
              bl = v.getInt32(o, true);
              bh = v.getInt32(o + 4, true);
            } else {
              bl = readM64(this, i);
              bh = HI[0];
            }
          }
          const al = r[d], ah = r[d + 1], cf = (op === 2 || op === 3) && getCF(this) !== 0 ? 1 : 0;
          let vl: number, vh: number, kind: number;
          if (op === 0 || op === 2) {
            vl = (al + bl + cf) | 0;
            const co = cf ? vl >>> 0 <= al >>> 0 : vl >>> 0 < al >>> 0;
            vh = (ah + bh + (co ? 1 : 0)) | 0;
            kind = co ? K_ADC : K_ADD;
          } else if (op === 3 || op === 5 || op === 7) {
            vl = (al - bl - cf) | 0;
            const bo = cf ? al >>> 0 <= bl >>> 0 : al >>> 0 < bl >>> 0;
            vh = (ah - bh - (bo ? 1 : 0)) | 0;
            kind = bo ? K_SBB : K_SUB;
          } else {
            vl = op === 1 ? al | bl : op === 4 ? al & bl : al ^ bl;
            vh = op === 1 ? ah | bh : op === 4 ? ah & bh : ah ^ bh;
            kind = K_LOGIC;
          }
          // As flags.ts's lazy64 records it (no operands for a logical operation).
          const logic = kind === K_LOGIC;
          this.fal = logic ? 0 : al;
          this.fbl = logic ? 0 : bl;
          this.frl = vl;
          this.fa = logic ? 0 : ah;
          this.fb = logic ? 0 : bh;
          this.fres = vh;
          this.fop = kind | W64;
          if (op !== 7) {
            r[d] = vl;
            r[d + 1] = vh;
          }
          break;
        }
        case 16: // decE64r
        case 17: { // incE64r
          keepCF(this);
          const x = i.rmX, lo = r[x], hi = r[x + 1], dec = form === 16;
          const vl = dec ? (lo - 1) | 0 : (lo + 1) | 0;
          const c = dec ? (lo === 0 ? 1 : 0) : vl === 0 ? 1 : 0,
            vh = dec ? (hi - c) | 0 : (hi + c) | 0;
          this.fal = lo;
          this.fbl = 1;
          this.frl = vl;
          this.fa = hi;
          this.fb = c;
          this.fres = vh;
          this.fop = (dec ? K_DEC : K_INC) | W64;
          r[x] = vl;
          r[x + 1] = vh;
          break;
        }
        case 18: { // jcc64
          const cc = i.sub;
          if (cc >> 1 === 2 ? (getZF(this) !== 0) !== ((cc & 1) !== 0) : testCC(this, cc)) {
            this.#near64(i);
          }
          break;
        }
        case 19: // jmp64
          this.#near64(i);
          break;
      }
      this.ip = this.next;
      if (this.brk) break;
    }
    this.retired += k;
  }

  // A near branch by `i.imm` with a 32-bit operand size: #GP(0) beyond the CS limit.
  #near32(i: Insn): void {
    const t = (this.next + i.imm) | 0;
    if (t >>> 0 > this.segLimit[CS]) raise(this, 13, 0);
    this.next = t;
  }

  // A near branch by `i.imm` in 64-bit mode: a target in the same 4 GiB as the branch keeps
  // RIP's high half, and so its canonical form (nextRip64 without a carry); others go through
  // jump64.
  #near64(i: Insn): void {
    const s = (this.ip >>> 0) + i.len + i.imm;
    if (s >= 0 && s < 4294967296) this.next = s | 0;
    else jump64(this, nextRip64(this, i, i.imm), HI[0]);
  }

  #loop(target: number): RunStatus {
    for (;;) {
      if (this.#mtfPending || this.#dbgPending) this.#pending();
      const s = this.#step(target);
      if (s >= 0) return s;
    }
  }

  // Pending MTF exit, then a pending single-step trap: it exits as #DB with the DR6-style
  // qualification (BS) if bitmapped, else DR6.BS is set and #DB is delivered.
  #pending(): void {
    if (this.#mtfPending) {
      this.#mtfPending = false;
      vmexit(this, EXIT_MTF, 0, 0);
    }
    const q = this.#dbgPending;
    this.#dbgPending = 0;
    if (!(this.lo(Field.EXCEPTION_BITMAP) & 2)) this.setWide(Field.DR6, this.lo(Field.DR6) | q, 0);
    this.#prev = null;
    this.#exception(1, -1, this.ip, q);
  }

  // After block `b` that started at `hi0:ip0` and whose last instruction ends past 2^32 (64-bit
  // code): if that instruction ran and execution fell through it, RIP carries into bits 63:32.
  // A control transfer there that set RIP's high half itself changed it (a relative one always
  // does, to the carried value); one that lands exactly 4 GiB back is taken for a fall-through.
  #carry(b: Block, ip0: number, hi0: number): void {
    if (this.ip === ((ip0 + b.bytes) | 0) && this.ipHi === hi0) this.ipHi = (hi0 + 1) | 0;
  }

  // Blocks from the current RIP: interrupt window, budget, lookup, execution; then the blocks
  // linked after it (CodeCache.linked), while a block boundary has nothing else to do: whole
  // blocks only, no single-stepping, blocking or interrupt-window exiting, and no instruction
  // that set `brk` (TF, IF, blocking, code written) or ended in a `sysEnd` instruction. Returns
  // -1 to go on. Kept apart from #loop so that it is optimized as an ordinary function, not on
  // stack replacement.
  #step(target: number): number {
    const ctls = this.#ctls;
    if (ctls & PROCB_IRQWIN && this.flags & IF && this.intrBlock === 0) {
      vmexit(this, EXIT_IRQ_WINDOW, 0, 0);
    }
    const rem = target - this.retired;
    if (rem <= 0) return RunStatus.BUDGET;
    let b = this.#cache.lookup(this.#prev);
    const tf = this.flags & TF;
    if ((tf | (ctls & PROCB_MONTRAP) | this.intrBlock) !== 0 || b.insns.length > rem) {
      return this.#part(b, ctls, tf ? 1 : rem);
    }
    for (;;) {
      const insns = b.insns, ip0 = this.ip, hi0 = this.ipHi, gen = this.tlbX.gen;
      this.#prev = b;
      this.#blk = insns;
      this.#blkIp = ip0;
      const jit = b.jit;
      if (jit !== null) {
        const ran = jit(this, target - this.retired); // before reading `retired`: a self-loop adds to it
        this.retired += ran;
      } else {
        if (++b.runs >= this.#jitAfter && !b.wraps) b.jit = compileBlock(insns, this.ipMask, b);
        this.#exec(b, insns.length);
        if (b.wraps) this.#carry(b, ip0, hi0);
        else if (this.ip === ip0 && (ctls & PROCB_IRQWIN) === 0) this.#again(b, hi0, gen, target);
      }
      this.#blk = null;
      if (this.newBlock !== 0) {
        this.intrBlock = this.newBlock;
        this.newBlock = 0;
        return -1;
      }
      if (this.brk || b.sysEnd || ctls & PROCB_IRQWIN) return -1;
      // A loop back to the block's own start needs no link (the code context is unchanged).
      const nb = this.ip === ip0 && this.ipHi === hi0 && this.tlbX.gen === gen && b.valid()
        ? b
        : this.#cache.linked(b);
      if (nb === null || nb.insns.length > target - this.retired) return -1;
      b = nb;
    }
  }

  // Block `b` (not compiled) branched back to its own start: run it again at once, in a loop
  // tighter than #step's, while that is all a block boundary would do (see #step; the code
  // context is unchanged when the fetch TLB is). Passes stop one short of the compile
  // threshold so that #step compiles the block.
  #again(b: Block, hi0: number, gen: number, target: number): void {
    const n = b.insns.length, ip0 = this.ip;
    if (b.sysEnd) return;
    while (
      !this.brk && this.newBlock === 0 && this.ip === ip0 && this.ipHi === hi0 &&
      this.tlbX.gen === gen && target - this.retired >= n && b.runs + 1 < this.#jitAfter &&
      b.valid()
    ) {
      b.runs++;
      this.#exec(b, n);
    }
  }

  // Part of block `b`, or one instruction of it (single-stepping, MTF, an interrupt shadow):
  // `n` instructions at most.
  #part(b: Block, ctls: number, n: number): number {
    const insns = b.insns, ip0 = this.ip, hi0 = this.ipHi, tf = this.flags & TF;
    this.#prev = b;
    this.#blk = insns;
    this.#blkIp = ip0;
    this.#exec(b, ctls & PROCB_MONTRAP || this.intrBlock !== 0 ? 1 : n);
    if (b.wraps) this.#carry(b, ip0, hi0);
    this.#blk = null;
    this.intrBlock = this.newBlock;
    this.newBlock = 0;
    if (tf) this.#dbgPending = _BS;
    if (ctls & PROCB_MONTRAP) this.#mtfPending = true;
    return -1;
  }
}
