import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { descriptor, enterReal, gdtHigh, setGdt } from "./_seg_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

const _GDT = 0x2000, _MEM = 0x3000;

// Selectors 8k: flat code, flat data, read-only data, execute-only code, readable code,
// conforming readable code, DPL 3 data, an LDT (0x38), an available 32-bit TSS (0x40),
// a busy TSS, a TSS not present, a call gate (0x58), an LDT not present (0x60).
const _DESCS: [number, number][] = [
  [0, 0],
  descriptor(0, 0xfffff, 0x9b),
  descriptor(0, 0xfffff, 0x93),
  descriptor(0, 0xfffff, 0x91),
  descriptor(0, 0xfffff, 0x99),
  descriptor(0, 0xfffff, 0x9b),
  descriptor(0, 0xfffff, 0x9f),
  descriptor(0x4000, 0x1ff, 0x82, 0),
  descriptor(0x5000, 0x67, 0x89, 0),
  descriptor(0x5000, 0x67, 0x8b, 0),
  descriptor(0x5000, 0x67, 0x09, 0),
  [0x00080000, 0x0000ec00],
  descriptor(0x4000, 0x1ff, 0x02, 0),
];

const _RING3: [Field, bigint][] = [[Field.SS_AR, 0xc0f3n], [Field.CS_AR, 0xc0fbn]];

/** Protected mode with the GDT above, `fields` set, every exception exiting; HLT after `code`. */
function _pm(code: string, fields: [Field, bigint][] = []): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code + " f4");
  setGdt(t.cpu, t.map, _GDT, _DESCS);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
  for (const [f, v] of fields) t.cpu.setField(f, v);
  return t;
}

/** 64-bit mode (identity paging at 0xa000) with the GDT above. */
function _long(code: string, fields: [Field, bigint][] = []): { cpu: Cpu; map: TestMap } {
  const t = _pm(code);
  identity4(t.map, 0xa000, 16);
  enterLong(t.cpu, 0xa000);
  for (const [f, v] of fields) t.cpu.setField(f, v);
  return t;
}

// How a run ended: "hlt", "#vector(code)", "exit reason/qualification" or "dead: message".
function _end(cpu: Cpu): string {
  const st = cpu.run(20);
  if (st === RunStatus.DEAD) return `dead: ${cpu.deadMessage}`;
  assertEquals(st, RunStatus.EXIT);
  const reason = num(cpu, Field.EXIT_REASON);
  if (reason === 12) return "hlt";
  if (reason !== 0) return `exit ${reason}/${num(cpu, Field.EXIT_QUALIFICATION).toString(16)}`;
  const info = num(cpu, Field.EXIT_INTR_INFO);
  return `#${info & 0xff}` +
    (info & 0x800 ? `(${num(cpu, Field.EXIT_INTR_CODE).toString(16)})` : "");
}

function _bytes(map: TestMap, at: number, n: number): string {
  return Array.from(map.ram.bytes.subarray(at, at + n), (b) => b.toString(16).padStart(2, "0"))
    .join(" ");
}

function _put(map: TestMap, at: number, hex: string): void {
  map.ram.bytes.set(hex.split(" ").map((x) => parseInt(x, 16)), at);
}

const _ZF = 0x40;

Deno.test("SGDT and SIDT store the limit and a 32-bit base (64-bit mode: 8 bytes), at any CPL", () => {
  const base: [Field, bigint][] = [
    [Field.GDTR_BASE, 0x12345678n],
    [Field.IDTR_BASE, 0x9abcdef0n],
    [Field.IDTR_LIMIT, 0x7ffn],
    ..._RING3,
  ];
  // sgdt [0x3000]; o16 sidt [0x3008]
  const t = _pm("0f 01 05 00 30 00 00 66 0f 01 0d 08 30 00 00", base);
  t.cpu.setField(Field.GDTR_LIMIT, 0x3ffn);
  assertEquals(_end(t.cpu), "#13(0)"); // HLT at CPL 3, after both stores
  assertEquals(_bytes(t.map, _MEM, 14), "ff 03 78 56 34 12 00 00 ff 07 f0 de bc 9a");
  const l = _long("0f 01 04 25 00 30 00 00", [[Field.GDTR_BASE, 0xffff8000_00002000n]]);
  l.cpu.setField(Field.GDTR_LIMIT, 0x67n);
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(_bytes(l.map, _MEM, 10), "67 00 00 20 00 00 00 80 ff ff");
});

