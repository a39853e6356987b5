/**
 * The CPU's architectural state in the shapes the hot path wants: general
 * registers as 32-bit lanes of one ArrayBuffer, lazy arithmetic flags,
 * segment caches with precomputed access limits, and the direct-mapped TLB
 * arrays. Handlers take a `CpuState`; `Cpu` (cpu.ts) adds the run loop and
 * the field interface on top.
 *
 * Faults and exits leave the hot path by throwing the one preallocated
 * `STOP` sentinel after recording why in `stopKind` (see mod.ts).
 *
 * @module
 */

import { GuestRam, type PhysMap } from "./bus.ts";
import { Field } from "./fields.ts";

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("vmxsim's CPU needs a little-endian host");
}

/** The sentinel thrown to leave the hot path; `CpuState.stopKind` says why. */
export const STOP: { readonly stop: true } = Object.freeze({ stop: true });

/** `stopKind`: a guest exception to deliver (`excVector`, `excCode`). */
export const STOP_EXC = 1;
/** `stopKind`: a VM exit; the exit fields are set. */
export const STOP_EXIT = 2;
/** `stopKind`: an internal failure; `deadMessage` says what. */
export const STOP_DEAD = 3;

/** Lane index of the always-zero register (absent base or index). */
export const ZERO_LANE = 32;

/** Segment register numbers, in VMX/SDM encoding order (Field order too). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;

/** TLB entries per kind (direct-mapped). */
export const TLB_SIZE = 256;

const _NO_VIEW = new DataView(new ArrayBuffer(8));
const _NO_RAM = new GuestRam(0);

/** One kind of TLB entry (read, write or fetch): tag is the linear page number, -1 empty. */
export class Tlb {
  /** Linear page number of each entry, -1 when empty. */
  readonly tag: Int32Array = new Int32Array(TLB_SIZE).fill(-1);
  /** Byte offset of the page within its RAM. */
  readonly off: Int32Array = new Int32Array(TLB_SIZE);
  /** The RAM's bytes as a DataView. */
  readonly view: DataView[] = new Array<DataView>(TLB_SIZE).fill(_NO_VIEW);
  /** The RAM itself (code fetches mark its pages). */
  readonly ram: GuestRam[] = new Array<GuestRam>(TLB_SIZE).fill(_NO_RAM);

  /** Bumped whenever an entry is dropped or replaced: what was looked up through it may differ now. */
  gen = 0;

  /** Forget every entry. */
  flush(): void {
    this.tag.fill(-1);
    this.gen++;
  }
}

/** Architectural state plus the execution bookkeeping handlers touch. */
export class CpuState {
  /** Guest-physical memory through EPT. */
  readonly mem: PhysMap;
  /** General registers: lanes 2n (low) and 2n+1 (high) of register n; lanes 32-33 stay zero. */
  readonly r32: Int32Array;
  /** The same bytes as 16-bit lanes (register n low word at 4n). */
  readonly r16: Uint16Array;
  /** The same bytes as bytes (register n low byte at 8n, AH-BH at 8n-31). */
  readonly r8: Uint8Array;

  /** RIP of the instruction executing, low 32 bits as an int32 (no doubles on the hot path). */
  ip = 0;
  /** RIP bits 63:32, kept as written (zero outside 64-bit code). */
  ipHi = 0;
  /** RIP of the next instruction (int32 like `ip`); control transfers set it. */
  next = 0;
  /** IP wrap mask: 0xffff for 16-bit code, -1 otherwise. */
  ipMask = -1;

  /** RFLAGS with the arithmetic bits valid where `fop` does not supply them. */
  flags = 2;
  /** Lazy-flag operation (flags.ts), 0 when `flags` is complete. */
  fop = 0;
  /** First operand of the lazy operation. */
  fa = 0;
  /** Second operand of the lazy operation. */
  fb = 0;
  /** Result of the lazy operation, cut to its width (a 64-bit one: its high half). */
  fres = 0;
  /** Low half of a 64-bit lazy operation's first operand (flags.ts). */
  fal = 0;
  /** Low half of its second operand. */
  fbl = 0;
  /** Low half of its result. */
  frl = 0;

