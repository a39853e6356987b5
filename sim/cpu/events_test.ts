import { deepStrictEqual as assertEquals } from "node:assert/strict";
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
