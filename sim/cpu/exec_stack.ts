/**
 * Stack instructions (SDM vol. 2: PUSH, POP, PUSHA/PUSHAD, POPA/POPAD,
 * PUSHF/PUSHFD/PUSHFQ, POPF/POPFD/POPFQ, ENTER, LEAVE; vol. 1 §6.2).
 *
 * - POP to memory computes its address with the incremented stack pointer
 *   and leaves the stack pointer unchanged if the store faults.
 * - PUSH of a segment register with a 32- or 64-bit operand moves the stack
 *   pointer by 4 or 8 and writes only the 16-bit selector, leaving the rest
 *   of the slot (what Intel's recent cores do; AMD writes it zero-extended).
 * - POP SS (like MOV SS) blocks interrupts and debug traps for the next
 *   instruction; POP CS does not exist (0F is the escape byte); PUSH/POP of
 *   ES, CS, SS, DS and PUSHA/POPA are invalid in 64-bit mode.
 * - PUSHA, POPA, ENTER and LEAVE change no register when they fault.
 * - PUSHF pushes RFLAGS with VM and RF clear. POPF follows the SDM's
 *   table: CPL 0 (or real mode) may change IOPL, and IF too when CPL <=
 *   IOPL; VIP, VIF, VM and the reserved bits never change; a 32/64-bit
 *   POPF clears RF, a 16-bit one leaves bits 31:16 alone. The block ends
 *   when TF or IF changed, so a new single-step or interrupt window takes
 *   effect at the next instruction boundary.
 * - ENTER pushes the frame with the nesting level taken modulo 32, then
 *   checks that a write at the final stack pointer would succeed (SDM
 *   ENTER: #SS/#PF on the final value even when nothing is stored there).
 *
 * Virtual-8086 mode is not modeled (the mode refresh refuses it).
 *
 * @module
 */

import {
  addSp,
  ea64,
  getReg,
  HI,
  maskOf,
  pop,
  pop64,
  push,
  push64,
  type ReadE,
  readM,
  readM64,
  readR,
  setReg,
  setReg64,
  top,
  top64,
} from "./access.ts";
import { Field } from "./fields.ts";
import { getFlags } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { ACC_WRITE, lin64, linR, linW, rd64, rdN, translate, wr16, wr64, wrN } from "./mem.ts";
import { IF, RF, TF, VM } from "./operands.ts";
import { loadSeg } from "./segload.ts";
import { alignmentChecking } from "./mode.ts";
import { type CpuState, dead, SS } from "./state.ts";

const _2_32 = 4294967296;
const _NT = 0x4000, _AC = 0x40000, _ID = 0x200000, _IOPL = 0x3000;
/** RFLAGS bits every POPF may write: CF PF AF ZF SF TF DF OF NT AC ID. */
const _POPF_ANY = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | TF | 0x400 | 0x800 | _NT | _AC | _ID;

// --- The stack pointer and frame pointer as plain numbers (ENTER, LEAVE, PUSHA, POPA, and
// the far transfers of exec_control.ts). In 64-bit mode they are 64-bit values as doubles
// (exact for canonical addresses); otherwise the stack width (SS.B) wraps them.

/** Register `lane` (8: rSP, 10: rBP) as a stack offset: 64 bits in 64-bit mode, else by SS.B. */
export function stackReg(c: CpuState, lane: number): number {
  if (c.mode === 64) return c.r32[lane + 1] * _2_32 + (c.r32[lane] >>> 0);
  return c.spMask === -1 ? c.r32[lane] >>> 0 : c.r16[lane * 2];
}

/** Cut stack offset `v` to the stack width. */
export function stackWrap(c: CpuState, v: number): number {
  return c.mode === 64 ? v : c.spMask === -1 ? v >>> 0 : v & 0xffff;
}

/** Set register `lane` (8: rSP, 10: rBP) to stack offset `v` by the stack width. */
export function setStackReg(c: CpuState, lane: number, v: number): void {
  if (c.mode === 64) setReg64(c, lane, v >>> 0, Math.floor(v / _2_32) | 0);
  else if (c.spMask === -1) c.r32[lane] = v;
  else c.r16[lane * 2] = v;
}

// Linear address of SS:v for `w` bytes, write (or read) checked.
function _ssLin(c: CpuState, v: number, w: number, write: boolean): number {
  if (c.mode === 64) return lin64(c, SS, v >>> 0, Math.floor(v / _2_32) | 0, w);
  return write ? linW(c, SS, v, w) : linR(c, SS, v, w);
}

/** Store `w` bytes (`lo`, and `hi` for 8) at SS:v. */
export function stackStore(c: CpuState, v: number, w: number, lo: number, hi: number): void {
  const lin = _ssLin(c, v, w, true);
  if (w === 8) wr64(c, lin, lo, hi);
  else wrN(c, lin, w, lo);
}