  /** Segment selectors (ES CS SS DS FS GS LDTR TR). */
  readonly segSel: Uint16Array = new Uint16Array(8);
  /** Segment base, low 32 bits. */
  readonly segBase: Int32Array = new Int32Array(8);
  /** Segment base, high 32 bits. */
  readonly segBaseHi: Int32Array = new Int32Array(8);
  /** Segment limit (bytes). */
  readonly segLimit: Uint32Array = new Uint32Array(8);
  /** Segment access rights, VMX format. */
  readonly segAr: Uint32Array = new Uint32Array(8);
  /** Highest offset readable through each of ES..GS, -1 if none (unusable, execute-only). */
  readonly rlim: Float64Array = new Float64Array(6);
  /** Highest offset writable through each of ES..GS, -1 if none. */
  readonly wlim: Float64Array = new Float64Array(6);

  /** Bit per segment whose descriptor kind is not modeled (expand-down): access fails as unimplemented. */
  segOdd = 0;

  /** Storage for every field without a live representation above: lo, hi per Field. */
  readonly wide: Uint32Array = new Uint32Array(Field.COUNT * 2);

  /** Decoding mode of the current code: 16, 32 or 64. */
  mode = 32;
  /** Current privilege level (SS.DPL). */
  cpl = 0;
  /** Stack-pointer mask: 0xffff for a 16-bit stack, -1 for 32-bit. */
  spMask = -1;
  /** CR0.PG: any translation then fails as unimplemented. */
  paging = false;

  /** Read TLB. */
  readonly tlbR: Tlb = new Tlb();
  /** Write TLB (never holds pages with decoded code). */
  readonly tlbW: Tlb = new Tlb();
  /** Fetch TLB. */
  readonly tlbX: Tlb = new Tlb();
  /** Page offset in its RAM of the last `fetchRam` (mem.ts). */
  fetchOff = 0;

  /** Why the last STOP was thrown. */
  stopKind = 0;
  /** Exception vector to deliver (STOP_EXC). */
  excVector = 0;
  /** Its error code, or -1 if it has none. */
  excCode = -1;
  /** Why the vCPU died. */
  deadMessage = "";

  /** Set by an instruction that must end its block (SMC, STI, mode changes). */
  brk = false;
  /** Interruptibility bits an instruction asks for after it (1 STI, 2 MOV SS). */
  newBlock = 0;
  /** Current interruptibility (blocking by STI/MOV SS) for the next instruction. */
  intrBlock = 0;
  /** Retired-instruction count. */
  retired = 0;

  /** Create a CPU over `mem` in no particular state (Cpu sets the reset state). */
  constructor(mem: PhysMap) {
    this.mem = mem;
    const buf = new ArrayBuffer(34 * 4);
    this.r32 = new Int32Array(buf);
    this.r16 = new Uint16Array(buf);
    this.r8 = new Uint8Array(buf);
  }

  /** Low 32 bits of a wide field. */
  lo(f: Field): number {
    return this.wide[f * 2];
  }

  /** Bits 63:32 of a wide field. */
  hi(f: Field): number {
    return this.wide[f * 2 + 1];
  }

  /** Set a wide field from two 32-bit halves. */
  setWide(f: Field, lo: number, hi: number): void {
    this.wide[f * 2] = lo;
    this.wide[f * 2 + 1] = hi;
  }
}

/** Leave the hot path: a guest exception (`code` -1 when it has none). */
export function raise(c: CpuState, vector: number, code = -1): never {
  c.stopKind = STOP_EXC;
  c.excVector = vector;
  c.excCode = code;
  throw STOP;
}

/** Leave the hot path: the vCPU dies with `message`. */
export function dead(c: CpuState, message: string): never {
  c.stopKind = STOP_DEAD;
  c.deadMessage = message;
  throw STOP;
}

/** Plan 9's %#llux of a non-negative integer: `0x` and lowercase hex (0x0 for zero). */
export function hexPc(v: number | bigint): string {
  return "0x" + v.toString(16);
}
