/**
 * Decoded-instruction cache by basic block, keyed by the guest-physical
 * address of the block's first byte and the decoding mode. A block ends at
 * a control transfer or other END instruction, before an instruction that
 * starts on the next page, or after 64 instructions; an ALONE instruction
 * is a block by itself. Each block records the
 * generation of the RAM pages its bytes came from; a write that lands on
 * decoded code (smc.ts, or the host through GuestRam.noteWrite) bumps the
 * generation and the block is decoded again on its next use. `flush` (on
 * map changes) drops everything.
 *
 * @module
 */

import { type GuestRam, PAGE_SIZE } from "./bus.ts";
import { type CodeSource, decode } from "./decode.ts";
import type { BlockFn } from "./jit.ts";
import { HANDLER_NAMES } from "./_optab.ts";
import { HANDLERS } from "./handlers.ts";
import { DEC_FETCH, DEC_INVALID, DEC_OK, DEC_TOO_LONG, Insn } from "./insn.ts";
import { codeLin, codePhys, codePhysHeld, fetchRam } from "./mem.ts";
import { Attr } from "./operands.ts";
import { markCode } from "./smc.ts";
import { type CpuState, CS, dead, hexPc, raise } from "./state.ts";

const _MAX_INSNS = 64;
const _SLOTS = 4096;

// Near control transfers (END rows that change only RIP), by handler index.
const _NEAR: Uint8Array = (() => {
  const t = new Uint8Array(HANDLER_NAMES.length);
  const near = /^(jcc|jmp|jmpE|call|callE|ret|loop)(16|32|64)[rm]?$/;
  HANDLER_NAMES.forEach((n, h) => t[h] = near.test(n) ? 1 : 0);
  return t;
})();

/**
 * The forms the interpreter runs inline (cpu.ts `#exec`), in the order of their case numbers
 * there (case = index + 1): 32-bit INC/DEC, ALU and Jcc/JMP, 64-bit ALU, INC/DEC and Jcc/JMP.
 */
export const INLINE_FORMS: readonly string[] = Object.freeze([
  "decZ32",
  "incZ32",
  "decE32r",
  "incE32r",
  "aluEI32r",
  "aluAI32",
  "aluEG32r",
  "aluGE32r",
  "aluGE32m",
  "jcc32",
  "jmp32",
  "aluEI64r",
  "aluEG64r",
  "aluGE64r",
  "aluGE64m",
  "decE64r",
  "incE64r",
  "jcc64",
  "jmp64",
]);

// Interpreter case per handler index: 1 + position in INLINE_FORMS, 0 to call the handler.
const _CASE: Uint8Array = (() => {
  const t = new Uint8Array(HANDLER_NAMES.length);
  INLINE_FORMS.forEach((n, k) => {
    const h = HANDLER_NAMES.indexOf(n);
    if (h >= 0) t[h] = k + 1;
  });
  return t;
})();

/** A decoded basic block. */
export class Block {
  /** Guest-physical address of the first byte. */
  readonly phys: number;
  /** Decoding mode. */
  readonly mode: number;
  /** Instructions. */
  readonly insns: Insn[];
  /** Interpreter case of each instruction (`INLINE_FORMS`), 0 to call its handler. */
  readonly cases: Uint8Array;
  /** Total length in bytes. */
  readonly bytes: number;
  // The RAM page(s) the bytes came from and their generations at decode time.
  readonly #gens0: Uint32Array;
  readonly #page0: number;
  readonly #gen0: number;
  readonly #gens1: Uint32Array;
  readonly #page1: number;
  readonly #gen1: number;
  // Whether the bytes came from one page (the second check is the first again).
  readonly #one: boolean;
  /**
   * Chaining: the block that ran after this one, with the RIP (low, high) and code context
   * (`CodeCache` stamp, -1 for none) it was found under. A conditional branch alternates
   * between two successors, hence two links.
   */
  succ: Block | null = null;
  /** RIP bits 31:0 (int32) `succ` was found at. */
  succIp = 0;
  /** RIP bits 63:32 `succ` was found at. */
  succHi = 0;
  /** The context stamp `succ` holds for, -1 if none. */
  succCtx = -1;
  /** The other link. */
  succ2: Block | null = null;
  /** Its RIP bits 31:0. */
  succ2Ip = 0;
  /** Its RIP bits 63:32. */
  succ2Hi = 0;
  /** Its context stamp. */
  succ2Ctx = -1;
  /** 64-bit code whose last instruction ends past 2^32: RIP carries into bits 63:32 after it. */
  wraps = false;
  /**
   * The last instruction may change the code context (an END instruction other than a near
   * branch: far transfers, INT, IRET, MOV to CR, WRMSR...), so links out of the block are
   * followed only after the context is checked again.
   */
  sysEnd = false;
  /** Whole-block runs so far, until it is compiled. */
  runs = 0;
  /** The compiled block, once hot. */
  jit: BlockFn | null = null;

