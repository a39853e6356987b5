/**
 * SYSCALL and SYSRET as Intel defines them (SDM vol. 2 SYSCALL, SYSRET;
 * vol. 3 §5.8.8): valid only in 64-bit mode with IA32_EFER.SCE, flat code
 * and stack segments from IA32_STAR whose cached attributes are fixed, not
 * read from the GDT. SYSRET returns to 64-bit code with REX.W, else to
 * compatibility mode, and raises #GP(0) at CPL 0 for a non-canonical RCX.
 * Neither causes a VM exit.
 *
 * SYSENTER and SYSEXIT are not executed: the CPU holds no IA32_SYSENTER_CS,
 * _ESP or _EIP fields.
 *
 * @module
 */

import { HI, nextRip64, setReg64 } from "./access.ts";
import { Field } from "./fields.ts";
import { getFlags } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { refreshMode } from "./mode.ts";
import { canonical } from "./paging.ts";
import { type CpuState, CS, dead, raise, SS } from "./state.ts";

const _EFER_SCE = 1;
// VMX access rights of the segments loaded: code type 11 or stack type 3, S, P, G; DPL 0 or 3.
const _CS64 = 0xa09b, _CS32 = 0xc09b, _SS = 0xc093, _DPL3 = 0x60;
// RFLAGS bits SYSRET takes from R11 (RF, VM and reserved bits cleared).
const _SYSRET_FLAGS = 0x3c7fd7;
const _R11 = 22;

/** #UD without IA32_EFER.SCE (outside 64-bit mode the decoder already made them #UD). */
function _check(c: CpuState): void {
  if (!(c.lo(Field.EFER) & _EFER_SCE)) raise(c, 6);
}

/** Load `s` with selector `sel`, base 0, limit 4 GiB and access rights `ar`. */
function _flat(c: CpuState, s: number, sel: number, ar: number): void {
  c.segSel[s] = sel;
  c.segBase[s] = 0;
  c.segBaseHi[s] = 0;
  c.segLimit[s] = 0xffffffff;
  c.segAr[s] = ar;
}

function _refresh(c: CpuState): void {
  const bad = refreshMode(c);
  if (bad !== "") dead(c, bad);
  c.brk = true;
}

function _syscall(c: CpuState, i: Insn): void {
  _check(c);
  const ret = nextRip64(c, i, 0);
  setReg64(c, 2, ret, HI[0]);
  const fl = getFlags(c);
  setReg64(c, _R11, fl, 0);
  c.flags = (fl & ~c.lo(Field.SFMASK)) | 2;
  c.fop = 0;
  const sel = c.hi(Field.STAR) & 0xffff;
  _flat(c, CS, sel & 0xfffc, _CS64);
  _flat(c, SS, (sel + 8) & 0xffff, _SS);
  c.next = c.lo(Field.LSTAR) | 0;
  c.ipHi = c.hi(Field.LSTAR) | 0;
  _refresh(c);
}

function _sysret(c: CpuState, w: number): void {
  _check(c);
  if (c.cpl > 0) raise(c, 13, 0);
  const lo = c.r32[2], hi = w === 8 ? c.r32[3] : 0;
  if (!canonical(hi)) raise(c, 13, 0);
  c.flags = (c.r32[_R11] & _SYSRET_FLAGS) | 2;
  c.fop = 0;
  const sel = c.hi(Field.STAR) >>> 16;
  _flat(c, CS, ((sel + (w === 8 ? 16 : 0)) & 0xffff) | 3, (w === 8 ? _CS64 : _CS32) | _DPL3);
  _flat(c, SS, ((sel + 8) & 0xffff) | 3, _SS | _DPL3);
  c.next = lo | 0;
  c.ipHi = hi | 0;
  _refresh(c);
}

/** Fast system-call handlers by name. */
export const SYSCALL_HANDLERS: Record<string, Handler> = {
  syscall: _syscall,
  sysret16: (c) => _sysret(c, 2),
  sysret32: (c) => _sysret(c, 4),
  sysret64: (c) => _sysret(c, 8),
};
