/**
 * Control transfer within the code segment (SDM vol. 2: JMP, Jcc, CALL,
 * RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ). Targets are cut to the operand size
 * and checked against the CS limit (#GP(0) on the branch itself).
 *
 * @module
 */

import {
  addSp,
  HI,
  linM,
  nextRip64,
  pop,
  push,
  type ReadE,
  readM,
  readR,
  setReg,
  setReg64,
} from "./access.ts";
import { deliverEvent, type EventSpec } from "./events.ts";
import { setStackReg, stackLoad, stackReg, stackStore, stackWrap } from "./exec_stack.ts";
import { INTR_PRIV_SW_EXCEPTION, INTR_SW_EXCEPTION, INTR_SW_INTERRUPT } from "./exits.ts";
import { Field } from "./fields.ts";
import { getFlags, getOF, getZF, testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rd16, rdN } from "./mem.ts";
import { IF, RF, TF, VM } from "./operands.ts";
import { canonical } from "./paging.ts";
import { alignmentChecking } from "./mode.ts";
import { checkCode, descIs64, descLimit, loadCode, loadReal, loadSeg } from "./segload.ts";
import { type CpuState, CS, dead, raise, SS } from "./state.ts";

function _go(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t | 0;
  if (ip >>> 0 > c.segLimit[CS]) raise(c, 13, 0);
  c.next = ip;
}

function _loop(c: CpuState, i: Insn, w: number): void {
  let n: number;
  if (i.sub === 3) n = i.asz === 2 ? c.r16[4] : c.r32[2];
  else if (i.asz === 2) n = c.r16[4] = c.r16[4] - 1;
  else n = c.r32[2] = c.r32[2] - 1;
  let t = n !== 0;
  if (i.sub === 3) t = !t;
  else if (i.sub === 1) t = t && getZF(c) !== 0;
  else if (i.sub === 0) t = t && getZF(c) === 0;
  if (t) _go(c, c.next + i.imm, w);
}

function _jcc(c: CpuState, i: Insn, w: number): void {
  if (testCC(c, i.sub)) _go(c, c.next + i.imm, w);
}

function _jmp(c: CpuState, i: Insn, w: number): void {
  _go(c, c.next + i.imm, w);
}

function _jmpE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  _go(c, rd(c, i, w), w);
}

function _callRel(c: CpuState, i: Insn, w: number): void {
  _call(c, c.next + i.imm, w);
}

function _callE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  _call(c, rd(c, i, w), w);
}

function _call(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t | 0;
  if (ip >>> 0 > c.segLimit[CS]) raise(c, 13, 0);
  push(c, w, c.next);
  c.next = ip;
}

function _ret(c: CpuState, i: Insn, w: number): void {
  const t = pop(c, w);
  if (t >>> 0 > c.segLimit[CS]) {
    addSp(c, -w);
    raise(c, 13, 0);
  }
  c.next = t;
  if (i.posImm >= 0) addSp(c, i.imm);
}

// --- Far JMP, CALL, RET (same privilege level; real mode)

function _pe(c: CpuState): boolean {
  return (c.lo(Field.CR0) & 1) !== 0;
}

// Check `off` (high half `offHi`) against the code segment checkCode left in DESC: canonical
// for 64-bit code, else within the limit (#GP(0)). Nothing changes yet.
function _checkIp(c: CpuState, off: number, offHi: number): void {
  if (descIs64(c) ? !canonical(offHi) : offHi !== 0 || off >>> 0 > descLimit()) raise(c, 13, 0);
}

// After loadCode: `offHi:off` is the next RIP (the high half only in 64-bit code).
function _setIp(c: CpuState, off: number, offHi: number): void {
  c.next = off | 0;
  c.ipHi = c.mode === 64 ? offHi : 0;
}

// Real-address mode: the offset must lie within the (unchanged) CS limit.
function _realIp(c: CpuState, off: number): void {
  if (off >>> 0 > c.segLimit[CS]) raise(c, 13, 0);
}

function _farJmp(c: CpuState, sel: number, off: number, offHi: number): void {
  if (!_pe(c)) {
    _realIp(c, off);
    loadReal(c, CS, sel);
    return _setIp(c, off, 0);
  }
  const lin = checkCode(c, sel, false);
  _checkIp(c, off, offHi);
  loadCode(c, sel, lin);
  _setIp(c, off, offHi);
}

