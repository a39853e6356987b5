/**
 * Compares how one instruction sequence ended on the host CPU (the
 * expectation) and on the simulator, after reducing both to an
 * {@link Outcome}, under masks for what the architecture leaves undefined.
 *
 * Signals and vectors. A native case that faults ends with a Linux signal;
 * the kernel also records the hardware vector (trapno), so outcomes carry
 * the vector and the signal is only cross-checked against
 * {@link SIGNAL_VECTORS}: SIGFPE is #DE; SIGTRAP #DB or #BP; SIGSEGV #GP
 * (a non-canonical address, a misaligned CMPXCHG16B) or #PF (no page);
 * SIGBUS #SS (a non-canonical stack address) or #AC (alignment check);
 * SIGILL #UD. Anything else (SIGSYS from a system call, a vector the
 * signal cannot carry) is an "other" outcome that never equals a
 * simulator's. An outcome's RIP is the one an exception frame would hold:
 * the faulting instruction for faults, the next one for traps (#DB, #BP).
 *
 * What is compared: the kind; for exceptions the vector, the error code of
 * vectors that push one (#PF: bits 0-4 only, P W U RSVD I/D) and the #PF
 * address (CR2); RIP; the 16 GPRs; RFLAGS bits 21:0 except RF (a fault's
 * frame may carry RF, see {@link COMPARED_FLAGS}); every memory region byte
 * for byte. Masks remove undefined flags and undefined result bits. One
 * more mask comes from the host's kernel, not the CPU: Linux reports a user
 * access to a kernel-half address as a protection fault (P = 1) whether or
 * not the page is present, so as not to reveal its page tables
 * (arch/x86/mm/fault.c, sanitize_error_code); P is not compared there.
 *
 * Undefined flags of a sequence ({@link foldUndefined}): each executed
 * instruction defines some flags and leaves others undefined (the `fu` of
 * its row in sim/cpu/defs.ts, refined by operands, see fuzz/native_effects.ts);
 * a flag is undefined at the end if the last instruction to write it left it
 * undefined. An instruction that reads a flag while it is undefined (ADC,
 * SETcc, PUSHF after MUL) carries the host's arbitrary bit into its result,
 * so such a sequence cannot be compared at all: it is reported as tainted.
 *
 * Vendor differences in defined behaviour are listed in
 * {@link VENDOR_DIFFERENCES} with their citations; the simulator models an
 * Intel Skylake, the oracle host is an AMD Zen 4.
 *
 * @module
 */

import { type NativeRegion, type NativeResult, NativeSignal } from "./native_protocol.ts";
import { GPR_NAMES } from "./native_case.ts";

/** How a case ended, on either side. */
export type OutcomeKind = "ok" | "exception" | "timeout" | "other";

/** A case's end state, whoever ran it. */
export interface Outcome {
  /** "ok": ran off the end of its code; "other": anything not comparable (see `note`). */
  kind: OutcomeKind;
  /** Exception vector, for "exception". */
  vector?: number;
  /** Error code, for exceptions that push one (8, 10-14, 17). */
  errorCode?: number;
  /** The faulting linear address (CR2), for #PF. */
  faultAddr?: bigint;
  /** RIP as an exception frame holds it; the end of the code for "ok". */
  rip: bigint;
  /** GPRs in encoding order. */
  regs: BigUint64Array;
  /** RFLAGS. */
  rflags: bigint;
  /** The case's memory regions with their final contents, in case order. */
  mem: readonly NativeRegion[];
  /** What an "other" or "timeout" outcome was (a signal, a VM exit, the simulator's death). */
  note?: string;
}

/** What the comparison ignores because the architecture leaves it undefined. */
export interface Masks {
  /** RFLAGS bits not compared. */
  flags: number;
  /** Per GPR (encoding order), bits not compared; absent means all compared. */
  regs?: readonly bigint[];
}

/** One field that differs, values formatted for people. */
export interface Difference {
  /** `kind`, `vector`, `errorCode`, `faultAddr`, `rip`, a GPR name, `rflags` or `mem@0x…`. */
  field: string;
  /** The host CPU's value. */
  expected: string;
  /** The simulator's value. */
  actual: string;
}

/** A signal and the vectors the kernel delivers it for. */
export interface SignalVectors {
  /** Linux signal number. */
  signal: number;
  /** Exception vectors it stands for. */
  vectors: readonly number[];
  /** Those exceptions, in words. */
  what: string;
}

/** Linux (arch/x86/kernel/traps.c) signals for the exceptions a case can raise in user mode. */
export const SIGNAL_VECTORS: readonly SignalVectors[] = Object.freeze([
  { signal: NativeSignal.SIGFPE, vectors: [0], what: "#DE divide error" },
  { signal: NativeSignal.SIGTRAP, vectors: [1, 3], what: "#DB debug, #BP breakpoint (INT3)" },
  {
    signal: NativeSignal.SIGSEGV,
    vectors: [13, 14],
    what: "#GP (non-canonical address, misaligned CMPXCHG16B), #PF (no page)",
  },
  {
    signal: NativeSignal.SIGBUS,
    vectors: [12, 17],
    what: "#SS (non-canonical stack address), #AC (alignment check)",
  },
  { signal: NativeSignal.SIGILL, vectors: [6], what: "#UD invalid opcode" },
]);

