import { deepEqual, equal, throws } from "node:assert/strict";
import { Field, type GuestState } from "../cpu/mod.ts";
import { MapFields } from "./testdata/fields.ts";
import { PlanError } from "../ns/mod.ts";
import { cmdgetregs, guestregs, setregs } from "./guestregs.ts";
import { errstrOf } from "../testdata/planerror.ts";

const _regs = (gs: GuestState, text: string) => setregs(gs, text, "\n", " \t");

// devvmx.c's guestregs, name and size, transcribed from the C.
const _TABLE = `pc 0 sp 0 flags 0 ax 0 bx 0 cx 0 dx 0 bp 0 si 0 di 0 r8 0 r9 0 r10 0 r11 0 r12 0
r13 0 r14 0 r15 0 gdtrbase 0 gdtrlimit 4 idtrbase 0 idtrlimit 4
cs 2 csbase 0 cslimit 4 csperm 4 ds 2 dsbase 0 dslimit 4 dsperm 4
es 2 esbase 0 eslimit 4 esperm 4 fs 2 fsbase 0 fslimit 4 fsperm 4
gs 2 gsbase 0 gslimit 4 gsperm 4 ss 2 ssbase 0 sslimit 4 ssperm 4
tr 2 trbase 0 trlimit 4 trperm 4 ldtr 2 ldtrbase 0 ldtrlimit 4 ldtrperm 4
cr0real 0 cr0fake 0 cr0mask 0 cr2 0 cr3 0 cr4real 0 cr4fake 0 cr4mask 0 pat 8 efer 8
dr0 0 dr1 0 dr2 0 dr3 0 dr6 0 xcr0 0 dr7 0 instructionerror 4 exitreason 4
exitqualification 0 exitinterruptinfo 4 exitinterruptcode 4 exitinstructionlen 4
exitinstructioninfo 4 exitva 0 exitpa 0 idtinterruptinfo 4 idtinterruptcode 4`.split(/\s+/);

Deno.test("guestregs: devvmx's rows in devvmx's order, frozen", () => {
  deepEqual(guestregs.flatMap((r) => [r.name, String(r.size)]), _TABLE);
  equal(Object.isFrozen(guestregs), true);
  equal(guestregs.every((r) => Object.isFrozen(r)), true);
  equal(new Set(guestregs.map((r) => r.field)).size, guestregs.length);
});

Deno.test("cmdgetregs: every row padded to twice its size", () => {
  const gs = new MapFields();
  gs.setField(Field.RIP, 0x100000n);
  gs.setField(Field.RFLAGS, 2n);
  gs.setField(Field.R15, 0xffffffffffffffffn);
  gs.setField(Field.CS_SEL, 8n);
  gs.setField(Field.CS_LIMIT, 0xffffffffn);
  gs.setField(Field.CS_AR, 0xc09bn);
  gs.setField(Field.LDTR_AR, 0x10000n);
  gs.setField(Field.CR0, 0x31n);
  gs.setField(Field.CR0_SHADOW, 0x31n);
  gs.setField(Field.CR0_MASK, 0xffffffff1ffafff0n);
  gs.setField(Field.CR4, 0x2040n);
  gs.setField(Field.CR4_SHADOW, 0x40n);
  gs.setField(Field.CR4_MASK, 0xffffffffffc8f040n);
  gs.setField(Field.PAT, 0x0007040600070406n);
  gs.setField(Field.XCR0, 1n);
  gs.setField(Field.EXIT_REASON, 0x80000021n);
  const text = cmdgetregs(gs);
  const lines = text.split("\n");
  equal(lines.length, guestregs.length + 1);
  equal(lines.at(-1), "");
  const want: Record<string, string> = {
    pc: "0x0000000000100000",
    flags: "0x0000000000000002",
    r15: "0xffffffffffffffff",
    cs: "0x0008",
    cslimit: "0xffffffff",
    csperm: "0x0000c09b",
    ds: "0x0000",
    gdtrlimit: "0x00000000",
    ldtrperm: "0x00010000",
    cr0real: "0x0000000000000031",
    cr0fake: "0x0000000000000031",
    cr0mask: "0xffffffff1ffafff0",
    cr4real: "0x0000000000002040",
    cr4fake: "0x0000000000000040",
    cr4mask: "0xffffffffffc8f040",
    pat: "0x0007040600070406",
    efer: "0x0000000000000000",
    xcr0: "0x0000000000000001",
    exitreason: "0x80000021",
    exitqualification: "0x0000000000000000",
    idtinterruptcode: "0x00000000",
  };
  for (const [name, v] of Object.entries(want)) {
    equal(lines.find((l) => l.startsWith(name + " ")), `${name} ${v}`, name);
  }
  equal(lines[0], "pc 0x0000000000100000");
  equal(lines[1], "sp 0x0000000000000000");
  equal(text.length, 1826);
});

