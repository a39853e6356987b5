/**
 * The `regs` file: devvmx.c's guestregs table, cmdgetregs and setregs.
 *
 * Rows keep 9front's order, which is the order the file prints in. Each row
 * names the Field it shows (VMCS fields and the registers devvmx keeps
 * beside the VMCS, ax..r15, cr2, dr0-3, dr6 and xcr0, are all Fields here),
 * its size in bytes (0 meaning uintptr, 8 on amd64) and optional read and
 * write specials, named after devvmx's functions.
 *
 * Writes without a special go through strtoull and are cut to the row's
 * size, as VMWRITE ignores the high bits of a value wider than the field
 * (SDM vol. 3, VMWRITE); all rows' sizes are their fields' widths.
 *
 * @module
 */

import { Field, type GuestState } from "../cpu/mod.ts";
import { error } from "../ns/mod.ts";
import { getfields, Seprint, strtoull } from "../lib9/mod.ts";
import { CR0KERNEL, CR4KERNEL, HOST } from "./host.ts";

/** A row of guestregs (struct GuestReg). */
export interface GuestReg {
  /** The name the regs file uses. */
  readonly name: string;
  /** The field it shows. */
  readonly field: Field;
  /** Size in bytes; 0 means uintptr (8). Reads pad to twice this in hex digits. */
  readonly size: number;
  /** A special read printing the value into the regs buffer. */
  readonly read?: (gs: GuestState, b: Seprint) => void;
  /** A special write taking the value text (may throw "invalid value"). */
  readonly write?: (gs: GuestState, s: string) => void;
}

/** The aux buffer cmdgetregs prints into (devvmx's AUXSIZE). */
const _AUXSIZE = 4096;

const _LMA = 0x400n, _ENTRY_GUEST64 = 0x200n;

/** parseval: a whole C number (strtoull base 0), else "invalid value". */
function _parseval(s: string): bigint {
  const { value, end } = strtoull(s, 0);
  if (end === 0 || end !== s.length) error("invalid value");
  return value;
}

/** The guest-visible value of a CR: real bits outside the mask, shadow bits inside. */
function _fakeread(gs: GuestState, b: Seprint, real: Field, mask: Field, shadow: Field): void {
  const m = gs.getField(mask);
  const v = gs.getField(real) & ~m | gs.getField(shadow) & m;
  b.print("%#.*ullx", 16, BigInt.asUintN(64, v));
}

/** cr0fakeread. */
function _cr0fakeread(gs: GuestState, b: Seprint): void {
  _fakeread(gs, b, Field.CR0, Field.CR0_MASK, Field.CR0_SHADOW);
}

/** cr4fakeread. */
function _cr4fakeread(gs: GuestState, b: Seprint): void {
  _fakeread(gs, b, Field.CR4, Field.CR4_MASK, Field.CR4_SHADOW);
}

/**
 * updatelma: EFER.LMA = EFER.LME & CR0.PG; when that changes EFER, the
 * "IA-32e mode guest" entry control follows LMA (only then).
 */
function _updatelma(gs: GuestState): void {
  const cr0 = gs.getField(Field.CR0);
  const efer = gs.getField(Field.EFER);
  const nefer = efer & ~_LMA | (efer << 2n) & (cr0 >> 21n) & _LMA;
  if (efer === nefer) return;
  gs.setField(Field.EFER, nefer);
  const ectrl = gs.getField(Field.ENTRY_CTLS);
  gs.setField(Field.ENTRY_CTLS, ectrl & ~_ENTRY_GUEST64 | nefer >> 1n & _ENTRY_GUEST64);
}

/** cr0realwrite: only bits the host does not own change; then updatelma. */
function _cr0realwrite(gs: GuestState, s: string): void {
  const v = _parseval(s);
  gs.setField(Field.CR0, gs.getField(Field.CR0) & CR0KERNEL | v & ~CR0KERNEL);
  _updatelma(gs);
}

/** cr0maskwrite: the host-owned bits stay in the mask. */
function _cr0maskwrite(gs: GuestState, s: string): void {
  gs.setField(Field.CR0_MASK, _parseval(s) | CR0KERNEL);
}

/** eferwrite: EFER as given, then updatelma. */
function _eferwrite(gs: GuestState, s: string): void {
  gs.setField(Field.EFER, _parseval(s));
  _updatelma(gs);
}

