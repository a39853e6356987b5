/**
 * Runs a native case ({@link NativeCase}) on sim/cpu the way the native
 * runner runs it on the host: 64-bit user mode (CPL 3) with the same linear
 * addresses mapped and nothing else, so both see the same faults.
 *
 * The machine. Guest-physical memory holds the code window (case code,
 * then the end marker, then INT3 filler, as the runner fills it), every
 * page a region touches, and identity-mapping 4-level page tables at
 * {@link SIM_PT_BASE}, which are not mapped linearly. Pages are user and
 * writable; region pages are execute-disable, as the runner maps them
 * without PROT_EXEC. The control registers are Linux's for user code:
 * CR0 = PG AM WP NE ET MP PE, CR4 = PAE OSFXSR OSXMMEXCPT, EFER = LME LMA
 * NXE; CS is a 64-bit code segment (L = 1) and SS, DS, ES, FS, GS flat data
 * segments, all DPL 3 with base 0; RFLAGS has IF set, as in user mode.
 *
 * The end. The native runner appends its own trailer (a jump to its save
 * stub) right after the case code; here the code is followed by CPUID, which
 * exits to the VMM unconditionally at any privilege with RIP still at it, so
 * both sides run exactly the case's instructions. With the exception
 * bitmap all ones every exception exits with its vector (see
 * oracle/compare.ts for how those meet the host's signals).
 *
 * @module
 */

import { type Outcome, TRAP_VECTORS } from "../oracle/compare.ts";
import { NATIVE_CODE_ADDR, NATIVE_CODE_WINDOW, type NativeCase } from "../oracle/mod.ts";
import { Cpu, Field, GuestRam, PAGE_SIZE, type PhysMap, RunStatus } from "../sim/cpu/mod.ts";
import type { EptEntry } from "../sim/cpu/mod.ts";

/** Guest-physical address of the page tables (PML4 first); case regions must stay clear of it. */
export const SIM_PT_BASE = 0x0010_0000;
/** The end marker after the case code: CPUID. */
export const END_MARKER: Uint8Array = Uint8Array.of(0x0f, 0xa2);
/** Retired instructions before a case counts as a timeout. */
export const SIM_BUDGET = 1_000_000;

// Linux's control registers for user code (see the module doc).
const _CR0 = 0x8005_0033n;
const _CR4 = 0x620n;
const _EFER = 0xd00n;
const _ENTRY_IA32E = 0x200n;
const _RWX_WB = 7 | (6 << 3) | 0x400;
const _EXIT_EXCEPTION = 0, _EXIT_CPUID = 10;

/** Options of {@link runOnSim}. */
export interface SimOptions {
  /**
   * Run compiled blocks (jit.ts): the case runs once to compile every block
   * it reaches (CpuOptions.jitAfter 1), then again from its start state on
   * the same CPU, through the compiled blocks.
   */
  jit?: boolean;
  /** Retired-instruction budget (default {@link SIM_BUDGET}). */
  budget?: number;
}

/** The state before one executed instruction, from a single-stepped run. */
export interface SimStep {
  /** Address of the instruction. */
  rip: bigint;
  /** GPRs before it. */
  regs: BigUint64Array;
  /** RFLAGS before it. */
  rflags: bigint;
}

/** A single-stepped run: the state before each instruction, the flags after the last, the outcome. */
export interface SimTrace {
  /** Executed instructions, in order. */
  steps: SimStep[];
  /** How the run ended. */
  outcome: Outcome;
}

/** Runs `c` on a fresh simulated CPU; the outcome is comparable with the host's. */
export function runOnSim(c: NativeCase, options: SimOptions = {}): Outcome {
  const m = new _Machine(c, options.jit ? 1 : Infinity);
  const budget = options.budget ?? SIM_BUDGET;
  if (options.jit) {
    m.cpu.run(budget);
    m.load();
  }
  const status = m.cpu.run(budget);
  if (status === RunStatus.BUDGET) return m.outcome("timeout", "instruction budget used up");
  return m.finish(status);
}

/**
 * Runs `c` one instruction at a time, recording the state before each, so
 * that masks can depend on operands (a shift count, a zero source). A REP
 * string instruction appears once, with its state before the first
 * iteration. An instruction that faults is not a step.
 */
