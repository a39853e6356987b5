import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4, setEntry } from "./_paging_testing.ts";
import { cpuWith, hexBytes, num, type TestMap } from "./_testing.ts";
import { type Cpu, PROCB_MONTRAP, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

const _GDT = 0x6000, _IDT = 0x7000;

function _u32(map: TestMap, at: number): number {
  return new DataView(map.ram.bytes.buffer).getUint32(at, true);
}

function _set32(map: TestMap, at: number, v: number): void {
  new DataView(map.ram.bytes.buffer).setUint32(at, v >>> 0, true);
}

/** Protected mode with a flat code segment at selector 8 and gates (vector, handler, type byte). */
function _pm(
  code: string,
  gates: [number, number, number][],
  idtLimit = 0x1ff,
): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code);
  const { cpu, map } = t;
  _set32(map, _GDT + 8, 0x0000ffff);
  _set32(map, _GDT + 12, 0x00cf9a00);
  for (const [v, off, type] of gates) {
    _set32(map, _IDT + v * 8, (8 << 16) | (off & 0xffff));
    _set32(map, _IDT + v * 8 + 4, (off & 0xffff0000) | (type << 8));
  }
  cpu.setField(Field.GDTR_BASE, BigInt(_GDT));
  cpu.setField(Field.GDTR_LIMIT, 0x17n);
  cpu.setField(Field.IDTR_BASE, BigInt(_IDT));
  cpu.setField(Field.IDTR_LIMIT, BigInt(idtLimit));
  cpu.setField(Field.CS_SEL, 8n);
  cpu.setField(Field.RFLAGS, 0x202n);
  map.ram.bytes.set(hexBytes("f4"), 0x3000);
  map.ram.bytes.set(hexBytes("f4"), 0x3100);
  return t;
}

function _stack(cpu: Cpu, map: TestMap, n: number): number[] {
  const sp = num(cpu, Field.RSP);
  return Array.from({ length: n }, (_, k) => _u32(map, sp + 4 * k));
}

Deno.test("protected mode: #UD through a trap gate, same privilege, no error code", () => {
  const { cpu, map } = _pm("0f 0b", [[6, 0x3000, 0x8f]]);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), num(cpu, Field.RSP)], [
    12,
    0x3000,
    0x8000 - 12,
  ]);
  assertEquals(_stack(cpu, map, 3), [0x1000, 8, 0x202]);
  assertEquals([num(cpu, Field.CS_SEL), num(cpu, Field.CS_AR), num(cpu, Field.RFLAGS)], [
    8,
    0xc09b,
    0x202,
  ]);
  assertEquals(map.ram.bytes[_GDT + 13], 0x9b);
});

Deno.test("protected mode: #GP(0) through an interrupt gate pushes the code and clears IF", () => {
  const { cpu, map } = _pm("a1 00 20 00 00", [[13, 0x3000, 0x8e]]);
  cpu.setField(Field.DS_LIMIT, 0xfffn);
  cpu.setField(Field.RFLAGS, 0x302n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(_stack(cpu, map, 4), [0, 0x1000, 8, 0x302]);
  assertEquals(num(cpu, Field.RFLAGS), 0x2);
});

Deno.test("nested faults: benign then contributory is serial; contributory twice is #DF; then triple fault", () => {
  const serial = _pm("0f 0b", [[6, 0x3000, 0x0e], [11, 0x3100, 0x8e]]);
  assertEquals(serial.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(serial.cpu, Field.RIP), _stack(serial.cpu, serial.map, 2)], [0x3100, [
    0x33,
    0x1000,
  ]]);
  const df = _pm("a1 00 20 00 00", [[13, 0x3000, 0x0e], [8, 0x3100, 0x8e]]);
  df.cpu.setField(Field.DS_LIMIT, 0xfffn);
  assertEquals(df.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(df.cpu, Field.RIP), _stack(df.cpu, df.map, 2)], [0x3100, [0, 0x1000]]);
  const tf = _pm("a1 00 20 00 00", [[13, 0x3000, 0x0e], [8, 0x3100, 0x0e]]);
  tf.cpu.setField(Field.DS_LIMIT, 0xfffn);
  assertEquals(tf.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.IDT_VECTORING_INFO, Field.RIP].map((f) => num(tf.cpu, f)),
    [2, 0, 0x1000],
  );
});