Deno.test("LGDT and LIDT: 24-bit base with a 16-bit operand size, canonical 8-byte base in 64-bit mode", () => {
  const t = _pm("0f 01 15 00 30 00 00 66 0f 01 1d 00 30 00 00");
  _put(t.map, _MEM, "ff 03 78 56 34 12");
  assertEquals(_end(t.cpu), "hlt");
  assertEquals(
    [Field.GDTR_BASE, Field.GDTR_LIMIT, Field.IDTR_BASE, Field.IDTR_LIMIT].map((f) =>
      num(t.cpu, f)
    ),
    [0x12345678, 0x3ff, 0x345678, 0x3ff],
  );
  assertEquals(_end(_pm("0f 01 15 00 30 00 00", _RING3).cpu), "#13(0)");
  const l = _long("0f 01 1c 25 00 30 00 00");
  _put(l.map, _MEM, "ff 0f 00 10 00 00 00 80 ff ff");
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(l.cpu.getField(Field.IDTR_BASE), 0xffff8000_00001000n);
  assertEquals(num(l.cpu, Field.IDTR_LIMIT), 0xfff);
  const bad = _long("0f 01 14 25 00 30 00 00");
  _put(bad.map, _MEM, "ff 0f 00 10 00 00 00 80 00 00");
  assertEquals(_end(bad.cpu), "#13(0)");
  assertEquals(num(bad.cpu, Field.GDTR_BASE), _GDT);
});

Deno.test("SLDT and STR: a word in memory, zero-extended into 32- and 64-bit registers", () => {
  const t = _pm("0f 00 c0 66 0f 00 cb 0f 00 0d 00 30 00 00", [
    [Field.LDTR_SEL, 0x38n],
    [Field.TR_SEL, 0x40n],
    [Field.RAX, 0xffffffffn],
    [Field.RBX, 0xffffffffn],
  ]);
  assertEquals(_end(t.cpu), "hlt");
  assertEquals([num(t.cpu, Field.RAX), num(t.cpu, Field.RBX)], [0x38, 0xffff0040]);
  assertEquals(_bytes(t.map, _MEM, 2), "40 00");
  const l = _long("48 0f 00 c0", [[Field.LDTR_SEL, 0x38n], [Field.RAX, 0xffffffff_ffffffffn]]);
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(num(l.cpu, Field.RAX), 0x38);
  const r = _pm("0f 00 c0");
  enterReal(r.cpu);
  assertEquals(_end(r.cpu), "#6");
});

Deno.test("LLDT loads an LDT descriptor from the GDT; null makes LDTR unusable", () => {
  const t = _pm("0f 00 d0", [[Field.RAX, 0x3bn]]);
  assertEquals(_end(t.cpu), "hlt");
  const ldtr = [Field.LDTR_SEL, Field.LDTR_BASE, Field.LDTR_LIMIT, Field.LDTR_AR];
  assertEquals(ldtr.map((f) => num(t.cpu, f)), [0x3b, 0x4000, 0x1ff, 0x82]);
  assertEquals(gdtHigh(t.map, _GDT, 7) & 0x100, 0);
  const n = _pm("0f 00 d0", [[Field.RAX, 3n], [Field.LDTR_SEL, 0x38n], [Field.LDTR_AR, 0x82n]]);
  assertEquals(_end(n.cpu), "hlt");
  assertEquals([num(n.cpu, Field.LDTR_SEL), num(n.cpu, Field.LDTR_AR)], [3, 0x10000]);
  const cases: [bigint, [Field, bigint][], string][] = [
    [0x3cn, [], "#13(3c)"], // TI = 1
    [0x10n, [], "#13(10)"], // data segment
    [0x40n, [], "#13(40)"], // TSS
    [0x68n, [], "#13(68)"], // beyond the GDT limit
    [0x60n, [], "#11(60)"], // not present
    [0x38n, _RING3, "#13(0)"],
  ];
  for (const [sel, f, want] of cases) {
    const c = _pm("0f 00 d0", [[Field.RAX, sel], ...f]);
    assertEquals(_end(c.cpu), want, `selector ${sel}`);
    assertEquals(num(c.cpu, Field.LDTR_AR), 0x10000);
  }
  // Memory operand.
  const m = _pm("0f 00 15 00 30 00 00");
  _put(m.map, _MEM, "38 00");
  assertEquals(_end(m.cpu), "hlt");
  assertEquals(num(m.cpu, Field.LDTR_BASE), 0x4000);
});