function _farCall(c: CpuState, i: Insn, sel: number, off: number, offHi: number): void {
  const w = i.osz;
  const sp = stackReg(c, 8);
  const a = stackWrap(c, sp - w), b = stackWrap(c, sp - 2 * w);
  const ret = c.mode === 64 ? nextRip64(c, i, 0) : c.next, retHi = c.mode === 64 ? HI[0] : 0;
  if (!_pe(c)) {
    _realIp(c, off);
    stackStore(c, a, w, c.segSel[CS], 0);
    stackStore(c, b, w, ret, 0);
    setStackReg(c, 8, b);
    loadReal(c, CS, sel);
    return _setIp(c, off, 0);
  }
  const lin = checkCode(c, sel, false);
  _checkIp(c, off, offHi);
  stackStore(c, a, w, c.segSel[CS], 0);
  stackStore(c, b, w, ret, retHi);
  setStackReg(c, 8, b);
  loadCode(c, sel, lin);
  _setIp(c, off, offHi);
}

// The far pointer of an Mp operand: offset of operand size, then the selector.
function _farPtr(c: CpuState, i: Insn, call: boolean): void {
  const w = i.osz;
  const lin = linM(c, i, w + 2);
  const off = rdN(c, lin, w), offHi = w === 8 ? HI[0] : 0;
  const sel = rd16(c, lin + w);
  if (call) _farCall(c, i, sel, off, offHi);
  else _farJmp(c, sel, off, offHi);
}

function _retFar(c: CpuState, i: Insn): void {
  const w = i.osz;
  const sp = stackReg(c, 8);
  const off = stackLoad(c, sp, w), offHi = w === 8 ? HI[0] : 0;
  const sel = stackLoad(c, stackWrap(c, sp + w), w) & 0xffff;
  const n = stackWrap(c, sp + 2 * w + (i.posImm >= 0 ? i.imm : 0));
  if (!_pe(c)) {
    _realIp(c, off);
    loadReal(c, CS, sel);
  } else {
    const lin = checkCode(c, sel, true);
    _checkIp(c, off, offHi);
    loadCode(c, sel, lin);
  }
  _setIp(c, off, offHi);
  setStackReg(c, 8, n);
}

// --- IRET

const _NT = 0x4000, _IOPL = 0x3000, _AC = 0x40000, _VIF = 0x80000, _VIP = 0x100000;
const _ID = 0x200000;
/** Flags IRET loads at any privilege: CF PF AF ZF SF TF DF OF NT. */
const _IRET_ANY = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | TF | 0x400 | 0x800 | _NT;

// The RFLAGS bits a protected-mode IRET of operand size `w` loads at the current CPL (SDM IRET).
function _iretMask(c: CpuState, w: number): number {
  let m = _IRET_ANY;
  if (w !== 2) m |= RF | _AC | _ID;
  if (c.cpl <= (c.flags & _IOPL) >> 12) m |= IF;
  if (c.cpl === 0) m |= _IOPL | (w !== 2 ? _VIF | _VIP : 0);
  return m;
}

function _setFlags(c: CpuState, v: number, m: number): void {
  c.flags = ((getFlags(c) & ~m) | (v & m) | 2) >>> 0;
  c.fop = 0;
  if (alignmentChecking(c)) dead(c, "unimplemented alignment checking");
}

function _iret(c: CpuState, i: Insn): void {
  const w = i.osz;
  const sp = stackReg(c, 8);
  const off = stackLoad(c, sp, w), offHi = w === 8 ? HI[0] : 0;
  const sel = stackLoad(c, stackWrap(c, sp + w), w) & 0xffff;
  const fl = stackLoad(c, stackWrap(c, sp + 2 * w), w);
  // IRET ends blocking by NMI (SDM vol. 3 §6.7.1; interruptibility bit 3).
  const ib = c.lo(Field.INTERRUPTIBILITY);
  if (!_pe(c)) {
    _realIp(c, off);
    loadReal(c, CS, sel);
    _setIp(c, off, 0);
    // Real mode: a 32-bit IRET keeps VM, VIF and VIP (SDM: AND 257FD5H, OR EFLAGS AND 1A0000H).
    _setFlags(c, fl, w === 2 ? 0xffff : 0x257fd5);
    setStackReg(c, 8, stackWrap(c, sp + 3 * w));
  } else {
    if (c.flags & _NT) dead(c, "unimplemented task switch");
    if (w === 4 && fl & VM && c.cpl === 0 && c.mode !== 64) {
      dead(c, "unimplemented return to virtual-8086 mode");
    }
    const in64 = c.mode === 64;
    let lin = checkCode(c, sel, true);
    _checkIp(c, off, offHi);
    const m = _iretMask(c, w);
    if (in64) {
      // 64-bit mode: RSP and SS are popped even without a privilege change.
      const nsp = stackLoad(c, stackWrap(c, sp + 3 * w), w), nspHi = w === 8 ? HI[0] : 0;
      const ss = stackLoad(c, stackWrap(c, sp + 4 * w), w) & 0xffff;
      loadSeg(c, SS, ss);
      lin = checkCode(c, sel, true); // the descriptor again: the SS load replaced it
      loadCode(c, sel, lin);
      _setIp(c, off, offHi);
      _setFlags(c, fl, m);
      if (w === 8) setReg64(c, 8, nsp, nspHi);
      else setReg(c, w === 2 ? 16 : 8, w, nsp);
    } else {
      loadCode(c, sel, lin);
      _setIp(c, off, offHi);
      _setFlags(c, fl, m);
      setStackReg(c, 8, stackWrap(c, sp + 3 * w));
    }
  }
  if (ib & 8) c.setWide(Field.INTERRUPTIBILITY, ib & ~8, c.hi(Field.INTERRUPTIBILITY));
  c.brk = true;
}