Deno.test("a fault during delivery that exits records the event being delivered", () => {
  const { cpu } = _pm("0f 0b", [], 0x2f);
  cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.IDT_VECTORING_INFO].map((
      f,
    ) => num(cpu, f)),
    [0, 0x80000b0d, 0x33, 0x80000306],
  );
  // A double fault that exits directly is not "during delivery".
  const d = _pm("a1 00 20 00 00", [[13, 0x3000, 0x0e]]);
  d.cpu.setField(Field.DS_LIMIT, 0xfffn);
  d.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 8n);
  assertEquals(d.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.IDT_VECTORING_INFO].map((f) =>
      num(d.cpu, f)
    ),
    [0x80000b08, 0, 0],
  );
  // An EPT violation reading the IDT.
  const e = _pm("0f 0b", [[6, 0x3000, 0x8f]]);
  e.map.attr[7] = 0;
  assertEquals(e.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.EXIT_QUALIFICATION, Field.GUEST_PHYSICAL, Field.IDT_VECTORING_INFO]
      .map((f) => num(e.cpu, f)),
    [48, 0x181, 0x7030, 0x80000306],
  );
});

Deno.test("real mode: delivery through the IVT", () => {
  const { cpu, map } = cpuWith("0f 0b");
  cpu.setField(Field.CR0, 0x30n);
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.CS_LIMIT, 0xffffn);
  cpu.setField(Field.SS_AR, 0x93n);
  cpu.setField(Field.IDTR_LIMIT, 0x3ffn);
  cpu.setField(Field.RFLAGS, 0x302n);
  _set32(map, 6 * 4, 0x01002000);
  map.ram.bytes[0x3000] = 0xf4;
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.RIP, Field.CS_SEL, Field.CS_BASE, Field.RSP, Field.RFLAGS].map((f) =>
      num(cpu, f)
    ),
    [12, 0x2000, 0x100, 0x1000, 0x7ffa, 0x2],
  );
  const dv = new DataView(map.ram.bytes.buffer);
  assertEquals(
    [dv.getUint16(0x7ffa, true), dv.getUint16(0x7ffc, true), dv.getUint16(0x7ffe, true)],
    [
      0x1000,
      0,
      0x302,
    ],
  );
});

Deno.test("injection: external and software interrupts, exceptions with codes, not subject to the bitmap", () => {
  const ext = _pm("90", [[0x20, 0x3000, 0x8e]]);
  ext.cpu.inject(0x80000020, 0, 0);
  assertEquals(ext.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(ext.cpu, Field.RIP), _stack(ext.cpu, ext.map, 1)], [0x3000, [0x1000]]);
  const sw = _pm("cd 21", [[0x21, 0x3000, 0x8e]]);
  sw.cpu.inject(0x80000421, 0, 2);
  assertEquals(sw.cpu.run(10), RunStatus.EXIT);
  assertEquals(_stack(sw.cpu, sw.map, 1), [0x1002]);
  const gp = _pm("90", [[13, 0x3000, 0x8e]]);
  gp.cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
  gp.cpu.inject(0x80000b0d, 0x1234, 0);
  assertEquals(gp.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(gp.cpu, Field.EXIT_REASON), _stack(gp.cpu, gp.map, 2)], [12, [0x1234, 0x1000]]);
  // MTF: exit before the handler's first instruction; a halted vCPU wakes up.
  const m = _pm("90", [[0x20, 0x3000, 0x8e]]);
  m.cpu.setField(Field.PROCBASED_CTLS, BigInt(PROCB_MONTRAP));
  m.cpu.setField(Field.ACTIVITY, 1n);
  m.cpu.inject(0x80000020, 0, 0);
  assertEquals(m.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(m.cpu, Field.EXIT_REASON), num(m.cpu, Field.RIP), num(m.cpu, Field.ACTIVITY)], [
    37,
    0x3000,
    0,
  ]);
  const n = _pm("90", []);
  n.cpu.inject(0x80000202, 0, 0);
  assertEquals([n.cpu.run(10), n.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented injection of type 2",
  ]);
});

Deno.test("unmodeled delivery paths fail loudly", () => {
  const task = _pm("0f 0b", [[6, 0x3000, 0x85]]);
  assertEquals([task.cpu.run(10), task.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented task gate",
  ]);
  const ring3 = _pm("0f 0b", [[6, 0x3000, 0x8e]]);
  ring3.cpu.setField(Field.SS_AR, 0xc0f3n);
  ring3.cpu.setField(Field.CS_AR, 0xc0fbn);
  assertEquals([ring3.cpu.run(10), ring3.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented interrupt to an inner privilege level",
  ]);
});

