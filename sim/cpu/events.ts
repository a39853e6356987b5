/**
 * Delivery of exceptions and interrupts (SDM vol. 3 chapter 6) as VMX
 * non-root operation shapes it (vol. 3 §26.2 exception bitmap, §27.2.2-4
 * exit information, §26.6 event injection):
 *
 * - a hardware or software exception whose vector is set in
 *   EXCEPTION_BITMAP exits (reason 0) instead of being delivered, unless it
 *   is the event being injected;
 * - otherwise it goes through the IVT (real mode) or, in protected mode,
 *   through a 32-bit interrupt or trap gate to a code segment at the same
 *   privilege level; other gates and privilege changes are not modeled;
 * - a fault while delivering combines per table 6-5 (benign faults are
 *   handled serially; contributory-on-contributory and page fault then
 *   contributory or page fault make #DF; a contributory or page fault while
 *   delivering #DF is a triple fault, reason 2); an exit while delivering
 *   sets IDT_VECTORING_INFO/CODE to the event being delivered (not for #DF
 *   exits and triple faults, §27.2.4).
 *
 * @module
 */

import { push } from "./access.ts";
import {
  EXIT_EXCEPTION,
  EXIT_TRIPLE_FAULT,
  INTR_HAS_CODE,
  INTR_HW_EXCEPTION,
  INTR_SW_INTERRUPT,
  INTR_VALID,
  vmexit,
} from "./exits.ts";
import { Field } from "./fields.ts";
import { getFlags } from "./flags.ts";
import { rd32, wr32 } from "./mem.ts";
import { refreshMode } from "./mode.ts";
import { IF, RF, TF, VM } from "./operands.ts";
import { type CpuState, CS, dead, raise, STOP, STOP_EXC, STOP_EXIT } from "./state.ts";

const _NT = 0x4000, _AC = 0x40000;

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
  /** Exit qualification if it exits (DR6 bits for #DB, the address for #PF). */
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
  // EXT bit of nested error codes: set unless the event is a software interrupt or exception.
  return e.type === INTR_SW_INTERRUPT || e.type >= 5 ? 0 : 1;
}

function _exitFor(c: CpuState, e: EventSpec, outer: EventSpec | null): never {
  if (outer !== null) {
    c.setWide(Field.IDT_VECTORING_INFO, _info(outer), 0);
    if (outer.code >= 0) c.setWide(Field.IDT_VECTORING_CODE, outer.code >>> 0, 0);
  }
  if (e.code >= 0) c.setWide(Field.EXIT_INTR_CODE, e.code >>> 0, 0);
  // Instruction length is defined only for software exceptions (SDM vol. 3 §27.2.5).
  return vmexit(c, EXIT_EXCEPTION, e.qual, e.type >= 5 ? e.ilen : 0, 0, _info(e));
}

/**
 * Deliver event `e` (`injected`: by VM entry, so not subject to the
 * exception bitmap). Returns when the handler is ready to run; throws STOP
 * for an exit or death.
 */
export function deliverEvent(c: CpuState, e: EventSpec, injected: boolean): void {
  let cur = e;
  let outer: EventSpec | null = null;
  let bitmapApplies = !injected;
  for (;;) {
    if (bitmapApplies && cur.type !== INTR_SW_INTERRUPT && cur.type !== 0) {
      if ((c.lo(Field.EXCEPTION_BITMAP) >>> cur.vector) & 1 && cur.vector < 32) {
        _exitFor(c, cur, cur.vector === 8 ? null : outer);
      }
    }
    try {
      _frame(c, cur);
      c.intrBlock = 0;
      return;
    } catch (x) {
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
      const code2 = pe ? c.excCode : -1;
      const c1 = cur.vector === 8 && cur.type === INTR_HW_EXCEPTION ? 3 : _class(cur.vector);
      const hw1 = cur.type === INTR_HW_EXCEPTION;
      const c2 = _class(v2);
      const second: EventSpec = {
        vector: v2,
        type: INTR_HW_EXCEPTION,
        code: code2,
        retIp: cur.retIp,
        qual: 0,
        ilen: 0,
      };
      if (hw1 && c1 === 3 && c2 !== 0) {
        c.setWide(Field.IDT_VECTORING_INFO, 0, 0);
        vmexit(c, EXIT_TRIPLE_FAULT, 0, 0);
      }
      if (hw1 && ((c1 === 1 && c2 === 1) || (c1 === 2 && c2 !== 0))) {
        outer = cur;
        cur = {
          vector: 8,
          type: INTR_HW_EXCEPTION,
          code: pe ? 0 : -1,
          retIp: cur.retIp,
          qual: 0,
          ilen: 0,
        };
      } else {
        outer = cur;
        cur = second;
      }
      bitmapApplies = true;
    }
  }
}

