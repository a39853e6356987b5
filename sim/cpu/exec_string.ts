/**
 * String instructions (SDM vol. 2: MOVS, CMPS, SCAS, LODS, STOS; REP,
 * REPE/REPZ and REPNE/REPNZ; vol. 1 §7.3.9). INS and OUTS always exit
 * (exec_io.ts).
 *
 * Registers by address size: rSI, rDI and the count rCX are SI/DI/CX (16
 * bits, wrapping, the rest of the register kept), ESI/EDI/ECX (a write
 * clears bits 63:32) or RSI/RDI/RCX. The source segment is DS unless
 * overridden; the destination is always ES (in 64-bit mode only FS and GS
 * add a base). Each step moves by the element size, down when RFLAGS.DF = 1.
 *
 * REP: the count is tested before each iteration (a count of 0 does
 * nothing: no access, flags kept) and decremented after it; REPE/REPNE of
 * CMPS and SCAS also stop when ZF is 0 / 1. F2 on MOVS, LODS and STOS
 * repeats as F3 does (Intel and AMD alike). The last F2/F3 prefix decides,
 * which the decoder's mandatory-prefix rows resolve.
 *
 * Interruptibility (SDM vol. 2 REP, vol. 3 §6.9 and §25.5.2): hardware may
 * take an event between iterations, with rCX/rSI/rDI describing the
 * iterations done and RIP at the instruction. Here one execution runs at
 * most REP_CHUNK iterations, or exactly one when RFLAGS.TF or the monitor
 * trap flag is set (a single-step trap or MTF exit follows every
 * iteration); if iterations remain it leaves RIP at the instruction and
 * ends the block, so the run loop's budget, the single-step trap and the
 * MTF exit all fall on an iteration boundary. Each execution counts as one
 * retired instruction: a REP string instruction of n > 0 iterations retires
 * ceil(n / REP_CHUNK) times when not single-stepped, once when n = 0. A
 * fault or EPT violation in an iteration leaves the registers after the
 * iterations before it and RIP at the instruction, so it restarts exactly.
 *
 * @module
 */

import { HI, setReg, setReg64 } from "./access.ts";
import { alu, alu64 } from "./exec_alu.ts";
import { Field } from "./fields.ts";
import { getZF } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { lin64, linR, linW, rd64, rdN, wr64, wrN } from "./mem.ts";
import { DF, TF } from "./operands.ts";
import { type CpuState, DS, ES } from "./state.ts";

/** Most iterations one execution of a REP string instruction runs before it yields (module doc). */
export const REP_CHUNK = 1024;

const _2_32 = 4294967296;
const _MONTRAP = 1 << 27;
const _SI = 6, _DI = 7;

function _srcSeg(i: Insn): number {
  return i.segPfx >= 0 ? i.segPfx : DS;
}

// Linear address of the element at seg:rSI or seg:rDI (register r) for `w` bytes.
function _linR(c: CpuState, i: Insn, seg: number, r: number, w: number): number {
  if (i.asz === 2) return linR(c, seg, c.r16[r * 4], w);
  if (i.asz === 4) return linR(c, seg, c.r32[r * 2] >>> 0, w);
  return lin64(c, seg, c.r32[r * 2], c.r32[r * 2 + 1], w);
}

function _linW(c: CpuState, i: Insn, r: number, w: number): number {
  if (i.asz === 2) return linW(c, ES, c.r16[r * 4], w);
  if (i.asz === 4) return linW(c, ES, c.r32[r * 2] >>> 0, w);
  return lin64(c, ES, c.r32[r * 2], c.r32[r * 2 + 1], w);
}

// Step register r by the element size, down when DF = 1.
function _step(c: CpuState, i: Insn, r: number, w: number): void {
  const d = c.flags & DF ? -w : w;
  if (i.asz === 2) c.r16[r * 4] += d;
  else if (i.asz === 4) setReg(c, r * 2, 4, c.r32[r * 2] + d);
  else {
    const lo = (c.r32[r * 2] >>> 0) + d;
    setReg64(c, r * 2, lo | 0, (c.r32[r * 2 + 1] + Math.floor(lo / _2_32)) | 0);
  }
}