Deno.test("a fault during delivery meets the bitmap before it would make #DF", () => {
  // #GP(0), then its gate is not present: #NP(0x6b), contributory on contributory.
  const np = _pm("a1 00 20 00 00", [[13, 0x3000, 0x0e]]);
  np.cpu.setField(Field.DS_LIMIT, 0xfffn);
  np.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 11n);
  assertEquals(np.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.IDT_VECTORING_INFO, Field.IDT_VECTORING_CODE]
      .map((f) => num(np.cpu, f)),
    [0x80000b0b, 0x6b, 0x80000b0d, 0],
  );
  // A stack fault pushing the frame of a hardware exception has EXT set.
  const ss = _pm("0f 0b", [[6, 0x3000, 0x8e]]);
  ss.cpu.setField(Field.SS_LIMIT, 0x7ffen);
  ss.cpu.setField(Field.SS_AR, 0x4093n);
  ss.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 12n);
  assertEquals(ss.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.IDT_VECTORING_INFO].map((f) =>
      num(ss.cpu, f)
    ),
    [0x80000b0c, 1, 0x80000306],
  );
});

const _ROOT = 0x10000;

/** 64-bit mode with a 64-bit code segment at selector 8 (descriptor high `dhi`) and 16-byte gates. */
function _lm(
  code: string,
  gates: [number, bigint, number][],
  dhi = 0x00af9a00,
): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  const { cpu, map } = t;
  identity4(map, _ROOT, 64);
  setEntry(map, _ROOT + 511 * 8, (_ROOT + 0x1000) | 7);
  enterLong(cpu, _ROOT);
  _set32(map, _GDT + 8, 0x0000ffff);
  _set32(map, _GDT + 12, dhi);
  for (const [v, off, type] of gates) {
    const lo = Number(off & 0xffffffffn);
    setEntry(map, _IDT + v * 16, (8 << 16) | (lo & 0xffff), (lo & 0xffff0000) | (type << 8));
    setEntry(map, _IDT + v * 16 + 8, Number(off >> 32n), 0);
  }
  cpu.setField(Field.GDTR_BASE, BigInt(_GDT));
  cpu.setField(Field.GDTR_LIMIT, 0x17n);
  cpu.setField(Field.IDTR_BASE, BigInt(_IDT));
  cpu.setField(Field.IDTR_LIMIT, 0xfffn);
  cpu.setField(Field.CS_SEL, 8n);
  cpu.setField(Field.RFLAGS, 0x202n);
  cpu.setField(Field.RSP, 0x8008n);
  map.ram.bytes.set(hexBytes("f4"), 0x3000);
  return t;
}

function _stack64(cpu: Cpu, map: TestMap, n: number): bigint[] {
  const dv = new DataView(map.ram.bytes.buffer), sp = num(cpu, Field.RSP);
  return Array.from({ length: n }, (_, k) => dv.getBigUint64(sp + 8 * k, true));
}

Deno.test("IA-32e mode: a page fault through a 64-bit gate: CR2, aligned stack, SS:RSP pushed", () => {
  const { cpu, map } = _lm("8b 04 25 00 50 00 00", [[14, 0x3000n, 0x8e]]);
  setEntry(map, _ROOT + 0x3000 + 5 * 8, 0);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.RIP, Field.RSP, Field.CR2, Field.RFLAGS, Field.CS_AR].map((f) =>
      num(cpu, f)
    ),
    [12, 0x3000, 0x7fd0, 0x5000, 0x2, 0xa09b],
  );
  assertEquals(_stack64(cpu, map, 6), [0n, 0x1000n, 8n, 0x202n, 0x8008n, 0n]);
  assertEquals(map.ram.bytes[_GDT + 13], 0x9b);
  // A handler in the upper half; a trap gate keeps IF; #UD has no error code.
  const hi = _lm("0f 0b", [[6, 0xffffff8000003000n, 0x8f]]);
  assertEquals(hi.cpu.run(10), RunStatus.EXIT);
  assertEquals(hi.cpu.getField(Field.RIP), 0xffffff8000003000n);
  assertEquals([num(hi.cpu, Field.RFLAGS), num(hi.cpu, Field.RSP)], [0x202, 0x7fd8]);
  assertEquals(_stack64(hi.cpu, hi.map, 2), [0x1000n, 8n]);
});

