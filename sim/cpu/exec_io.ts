/**
 * I/O instructions (SDM vol. 2: IN, OUT, INS, OUTS). devvmx sets
 * unconditional I/O exiting, so each one exits (reason 30) without executing
 * (SDM vol. 3 §26.1.3). Qualification per §27.2.1 table 27-5: bits 2:0 size
 * - 1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP, bit 6 immediate
 * port, bits 31:16 port. INS/OUTS also set the guest-linear address of their
 * memory operand and the instruction information of §27.2.5 table 27-8
 * (bits 9:7 address size, bits 17:15 segment; other bits 0).
 *
 * An I/O instruction at CPL > IOPL (or in virtual-8086 mode) would first
 * consult the TSS I/O bitmap (§26.1.1 priority); that is not modeled.
 *
 * @module
 */

import { EXIT_IO, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { type Handler, type Insn, P_REP, P_REPNE } from "./insn.ts";
import { VM } from "./operands.ts";
import { type CpuState, dead, DS, ES, FS } from "./state.ts";

function _checkIopl(c: CpuState): void {
  const pe = c.lo(Field.CR0) & 1;
  if (pe && (c.cpl > ((c.flags >> 12) & 3) || c.flags & VM)) {
    dead(c, "unimplemented I/O permission bitmap");
  }
}

function _io(c: CpuState, i: Insn, w: number): void {
  _checkIopl(c);
  const b = i.opc & 0xff;
  const imm = b < 0xec;
  const port = imm ? i.imm : c.r16[8];
  const dirIn = (b & 2) === 0;
  vmexit(c, EXIT_IO, (w - 1) | (dirIn ? 8 : 0) | (imm ? 0x40 : 0) | (port << 16), i.len);
}

function _ios(c: CpuState, i: Insn, w: number): void {
  _checkIopl(c);
  const dirIn = (i.opc & 0xff) < 0x6e;
  const seg = dirIn ? ES : i.segPfx >= 0 ? i.segPfx : DS;
  const reg = dirIn ? 7 : 6;
  const off = i.asz === 2 ? c.r16[reg * 4] : c.r32[reg * 2] >>> 0;
  if (c.mode === 64) {
    // Only FS and GS have a base in 64-bit mode; the address is 64 bits wide (SDM 3.4.4).
    let hi = i.asz === 8 ? c.r32[reg * 2 + 1] : 0, lo = off;
    if (seg >= FS) {
      const sum = lo + (c.segBase[seg] >>> 0);
      hi = (hi + c.segBaseHi[seg] + (sum >= 0x1_0000_0000 ? 1 : 0)) | 0;
      lo = sum >>> 0;
    }
    c.setWide(Field.GUEST_LINEAR, lo, hi);
  } else c.setWide(Field.GUEST_LINEAR, (c.segBase[seg] + off) >>> 0, 0);
  const rep = i.pfx & (P_REP | P_REPNE) ? 0x20 : 0;
  const qual = (w - 1) | (dirIn ? 8 : 0) | 0x10 | rep | (c.r16[8] << 16);
  const info = ((i.asz === 2 ? 0 : i.asz === 4 ? 1 : 2) << 7) | ((dirIn ? 0 : seg) << 15);
  vmexit(c, EXIT_IO, qual, i.len, info);
}

/** I/O-category handlers by name. */
export const IO_HANDLERS: Record<string, Handler> = {
  io8: (c, i) => _io(c, i, 1),
  io16: (c, i) => _io(c, i, 2),
  io32: (c, i) => _io(c, i, 4),
  ios8: (c, i) => _ios(c, i, 1),
  ios16: (c, i) => _ios(c, i, 2),
  ios32: (c, i) => _ios(c, i, 4),
};