/** cr4realwrite. */
function _cr4realwrite(gs: GuestState, s: string): void {
  const v = _parseval(s);
  gs.setField(Field.CR4, gs.getField(Field.CR4) & CR4KERNEL | v & ~CR4KERNEL);
}

/** cr4maskwrite. */
function _cr4maskwrite(gs: GuestState, s: string): void {
  gs.setField(Field.CR4_MASK, _parseval(s) | CR4KERNEL);
}

/** dr7write: the low 32 bits (into GUEST_DR7 and vmx->dr[7], one Field here). */
function _dr7write(gs: GuestState, s: string): void {
  gs.setField(Field.DR7, _parseval(s) & 0xffffffffn);
}

/** xcr0write: x87 always on, bounded by what the host kernel enabled. */
function _xcr0write(gs: GuestState, s: string): void {
  gs.setField(Field.XCR0, (_parseval(s) | 1n) & HOST.xcr0);
}

/** readonly: writes are accepted and ignored, the value not even parsed. */
function _readonly(): void {}

/** dr6write: the low 32 bits. */
function _dr6write(gs: GuestState, s: string): void {
  gs.setField(Field.DR6, _parseval(s) & 0xffffffffn);
}

/** Rows for a segment register, in devvmx's order: X, Xbase, Xlimit, Xperm. */
function _seg(x: string, sel: Field, base: Field, limit: Field, ar: Field): GuestReg[] {
  return [
    { name: x, field: sel, size: 2 },
    { name: x + "base", field: base, size: 0 },
    { name: x + "limit", field: limit, size: 4 },
    { name: x + "perm", field: ar, size: 4 },
  ];
}

/** guestregs[]: devvmx's register table, in its order. */
export const guestregs: readonly GuestReg[] = Object.freeze(
  [
    { name: "pc", field: Field.RIP, size: 0 },
    { name: "sp", field: Field.RSP, size: 0 },
    { name: "flags", field: Field.RFLAGS, size: 0 },
    { name: "ax", field: Field.RAX, size: 0 },
    { name: "bx", field: Field.RBX, size: 0 },
    { name: "cx", field: Field.RCX, size: 0 },
    { name: "dx", field: Field.RDX, size: 0 },
    { name: "bp", field: Field.RBP, size: 0 },
    { name: "si", field: Field.RSI, size: 0 },
    { name: "di", field: Field.RDI, size: 0 },
    { name: "r8", field: Field.R8, size: 0 },
    { name: "r9", field: Field.R9, size: 0 },
    { name: "r10", field: Field.R10, size: 0 },
    { name: "r11", field: Field.R11, size: 0 },
    { name: "r12", field: Field.R12, size: 0 },
    { name: "r13", field: Field.R13, size: 0 },
    { name: "r14", field: Field.R14, size: 0 },
    { name: "r15", field: Field.R15, size: 0 },
    { name: "gdtrbase", field: Field.GDTR_BASE, size: 0 },
    { name: "gdtrlimit", field: Field.GDTR_LIMIT, size: 4 },
    { name: "idtrbase", field: Field.IDTR_BASE, size: 0 },
    { name: "idtrlimit", field: Field.IDTR_LIMIT, size: 4 },
    ..._seg("cs", Field.CS_SEL, Field.CS_BASE, Field.CS_LIMIT, Field.CS_AR),
    ..._seg("ds", Field.DS_SEL, Field.DS_BASE, Field.DS_LIMIT, Field.DS_AR),
    ..._seg("es", Field.ES_SEL, Field.ES_BASE, Field.ES_LIMIT, Field.ES_AR),
    ..._seg("fs", Field.FS_SEL, Field.FS_BASE, Field.FS_LIMIT, Field.FS_AR),
    ..._seg("gs", Field.GS_SEL, Field.GS_BASE, Field.GS_LIMIT, Field.GS_AR),
    ..._seg("ss", Field.SS_SEL, Field.SS_BASE, Field.SS_LIMIT, Field.SS_AR),
    ..._seg("tr", Field.TR_SEL, Field.TR_BASE, Field.TR_LIMIT, Field.TR_AR),
    ..._seg("ldtr", Field.LDTR_SEL, Field.LDTR_BASE, Field.LDTR_LIMIT, Field.LDTR_AR),
    { name: "cr0real", field: Field.CR0, size: 0, write: _cr0realwrite },
    { name: "cr0fake", field: Field.CR0_SHADOW, size: 0, read: _cr0fakeread },
    { name: "cr0mask", field: Field.CR0_MASK, size: 0, write: _cr0maskwrite },
    { name: "cr2", field: Field.CR2, size: 0 },
    { name: "cr3", field: Field.CR3, size: 0 },
    { name: "cr4real", field: Field.CR4, size: 0, write: _cr4realwrite },
    { name: "cr4fake", field: Field.CR4_SHADOW, size: 0, read: _cr4fakeread },
    { name: "cr4mask", field: Field.CR4_MASK, size: 0, write: _cr4maskwrite },
    { name: "pat", field: Field.PAT, size: 8 },
    { name: "efer", field: Field.EFER, size: 8, write: _eferwrite },
    { name: "dr0", field: Field.DR0, size: 0 },
    { name: "dr1", field: Field.DR1, size: 0 },
    { name: "dr2", field: Field.DR2, size: 0 },
    { name: "dr3", field: Field.DR3, size: 0 },
    { name: "dr6", field: Field.DR6, size: 0, write: _dr6write },
    { name: "xcr0", field: Field.XCR0, size: 0, write: _xcr0write },
    { name: "dr7", field: Field.DR7, size: 0, write: _dr7write },
    { name: "instructionerror", field: Field.INSTRUCTION_ERROR, size: 4, write: _readonly },
    { name: "exitreason", field: Field.EXIT_REASON, size: 4, write: _readonly },
    { name: "exitqualification", field: Field.EXIT_QUALIFICATION, size: 0, write: _readonly },
    { name: "exitinterruptinfo", field: Field.EXIT_INTR_INFO, size: 4, write: _readonly },
    { name: "exitinterruptcode", field: Field.EXIT_INTR_CODE, size: 4, write: _readonly },
    { name: "exitinstructionlen", field: Field.EXIT_INSTR_LEN, size: 4, write: _readonly },
    { name: "exitinstructioninfo", field: Field.EXIT_INSTR_INFO, size: 4, write: _readonly },
    { name: "exitva", field: Field.GUEST_LINEAR, size: 0, write: _readonly },
    { name: "exitpa", field: Field.GUEST_PHYSICAL, size: 0, write: _readonly },
    { name: "idtinterruptinfo", field: Field.IDT_VECTORING_INFO, size: 4, write: _readonly },
    { name: "idtinterruptcode", field: Field.IDT_VECTORING_CODE, size: 4, write: _readonly },
  ].map((r) => Object.freeze(r)),
);

