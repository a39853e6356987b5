/**
 * VM exits the CPU produces and the exit-information fields it writes (SDM
 * vol. 3 §27.2; reasons from appendix C). Fields the SDM leaves undefined
 * for an exit are written as 0 (instruction length and information) or left
 * as they were (interruption error code, guest-linear and guest-physical
 * address), so replays are deterministic.
 *
 * @module
 */

import { Field } from "./fields.ts";
import { type CpuState, STOP, STOP_EXIT } from "./state.ts";

/** Exception or NMI (interruption information says which). */
export const EXIT_EXCEPTION = 0;
/** Triple fault. */
export const EXIT_TRIPLE_FAULT = 2;
/** Interrupt window (RFLAGS.IF = 1, no blocking) with interrupt-window exiting. */
export const EXIT_IRQ_WINDOW = 7;
/** CPUID. */
export const EXIT_CPUID = 10;
/** GETSEC. */
export const EXIT_GETSEC = 11;
/** HLT. */
export const EXIT_HLT = 12;
/** INVD. */
export const EXIT_INVD = 13;
/** VMCALL. */
export const EXIT_VMCALL = 18;
/** Control-register access. */
export const EXIT_CR_ACCESS = 28;
/** MOV DR. */
export const EXIT_DR_ACCESS = 29;
/** I/O instruction. */
export const EXIT_IO = 30;
/** RDMSR. */
export const EXIT_RDMSR = 31;
/** WRMSR. */
export const EXIT_WRMSR = 32;
/** MWAIT. */
export const EXIT_MWAIT = 36;
/** Monitor trap flag. */
export const EXIT_MTF = 37;
/** MONITOR. */
export const EXIT_MONITOR = 39;
/** EPT violation. */
export const EXIT_EPT_VIOLATION = 48;
/** EPT misconfiguration. */
export const EXIT_EPT_MISCONFIG = 49;
/** XSETBV. */
export const EXIT_XSETBV = 55;

/** Interruption type: external interrupt. */
export const INTR_EXTERNAL = 0;
/** Interruption type: NMI. */
export const INTR_NMI = 2;
/** Interruption type: hardware exception. */
export const INTR_HW_EXCEPTION = 3;
/** Interruption type: software interrupt (INT n). */
export const INTR_SW_INTERRUPT = 4;
/** Interruption type: privileged software exception (INT1). */
export const INTR_PRIV_SW_EXCEPTION = 5;
/** Interruption type: software exception (INT3, INTO). */
export const INTR_SW_EXCEPTION = 6;
/** Interruption information: valid. */
export const INTR_VALID = 0x80000000;
/** Interruption information: error code valid. */
export const INTR_HAS_CODE = 0x800;

/**
 * Record a VM exit and leave the hot path. `qual` and `qualHi` are the low
 * and high halves of the qualification; `ilen` and `iinfo` per §27.2.5;
 * `intr` is the exit interruption information (0: invalid).
 */
export function vmexit(
  c: CpuState,
  reason: number,
  qual: number,
  ilen: number,
  iinfo = 0,
  intr = 0,
  qualHi = 0,
): never {
  c.setWide(Field.EXIT_REASON, reason, 0);
  c.setWide(Field.EXIT_QUALIFICATION, qual >>> 0, qualHi);
  c.setWide(Field.EXIT_INSTR_LEN, ilen, 0);
  c.setWide(Field.EXIT_INSTR_INFO, iinfo, 0);
  c.setWide(Field.EXIT_INTR_INFO, intr, 0);
  c.stopKind = STOP_EXIT;
  throw STOP;
}