  /** A block as decoded from the given RAM pages (one or two). */
  constructor(
    phys: number,
    mode: number,
    insns: Insn[],
    bytes: number,
    rams: GuestRam[],
    pages: number[],
  ) {
    this.phys = phys;
    this.mode = mode;
    this.insns = insns;
    this.cases = Uint8Array.from(insns, (i) => i.fn === HANDLERS[i.hid] ? _CASE[i.hid] : 0);
    this.bytes = bytes;
    const last = rams.length - 1;
    this.#gens0 = rams[0].pageGen;
    this.#page0 = pages[0];
    this.#gen0 = this.#gens0[this.#page0];
    this.#gens1 = rams[last].pageGen;
    this.#page1 = pages[last];
    this.#gen1 = this.#gens1[this.#page1];
    this.#one = last === 0;
  }

  /** True while none of its pages was written since decoding. */
  valid(): boolean {
    return this.#gens0[this.#page0] === this.#gen0 &&
      (this.#one || this.#gens1[this.#page1] === this.#gen1);
  }
}

/** Fetches code bytes at CS offsets; faults on the first instruction are raised, later ones end the block. */
class _Fetcher implements CodeSource {
  c: CpuState;
  first = true;
  page = -1;
  ram: GuestRam | undefined = undefined;
  off = 0;
  rams: GuestRam[] = [];
  pages: number[] = [];

  constructor(c: CpuState) {
    this.c = c;
  }

  byteAt(off: number): number {
    const c = this.c;
    const lin = codeLin(c, off);
    if (lin < 0) {
      if (this.first) raise(c, 13, 0);
      return -1;
    }
    const page = Math.floor(lin / PAGE_SIZE);
    if (page !== this.page) {
      const ram = fetchRam(c, lin, !this.first);
      if (ram === undefined) return -1;
      this.page = page;
      this.ram = ram;
      this.off = c.fetchOff;
      const rp = Math.floor(this.off / PAGE_SIZE);
      if (!this.rams.some((r, k) => r === ram && this.pages[k] === rp)) {
        this.rams.push(ram);
        this.pages.push(rp);
      }
    }
    const ram = this.ram!;
    const at = this.off + (lin & 0xfff);
    if (markCode(ram, at, 1)) c.tlbW.flush();
    return ram.bytes[at];
  }
}

function _hexBytes(src: CodeSource, off: number, len: number, mask: number): string {
  const out: string[] = [];
  for (let k = 0; k < len; k++) {
    out.push(src.byteAt((off + k) & mask).toString(16).padStart(2, "0"));
  }
  return out.join(" ");
}

/** What a decode failure (#UD, #GP) or an instruction without a handler (dead) turns into. */
function _failure(status: number, bytes: string): (c: CpuState) => void {
  if (status === DEC_INVALID) return (c) => raise(c, 6);
  if (status === DEC_TOO_LONG) return (c) => raise(c, 13, 0);
  return (c) => dead(c, `unimplemented instruction ${bytes} at ${hexPc(c.ip >>> 0)}`);
}

/**
 * Blocks by physical address, direct-mapped, with chaining: a block found
 * for the RIP after another is linked to it, and the link is followed
 * without translating the RIP again while the code context is unchanged:
 * mode, CS base and limit, the fetch TLB (its `gen`) and the cache itself.
 * A link made from a translation the fetch TLB does not hold is not kept.
 *
 * Only an END instruction changes the mode or CS (defs.ts: END rows are
 * those that may change how code is fetched), and it is the last of its
 * block; so mode and CS are compared again only after a block ending in one
 * (`sysEnd`), one cut short by `brk`, or without a previous block (after an
 * event, at the start of `run`). The fetch TLB's `gen` is compared always.
 */
export class CodeCache {
  readonly #c: CpuState;
  readonly #slots: (Block | undefined)[] = new Array<Block | undefined>(_SLOTS).fill(undefined);
  // The code context stamp, and what it was taken from (fetch TLB gen, mode, CS base, CS limit
  // as int32: integer compares only).
  #ctx = 0;
  readonly #snap: Int32Array = new Int32Array([-1, 0, 0, 0]);

  /** A cache for `c`. */
  constructor(c: CpuState) {
    this.#c = c;
  }

  /** Drop every block. */
  flush(): void {
    this.#slots.fill(undefined);
    this.#ctx++;
  }