/** Vectors whose exceptions push an error code (SDM vol. 3 §6.13, table 6-1). */
export const ERROR_CODE_VECTORS: ReadonlySet<number> = new Set([8, 10, 11, 12, 13, 14, 17]);

/** Vectors that are traps: the frame's RIP is the next instruction. */
export const TRAP_VECTORS: ReadonlySet<number> = new Set([1, 3, 4]);

/** #PF error-code bits compared: present, write, user, reserved bit, instruction fetch. */
export const PF_CODE_BITS = 0x1f;

/** Start of the kernel half, where the host's #PF error codes always say "present". */
export const KERNEL_HALF = 0xffff_8000_0000_0000n;

/**
 * RFLAGS bits compared: 21:0 except RF, which the kernel's frame of a fault
 * may carry. Bit 1 and IF are always 1 on the host (user mode cannot clear
 * IF), so the simulator must show them too.
 */
export const COMPARED_FLAGS = 0x3f_ffff & ~0x1_0000;

/** Reduces a native result to an {@link Outcome}. */
export function nativeOutcome(r: NativeResult): Outcome {
  const base = { rip: r.rip, regs: r.regs, rflags: r.rflags, mem: r.mem };
  if (r.kind === "ok") return { kind: "ok", ...base };
  if (r.kind === "timeout") return { kind: "timeout", ...base, note: "CPU-time limit" };
  const vector = r.trapno ?? -1;
  const row = SIGNAL_VECTORS.find((s) => s.signal === r.signal);
  if (row === undefined || !row.vectors.includes(vector)) {
    return {
      kind: "other",
      ...base,
      note: `signal ${r.signal} (si_code ${r.siCode}, trapno ${r.trapno})`,
    };
  }
  const out: Outcome = { kind: "exception", vector, ...base };
  if (ERROR_CODE_VECTORS.has(vector)) out.errorCode = Number(r.errorCode ?? 0n);
  if (vector === 14) out.faultAddr = r.faultAddr;
  return out;
}

/** The flags one executed instruction reads, defines, and leaves undefined (disjoint from `written`). */
export interface FlagEffect {
  /** Flags it reads. */
  read: number;
  /** Flags it gives a defined value. */
  written: number;
  /** Flags it leaves undefined. */
  undefined: number;
}

/** Undefined flags after a sequence, and the first step that read one (-1 if none). */
export interface FoldedFlags {
  /** Flags undefined at the end. */
  flags: number;
  /** Index of the first step that read an undefined flag, -1 if none. */
  tainted: number;
}

/** Folds per-instruction effects, in execution order, into the flags undefined at the end. */
export function foldUndefined(steps: readonly FlagEffect[], initial = 0): FoldedFlags {
  let flags = initial, tainted = -1;
  steps.forEach((s, k) => {
    if (tainted < 0 && (s.read & flags) !== 0) tainted = k;
    flags = (flags & ~s.written) | s.undefined;
  });
  return { flags, tainted };
}

/** A difference between the host vendor and the modeled Intel CPU in behaviour one of them defines. */
export interface VendorDifference {
  /** Instructions (lowercase mnemonics) it concerns. */
  mnemonics: readonly string[];
  /** CPUID vendor of hosts that differ from the modeled CPU. */
  vendor: string;
  /** Flags the comparison must mask on such hosts (0: the case generator avoids the situation). */
  flags: number;
  /** The difference, in a line. */
  what: string;
  /** Where each vendor documents it. */
  cite: string;
}

const _AMD = "AuthenticAMD";
const _ZF = 0x40;