/** Load `w` bytes at SS:v (for 8 the high half goes to HI[0]). */
export function stackLoad(c: CpuState, v: number, w: number): number {
  const lin = _ssLin(c, v, w, false);
  return w === 8 ? rd64(c, lin) : rdN(c, lin, w);
}

// --- PUSH and POP

function _pushZ(c: CpuState, i: Insn, w: number): void {
  if (w === 8) push64(c, c.r32[i.regX], c.r32[i.regX + 1]);
  else push(c, w, getReg(c, i.regX, w));
}

function _popZ(c: CpuState, i: Insn, w: number): void {
  if (w === 8) {
    const lo = pop64(c);
    setReg64(c, i.regX, lo, HI[0]);
  } else setReg(c, i.regX, w, pop(c, w));
}

function _pushI(c: CpuState, i: Insn, w: number): void {
  if (w === 8) push64(c, i.imm, i.imm >> 31);
  else push(c, w, i.imm & maskOf(w));
}

function _pushE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  push(c, w, rd(c, i, w));
}

function _pushE64(c: CpuState, i: Insn, mem: boolean): void {
  if (!mem) return push64(c, c.r32[i.rmX], c.r32[i.rmX + 1]);
  const lo = readM64(c, i), hi = HI[0];
  push64(c, lo, hi);
}

function _popE(c: CpuState, i: Insn, w: number): void {
  if (w === 8) {
    const lo = top64(c), hi = HI[0];
    if (i.rm >= 0) {
      addSp(c, 8);
      return setReg64(c, i.rmX, lo, hi);
    }
    wr64(c, _popLin(c, i, 8), lo, hi);
    return addSp(c, 8);
  }
  const v = top(c, w);
  if (i.rm >= 0) {
    addSp(c, w);
    return setReg(c, i.rmX, w, v);
  }
  wrN(c, _popLin(c, i, w), w, v);
  addSp(c, w);
}

// The destination of POP r/m: its address uses the stack pointer after the pop.
function _popLin(c: CpuState, i: Insn, w: number): number {
  const lo = c.r32[8], hi = c.r32[9];
  addSp(c, w);
  const eLo = ea64(c, i), eHi = HI[0];
  c.r32[8] = lo;
  c.r32[9] = hi;
  return i.mode === 64 ? lin64(c, i.seg, eLo, eHi, w) : linW(c, i.seg, eLo, w);
}

// Segment register in the opcode: 06/07 ES, 0E CS, 16/17 SS, 1E/1F DS, 0F A0/A1 FS, 0F A8/A9 GS.
function _sregOf(i: Insn): number {
  return i.opc < 0x100 ? (i.opc >> 3) & 3 : i.opc & 8 ? 5 : 4;
}

function _pushS(c: CpuState, i: Insn, w: number): void {
  const sp = stackWrap(c, stackReg(c, 8) - w);
  wr16(c, _ssLin(c, sp, 2, true), c.segSel[_sregOf(i)]);
  setStackReg(c, 8, sp);
}

function _popS(c: CpuState, i: Insn, w: number): void {
  const s = _sregOf(i);
  loadSeg(c, s, top(c, w) & 0xffff);
  addSp(c, w);
  if (s === SS) {
    c.newBlock = 2;
    c.brk = true;
  }
}

function _pusha(c: CpuState, w: number): void {
  const sp = stackReg(c, 8);
  for (let r = 0; r < 8; r++) {
    const v = r === 4 ? sp : w === 2 ? c.r16[r * 4] : c.r32[r * 2];
    stackStore(c, stackWrap(c, sp - (r + 1) * w), w, v, 0);
  }
  setStackReg(c, 8, stackWrap(c, sp - 8 * w));
}

const _popaVals = new Int32Array(8);

function _popa(c: CpuState, w: number): void {
  const sp = stackReg(c, 8);
  for (let r = 7; r >= 0; r--) _popaVals[r] = stackLoad(c, stackWrap(c, sp + (7 - r) * w), w);
  for (let r = 0; r < 8; r++) if (r !== 4) setReg(c, r * (w === 2 ? 4 : 2), w, _popaVals[r]);
  setStackReg(c, 8, stackWrap(c, sp + 8 * w));
}

// --- PUSHF and POPF

function _pushf(c: CpuState, w: number): void {
  const f = getFlags(c) & ~(RF | VM);
  if (w === 8) push64(c, f, 0);
  else push(c, w, w === 2 ? f & 0xffff : f);
}

// The RFLAGS bits POPF with operand size `w` may change at the current privilege (SDM POPF).
function _popfMask(c: CpuState, w: number): number {
  const pe = (c.lo(Field.CR0) & 1) !== 0;
  const iopl = (c.flags & _IOPL) >> 12;
  let m = _POPF_ANY;
  if (!pe || c.cpl === 0) m |= _IOPL;
  if (!pe || c.cpl <= iopl) m |= IF;
  return w === 2 ? m & 0xffff : m;
}

