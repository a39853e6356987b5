/**
 * Delivery of exceptions and interrupts (SDM vol. 3 chapter 6) as VMX
 * non-root operation shapes it (vol. 3 §26.2 exception bitmap, §27.2.2-4
 * exit information, §26.6 event injection):
 *
 * - a hardware or software exception whose vector is set in
 *   EXCEPTION_BITMAP exits (reason 0) instead of being delivered, unless it
 *   is the event being injected;
 * - otherwise it goes through the IVT (real mode); in protected mode
 *   through a 16- or 32-bit interrupt or trap gate to a code segment at
 *   the same privilege level; in IA-32e mode (64-bit and compatibility)
 *   through a 64-bit gate (16-byte entries) to 64-bit code at the same
 *   privilege level, the stack aligned to 16 bytes and SS:RSP always
 *   pushed (vol. 3 §6.14); task gates, privilege changes and IST stacks
 *   are not modeled (they fail loudly);
 * - a page fault loads CR2 with the faulting address when it is
 *   delivered; one that exits has it as the exit qualification instead
 *   (§27.1); the page-fault error-code mask and match fields are 0 as
 *   devvmx leaves them, so bit 14 of the bitmap alone decides;
 * - an exception raised while delivering another is first subject to
 *   the bitmap itself (an exit then records the outer event in
 *   IDT_VECTORING_*, §27.2.4), then combined;
 * - a fault while delivering combines per table 6-5 (benign faults are
 *   handled serially; contributory-on-contributory and page fault then
 *   contributory or page fault make #DF; a contributory or page fault while
 *   delivering #DF is a triple fault, reason 2); an exit while delivering
 *   sets IDT_VECTORING_INFO/CODE to the event being delivered (not for #DF
 *   exits and triple faults, §27.2.4). Descriptor-table reads during
 *   delivery are implicit supervisor-mode accesses; an exception with a
 *   selector error code raised by delivery has EXT set unless the event
 *   was a software interrupt.
 *
 * @module
 */

import { push, push64, setReg64 } from "./access.ts";
import {
  EXIT_EXCEPTION,
  EXIT_TRIPLE_FAULT,
  INTR_HAS_CODE,
  INTR_HW_EXCEPTION,
  INTR_SW_EXCEPTION,
  INTR_SW_INTERRUPT,
  INTR_VALID,
  vmexit,
} from "./exits.ts";
import { Field } from "./fields.ts";
import { getFlags } from "./flags.ts";
import { lin64, rd32, wr32 } from "./mem.ts";
import { refreshMode } from "./mode.ts";
import { IF, RF, TF, VM } from "./operands.ts";
import { canonical, faultAddress, implicitSupervisor, unfoldHi } from "./paging.ts";
import { type CpuState, CS, dead, raise, SS, STOP, STOP_EXC, STOP_EXIT } from "./state.ts";

const _NT = 0x4000, _AC = 0x40000, _LMA = 0x400;

/** An event being delivered. */
export interface EventSpec {
  /** Vector. */
  vector: number;
  /** Interruption type (INTR_*). */
  type: number;
  /** Error code, -1 if none. */
  code: number;
  /** IP to return to. */
  retIp: number;
  /** Exit qualification if it exits (DR6 bits for #DB; a page fault's comes from paging.ts). */
  qual: number;
  /** Instruction length for software types (exit information). */
  ilen: number;
}

function _class(v: number): number {
  // 0 benign, 1 contributory, 2 page fault (SDM vol. 3 table 6-4).
  if (v === 0 || (v >= 10 && v <= 13)) return 1;
  return v === 14 ? 2 : 0;
}

function _info(e: EventSpec): number {
  return (INTR_VALID | (e.type << 8) | e.vector | (e.code >= 0 ? INTR_HAS_CODE : 0)) >>> 0;
}