function _countZero(c: CpuState, i: Insn): boolean {
  if (i.asz === 2) return c.r16[4] === 0;
  if (i.asz === 4) return c.r32[2] === 0;
  return (c.r32[2] | c.r32[3]) === 0;
}

// Decrement the count; true when it reached 0.
function _countDown(c: CpuState, i: Insn): boolean {
  if (i.asz === 2) return --c.r16[4] === 0;
  if (i.asz === 4) {
    setReg(c, 2, 4, c.r32[2] - 1);
    return c.r32[2] === 0;
  }
  if (c.r32[2] === 0) c.r32[3]--;
  c.r32[2]--;
  return (c.r32[2] | c.r32[3]) === 0;
}

// Iterations this execution may run.
function _budget(c: CpuState): number {
  return c.flags & TF || c.lo(Field.PROCBASED_CTLS) & _MONTRAP ? 1 : REP_CHUNK;
}

// More iterations remain: run this instruction again and end the block here.
function _again(c: CpuState): void {
  c.next = c.ip;
  c.brk = true;
}

function _movs(c: CpuState, i: Insn, w: number): void {
  const src = _linR(c, i, _srcSeg(i), _SI, w);
  if (w === 8) {
    const lo = rd64(c, src), hi = HI[0];
    wr64(c, _linW(c, i, _DI, 8), lo, hi);
  } else {
    wrN(c, _linW(c, i, _DI, w), w, rdN(c, src, w));
  }
  _step(c, i, _SI, w);
  _step(c, i, _DI, w);
}

function _stos(c: CpuState, i: Insn, w: number): void {
  const dst = _linW(c, i, _DI, w);
  if (w === 8) wr64(c, dst, c.r32[0], c.r32[1]);
  else wrN(c, dst, w, w === 1 ? c.r8[0] : w === 2 ? c.r16[0] : c.r32[0]);
  _step(c, i, _DI, w);
}

function _lods(c: CpuState, i: Insn, w: number): void {
  const src = _linR(c, i, _srcSeg(i), _SI, w);
  if (w === 8) {
    const lo = rd64(c, src);
    setReg64(c, 0, lo, HI[0]);
  } else setReg(c, 0, w, rdN(c, src, w));
  _step(c, i, _SI, w);
}

function _cmps(c: CpuState, i: Insn, w: number): void {
  const src = _linR(c, i, _srcSeg(i), _SI, w);
  const dst = _linR(c, i, ES, _DI, w);
  if (w === 8) {
    const al = rd64(c, src), ah = HI[0];
    const bl = rd64(c, dst);
    alu64(c, 7, al, ah, bl, HI[0]);
  } else {
    const a = rdN(c, src, w);
    alu(c, 7, a, rdN(c, dst, w), w);
  }
  _step(c, i, _SI, w);
  _step(c, i, _DI, w);
}

function _scas(c: CpuState, i: Insn, w: number): void {
  const dst = _linR(c, i, ES, _DI, w);
  if (w === 8) {
    const bl = rd64(c, dst);
    alu64(c, 7, c.r32[0], c.r32[1], bl, HI[0]);
  } else {
    alu(c, 7, w === 1 ? c.r8[0] : w === 2 ? c.r16[0] : c.r32[0], rdN(c, dst, w), w);
  }
  _step(c, i, _DI, w);
}

// REP of MOVS, STOS, LODS: the count alone ends it. `op` is one of the iteration functions
// above, a constant at each call site.
function _rep(c: CpuState, i: Insn, w: number, op: (c: CpuState, i: Insn, w: number) => void) {
  if (_countZero(c, i)) return;
  for (let k = _budget(c);;) {
    op(c, i, w);
    if (_countDown(c, i)) return;
    if (--k === 0) return _again(c);
  }
}