// --- INT n, INT3, INTO, INT1 (SDM vol. 2 INT n/INTO/INT3/INT1; VM-exit interruption types of
// vol. 3 §24.9.2: INT n software interrupt, INT3 and INTO software exception, INT1 privileged
// software exception). The event returns to the next instruction.

const _ev: EventSpec = { vector: 0, type: 0, code: -1, retIp: 0, qual: 0, ilen: 0 };

function _int(c: CpuState, i: Insn, vector: number, type: number): void {
  _ev.vector = vector;
  _ev.type = type;
  _ev.code = -1;
  _ev.retIp = c.next;
  _ev.qual = 0;
  _ev.ilen = i.len;
  deliverEvent(c, _ev, false);
}

/** Control-category handlers by name. */
export const CONTROL_HANDLERS: Record<string, Handler> = {
  jmp16: (c, i) => _jmp(c, i, 2),
  jmp32: (c, i) => _jmp(c, i, 4),
  jmpE16r: (c, i) => _jmpE(c, i, 2, readR),
  jmpE16m: (c, i) => _jmpE(c, i, 2, readM),
  jmpE32r: (c, i) => _jmpE(c, i, 4, readR),
  jmpE32m: (c, i) => _jmpE(c, i, 4, readM),
  call16: (c, i) => _callRel(c, i, 2),
  call32: (c, i) => _callRel(c, i, 4),
  callE16r: (c, i) => _callE(c, i, 2, readR),
  callE16m: (c, i) => _callE(c, i, 2, readM),
  callE32r: (c, i) => _callE(c, i, 4, readR),
  callE32m: (c, i) => _callE(c, i, 4, readM),
  ret16: (c, i) => _ret(c, i, 2),
  ret32: (c, i) => _ret(c, i, 4),
  loop16: (c, i) => _loop(c, i, 2),
  loop32: (c, i) => _loop(c, i, 4),
  jcc16: (c, i) => _jcc(c, i, 2),
  jcc32: (c, i) => _jcc(c, i, 4),
  jmpFar16: (c, i) => _farJmp(c, i.imm2, i.imm & 0xffff, 0),
  jmpFar32: (c, i) => _farJmp(c, i.imm2, i.imm, 0),
  callFar16: (c, i) => _farCall(c, i, i.imm2, i.imm & 0xffff, 0),
  callFar32: (c, i) => _farCall(c, i, i.imm2, i.imm, 0),
  jmpFarM16m: (c, i) => _farPtr(c, i, false),
  jmpFarM32m: (c, i) => _farPtr(c, i, false),
  jmpFarM64m: (c, i) => _farPtr(c, i, false),
  callFarM16m: (c, i) => _farPtr(c, i, true),
  callFarM32m: (c, i) => _farPtr(c, i, true),
  callFarM64m: (c, i) => _farPtr(c, i, true),
  retFar16: _retFar,
  retFar32: _retFar,
  retFar64: _retFar,
  iret16: _iret,
  iret32: _iret,
  iret64: _iret,
  int: (c, i) => _int(c, i, i.imm & 0xff, INTR_SW_INTERRUPT),
  int3: (c, i) => _int(c, i, 3, INTR_SW_EXCEPTION),
  into: (c, i) => {
    if (getOF(c)) _int(c, i, 4, INTR_SW_EXCEPTION);
  },
  int1: (c, i) => _int(c, i, 1, INTR_PRIV_SW_EXCEPTION),
};