Deno.test("LTR loads an available TSS and marks it busy in the GDT", () => {
  const t = _pm("0f 00 d8", [[Field.RAX, 0x40n]]);
  assertEquals(_end(t.cpu), "hlt");
  const tr = [Field.TR_SEL, Field.TR_BASE, Field.TR_LIMIT, Field.TR_AR];
  assertEquals(tr.map((f) => num(t.cpu, f)), [0x40, 0x5000, 0x67, 0x8b]);
  assertEquals(gdtHigh(t.map, _GDT, 8), 0x00008b00);
  const cases: [bigint, [Field, bigint][], string][] = [
    [0n, [], "#13(0)"],
    [0x44n, [], "#13(44)"],
    [0x48n, [], "#13(48)"], // busy
    [0x38n, [], "#13(38)"], // LDT
    [0x50n, [], "#11(50)"],
    [0x40n, _RING3, "#13(0)"],
  ];
  for (const [sel, f, want] of cases) {
    const c = _pm("0f 00 d8", [[Field.RAX, sel], ...f]);
    assertEquals(_end(c.cpu), want, `selector ${sel}`);
    assertEquals(num(c.cpu, Field.TR_SEL), 0);
  }
});

Deno.test("LTR and LLDT in IA-32e mode read 16-byte descriptors", () => {
  // 64-bit TSS at 0x40 with base bits 63:32 = 0xffff8000 (entries 8 and 9).
  const l = _long("0f 00 d8", [[Field.RAX, 0x40n]]);
  _put(l.map, _GDT + 0x48, "00 80 ff ff 00 00 00 00");
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(l.cpu.getField(Field.TR_BASE), 0xffff8000_00005000n);
  assertEquals(num(l.cpu, Field.TR_AR), 0x8b);
  const cases: [string, string][] = [
    ["00 80 00 00 00 00 00 00", "#13(40)"], // upper base not canonical
    ["00 00 00 00 00 09 00 00", "#13(40)"], // upper type not 0
  ];
  for (const [upper, want] of cases) {
    const c = _long("0f 00 d8", [[Field.RAX, 0x40n]]);
    _put(c.map, _GDT + 0x48, upper);
    assertEquals(_end(c.cpu), want);
  }
  // The last 8-byte entry cannot hold a 16-byte descriptor; 16-bit TSS types are reserved.
  assertEquals(_end(_long("0f 00 d0", [[Field.RAX, 0x60n]]).cpu), "#13(60)");
  const g = _long("0f 00 d8", [[Field.RAX, 0x40n]]);
  _put(g.map, _GDT + 0x45, "81");
  assertEquals(_end(g.cpu), "#13(40)");
  // The LDT at 0x38 takes entry 0x40 as its upper half: a TSS there has a type, so #GP.
  assertEquals(_end(_long("0f 00 d0", [[Field.RAX, 0x38n]]).cpu), "#13(38)");
  const d = _long("0f 00 d0", [[Field.RAX, 0x38n]]);
  _put(d.map, _GDT + 0x40, "00 00 00 00 00 00 00 00");
  assertEquals(_end(d.cpu), "hlt");
  assertEquals(num(d.cpu, Field.LDTR_AR), 0x82);
});