function _external(e: EventSpec): number {
  // EXT bit of nested error codes: clear for INT n, INT3 and INTO only; INT1 counts as external
  // (SDM vol. 3 §6.13).
  return e.type === INTR_SW_INTERRUPT || e.type === INTR_SW_EXCEPTION ? 0 : 1;
}

// A page fault the CPU raised (not one injected): its address is CR2's or the qualification.
function _pf(e: EventSpec, fromCpu: boolean): boolean {
  return fromCpu && e.vector === 14 && e.type === INTR_HW_EXCEPTION;
}

function _exitFor(c: CpuState, e: EventSpec, outer: EventSpec | null, pf: boolean): never {
  if (outer !== null) {
    c.setWide(Field.IDT_VECTORING_INFO, _info(outer), 0);
    if (outer.code >= 0) c.setWide(Field.IDT_VECTORING_CODE, outer.code >>> 0, 0);
  }
  if (e.code >= 0) c.setWide(Field.EXIT_INTR_CODE, e.code >>> 0, 0);
  try {
    // Instruction length is defined only for software exceptions (SDM vol. 3 §27.2.5).
    return vmexit(c, EXIT_EXCEPTION, e.qual, e.type >= 5 ? e.ilen : 0, 0, _info(e));
  } finally {
    if (pf) {
      const lin = faultAddress(c);
      c.setWide(Field.EXIT_QUALIFICATION, lin >>> 0, unfoldHi(lin));
    }
  }
}

/**
 * Deliver event `e` (`injected`: by VM entry, so not subject to the
 * exception bitmap; otherwise raised by the CPU). Returns when the handler
 * is ready to run; throws STOP for an exit or death.
 */
export function deliverEvent(c: CpuState, e: EventSpec, injected: boolean): void {
  let cur = e;
  let outer: EventSpec | null = null;
  let bitmapApplies = !injected;
  let pf = _pf(e, !injected);
  for (;;) {
    if (bitmapApplies && cur.type !== INTR_SW_INTERRUPT && cur.type !== 0) {
      if ((c.lo(Field.EXCEPTION_BITMAP) >>> cur.vector) & 1 && cur.vector < 32) {
        _exitFor(c, cur, cur.vector === 8 ? null : outer, pf);
      }
    }
    try {
      if (pf) _loadCr2(c);
      _frame(c, cur);
      c.intrBlock = 0;
      return;
    } catch (x) {
      implicitSupervisor(false);
      if (x !== STOP) throw x;
      if (c.stopKind === STOP_EXIT) {
        // An exit during delivery records the event (SDM vol. 3 §27.2.4).
        c.setWide(Field.IDT_VECTORING_INFO, _info(cur), 0);
        if (cur.code >= 0) c.setWide(Field.IDT_VECTORING_CODE, cur.code >>> 0, 0);
        throw x;
      }
      if (c.stopKind !== STOP_EXC) throw x;
      const v2 = c.excVector;
      const pe = (c.lo(Field.CR0) & 1) !== 0;
      const code2 = !pe ? -1 : v2 >= 10 && v2 <= 13 ? c.excCode | _external(cur) : c.excCode;
      const second: EventSpec = {
        vector: v2,
        type: INTR_HW_EXCEPTION,
        code: code2,
        retIp: cur.retIp,
        qual: 0,
        ilen: 0,
      };
      pf = v2 === 14;
      // The nested exception meets the bitmap before it combines (§27.2.4: a fault during
      // delivery that exits records the event being delivered).
      if ((c.lo(Field.EXCEPTION_BITMAP) >>> v2) & 1) _exitFor(c, second, cur, pf);
      const c1 = cur.vector === 8 && cur.type === INTR_HW_EXCEPTION ? 3 : _class(cur.vector);
      const hw1 = cur.type === INTR_HW_EXCEPTION;
      const c2 = _class(v2);
      if (hw1 && c1 === 3 && c2 !== 0) {
        c.setWide(Field.IDT_VECTORING_INFO, 0, 0);
        vmexit(c, EXIT_TRIPLE_FAULT, 0, 0);
      }
      outer = cur;
      if (hw1 && ((c1 === 1 && c2 === 1) || (c1 === 2 && c2 !== 0))) {
        cur = {
          vector: 8,
          type: INTR_HW_EXCEPTION,
          code: pe ? 0 : -1,
          retIp: cur.retIp,
          qual: 0,
          ilen: 0,
        };
        // A page fault that becomes #DF still loaded CR2.
        if (pf) _loadCr2(c);
        pf = false;
      } else cur = second;
      bitmapApplies = true;
    }
  }
}