Deno.test("cmdgetregs: the fake CRs show real bits outside the mask, shadow inside", () => {
  const gs = new MapFields();
  gs.setField(Field.CR0, 0x80000031n);
  gs.setField(Field.CR0_MASK, 0x80000020n);
  gs.setField(Field.CR0_SHADOW, 0x11n);
  gs.setField(Field.CR4, 0x20a0n);
  gs.setField(Field.CR4_MASK, 0x2000n);
  gs.setField(Field.CR4_SHADOW, 0n);
  const text = cmdgetregs(gs);
  equal(text.includes("\ncr0fake 0x0000000000000011\n"), true);
  equal(text.includes("\ncr4fake 0x00000000000000a0\n"), true);
});

Deno.test("setregs: generic rows, C numbers, cut to the field width", () => {
  const gs = new MapFields();
  const text = "pc 0x100000\nsp\t010\nax  -1\ncs 0x12345\ncslimit 0x1ffffffff\n" +
    "gdtrlimit 65535\npat 0x0007040600070406\nr9 18446744073709551616\n";
  equal(_regs(gs, text), text.length);
  equal(gs.getField(Field.RIP), 0x100000n);
  equal(gs.getField(Field.RSP), 8n);
  equal(gs.getField(Field.RAX), 0xffffffffffffffffn);
  equal(gs.getField(Field.CS_SEL), 0x2345n);
  equal(gs.getField(Field.CS_LIMIT), 0xffffffffn);
  equal(gs.getField(Field.GDTR_LIMIT), 0xffffn);
  equal(gs.getField(Field.PAT), 0x0007040600070406n);
  equal(gs.getField(Field.R9), 0xffffffffffffffffn);
});

Deno.test("setregs: bytes consumed through the last separator; blank records skipped", () => {
  const gs = new MapFields();
  equal(_regs(gs, "pc 1\nsp 2"), 5);
  equal(gs.getField(Field.RIP), 1n);
  equal(gs.m.has(Field.RSP), false);
  equal(_regs(gs, ""), 0);
  equal(_regs(gs, "pc 3"), 0);
  equal(_regs(gs, "\n\n \t \nbx 4\n\n"), 12);
  equal(gs.getField(Field.RBX), 4n);
  equal(_regs(gs, "  cx   5  \n"), 11);
  equal(gs.getField(Field.RCX), 5n);
  // A NUL ends the text, as the C string the kernel copied it into.
  equal(_regs(gs, "dx 6\ndi 7\0\nsi 8\n"), 5);
  equal(gs.getField(Field.RDX), 6n);
  equal(gs.m.has(Field.RSI), false);
});

Deno.test("setregs: errors, with earlier records applied", () => {
  const gs = new MapFields();
  equal(errstrOf(() => _regs(gs, "pc 1\nsp\n")), "number of fields wrong");
  equal(gs.getField(Field.RIP), 1n);
  equal(errstrOf(() => _regs(gs, "pc 1 2\n")), "number of fields wrong");
  equal(errstrOf(() => _regs(gs, "a b c d e f g h i j k l\n")), "number of fields wrong");
  equal(errstrOf(() => _regs(gs, "bx 2\nrip 1\n")), "unknown register");
  equal(gs.getField(Field.RBX), 2n);
  equal(errstrOf(() => _regs(gs, "PC 1\n")), "unknown register");
  for (const v of ["x", "0x", "1x", "0x1g", "08", " ", "1.0", "--1"]) {
    equal(
      errstrOf(() => _regs(gs, `pc ${v}\n`)),
      v === " " ? "number of fields wrong" : "invalid value",
      v,
    );
  }
  equal(gs.getField(Field.RIP), 1n);
});

Deno.test("setregs: go/step syntax, name=value;", () => {
  const gs = new MapFields();
  equal(setregs(gs, "pc=0x10;ax=3;bx=4", ";", "="), 13);
  equal(gs.getField(Field.RIP), 0x10n);
  equal(gs.getField(Field.RAX), 3n);
  equal(gs.m.has(Field.RBX), false);
  equal(setregs(gs, ";;cx==5;", ";", "="), 8);
  equal(gs.getField(Field.RCX), 5n);
  equal(errstrOf(() => setregs(gs, "pc 1;", ";", "=")), "number of fields wrong");
  equal(errstrOf(() => setregs(gs, "pc=1=2;", ";", "=")), "number of fields wrong");
});

Deno.test("cr0real and cr4real keep the host-owned bits", () => {
  const gs = new MapFields();
  gs.setField(Field.CR0, 0x31n);
  gs.setField(Field.CR4, 0x2040n);
  _regs(gs, "cr0real 0xffffffffffffffff\ncr4real 0\n");
  equal(gs.getField(Field.CR0), 0xe005000fn | 0x31n);
  equal(gs.getField(Field.CR4), 0x2040n);
  _regs(gs, "cr0real 0\ncr4real 0xffffffffffffffff\n");
  equal(gs.getField(Field.CR0), 0x30n);
  equal(gs.getField(Field.CR4), 0x2040n | 0x370fbfn);
  equal(errstrOf(() => _regs(gs, "cr0real zz\n")), "invalid value");
});