/** Known vendor differences in documented behaviour (as opposed to undefined results). */
export const VENDOR_DIFFERENCES: readonly VendorDifference[] = Object.freeze([
  {
    mnemonics: ["bt", "bts", "btr", "btc"],
    vendor: _AMD,
    flags: _ZF,
    what: "ZF: Intel leaves it unaffected, AMD lists it as undefined",
    cite:
      "Intel SDM vol. 2A BT/BTC/BTR/BTS 'Flags Affected'; AMD APM vol. 3 (24594) BT/BTC/BTR/BTS",
  },
  {
    mnemonics: ["bsf", "bsr"],
    vendor: _AMD,
    flags: 0,
    what: "zero source: Intel leaves the destination undefined, AMD leaves it unchanged " +
      "(compared as undefined: the destination is masked when ZF ends up 1)",
    cite: "Intel SDM vol. 2A BSF/BSR 'Operation'; AMD APM vol. 3 (24594) BSF/BSR",
  },
  {
    mnemonics: ["jmp", "call", "ret", "jcc", "loop"],
    vendor: _AMD,
    flags: 0,
    what: "66-prefixed near branches in 64-bit mode: Intel ignores the prefix (64-bit target), " +
      "AMD honours it (the target is cut to 16 bits); not generated",
    cite:
      "Intel SDM vol. 1 §3.6.1 (near branches default to 64 bits); AMD APM vol. 3 (24594) §1.2.5",
  },
  {
    mnemonics: ["movsxd"],
    vendor: _AMD,
    flags: 0,
    what: "16-bit operand size (66 REX 63): Intel reads a word, Zen 4 a doubleword (probed: it " +
      "faults on a word that ends a page); the destination word is the same. The campaign keeps " +
      "that form's memory operand 4 bytes inside its region",
    cite: "Intel SDM vol. 2B MOVSX/MOVSXD (MOVSXD r16, r/m16); AMD APM vol. 3 (24594) MOVSXD " +
      "(reg/mem32 source only)",
  },
  {
    mnemonics: ["shld", "shrd"],
    vendor: _AMD,
    flags: 0,
    what: "16-bit forms with a count above 16: the result is undefined on both and differs; " +
      "such cases are reported as undefined, not compared",
    cite: "Intel SDM vol. 2B SHLD/SHRD 'Description'; AMD APM vol. 3 (24594) SHLD/SHRD",
  },
]);

/** Flags masked for `mnemonic` on a host of `vendor` by {@link VENDOR_DIFFERENCES}. */
export function vendorFlagMask(vendor: string, mnemonic: string): number {
  let m = 0;
  for (const d of VENDOR_DIFFERENCES) {
    if (d.vendor === vendor && d.mnemonics.includes(mnemonic)) m |= d.flags;
  }
  return m;
}

/** 64-bit value as 0x-hex. */
export function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

/**
 * Every field where `actual` (the simulator) differs from `expected` (the
 * host) outside `masks`, in a fixed order. If the outcomes are of different
 * kinds or vectors only those and RIP are reported: the rest describes
 * different moments. An "other" outcome never equals anything, not even another.
 */
export function compareOutcomes(expected: Outcome, actual: Outcome, masks: Masks): Difference[] {
  const out: Difference[] = [];
  const diff = (field: string, e: string, a: string) => {
    if (e !== a) out.push({ field, expected: e, actual: a });
  };
  const what = (o: Outcome) =>
    o.kind === "exception" ? `exception ${o.vector}` : o.note ? `${o.kind}: ${o.note}` : o.kind;
  const other = expected.kind === "other" || actual.kind === "other";
  if (other || expected.kind !== actual.kind || expected.vector !== actual.vector) {
    if (other) out.push({ field: "kind", expected: what(expected), actual: what(actual) });
    else diff("kind", what(expected), what(actual));
    diff("rip", hex64(expected.rip), hex64(actual.rip));
    return out;
  }
  if (expected.kind === "exception") {
    const kernel = (expected.faultAddr ?? 0n) >= KERNEL_HALF;
    const pf = PF_CODE_BITS & (kernel ? ~1 : ~0);
    const code = (o: Outcome) =>
      o.errorCode === undefined
        ? "none"
        : hex64(BigInt(expected.vector === 14 ? o.errorCode & pf : o.errorCode));
    diff("errorCode", code(expected), code(actual));
    const addr = (o: Outcome) => o.faultAddr === undefined ? "none" : hex64(o.faultAddr);
    diff("faultAddr", addr(expected), addr(actual));
  }
  diff("rip", hex64(expected.rip), hex64(actual.rip));
  for (let g = 0; g < 16; g++) {
    const keep = ~(masks.regs?.[g] ?? 0n);
    diff(GPR_NAMES[g], hex64(expected.regs[g] & keep), hex64(actual.regs[g] & keep));
  }
  const keep = BigInt(COMPARED_FLAGS & ~masks.flags);
  diff("rflags", hex64(expected.rflags & keep), hex64(actual.rflags & keep));
  if (expected.mem.length !== actual.mem.length) {
    diff("mem", `${expected.mem.length} regions`, `${actual.mem.length} regions`);
    return out;
  }
  expected.mem.forEach((e, k) => {
    const a = actual.mem[k].bytes;
    let first = -1, count = 0;
    for (let i = 0; i < Math.max(e.bytes.length, a.length); i++) {
      if (e.bytes[i] !== a[i]) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0) {
      out.push({
        field: `mem@${hex64(e.addr + BigInt(first))} (${count} bytes differ)`,
        expected: _bytesAt(e.bytes, first),
        actual: _bytesAt(a, first),
      });
    }
  });
  return out;
}

/** Up to 16 bytes from `from`, as hex pairs. */
function _bytesAt(b: Uint8Array, from: number): string {
  return Array.from(b.subarray(from, from + 16), (x) => x.toString(16).padStart(2, "0")).join(" ");
}