function _popf(c: CpuState, w: number): void {
  const v = top(c, w);
  const old = getFlags(c);
  const m = _popfMask(c, w);
  // A 32/64-bit POPF clears RF; bit 1 stays set, the other reserved bits clear.
  let f = (old & ~m) | (v & m);
  if (w !== 2) f &= ~RF;
  c.flags = f | 2;
  c.fop = 0;
  addSp(c, w);
  if (alignmentChecking(c)) dead(c, "unimplemented alignment checking");
  if ((old ^ f) & (TF | IF)) c.brk = true;
}

// --- ENTER and LEAVE

function _enter(c: CpuState, i: Insn, w: number): void {
  const size = i.imm & 0xffff, level = i.imm2 & 31;
  let sp = stackWrap(c, stackReg(c, 8) - w);
  stackStore(c, sp, w, c.r32[10], c.r32[11]);
  const frame = sp;
  if (level > 0) {
    let bp = stackReg(c, 10);
    for (let k = 1; k < level; k++) {
      bp = stackWrap(c, bp - w);
      const lo = stackLoad(c, bp, w), hi = HI[0];
      sp = stackWrap(c, sp - w);
      stackStore(c, sp, w, lo, hi);
    }
    sp = stackWrap(c, sp - w);
    stackStore(c, sp, w, frame >>> 0, Math.floor(frame / _2_32) | 0);
  }
  const fin = stackWrap(c, sp - size);
  translate(c, _ssLin(c, fin, 1, true), ACC_WRITE);
  if (w === 8) setReg64(c, 10, frame >>> 0, Math.floor(frame / _2_32) | 0);
  else setReg(c, w === 2 ? 20 : 10, w, frame);
  setStackReg(c, 8, fin);
}

function _leave(c: CpuState, w: number): void {
  const sp = stackWrap(c, stackReg(c, 10));
  const lo = stackLoad(c, sp, w), hi = HI[0];
  setStackReg(c, 8, stackWrap(c, sp + w));
  if (w === 8) setReg64(c, 10, lo, hi);
  else setReg(c, w === 2 ? 20 : 10, w, lo);
}

/** Stack-category handlers by name. */
export const STACK_HANDLERS: Record<string, Handler> = {
  pushZ16: (c, i) => _pushZ(c, i, 2),
  pushZ32: (c, i) => _pushZ(c, i, 4),
  pushZ64: (c, i) => _pushZ(c, i, 8),
  popZ16: (c, i) => _popZ(c, i, 2),
  popZ32: (c, i) => _popZ(c, i, 4),
  popZ64: (c, i) => _popZ(c, i, 8),
  pushI16: (c, i) => _pushI(c, i, 2),
  pushI32: (c, i) => _pushI(c, i, 4),
  pushI64: (c, i) => _pushI(c, i, 8),
  pushE16r: (c, i) => _pushE(c, i, 2, readR),
  pushE16m: (c, i) => _pushE(c, i, 2, readM),
  pushE32r: (c, i) => _pushE(c, i, 4, readR),
  pushE32m: (c, i) => _pushE(c, i, 4, readM),
  pushE64r: (c, i) => _pushE64(c, i, false),
  pushE64m: (c, i) => _pushE64(c, i, true),
  popE16r: (c, i) => _popE(c, i, 2),
  popE16m: (c, i) => _popE(c, i, 2),
  popE32r: (c, i) => _popE(c, i, 4),
  popE32m: (c, i) => _popE(c, i, 4),
  popE64r: (c, i) => _popE(c, i, 8),
  popE64m: (c, i) => _popE(c, i, 8),
  pushS16: (c, i) => _pushS(c, i, 2),
  pushS32: (c, i) => _pushS(c, i, 4),
  pushS64: (c, i) => _pushS(c, i, 8),
  popS16: (c, i) => _popS(c, i, 2),
  popS32: (c, i) => _popS(c, i, 4),
  popS64: (c, i) => _popS(c, i, 8),
  pusha16: (c) => _pusha(c, 2),
  pusha32: (c) => _pusha(c, 4),
  popa16: (c) => _popa(c, 2),
  popa32: (c) => _popa(c, 4),
  pushf16: (c) => _pushf(c, 2),
  pushf32: (c) => _pushf(c, 4),
  pushf64: (c) => _pushf(c, 8),
  popf16: (c) => _popf(c, 2),
  popf32: (c) => _popf(c, 4),
  popf64: (c) => _popf(c, 8),
  enter16: (c, i) => _enter(c, i, 2),
  enter32: (c, i) => _enter(c, i, 4),
  enter64: (c, i) => _enter(c, i, 8),
  leave16: (c) => _leave(c, 2),
  leave32: (c) => _leave(c, 4),
  leave64: (c) => _leave(c, 8),
};
