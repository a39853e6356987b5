/**
 * The decoded-instruction record the decoder fills and handlers read, and
 * the handler signature every instruction category shares.
 *
 * @module
 */

import type { CpuState } from "./state.ts";
import { DS, ZERO_LANE } from "./state.ts";

/** Every handler: execute `i` on `c`; faults and exits throw STOP. */
export type Handler = (c: CpuState, i: Insn) => void;

/** Decode status: a complete instruction. */
export const DEC_OK = 0;
/** Decode status: architecturally invalid (#UD). */
export const DEC_INVALID = 1;
/** Decode status: longer than 15 bytes (#GP(0)). */
export const DEC_TOO_LONG = 2;
/** Decode status: the code source could not supply a byte (fetch fault). */
export const DEC_FETCH = 4;

/** Prefix bit: operand-size override (66). */
export const P_OSIZE = 1;
/** Prefix bit: address-size override (67). */
export const P_ASIZE = 2;
/** Prefix bit: LOCK (F0). */
export const P_LOCK = 4;
/** Prefix bit: REP/REPE (F3). */
export const P_REP = 8;
/** Prefix bit: REPNE (F2). */
export const P_REPNE = 16;

function _unresolved(): void {
  throw new Error("instruction executed before its handler was resolved");
}

/** One decoded instruction. Register operands are resolved to lane indices for their width. */
export class Insn {
  /** Handler, resolved from `hid` by the code cache. */
  fn: Handler = _unresolved;
  /** Definitions-table row, -1 if none matched. */
  row = -1;
  /** Handler-name index (HANDLER_NAMES). */
  hid = 0;
  /** Sub-operation from the row. */
  sub = 0;
  /** Row attributes. */
  attr = 0;
  /** Length in bytes (so far, when decoding failed). */
  len = 0;
  /** Decoding mode: 16, 32 or 64. */
  mode = 32;
  /** Operand size in bytes. */
  osz = 4;
  /** Address size in bytes. */
  asz = 4;
  /** Opcode: map * 256 + byte (map 1 is 0F). */
  opc = 0;
  /** Prefix bits (P_*). */
  pfx = 0;
  /** Explicit segment prefix, -1 if none. */
  segPfx = -1;
  /** REX byte, 0 if none. */
  rex = 0;
  /** ModRM byte, -1 if none. */
  modrm = -1;
  /** Register operand number (ModRM.reg with REX.R, or opcode register). */
  reg = 0;
  /** ModRM.rm register number when mod = 3, else -1. */
  rm = -1;
  /** Lane of `reg` for its operand width (r8, r16 or r32 index). */
  regX = 0;
  /** Lane of `rm` for its operand width. */
  rmX = 0;
  /** Base register lane (r32 index), ZERO_LANE if none. */
  base = ZERO_LANE;
  /** Index register lane (r32 index), ZERO_LANE if none. */
  index = ZERO_LANE;
  /** Index scale as a shift count. */
  scale = 0;
  /** Displacement (int32). */
  disp = 0;
  /** Effective segment of the memory operand. */
  seg = DS;
  /** RIP-relative memory operand (64-bit mode). */
  ripRel = false;
  /**
   * The memory operand is a plain [base + disp] of 64-bit code with 64-bit addressing, not
   * RIP-relative, in a flat segment (not FS or GS): readM64's fast case.
   */
  flat64 = false;
  /** VEX.vvvv register number (VEX-encoded rows only; 0 otherwise). */
  vvvv = 0;
  /** VEX.L: 0 for 128-bit vectors, 1 for 256 (0 without VEX). */
  vl = 0;
  /** VSIB memory operand: its vector index register's width in bytes (16, 32); 0 if none. */
  vsib = 0;
  /** Immediate or relative offset, sign- or zero-extended to 32 bits. */
  imm = 0;
  /** High 32 bits of a 64-bit immediate or moffs. */
  immHi = 0;
  /** Second immediate: a far pointer's selector (Ap), ENTER's nesting level (Ib2). */
  imm2 = 0;
  /** Count of prefix bytes (REX included). */
  nPfx = 0;
  /** Offset of the ModRM byte, -1 if none. */
  posModrm = -1;
  /** Offset of the SIB byte, -1 if none. */
  posSib = -1;
  /** Offset of the displacement, -1 if none. */
  posDisp = -1;
  /** Offset of the immediate, -1 if none. */
  posImm = -1;
}