export function traceOnSim(c: NativeCase, budget = SIM_BUDGET): SimTrace {
  const m = new _Machine(c, Infinity);
  const steps: SimStep[] = [];
  const end = NATIVE_CODE_ADDR + BigInt(c.code.length);
  for (let n = 0; n < budget; n++) {
    const rip = m.cpu.getField(Field.RIP);
    if (rip !== end && (steps.length === 0 || steps[steps.length - 1].rip !== rip)) {
      steps.push({ rip, regs: m.regs(), rflags: m.cpu.getField(Field.RFLAGS) });
    }
    const status = m.cpu.run(1);
    if (status === RunStatus.BUDGET) continue;
    const outcome = m.finish(status);
    if (outcome.kind === "exception" && !TRAP_VECTORS.has(outcome.vector!)) {
      if (steps.length > 0 && steps[steps.length - 1].rip === outcome.rip) steps.pop();
    }
    return { steps, outcome };
  }
  return { steps, outcome: m.outcome("timeout", "instruction budget used up") };
}

/** A simulated machine loaded with one case. */
class _Machine implements PhysMap {
  readonly cpu: Cpu;
  readonly #c: NativeCase;
  readonly #ram: GuestRam;
  readonly #pages = new Map<number, EptEntry>();
  #next = 0;

  constructor(c: NativeCase, jitAfter: number) {
    this.#c = c;
    const linear = new Set<number>();
    const code = Number(NATIVE_CODE_ADDR) / PAGE_SIZE;
    for (let p = 0; p < Number(NATIVE_CODE_WINDOW) / PAGE_SIZE; p++) linear.add(code + p);
    for (const r of c.mem) {
      if (r.bytes.length === 0) continue;
      const first = Number(r.addr) / PAGE_SIZE | 0;
      const last = Math.floor((Number(r.addr) + r.bytes.length - 1) / PAGE_SIZE);
      for (let p = first; p <= last; p++) linear.add(p);
    }
    const tables = _tablePages(linear);
    this.#ram = new GuestRam((linear.size + tables) * PAGE_SIZE);
    const ptFirst = SIM_PT_BASE / PAGE_SIZE;
    const sorted = [...linear].sort((a, b) => a - b);
    for (const p of sorted) {
      if (p >= ptFirst && p < ptFirst + tables) {
        throw new RangeError(`case memory at page 0x${p.toString(16)} overlaps the page tables`);
      }
      this.#map(p);
    }
    for (let k = 0; k < tables; k++) this.#map(ptFirst + k);
    this.#buildTables(sorted, code);
    this.cpu = new Cpu(this, { jitAfter });
    this.load();
  }

  /**
   * Puts the case's start state in place: the code window (code, end marker,
   * INT3 filler), memory, registers, and the user-mode machine state.
   */
  load(): void {
    const c = this.#c, cpu = this.cpu;
    const window = new Uint8Array(Number(NATIVE_CODE_WINDOW)).fill(0xcc);
    window.set(c.code);
    window.set(END_MARKER, c.code.length);
    this.#put(NATIVE_CODE_ADDR, window);
    for (const r of c.mem) this.#put(r.addr, r.bytes);
    cpu.setField(Field.CR0, _CR0);
    cpu.setField(Field.CR0_SHADOW, _CR0);
    cpu.setField(Field.CR4, _CR4);
    cpu.setField(Field.CR4_SHADOW, _CR4);
    cpu.setField(Field.CR3, BigInt(SIM_PT_BASE));
    cpu.setField(Field.EFER, _EFER);
    cpu.setField(Field.ENTRY_CTLS, cpu.getField(Field.ENTRY_CTLS) | _ENTRY_IA32E);
    _segment(cpu, Field.CS_SEL, 0x33n, 0xa0fbn);
    for (const s of [Field.SS_SEL, Field.DS_SEL, Field.ES_SEL, Field.FS_SEL, Field.GS_SEL]) {
      _segment(cpu, s, 0x2bn, 0xc0f3n);
    }
    cpu.setField(Field.EXCEPTION_BITMAP, 0xffff_ffffn);
    for (let g = 0; g < 16; g++) cpu.setField(Field.RAX + g, c.regs[g]);
    cpu.setField(Field.RFLAGS, c.rflags | 0x202n);
    cpu.setField(Field.RIP, NATIVE_CODE_ADDR);
  }

  lookupPage(page: number): EptEntry | undefined {
    return this.#pages.get(page);
  }

  regs(): BigUint64Array {
    const r = new BigUint64Array(16);
    for (let g = 0; g < 16; g++) r[g] = this.cpu.getField(Field.RAX + g);
    return r;
  }