function _loadCr2(c: CpuState): void {
  const lin = faultAddress(c);
  c.setWide(Field.CR2, lin >>> 0, unfoldHi(lin));
}

/** Push the frame and enter the handler of `e`; faults raise (STOP_EXC). */
function _frame(c: CpuState, e: EventSpec): void {
  const pe = (c.lo(Field.CR0) & 1) !== 0;
  const flags = getFlags(c);
  c.fop = 0;
  c.flags = flags;
  if (!pe) return _real(c, e, flags);
  if (flags & VM) dead(c, "unimplemented interrupt in virtual-8086 mode");
  const long = (c.lo(Field.EFER) & _LMA) !== 0;
  const idt = c.lo(Field.IDTR_BASE), lim = c.lo(Field.IDTR_LIMIT);
  const ext = _external(e);
  const gateErr = e.vector * 8 + 2 + ext;
  const size = long ? 16 : 8;
  if (e.vector * size + size - 1 > lim) raise(c, 13, gateErr);
  implicitSupervisor(true);
  const g = _table(c, Field.IDTR_BASE, idt, e.vector * size);
  const lo = rd32(c, g), hi = rd32(c, g + 4);
  const type = (hi >> 8) & 0x1f;
  const gate = _gateSize(type, long);
  if (gate === 0) {
    if (type === 0x05 && !long) dead(c, "unimplemented task gate");
    raise(c, 13, gateErr);
  }
  let offHi = 0;
  if (long) {
    offHi = rd32(c, g + 8);
    if (rd32(c, g + 12) & 0x1f00) raise(c, 13, gateErr);
  }
  // INT n, INT3 and INTO need gate DPL >= CPL; INT1 does not (SDM vol. 2 INT n/INTO/INT3/INT1).
  const soft = e.type === INTR_SW_INTERRUPT || e.type === INTR_SW_EXCEPTION;
  if (soft && ((hi >> 13) & 3) < c.cpl) raise(c, 13, e.vector * 8 + 2);
  if (!(hi & 0x8000)) raise(c, 11, gateErr);
  const sel = lo >>> 16;
  const off = gate === 2 ? lo & 0xffff : ((lo & 0xffff) | (hi & 0xffff0000)) >>> 0;
  if ((sel & ~3) === 0) raise(c, 13, ext);
  const selErr = (sel & 0xfffc) | ext;
  if (sel & 4) dead(c, "unimplemented LDT");
  if ((sel | 7) > c.lo(Field.GDTR_LIMIT)) raise(c, 13, selErr);
  const d = _table(c, Field.GDTR_BASE, c.lo(Field.GDTR_BASE), sel & ~7);
  const dlo = rd32(c, d), dhi = rd32(c, d + 4);
  if ((dhi & 0x1800) !== 0x1800) raise(c, 13, selErr);
  // IA-32e mode enters 64-bit code only: L = 1, D = 0.
  if (long && (dhi & 0x600000) !== 0x200000) raise(c, 13, selErr);
  const dpl = (dhi >> 13) & 3;
  if (dpl > c.cpl) raise(c, 13, selErr);
  if (!(dhi & 0x400) && dpl < c.cpl) dead(c, "unimplemented interrupt to an inner privilege level");
  if (!(dhi & 0x8000)) raise(c, 11, selErr);
  if (long && hi & 7) dead(c, "unimplemented interrupt stack table");
  let limit = (dlo & 0xffff) | (dhi & 0xf0000);
  if (dhi & 0x800000) limit = ((limit << 12) | 0xfff) >>> 0;
  if (long) {
    if (!canonical(offHi)) raise(c, 13, ext);
  } else if (off > limit) raise(c, 13, ext);
  if (!(dhi & 0x100)) wr32(c, d + 4, dhi | 0x100);
  implicitSupervisor(false);
  const sp0 = c.r32[8], sp1 = c.r32[9];
  // A trap's return address past the end of an instruction that crosses 4 GiB carries.
  const retHi = (c.ipHi + ((e.retIp >>> 0) < (c.ip >>> 0) ? 1 : 0)) | 0;
  try {
    if (long) {
      // The stack is aligned to 16 bytes, then SS:RSP, RFLAGS, CS, RIP and the code go on it.
      setReg64(c, 8, sp0 & ~15, sp1);
      push64(c, c.segSel[SS], 0);
      push64(c, sp0, sp1);
      push64(c, flags, 0);
      push64(c, c.segSel[CS], 0);
      push64(c, e.retIp, c.mode === 64 ? retHi : 0);
      if (e.code >= 0) push64(c, e.code, 0);
    } else {
      push(c, gate, flags);
      push(c, gate, c.segSel[CS]);
      push(c, gate, e.retIp);
      if (e.code >= 0) push(c, gate, e.code);
    }
  } catch (x) {
    c.r32[8] = sp0;
    c.r32[9] = sp1;
    throw x;
  }
  c.flags = flags & ~(TF | _NT | RF | VM | (type & 1 ? 0 : IF));
  c.segSel[CS] = (sel & ~3) | c.cpl;
  c.segBase[CS] = ((dlo >>> 16) | ((dhi & 0xff) << 16) | (dhi & 0xff000000)) >>> 0;
  c.segBaseHi[CS] = 0;
  c.segLimit[CS] = limit;
  c.segAr[CS] = ((dhi >> 8) & 0xf0ff) | 1;
  if (long) c.ipHi = offHi;
  c.ip = c.next = off | 0;
  refreshMode(c);
}