// LAR/LSL eax, ecx with ECX = sel, EAX = 0xdeadbeef before: [EAX, ZF].
function _larLsl(op: string, sel: number, fields: [Field, bigint][] = []): number[] {
  const t = _pm(op, [[Field.RCX, BigInt(sel)], [Field.RAX, 0xdeadbeefn], ...fields]);
  const end = _end(t.cpu);
  assertEquals(end, fields.length ? "#13(0)" : "hlt");
  return [num(t.cpu, Field.RAX), num(t.cpu, Field.RFLAGS) & _ZF];
}

Deno.test("LAR: access rights masked with 00F0FF00h (FF00h for 16 bits) and ZF", () => {
  const lar = "0f 02 c1";
  assertEquals(_larLsl(lar, 0x10), [0x00c09300, _ZF]);
  assertEquals(_larLsl("66 " + lar, 0x10), [0xdead9300, _ZF]);
  assertEquals(_larLsl(lar, 0x40), [0x00008900, _ZF]);
  assertEquals(_larLsl(lar, 0x58), [0x0000ec00, _ZF]); // call gate
  assertEquals(_larLsl(lar, 0), [0xdeadbeef, 0]);
  assertEquals(_larLsl(lar, 0x68), [0xdeadbeef, 0]); // beyond the limit
  assertEquals(_larLsl(lar, 0x3c), [0xdeadbeef, 0]); // LDT unusable
  // Privilege: RPL or CPL above a DPL hides the descriptor, except for conforming code.
  assertEquals(_larLsl(lar, 0x12), [0xdeadbeef, 0]);
  assertEquals(_larLsl(lar, 0x10, _RING3), [0xdeadbeef, 0]);
  assertEquals(_larLsl(lar, 0x33, _RING3), [0x00c09f00, _ZF]);
  const m = _pm("0f 02 05 00 30 00 00");
  _put(m.map, _MEM, "10 00");
  assertEquals(_end(m.cpu), "hlt");
  assertEquals(num(m.cpu, Field.RAX), 0x00c09300);
  const r = _pm(lar);
  enterReal(r.cpu);
  assertEquals(_end(r.cpu), "#6");
});

Deno.test("LAR and LSL in IA-32e mode: 64-bit destinations, legacy system types rejected", () => {
  const l = _long("48 0f 03 c1 0f 02 d1", [
    [Field.RCX, 0x40n],
    [Field.RAX, 0xffffffff_ffffffffn],
    [Field.RDX, 0x11111111_11111111n],
  ]);
  _put(l.map, _GDT + 0x5d, "84"); // the call gate becomes a 16-bit one (type 4)
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(l.cpu.getField(Field.RAX), 0x67n);
  assertEquals(l.cpu.getField(Field.RDX), 0x8900n);
  const g = _long("0f 02 c1", [[Field.RCX, 0x58n], [Field.RAX, 5n]]);
  _put(g.map, _GDT + 0x5d, "e4");
  assertEquals(_end(g.cpu), "hlt");
  assertEquals([num(g.cpu, Field.RAX), num(g.cpu, Field.RFLAGS) & _ZF], [5, 0]);
});

Deno.test("LSL: the byte-granular limit and ZF; gates have none", () => {
  const lsl = "0f 03 c1";
  assertEquals(_larLsl(lsl, 0x10), [0xffffffff, _ZF]);
  assertEquals(_larLsl(lsl, 0x40), [0x67, _ZF]);
  assertEquals(_larLsl("66 " + lsl, 0x38), [0xdead01ff, _ZF]);
  assertEquals(_larLsl(lsl, 0x58), [0xdeadbeef, 0]);
});

