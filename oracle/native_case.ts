/**
 * Convenient construction of {@link NativeCase}s: registers by name, zero
 * defaults and a stack page, so tests and fuzzers state only what matters.
 *
 * @module
 */

import { NATIVE_MAX_REGION_LEN, type NativeCase, type NativeRegion } from "./native_protocol.ts";

/** GPR names in encoding order, the order of {@link NativeCase.regs}. */
export const GPR_NAMES = Object.freeze(
  [
    "rax",
    "rcx",
    "rdx",
    "rbx",
    "rsp",
    "rbp",
    "rsi",
    "rdi",
    "r8",
    "r9",
    "r10",
    "r11",
    "r12",
    "r13",
    "r14",
    "r15",
  ] as const,
);

/** A GPR name. */
export type GprName = typeof GPR_NAMES[number];

/** Suggested address for case data: low, page-aligned, away from the code window. */
export const NATIVE_DATA_ADDR = 0x1000_0000n;
/** Base of the stack region {@link nativeCase} adds; RSP starts at its top. */
export const NATIVE_STACK_ADDR = 0x1800_0000n;

/** What {@link nativeCase} fills in besides the code. */
export interface NativeCaseOptions {
  /** Initial GPRs by name; others are 0, except RSP (top of the stack region). */
  regs?: Partial<Record<GprName, bigint>>;
  /** Initial RFLAGS (default 0x2: all arithmetic flags and DF clear). */
  rflags?: bigint;
  /** Memory regions, in result order; the stack region comes after them. */
  mem?: readonly NativeRegion[];
  /** Bytes of zeroed stack at {@link NATIVE_STACK_ADDR} (default 4096; 0 for none). */
  stack?: number;
}

/** Builds a case from code and named registers, with a stack page unless told otherwise. */
export function nativeCase(code: Uint8Array, options: NativeCaseOptions = {}): NativeCase {
  const stack = options.stack ?? 4096;
  if (!Number.isInteger(stack) || stack < 0 || stack > NATIVE_MAX_REGION_LEN) {
    throw new RangeError(`stack of ${stack} bytes: want 0 to 65536`);
  }
  const regs = new BigUint64Array(16);
  regs[4] = NATIVE_STACK_ADDR + BigInt(stack);
  for (const [name, value] of Object.entries(options.regs ?? {})) {
    const i = GPR_NAMES.indexOf(name as GprName);
    if (i < 0) throw new RangeError(`unknown register "${name}"`);
    regs[i] = BigInt.asUintN(64, value as bigint);
  }
  const mem = [...(options.mem ?? [])];
  if (stack > 0) mem.push({ addr: NATIVE_STACK_ADDR, bytes: new Uint8Array(stack) });
  return { code, regs, rflags: options.rflags ?? 0x2n, mem };
}