// Push width of an interrupt or trap gate of `type`: 2 or 4 (protected mode), 8 (IA-32e mode); 0 if
// the type is no such gate.
function _gateSize(type: number, long: boolean): number {
  if (type === 0x0e || type === 0x0f) return long ? 8 : 4;
  return !long && (type === 0x06 || type === 0x07) ? 2 : 0;
}

// Linear address of byte `off` of a descriptor table at `base` (bits 63:32 too in IA-32e mode).
function _table(c: CpuState, f: Field, base: number, off: number): number {
  if (!(c.lo(Field.EFER) & _LMA)) return (base + off) >>> 0;
  const s = (base >>> 0) + off;
  return lin64(c, 0, s >>> 0, (c.hi(f) + (s >= 4294967296 ? 1 : 0)) | 0, 8);
}

// Real-address mode: the IVT's 4-byte entries, a 16-bit frame (SDM vol. 3 §20.1.4).
function _real(c: CpuState, e: EventSpec, flags: number): void {
  const idt = c.lo(Field.IDTR_BASE), lim = c.lo(Field.IDTR_LIMIT);
  if (e.vector * 4 + 3 > lim) raise(c, 13, -1);
  const ent = rd32(c, (idt + e.vector * 4) >>> 0);
  const sp0 = c.r32[8];
  try {
    push(c, 2, flags & 0xffff);
    push(c, 2, c.segSel[CS]);
    push(c, 2, e.retIp & 0xffff);
  } catch (x) {
    c.r32[8] = sp0;
    throw x;
  }
  c.flags = flags & ~(IF | TF | _AC);
  c.segSel[CS] = ent >>> 16;
  c.segBase[CS] = (ent >>> 16) << 4;
  c.ip = c.next = ent & 0xffff;
}