Deno.test("VERR and VERW: readable and writable segments from this privilege", () => {
  const cases: [number, number, number, [Field, bigint][]][] = [
    // selector, VERR ZF, VERW ZF, extra fields
    [0x10, _ZF, _ZF, []],
    [0x18, _ZF, 0, []], // read-only data
    [0x20, 0, 0, []], // execute-only code
    [0x28, _ZF, 0, []], // readable code
    [0x40, 0, 0, []], // TSS
    [0, 0, 0, []],
    [0x10, 0, 0, _RING3],
    [0x33, _ZF, 0, _RING3], // conforming readable code
  ];
  for (const [sel, r, w, f] of cases) {
    for (const [op, want] of [["0f 00 e0", r], ["0f 00 e8", w]] as const) {
      const t = _pm(op, [
        [Field.RAX, BigInt(sel)],
        [Field.RFLAGS, 0x42n | BigInt(_ZF - want)],
        ...f,
      ]);
      assertEquals(_end(t.cpu), f.length ? "#13(0)" : "hlt");
      assertEquals(num(t.cpu, Field.RFLAGS) & _ZF, want, `${op} ${sel}`);
    }
  }
  const m = _pm("0f 00 2d 00 30 00 00");
  _put(m.map, _MEM, "18 00");
  assertEquals(_end(m.cpu), "hlt");
  assertEquals(num(m.cpu, Field.RFLAGS) & _ZF, 0);
});

// CR0 0x39 (PE, MP, TS, ET, NE) with a guest/host mask and read shadow.
function _cr0(
  code: string,
  mask: bigint,
  shadow: bigint,
  more: [Field, bigint][] = [],
  mem = "",
): Cpu {
  const t = _pm(code, [[Field.CR0, 0x39n], [Field.CR0_MASK, mask], [
    Field.CR0_SHADOW,
    shadow,
  ], ...more]);
  if (mem !== "") _put(t.map, _MEM, mem);
  return t.cpu;
}

Deno.test("SMSW reads host-owned CR0 bits from the read shadow, at any CPL", () => {
  const c = _cr0("0f 01 e0 66 0f 01 e3 0f 01 25 00 30 00 00", 0xffffffff_00000028n, 0x11n, [
    [Field.RAX, 0xffffffffn],
    [Field.RBX, 0xffffffffn],
    ..._RING3,
  ]);
  assertEquals(_end(c), "#13(0)");
  assertEquals([num(c, Field.RAX), num(c, Field.RBX)], [0x11, 0xffff0011]);
  const t = _pm("0f 01 25 00 30 00 00");
  assertEquals(_end(t.cpu), "hlt");
  assertEquals(_bytes(t.map, _MEM, 2), "31 00");
  const r = _pm("0f 01 e0");
  enterReal(r.cpu);
  assertEquals(_end(r.cpu), "hlt");
  assertEquals(num(r.cpu, Field.RAX) & 0xffff, 0x30);
});

Deno.test("LMSW loads CR0 bits 3:0 but cannot clear PE; host-owned bits exit or stay", () => {
  const set = _cr0("0f 01 f0", 0n, 0x39n, [[Field.RAX, 0xfff6n]]);
  assertEquals(_end(set), "hlt");
  assertEquals(num(set, Field.CR0), 0x37);
  // TS host-owned and shadow TS = 1: a source with TS = 0 exits, qualification type 3.
  assertEquals(_end(_cr0("0f 01 f0", 8n, 8n, [[Field.RAX, 0x3n]])), "exit 28/30030");
  // PE host-owned with shadow PE = 0: setting PE exits; memory operand sets bit 6.
  assertEquals(_end(_cr0("0f 01 35 00 30 00 00", 1n, 0x38n, [], "09 00")), "exit 28/90070");
  // Host-owned bits that agree with the shadow do not exit and are left alone.
  const own = _cr0("0f 01 f0", 0xbn, 0x0n, [[Field.RAX, 0x4n]]);
  assertEquals(_end(own), "hlt");
  assertEquals(num(own, Field.CR0), 0x3d);
  assertEquals(_end(_cr0("0f 01 f0", 0n, 0x39n, _RING3)), "#13(0)");
  // Real mode: LMSW can set PE (the next instruction runs in protected mode).
  const r = _pm("0f 01 f0");
  enterReal(r.cpu);
  r.cpu.setField(Field.RAX, 1n);
  assertEquals(r.cpu.run(1), RunStatus.BUDGET);
  assertEquals(num(r.cpu, Field.CR0), 0x31);
});