Deno.test("cr0mask and cr4mask always include the host-owned bits", () => {
  const gs = new MapFields();
  _regs(gs, "cr0mask 0x80000001\ncr4mask 0x20\n");
  equal(gs.getField(Field.CR0_MASK), 0xffffffff9ffafff1n);
  equal(gs.getField(Field.CR4_MASK), 0xffffffffffc8f060n);
  equal(errstrOf(() => _regs(gs, "cr4mask 0x\n")), "invalid value");
});

Deno.test("cr0fake and cr4fake write the shadows whole", () => {
  const gs = new MapFields();
  _regs(gs, "cr0fake 0xffffffffffffffff\ncr4fake 0x10\n");
  equal(gs.getField(Field.CR0_SHADOW), 0xffffffffffffffffn);
  equal(gs.getField(Field.CR4_SHADOW), 0x10n);
});

Deno.test("efer and cr0real update EFER.LMA and the IA-32e entry control", () => {
  const gs = new MapFields();
  gs.setField(Field.CR0, 0x31n);
  gs.setField(Field.ENTRY_CTLS, 0xd1ffn);
  _regs(gs, "efer 0x100\n");
  equal(gs.getField(Field.EFER), 0x100n);
  equal(gs.getField(Field.ENTRY_CTLS), 0xd1ffn);
  _regs(gs, "cr0real 0x80000011\n");
  equal(gs.getField(Field.CR0), 0x80000031n);
  equal(gs.getField(Field.EFER), 0x500n);
  equal(gs.getField(Field.ENTRY_CTLS), 0xd3ffn);
  // Writing 0 gives the EFER updatelma computes, so it returns early and
  // the IA-32e entry control stays set (the next entry then fails).
  _regs(gs, "efer 0\n");
  equal(gs.getField(Field.EFER), 0n);
  equal(gs.getField(Field.ENTRY_CTLS), 0xd3ffn);
  // LMA written without LME is cleared again, and the control follows.
  _regs(gs, "efer 0x400\n");
  equal(gs.getField(Field.EFER), 0n);
  equal(gs.getField(Field.ENTRY_CTLS), 0xd1ffn);
});

Deno.test("updatelma leaves the entry control alone when EFER does not change", () => {
  const gs = new MapFields();
  gs.setField(Field.CR0, 0x80000031n);
  gs.setField(Field.ENTRY_CTLS, 0xd1ffn);
  _regs(gs, "efer 0x500\n");
  equal(gs.getField(Field.EFER), 0x500n);
  equal(gs.getField(Field.ENTRY_CTLS), 0xd1ffn);
  _regs(gs, "efer 0x501\n");
  equal(gs.getField(Field.ENTRY_CTLS), 0xd1ffn);
});

Deno.test("dr6 and dr7 keep the low 32 bits; xcr0 gets x87 and the host's mask", () => {
  const gs = new MapFields();
  _regs(gs, "dr6 0x123456789\ndr7 -1\nxcr0 0\n");
  equal(gs.getField(Field.DR6), 0x23456789n);
  equal(gs.getField(Field.DR7), 0xffffffffn);
  equal(gs.getField(Field.XCR0), 1n);
  _regs(gs, "xcr0 0xff\n");
  equal(gs.getField(Field.XCR0), 7n);
  _regs(gs, "xcr0 6\n");
  equal(gs.getField(Field.XCR0), 7n);
  _regs(gs, "dr0 0x123456789\n");
  equal(gs.getField(Field.DR0), 0x123456789n);
  equal(errstrOf(() => _regs(gs, "dr7 q\n")), "invalid value");
  equal(errstrOf(() => _regs(gs, "xcr0 -\n")), "invalid value");
  equal(errstrOf(() => _regs(gs, "dr6 \t0x\n")), "invalid value");
});

Deno.test("exit-information rows are read-only: writes ignored, values unparsed", () => {
  const gs = new MapFields();
  const names = ["instructionerror", "exitreason", "exitqualification", "exitinterruptinfo"]
    .concat(["exitinterruptcode", "exitinstructionlen", "exitinstructioninfo", "exitva"])
    .concat(["exitpa", "idtinterruptinfo", "idtinterruptcode"]);
  const text = names.map((n) => `${n} garbage\n`).join("");
  equal(_regs(gs, text), text.length);
  equal(gs.m.size, 0);
});

Deno.test("setregs: throws for the bad record, not before it", () => {
  const gs = new MapFields();
  throws(() => _regs(gs, "ax 1\nbx 2\ncx three\ndx 4\n"), PlanError);
  deepEqual([gs.getField(Field.RAX), gs.getField(Field.RBX)], [1n, 2n]);
  equal(gs.m.has(Field.RCX), false);
  equal(gs.m.has(Field.RDX), false);
});
