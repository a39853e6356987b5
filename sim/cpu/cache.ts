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
import { HANDLERS } from "./handlers.ts";
import { DEC_FETCH, DEC_INVALID, DEC_OK, DEC_TOO_LONG, Insn } from "./insn.ts";
import { codeLin, codePhys, fetchRam } from "./mem.ts";
import { Attr } from "./operands.ts";
import { markCode } from "./smc.ts";
import { type CpuState, CS, dead, hexPc, raise } from "./state.ts";

const _MAX_INSNS = 64;
const _SLOTS = 4096;

/** A decoded basic block. */
export class Block {
  /** Guest-physical address of the first byte. */
  readonly phys: number;
  /** Decoding mode. */
  readonly mode: number;
  /** Instructions. */
  readonly insns: Insn[];
  /** Total length in bytes. */
  readonly bytes: number;
  // The RAM page(s) the bytes came from and their generations at decode time.
  readonly #gens0: Uint32Array;
  readonly #page0: number;
  readonly #gen0: number;
  readonly #gens1: Uint32Array;
  readonly #page1: number;
  readonly #gen1: number;
  /** The blocks that ran after this one the last two times (chaining hints, checked before use). */
  succ: Block | null = null;
  /** The other hint. */
  succ2: Block | null = null;
  /** The cache epoch the block was decoded in. */
  epoch = 0;
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
    this.bytes = bytes;
    const last = rams.length - 1;
    this.#gens0 = rams[0].pageGen;
    this.#page0 = pages[0];
    this.#gen0 = this.#gens0[this.#page0];
    this.#gens1 = rams[last].pageGen;
    this.#page1 = pages[last];
    this.#gen1 = this.#gens1[this.#page1];
  }

  /** True while none of its pages was written since decoding. */
  valid(): boolean {
    return this.#gens0[this.#page0] === this.#gen0 && this.#gens1[this.#page1] === this.#gen1;
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

/** The fault handlers a decode failure turns into. */
function _failure(status: number, bytes: string): (c: CpuState) => void {
  if (status === DEC_INVALID) return (c) => raise(c, 6);
  if (status === DEC_TOO_LONG) return (c) => raise(c, 13, 0);
  return (c) => dead(c, `unimplemented instruction ${bytes} at ${hexPc(c.ip >>> 0)}`);
}

/** Blocks by physical address, direct-mapped. */
export class CodeCache {
  readonly #c: CpuState;
  readonly #slots: (Block | undefined)[] = new Array<Block | undefined>(_SLOTS).fill(undefined);

  /** A cache for `c`. */
  constructor(c: CpuState) {
    this.#c = c;
  }

  /** Drop every block. */
  flush(): void {
    this.#slots.fill(undefined);
    this.epoch++;
  }

  /** Bumped by `flush`: chaining hints recorded in an older epoch are not followed. */
  epoch = 0;

  /**
   * The block starting at the current IP, decoding it if needed (fetch
   * faults of its first instruction throw). `prev` is the block that just
   * ran: its successor hint is tried first.
   */
  lookup(prev: Block | null): Block {
    const c = this.#c;
    const ip = c.ip;
    const phys = codePhys(c);
    if (prev !== null) {
      // Two hints: a conditional branch alternates between its target and its fall-through.
      const h = prev.succ, h2 = prev.succ2;
      if (h !== null && h.phys === phys && this.#usable(h)) return h;
      if (h2 !== null && h2.phys === phys && this.#usable(h2)) return h2;
      const b = this.#find(phys, ip);
      prev.succ2 = h;
      prev.succ = b;
      return b;
    }
    return this.#find(phys, ip);
  }

  #usable(b: Block): boolean {
    return b.mode === this.#c.mode && b.epoch === this.epoch && b.valid();
  }

  #find(phys: number, ip: number): Block {
    const c = this.#c;
    const k = (phys ^ (phys >>> 11)) & (_SLOTS - 1);
    const b = this.#slots[k];
    if (
      b !== undefined && b.phys === phys && b.mode === c.mode && b.valid() &&
      (ip >>> 0) + b.bytes - 1 <= c.segLimit[CS]
    ) {
      return b;
    }
    const nb = this.#decode(phys, ip);
    nb.epoch = this.epoch;
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
    return new Block(phys, c.mode, insns, bytes, f.rams, f.pages);
  }
}