Deno.test("CLTS clears a guest-owned TS; host-owned TS exits when the shadow has it", () => {
  const c = _cr0("0f 06", 0n, 0x39n);
  assertEquals(_end(c), "hlt");
  assertEquals(num(c, Field.CR0), 0x31);
  assertEquals(_end(_cr0("0f 06", 8n, 8n)), "exit 28/20");
  const kept = _cr0("0f 06", 8n, 0n);
  assertEquals(_end(kept), "hlt");
  assertEquals(num(kept, Field.CR0), 0x39);
  assertEquals(_end(_cr0("0f 06", 0n, 0x39n, _RING3)), "#13(0)");
});

Deno.test("XGETBV: #UD without CR4.OSXSAVE, XCR0 for ECX 0, #GP(0) for unknown registers", () => {
  assertEquals(_end(_pm("0f 01 d0").cpu), "#6");
  const osx: [Field, bigint][] = [[Field.CR4, 1n << 18n], [Field.XCR0, 7n]];
  const t = _pm("0f 01 d0", [...osx, [Field.RDX, 0x55n], ..._RING3]);
  assertEquals(_end(t.cpu), "#13(0)");
  assertEquals([num(t.cpu, Field.RAX), num(t.cpu, Field.RDX)], [7, 0]);
  assertEquals(_end(_pm("0f 01 d0", [...osx, [Field.RCX, 2n]]).cpu), "#13(0)");
  assertEquals(
    _end(_pm("0f 01 d0", [...osx, [Field.RCX, 1n]]).cpu),
    "dead: unimplemented XGETBV of XINUSE",
  );
});

Deno.test("WBINVD and WBNOINVD run at CPL 0 (no WBINVD exiting), #GP(0) above; RSM is #UD", () => {
  assertEquals(_end(_pm("0f 09 f3 0f 09").cpu), "hlt");
  assertEquals(_end(_pm("0f 09", _RING3).cpu), "#13(0)");
  assertEquals(_end(_pm("f3 0f 09", _RING3).cpu), "#13(0)");
  assertEquals(_end(_pm("0f aa").cpu), "#6");
});

Deno.test("SWAPGS exchanges the GS base with KERNEL_GS_BASE in 64-bit mode at CPL 0", () => {
  const l = _long("0f 01 f8", [
    [Field.GS_BASE, 0x1000n],
    [Field.KERNEL_GS_BASE, 0xffff8000_12345678n],
  ]);
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(l.cpu.getField(Field.GS_BASE), 0xffff8000_12345678n);
  assertEquals(l.cpu.getField(Field.KERNEL_GS_BASE), 0x1000n);
  assertEquals(_end(_pm("0f 01 f8").cpu), "#6");
  assertEquals(
    _end(_long("0f 01 f8", [[Field.SS_AR, 0xc0f3n], [Field.CS_AR, 0xa0fbn]]).cpu),
    "#13(0)",
  );
});