/** A row's size in bytes, uintptr for 0. */
function _size(r: GuestReg): number {
  return r.size === 0 ? 8 : r.size;
}

/**
 * cmdgetregs: the regs file text, `name 0x...` per row, zero-padded to
 * twice the row's size in hex digits, in a 4096-byte buffer.
 */
export function cmdgetregs(gs: GuestState): string {
  const b = new Seprint(_AUXSIZE);
  for (const r of guestregs) {
    if (r.read !== undefined) {
      b.print("%s ", r.name);
      r.read(gs, b);
      b.strecpy("\n");
    } else b.print("%s %#.*llux\n", r.name, _size(r) * 2, gs.getField(r.field));
  }
  return b.text;
}

/**
 * setregs: apply `text`, records ended by the byte `rs` and split into
 * `name value` by any byte of `fs` (runs count once). Returns the bytes
 * consumed, through the last `rs`; text after it is ignored, as is
 * everything after a NUL. Empty records are skipped. A bad record throws
 * ("number of fields wrong", "unknown register", "invalid value") after the
 * records before it were applied. The regs file uses "\n" and " \t"; `go`
 * and `step` use ";" and "=".
 */
export function setregs(gs: GuestState, text: string, rs: string, fs: string): number {
  const nul = text.indexOf("\0");
  const s = nul < 0 ? text : text.slice(0, nul);
  let p = 0;
  for (;;) {
    const q = s.indexOf(rs, p);
    if (q < 0) break;
    const f = getfields(s.slice(p, q), 10, true, fs);
    p = q + 1;
    if (f.length === 0) continue;
    if (f.length !== 2) error("number of fields wrong");
    const r = guestregs.find((r) => r.name === f[0]);
    if (r === undefined) error("unknown register");
    if (r.write !== undefined) {
      r.write(gs, f[1]);
      continue;
    }
    const { value, end } = strtoull(f[1], 0);
    if (end === 0 || end !== f[1].length) error("invalid value");
    gs.setField(r.field, BigInt.asUintN(_size(r) * 8, value));
  }
  return p;
}