// REPE (zf = 1: go on while ZF = 1) or REPNE (zf = 0) of CMPS and SCAS.
function _repCmp(
  c: CpuState,
  i: Insn,
  w: number,
  op: (c: CpuState, i: Insn, w: number) => void,
  zf: number,
) {
  if (_countZero(c, i)) return;
  for (let k = _budget(c);;) {
    op(c, i, w);
    if (_countDown(c, i) || (getZF(c) !== 0 ? 1 : 0) !== zf) return;
    if (--k === 0) return _again(c);
  }
}

/** String-category handlers by name. */
export const STRING_HANDLERS: Record<string, Handler> = {
  movs8: (c, i) => _movs(c, i, 1),
  movs16: (c, i) => _movs(c, i, 2),
  movs32: (c, i) => _movs(c, i, 4),
  movs64: (c, i) => _movs(c, i, 8),
  movsRep8: (c, i) => _rep(c, i, 1, _movs),
  movsRep16: (c, i) => _rep(c, i, 2, _movs),
  movsRep32: (c, i) => _rep(c, i, 4, _movs),
  movsRep64: (c, i) => _rep(c, i, 8, _movs),
  stos8: (c, i) => _stos(c, i, 1),
  stos16: (c, i) => _stos(c, i, 2),
  stos32: (c, i) => _stos(c, i, 4),
  stos64: (c, i) => _stos(c, i, 8),
  stosRep8: (c, i) => _rep(c, i, 1, _stos),
  stosRep16: (c, i) => _rep(c, i, 2, _stos),
  stosRep32: (c, i) => _rep(c, i, 4, _stos),
  stosRep64: (c, i) => _rep(c, i, 8, _stos),
  lods8: (c, i) => _lods(c, i, 1),
  lods16: (c, i) => _lods(c, i, 2),
  lods32: (c, i) => _lods(c, i, 4),
  lods64: (c, i) => _lods(c, i, 8),
  lodsRep8: (c, i) => _rep(c, i, 1, _lods),
  lodsRep16: (c, i) => _rep(c, i, 2, _lods),
  lodsRep32: (c, i) => _rep(c, i, 4, _lods),
  lodsRep64: (c, i) => _rep(c, i, 8, _lods),
  cmps8: (c, i) => _cmps(c, i, 1),
  cmps16: (c, i) => _cmps(c, i, 2),
  cmps32: (c, i) => _cmps(c, i, 4),
  cmps64: (c, i) => _cmps(c, i, 8),
  cmpsRepe8: (c, i) => _repCmp(c, i, 1, _cmps, 1),
  cmpsRepe16: (c, i) => _repCmp(c, i, 2, _cmps, 1),
  cmpsRepe32: (c, i) => _repCmp(c, i, 4, _cmps, 1),
  cmpsRepe64: (c, i) => _repCmp(c, i, 8, _cmps, 1),
  cmpsRepne8: (c, i) => _repCmp(c, i, 1, _cmps, 0),
  cmpsRepne16: (c, i) => _repCmp(c, i, 2, _cmps, 0),
  cmpsRepne32: (c, i) => _repCmp(c, i, 4, _cmps, 0),
  cmpsRepne64: (c, i) => _repCmp(c, i, 8, _cmps, 0),
  scas8: (c, i) => _scas(c, i, 1),
  scas16: (c, i) => _scas(c, i, 2),
  scas32: (c, i) => _scas(c, i, 4),
  scas64: (c, i) => _scas(c, i, 8),
  scasRepe8: (c, i) => _repCmp(c, i, 1, _scas, 1),
  scasRepe16: (c, i) => _repCmp(c, i, 2, _scas, 1),
  scasRepe32: (c, i) => _repCmp(c, i, 4, _scas, 1),
  scasRepe64: (c, i) => _repCmp(c, i, 8, _scas, 1),
  scasRepne8: (c, i) => _repCmp(c, i, 1, _scas, 0),
  scasRepne16: (c, i) => _repCmp(c, i, 2, _scas, 0),
  scasRepne32: (c, i) => _repCmp(c, i, 4, _scas, 0),
  scasRepne64: (c, i) => _repCmp(c, i, 8, _scas, 0),
};