  // The code context stamp: a new value whenever something a link depends on changed.
  #context(c: CpuState): number {
    const s = this.#snap, gen = c.tlbX.gen, base = c.segBase[CS], limit = c.segLimit[CS] | 0;
    if (gen !== s[0] || c.mode !== s[1] || base !== s[2] || limit !== s[3]) {
      s[0] = gen;
      s[1] = c.mode;
      s[2] = base;
      s[3] = limit;
      this.#ctx++;
    }
    return this.#ctx;
  }

  /**
   * The block starting at the current RIP, decoding it if needed (fetch
   * faults of its first instruction throw). `prev` is the block that just
   * ran: its links are tried first.
   */
  lookup(prev: Block | null): Block {
    const c = this.#c;
    if (prev === null) {
      this.#context(c);
      return this.#find(codePhys(c), c.ip);
    }
    const ctx = prev.sysEnd || c.brk || c.tlbX.gen !== this.#snap[0] ? this.#context(c) : this.#ctx;
    const l = this.#follow(prev, ctx);
    if (l !== null) return l;
    const ip = c.ip, hi = c.ipHi;
    const b = this.#find(codePhys(c), ip);
    prev.succ2 = prev.succ;
    prev.succ2Ip = prev.succIp;
    prev.succ2Hi = prev.succHi;
    prev.succ2Ctx = prev.succCtx;
    prev.succ = b;
    prev.succIp = ip;
    prev.succHi = hi;
    prev.succCtx = codePhysHeld() ? this.#context(c) : -1;
    return b;
  }

  /**
   * The block `prev` links to for the current RIP, or null: the cheap part
   * of `lookup`, for a caller that knows `prev` ran whole, did not end in a
   * `sysEnd` instruction and did not set `brk`.
   */
  linked(prev: Block): Block | null {
    return this.#c.tlbX.gen === this.#snap[0] ? this.#follow(prev, this.#ctx) : null;
  }

  #follow(prev: Block, ctx: number): Block | null {
    const c = this.#c, ip = c.ip, hi = c.ipHi;
    if (prev.succIp === ip && prev.succHi === hi && prev.succCtx === ctx) {
      const b = prev.succ!;
      if (b.valid()) return b;
    }
    if (prev.succ2Ip === ip && prev.succ2Hi === hi && prev.succ2Ctx === ctx) {
      const b = prev.succ2!;
      if (b.valid()) return b;
    }
    return null;
  }

  #find(phys: number, ip: number): Block {
    const c = this.#c;
    const k = (phys ^ (phys >>> 11)) & (_SLOTS - 1);
    const b = this.#slots[k];
    if (
      b !== undefined && b.phys === phys && b.mode === c.mode && b.valid() &&
      (c.mode === 64 || (ip >>> 0) + b.bytes - 1 <= c.segLimit[CS])
    ) {
      return b;
    }
    const nb = this.#decode(phys, ip);
    this.#slots[k] = nb;
    return nb;
  }

  #decode(phys: number, ip: number): Block {
    const c = this.#c;
    const f = new _Fetcher(c);
    const insns: Insn[] = [];
    let off = ip >>> 0, bytes = 0;
    const mask = c.ipMask === -1 ? 0xffffffff : 0xffff;
    const page0 = Math.floor(codeLin(c, off) / PAGE_SIZE);
    for (;;) {
      f.first = insns.length === 0;
      const i = new Insn();
      const st = decode(f, off, c.mode, i);
      if (st === DEC_FETCH) {
        if (f.first) dead(c, "instruction fetch failed without a fault");
        break;
      }
      if (i.attr & Attr.ALONE && !f.first) break;
      const h = st === DEC_OK ? HANDLERS[i.hid] : undefined;
      if (h !== undefined) i.fn = h;
      else {
        f.first = false;
        i.fn = _failure(st, _hexBytes(f, off, i.len, mask));
      }
      insns.push(i);
      bytes += i.len;
      off = (off + i.len) & mask;
      if (h === undefined || i.attr & (Attr.END | Attr.ALONE) || insns.length >= _MAX_INSNS) break;
      if (Math.floor(codeLin(c, off) / PAGE_SIZE) !== page0) break;
    }
    const b = new Block(phys, c.mode, insns, bytes, f.rams, f.pages);
    const last = insns[insns.length - 1];
    b.sysEnd = (last.attr & Attr.END) !== 0 && (last.fn !== HANDLERS[last.hid] || !_NEAR[last.hid]);
    b.wraps = c.mode === 64 && (ip >>> 0) + bytes > 0xffffffff;
    return b;
  }
}