Deno.test("IA-32e mode: gate and code-segment checks; IST fails loudly", () => {
  const bitmapGp = (cpu: Cpu) => {
    cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
    assertEquals(cpu.run(10), RunStatus.EXIT);
    return [Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.IDT_VECTORING_INFO].map((f) =>
      num(cpu, f)
    );
  };
  // A call gate (type 0xc) is no interrupt or trap gate: #GP(vector * 8 + 2 + EXT).
  assertEquals(bitmapGp(_lm("0f 0b", [[6, 0x3000n, 0x8c]]).cpu), [0x80000b0d, 0x33, 0x80000306]);
  // EXT is clear for INT3 (and INT n, INTO) but set for INT1, a privileged software exception.
  assertEquals(bitmapGp(_lm("cc", [[3, 0x3000n, 0x8c]]).cpu), [0x80000b0d, 0x1a, 0x80000603]);
  assertEquals(bitmapGp(_lm("f1", [[1, 0x3000n, 0x8c]]).cpu), [0x80000b0d, 0x0b, 0x80000501]);
  // The target must be 64-bit code (L = 1, D = 0).
  assertEquals(bitmapGp(_lm("0f 0b", [[6, 0x3000n, 0x8e]], 0x00cf9a00).cpu), [
    0x80000b0d,
    9,
    0x80000306,
  ]);
  // A non-canonical handler address.
  assertEquals(bitmapGp(_lm("0f 0b", [[6, 0x800000003000n, 0x8e]]).cpu), [
    0x80000b0d,
    1,
    0x80000306,
  ]);
  const ist = _lm("0f 0b", [[6, 0x3000n, 0x8e]]);
  setEntry(ist.map, _IDT + 6 * 16, (8 << 16) | 0x3000, 0x8e01);
  assertEquals([ist.cpu.run(10), ist.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented interrupt stack table",
  ]);
});

Deno.test("16-bit gates push a 16-bit frame", () => {
  const { cpu, map } = _pm("0f 0b", [[6, 0x3000, 0x87]]);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RIP), num(cpu, Field.RSP), num(cpu, Field.RFLAGS)], [
    0x3000,
    0x8000 - 6,
    0x202,
  ]);
  const dv = new DataView(map.ram.bytes.buffer);
  assertEquals([0, 2, 4].map((k) => dv.getUint16(0x8000 - 6 + k, true)), [0x1000, 8, 0x202]);
});

Deno.test("IA-32e mode: #PF whose gate is not present becomes #DF through a 64-bit gate, then a triple fault", () => {
  const df = _lm("8b 04 25 00 50 00 00", [[14, 0x3000n, 0x0e], [8, 0x3000n, 0x8e]]);
  setEntry(df.map, _ROOT + 0x3000 + 5 * 8, 0);
  assertEquals(df.cpu.run(10), RunStatus.EXIT);
  assertEquals([Field.EXIT_REASON, Field.RIP, Field.RSP, Field.CR2].map((f) => num(df.cpu, f)), [
    12,
    0x3000,
    0x7fd0,
    0x5000,
  ]);
  assertEquals(_stack64(df.cpu, df.map, 6), [0n, 0x1000n, 8n, 0x202n, 0x8008n, 0n]);
  const tf = _lm("8b 04 25 00 50 00 00", [[14, 0x3000n, 0x0e], [8, 0x3000n, 0x0e]]);
  setEntry(tf.map, _ROOT + 0x3000 + 5 * 8, 0);
  assertEquals(tf.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.IDT_VECTORING_INFO, Field.RIP].map((f) => num(tf.cpu, f)),
    [
      2,
      0,
      0x1000,
    ],
  );
});

Deno.test("a page fault while delivering a page fault makes #DF; CR2 holds the second address", () => {
  // The stack page is not present either: pushing the #PF frame faults at 0x8ff8.
  const { cpu, map } = _lm("8b 04 25 00 50 00 00", [[14, 0x3000n, 0x8e]]);
  setEntry(map, _ROOT + 0x3000 + 5 * 8, 0);
  setEntry(map, _ROOT + 0x3000 + 8 * 8, 0);
  cpu.setField(Field.RSP, 0x9008n);
  cpu.setField(Field.EXCEPTION_BITMAP, 1n << 8n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_INTR_INFO, Field.EXIT_INTR_CODE, Field.CR2, Field.RSP].map((f) => num(cpu, f)),
    [0x80000b08, 0, 0x8ff8, 0x9008],
  );
});

Deno.test("IA-32e mode: INT n ending across 4 GiB pushes a return RIP that carried into bit 32", () => {
  // Linear page 0xfffff000 is guest-physical 0x2000; INT 20h fills its last two bytes.
  const { cpu, map } = _lm("90", [[0x20, 0x3000n, 0x8e]]);
  setEntry(map, _ROOT + 0x1000 + 3 * 8, 0x14007);
  setEntry(map, 0x14000 + 511 * 8, 0x15007);
  setEntry(map, 0x15000 + 511 * 8, 0x2007);
  map.ram.bytes.set(hexBytes("cd 20"), 0x2ffe);
  cpu.setField(Field.RIP, 0xfffffffen);
  assertEquals(cpu.run(10), RunStatus.EXIT, cpu.deadMessage);
  assertEquals(_stack64(cpu, map, 2), [0x1_0000_0000n, 8n]);
});