/** Push the frame and enter the handler of `e`; faults raise (STOP_EXC). */
function _frame(c: CpuState, e: EventSpec): void {
  const pe = (c.lo(Field.CR0) & 1) !== 0;
  const idt = c.lo(Field.IDTR_BASE), lim = c.lo(Field.IDTR_LIMIT);
  const ext = _external(e);
  const flags = getFlags(c);
  c.fop = 0;
  c.flags = flags;
  if (!pe) {
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
    return;
  }
  if (flags & VM) dead(c, "unimplemented interrupt in virtual-8086 mode");
  const gateErr = e.vector * 8 + 2 + ext;
  if (e.vector * 8 + 7 > lim) raise(c, 13, gateErr);
  const g = (idt + e.vector * 8) >>> 0;
  const lo = rd32(c, g), hi = rd32(c, (g + 4) >>> 0);
  const type = (hi >> 8) & 0x1f;
  if (type !== 0x0e && type !== 0x0f) {
    if (type === 0x05) dead(c, "unimplemented task gate");
    if (type === 0x06 || type === 0x07) dead(c, "unimplemented 16-bit interrupt gate");
    raise(c, 13, gateErr);
  }
  if (e.type >= INTR_SW_INTERRUPT && ((hi >> 13) & 3) < c.cpl) raise(c, 13, e.vector * 8 + 2);
  if (!(hi & 0x8000)) raise(c, 11, gateErr);
  const sel = lo >>> 16;
  const off = ((lo & 0xffff) | (hi & 0xffff0000)) >>> 0;
  if ((sel & ~3) === 0) raise(c, 13, ext);
  const selErr = (sel & 0xfffc) | ext;
  if (sel & 4) dead(c, "unimplemented LDT");
  if ((sel | 7) > c.lo(Field.GDTR_LIMIT)) raise(c, 13, selErr);
  const d = (c.lo(Field.GDTR_BASE) + (sel & ~7)) >>> 0;
  const dlo = rd32(c, d), dhi = rd32(c, (d + 4) >>> 0);
  if ((dhi & 0x1800) !== 0x1800) raise(c, 13, selErr);
  const dpl = (dhi >> 13) & 3;
  if (dpl > c.cpl) raise(c, 13, selErr);
  if (!(dhi & 0x400) && dpl < c.cpl) dead(c, "unimplemented interrupt to an inner privilege level");
  if (!(dhi & 0x8000)) raise(c, 11, selErr);
  let limit = (dlo & 0xffff) | (dhi & 0xf0000);
  if (dhi & 0x800000) limit = ((limit << 12) | 0xfff) >>> 0;
  if (off > limit) raise(c, 13, ext);
  const sp0 = c.r32[8];
  try {
    if (!(dhi & 0x100)) wr32(c, (d + 4) >>> 0, dhi | 0x100);
    push(c, 4, flags);
    push(c, 4, c.segSel[CS]);
    push(c, 4, e.retIp);
    if (e.code >= 0) push(c, 4, e.code);
  } catch (x) {
    c.r32[8] = sp0;
    throw x;
  }
  c.flags = flags & ~(TF | _NT | RF | VM | (type === 0x0e ? IF : 0));
  c.segSel[CS] = (sel & ~3) | c.cpl;
  c.segBase[CS] = ((dlo >>> 16) | ((dhi & 0xff) << 16) | (dhi & 0xff000000)) >>> 0;
  c.segBaseHi[CS] = 0;
  c.segLimit[CS] = limit;
  c.segAr[CS] = ((dhi >> 8) & 0xf0ff) | 1;
  c.ip = c.next = off | 0;
  refreshMode(c);
}