Deno.test("RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE: CR4.FSGSBASE, canonical bases", () => {
  const cr4: [Field, bigint][] = [[Field.CR4, 0x10020n]];
  // rdfsbase rax; rdgsbase ecx; wrfsbase rdx; wrgsbase ebx
  const l = _long("f3 48 0f ae c0 f3 0f ae c9 f3 48 0f ae d2 f3 0f ae db", [
    ...cr4,
    [Field.FS_BASE, 0xffff8000_00001000n],
    [Field.GS_BASE, 0x12345678_9abcdef0n],
    [Field.RCX, 0xffffffff_ffffffffn],
    [Field.RDX, 0x00007fff_00000010n],
    [Field.RBX, 0xffffffff_00000020n],
  ]);
  assertEquals(_end(l.cpu), "hlt");
  assertEquals(l.cpu.getField(Field.RAX), 0xffff8000_00001000n);
  assertEquals(l.cpu.getField(Field.RCX), 0x9abcdef0n);
  assertEquals(l.cpu.getField(Field.FS_BASE), 0x00007fff_00000010n);
  assertEquals(l.cpu.getField(Field.GS_BASE), 0x20n);
  assertEquals(_end(_long("f3 0f ae c0").cpu), "#6");
  const bad = _long("f3 48 0f ae d0", [...cr4, [Field.RAX, 0x00008000_00000000n]]);
  assertEquals(_end(bad.cpu), "#13(0)");
  assertEquals(_end(_pm("f3 0f ae c0", [[Field.CR4, 0x10000n]]).cpu), "#6");
});

Deno.test("controls devvmx leaves 0: when set, WBINVD and RDPMC exit and descriptor-table exiting ends the run", () => {
  const ctls2 = (v: bigint): [Field, bigint][] => [[Field.PROCBASED_CTLS2, v]];
  assertEquals(_end(_pm("0f 09", ctls2(0x40n)).cpu), "exit 54/0");
  assertEquals(_end(_pm("0f 09", [...ctls2(0x40n), ..._RING3]).cpu), "#13(0)");
  for (const code of ["0f 01 05 00 30 00 00", "0f 01 15 00 30 00 00", "0f 00 c0", "0f 00 d8"]) {
    assertEquals(_end(_pm(code, ctls2(4n)).cpu), "dead: unimplemented descriptor-table exiting");
  }
  assertEquals(_end(_pm("0f 02 c1", ctls2(4n)).cpu), "hlt");
});

Deno.test("RDPMC: #GP(0) above CPL 0 without CR4.PCE, an exit with RDPMC exiting, else unmodeled", () => {
  assertEquals(_end(_pm("0f 33", _RING3).cpu), "#13(0)");
  assertEquals(_end(_pm("0f 33", [[Field.PROCBASED_CTLS, 0x800n]]).cpu), "exit 15/0");
  const pce: [Field, bigint][] = [[Field.CR4, 0x100n], [Field.PROCBASED_CTLS, 0x800n], ..._RING3];
  assertEquals(_end(_pm("0f 33", pce).cpu), "exit 15/0");
  assertEquals(_end(_pm("0f 33").cpu), "dead: unimplemented RDPMC");
});

Deno.test("CLAC and STAC change RFLAGS.AC at CPL 0 and are #UD above", () => {
  const t = _pm("0f 01 cb");
  assertEquals(_end(t.cpu), "hlt");
  assertEquals(num(t.cpu, Field.RFLAGS), 0x40002);
  const c = _pm("0f 01 ca", [[Field.RFLAGS, 0x40002n]]);
  assertEquals(_end(c.cpu), "hlt");
  assertEquals(num(c.cpu, Field.RFLAGS), 2);
  assertEquals(_end(_pm("0f 01 cb", _RING3).cpu), "#6");
});

Deno.test("INVPCID, XSAVES and XRSTORS are #UD without their enable controls", () => {
  const cases: [string, bigint, string][] = [
    ["66 0f 38 82 00", 0x1000n, 'dead: unimplemented INVPCID with "enable INVPCID" set'],
    ["0f c7 28", 0x100000n, 'dead: unimplemented XSAVES/XRSTORS with "enable XSAVES/XRSTORS" set'],
    ["0f c7 18", 0x100000n, 'dead: unimplemented XSAVES/XRSTORS with "enable XSAVES/XRSTORS" set'],
  ];
  for (const [code, ctl, dead] of cases) {
    assertEquals(_end(_pm(code).cpu), "#6");
    assertEquals(_end(_pm(code, [[Field.PROCBASED_CTLS2, ctl]]).cpu), dead);
  }
});