  outcome(kind: Outcome["kind"], note?: string): Outcome {
    const cpu = this.cpu;
    const out: Outcome = {
      kind,
      rip: cpu.getField(Field.RIP),
      regs: this.regs(),
      rflags: cpu.getField(Field.RFLAGS),
      mem: this.#c.mem.map((r) => ({
        addr: r.addr,
        bytes: this.#bytesAt(Number(r.addr), r.bytes.length).slice(),
      })),
    };
    if (note !== undefined) out.note = note;
    return out;
  }

  /** The outcome of a run that stopped with `status` (not BUDGET). */
  finish(status: RunStatus): Outcome {
    const cpu = this.cpu;
    if (status === RunStatus.DEAD) {
      return this.outcome("other", `simulator died: ${cpu.deadMessage}`);
    }
    const reason = Number(cpu.getField(Field.EXIT_REASON) & 0xffffn);
    const end = NATIVE_CODE_ADDR + BigInt(this.#c.code.length);
    if (reason === _EXIT_CPUID && cpu.getField(Field.RIP) === end) return this.outcome("ok");
    if (reason !== _EXIT_EXCEPTION) {
      return this.outcome(
        "other",
        `VM exit ${reason} (qualification 0x${
          cpu.getField(Field.EXIT_QUALIFICATION).toString(16)
        })`,
      );
    }
    const info = Number(cpu.getField(Field.EXIT_INTR_INFO));
    const out = this.outcome("exception");
    out.vector = info & 0xff;
    if (info & 0x800) out.errorCode = Number(cpu.getField(Field.EXIT_INTR_CODE));
    if (out.vector === 14) out.faultAddr = cpu.getField(Field.EXIT_QUALIFICATION);
    // A software exception (INT3, INTO) exits with RIP at the instruction; its frame has the next.
    if (((info >> 8) & 7) === 6) out.rip += cpu.getField(Field.EXIT_INSTR_LEN);
    return out;
  }

  /**
   * Writes `bytes` at `addr` as the host would (code decoded from them is
   * dropped), unless they are there already: then compiled blocks survive.
   */
  #put(addr: bigint, bytes: Uint8Array): void {
    const at = this.#bytesAt(Number(addr), bytes.length);
    if (at.every((b, k) => b === bytes[k])) return;
    at.set(bytes);
    this.#ram.noteWrite(at.byteOffset - this.#ram.bytes.byteOffset, bytes.length);
  }

  #map(page: number): void {
    this.#pages.set(page, { ram: this.#ram, offset: this.#next, attr: _RWX_WB });
    this.#next += PAGE_SIZE;
  }

  /** A view of `len` bytes at linear (= guest-physical) `addr` (mapped in order, so contiguous in RAM). */
  #bytesAt(addr: number, len: number): Uint8Array {
    const first = Math.floor(addr / PAGE_SIZE), last = Math.floor((addr + len - 1) / PAGE_SIZE);
    for (let p = first; p < last; p++) {
      if (this.#pages.get(p + 1)!.offset !== this.#pages.get(p)!.offset + PAGE_SIZE) {
        throw new Error(`pages 0x${p.toString(16)} and next are not adjacent in RAM`);
      }
    }
    const at = this.#pages.get(first)!.offset + (addr & 0xfff);
    return this.#ram.bytes.subarray(at, at + len);
  }

  /** Identity-maps `linear` (sorted) with 4 KiB user pages; region pages are execute-disable. */
  #buildTables(linear: number[], code: number): void {
    const view = new DataView(this.#ram.bytes.buffer);
    let next = SIM_PT_BASE + PAGE_SIZE;
    const tables = new Map<string, number>([["", SIM_PT_BASE]]);
    const entry = (table: number, index: number, value: bigint) =>
      view.setBigUint64(this.#pages.get(table / PAGE_SIZE)!.offset + index * 8, value, true);
    for (const p of linear) {
      let table = SIM_PT_BASE;
      for (let level = 3; level > 0; level--) {
        const key = `${level}:${Math.floor(p / 2 ** (9 * level))}`;
        let t = tables.get(key);
        if (t === undefined) {
          t = next;
          next += PAGE_SIZE;
          tables.set(key, t);
          entry(table, Math.floor(p / 2 ** (9 * level)) % 512, BigInt(t) | 7n);
        }
        table = t;
      }
      const xd = p >= code && p < code + Number(NATIVE_CODE_WINDOW) / PAGE_SIZE ? 0n : 1n << 63n;
      entry(table, p % 512, BigInt(p * PAGE_SIZE) | 7n | xd);
    }
  }
}

/** Pages of page tables needed to map `linear` with 4-level paging (PML4 included). */
function _tablePages(linear: Set<number>): number {
  let n = 1;
  for (let level = 3; level > 0; level--) {
    n += new Set([...linear].map((p) => Math.floor(p / 2 ** (9 * level)))).size;
  }
  return n;
}

function _segment(cpu: Cpu, sel: Field, selector: bigint, ar: bigint): void {
  cpu.setField(sel, selector);
  cpu.setField(sel + 1, 0n);
  cpu.setField(sel + 2, 0xffff_ffffn);
  cpu.setField(sel + 3, ar);
}
