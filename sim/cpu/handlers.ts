/**
 * The handler table: HANDLER_NAMES (generated from defs.ts) resolved to the
 * functions of each category. A name no category defines (64-bit widths,
 * rows not executed yet) resolves to `undefined`, which the code cache turns
 * into the unimplemented-instruction handler.
 *
 * @module
 */

import { HANDLER_NAMES } from "./_optab.ts";
import { ALU_HANDLERS } from "./exec_alu.ts";
import { BCD_HANDLERS } from "./exec_bcd.ts";
import { BITS_HANDLERS } from "./exec_bits.ts";
import { BMI_HANDLERS } from "./exec_bmi.ts";
import { CONTROL_HANDLERS } from "./exec_control.ts";
import { CRC_HANDLERS } from "./exec_crc.ts";
import { DESC_HANDLERS } from "./exec_desc.ts";
import { IO_HANDLERS } from "./exec_io.ts";
import { MISC_HANDLERS } from "./exec_misc.ts";
import { MOVE_HANDLERS } from "./exec_move.ts";
import { MULDIV_HANDLERS } from "./exec_muldiv.ts";
import { NEAR64_HANDLERS } from "./exec_near64.ts";
import { SHIFT_HANDLERS } from "./exec_shift.ts";
import { STACK_HANDLERS } from "./exec_stack.ts";
import { STRING_HANDLERS } from "./exec_string.ts";
import { SYSCALL_HANDLERS } from "./exec_syscall.ts";
import { SYSTEM_HANDLERS } from "./exec_system.ts";
import { TLB_HANDLERS } from "./exec_tlb.ts";
import type { Handler } from "./insn.ts";

const _ALL: Record<string, Handler> = {
  ...ALU_HANDLERS,
  ...SHIFT_HANDLERS,
  ...MULDIV_HANDLERS,
  ...BITS_HANDLERS,
  ...BMI_HANDLERS,
  ...BCD_HANDLERS,
  ...CRC_HANDLERS,
  ...MOVE_HANDLERS,
  ...CONTROL_HANDLERS,
  ...NEAR64_HANDLERS,
  ...STACK_HANDLERS,
  ...STRING_HANDLERS,
  ...MISC_HANDLERS,
  ...SYSTEM_HANDLERS,
  ...DESC_HANDLERS,
  ...SYSCALL_HANDLERS,
  ...IO_HANDLERS,
  ...TLB_HANDLERS,
};

/** Handler by handler-name index, undefined where not implemented. */
export const HANDLERS: readonly (Handler | undefined)[] = HANDLER_NAMES.map((n) =>
  Object.hasOwn(_ALL, n) ? _ALL[n] : undefined
);

/** Category handler names that no table row refers to (kept empty by a test). */
export function unusedHandlers(): string[] {
  return Object.keys(_ALL).filter((n) => !HANDLER_NAMES.includes(n));
}
