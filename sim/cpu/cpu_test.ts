import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4, setEntry } from "./_paging_testing.ts";
import { enterReal } from "./_seg_testing.ts";
import { cpuWith, hexBytes, num } from "./_testing.ts";
import { type Cpu, PROCB_IRQWIN, PROCB_MONTRAP, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

Deno.test("run: budget, retired count, HLT exit leaves RIP at the HLT", () => {
  const { cpu } = cpuWith("b8 05 00 00 00 83 c0 03 b9 0a 00 00 00 49 75 fd f4");
  assertEquals(cpu.run(3), RunStatus.BUDGET);
  assertEquals([cpu.retired, num(cpu, Field.RIP)], [3, 0x100d]);
  assertEquals(cpu.run(0), RunStatus.BUDGET);
  assertEquals(cpu.run(1000), RunStatus.EXIT);
  assertEquals([
    num(cpu, Field.EXIT_REASON),
    num(cpu, Field.EXIT_QUALIFICATION),
    num(cpu, Field.EXIT_INSTR_LEN),
  ], [
    12,
    0,
    1,
  ]);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX), num(cpu, Field.RIP), cpu.retired], [
    8,
    0,
    0x1010,
    23,
  ]);
  assertEquals(num(cpu, Field.RFLAGS), 0x46);
});

Deno.test("fields: stored as written, cut to the VMCS width", () => {
  const { cpu } = cpuWith("90");
  cpu.setField(Field.RAX, 0x1122334455667788n);
  cpu.setField(Field.CS_SEL, 0x12345n);
  cpu.setField(Field.CS_LIMIT, 0x1_0000_ffffn);
  cpu.setField(Field.EXCEPTION_BITMAP, 0xffff_ffff_0000_0001n);
  cpu.setField(Field.CR3, 0xffff_0000_1234_5000n);
  cpu.setField(Field.LSTAR, 0xffff_8000_0000_1000n);
  assertEquals(
    [Field.RAX, Field.CS_SEL, Field.CS_LIMIT, Field.EXCEPTION_BITMAP, Field.CR3, Field.LSTAR].map((
      f,
    ) => cpu.getField(f)),
    [0x1122334455667788n, 0x2345n, 0xffffn, 1n, 0xffff_0000_1234_5000n, 0xffff_8000_0000_1000n],
  );
  cpu.setField(Field.RFLAGS, 0x2n);
  cpu.setField(Field.RIP, 0xf0100000n);
  assertEquals([cpu.getField(Field.RFLAGS), cpu.getField(Field.RIP)], [2n, 0xf0100000n]);
  // The initial state is devvmx's vmcsinit: flat 32-bit ring-0 code, busy TSS, unusable LDTR.
  const fresh = cpuWith("90").cpu;
  assertEquals(
    [
      Field.CS_AR,
      Field.DS_AR,
      Field.LDTR_AR,
      Field.TR_AR,
      Field.TR_LIMIT,
      Field.EXCEPTION_BITMAP,
      Field.PAT,
    ].map((
      f,
    ) => fresh.getField(f)),
    [0xc09bn, 0xc093n, 0x10000n, 0x8bn, 0xffffn, 0x40002n, 0x0007040600070406n],
  );
});

Deno.test("monitor trap flag: exit 37 after each instruction", () => {
  const { cpu } = cpuWith("90 90 f4");
  cpu.setField(Field.PROCBASED_CTLS, BigInt(PROCB_MONTRAP));
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), cpu.retired], [37, 0x1001, 1]);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), cpu.retired], [37, 0x1002, 2]);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP)], [12, 0x1002]);
});

Deno.test("RFLAGS.TF: single-step #DB exits (bitmap) with BS; MTF comes first", () => {
  const { cpu } = cpuWith("90 90");
  cpu.setField(Field.RFLAGS, 0x102n);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(
    [
      Field.EXIT_REASON,
      Field.EXIT_INTR_INFO,
      Field.EXIT_QUALIFICATION,
      Field.EXIT_INSTR_LEN,
      Field.RIP,
    ].map((f) => num(cpu, f)),
    [0, 0x80000301, 0x4000, 0, 0x1001],
  );
  const b = cpuWith("90 90").cpu;
  b.setField(Field.RFLAGS, 0x102n);
  b.setField(Field.PROCBASED_CTLS, BigInt(PROCB_MONTRAP));
  assertEquals(b.run(100), RunStatus.EXIT);
  assertEquals([num(b, Field.EXIT_REASON), num(b, Field.PENDING_DBG)], [37, 0x4000]);
  b.setField(Field.PROCBASED_CTLS, 0n);
  assertEquals(b.run(100), RunStatus.EXIT);
  assertEquals([
    num(b, Field.EXIT_REASON),
    num(b, Field.EXIT_QUALIFICATION),
    num(b, Field.PENDING_DBG),
  ], [0, 0x4000, 0]);
});

Deno.test("interrupt window: exits as soon as IF = 1 and STI blocking is over", () => {
  const { cpu } = cpuWith("fb 90 90 f4");
  cpu.setField(Field.PROCBASED_CTLS, BigInt(PROCB_IRQWIN));
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([
    num(cpu, Field.EXIT_REASON),
    num(cpu, Field.RIP),
    cpu.retired,
    num(cpu, Field.INTERRUPTIBILITY),
  ], [
    7,
    0x1002,
    2,
    0,
  ]);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(num(cpu, Field.RIP), 0x1002);
  // Blocking written by the VMM holds off the window for one instruction.
  const b = cpuWith("90 90").cpu;
  b.setField(Field.RFLAGS, 0x202n);
  b.setField(Field.INTERRUPTIBILITY, 1n);
  b.setField(Field.PROCBASED_CTLS, BigInt(PROCB_IRQWIN));
  assertEquals(b.run(100), RunStatus.EXIT);
  assertEquals([num(b, Field.EXIT_REASON), num(b, Field.RIP)], [7, 0x1001]);
  // STI; HLT exits with blocking by STI still in effect.
  const c = cpuWith("fb f4").cpu;
  assertEquals(c.run(100), RunStatus.EXIT);
  assertEquals([num(c, Field.EXIT_REASON), num(c, Field.INTERRUPTIBILITY), num(c, Field.RFLAGS)], [
    12,
    1,
    0x202,
  ]);
});

Deno.test("DEAD is sticky; unmodeled modes and activity states fail loudly", () => {
  const { cpu } = cpuWith("0f 34"); // SYSENTER: not executed
  assertEquals(cpu.run(10), RunStatus.DEAD);
  assertEquals(cpu.deadMessage, "unimplemented instruction 0f 34 at 0x1000");
  assertEquals(cpu.run(10), RunStatus.DEAD);
  const l = cpuWith("90").cpu;
  l.setField(Field.EFER, 0x500n);
  l.setField(Field.CS_AR, 0xa09bn);
  assertEquals([l.run(1), l.deadMessage], [
    RunStatus.DEAD,
    "unimplemented IA-32e mode without paging",
  ]);
  const v = cpuWith("90").cpu;
  v.setField(Field.RFLAGS, 0x20002n);
  assertEquals([v.run(1), v.deadMessage], [RunStatus.DEAD, "unimplemented virtual-8086 mode"]);
  const h = cpuWith("90").cpu;
  h.setField(Field.ACTIVITY, 1n);
  assertEquals([h.run(1), h.deadMessage], [RunStatus.DEAD, "unimplemented activity state 1"]);
  const p = cpuWith("a1 00 50 00 00").cpu;
  p.setField(Field.CR0, 0x80000031n);
  p.setField(Field.CR4, 0x20n);
  assertEquals([p.run(1), p.deadMessage], [
    RunStatus.DEAD,
    "unimplemented PAE paging entered with PDPTEs from the VMCS guest-state area",
  ]);
});

Deno.test("instructions decoded but not executed name their bytes and the PC", () => {
  const cases: [string, string][] = [
    ["c5 f8 77", "unimplemented instruction c5 f8 77 at 0x1000"],
    ["66 0f 38 00 c1", "unimplemented instruction 66 0f 38 00 c1 at 0x1000"],
    ["d9 e8", "unimplemented instruction d9 e8 at 0x1000"],
  ];
  for (const [code, msg] of cases) {
    const { cpu } = cpuWith(code);
    assertEquals([cpu.run(5), cpu.deadMessage], [RunStatus.DEAD, msg]);
  }
  const hi = cpuWith("90 0f 34", 0x2fff).cpu;
  assertEquals([hi.run(5), hi.deadMessage], [
    RunStatus.DEAD,
    "unimplemented instruction 0f 34 at 0x3000",
  ]);
});

Deno.test("RDTSC counts retired instructions", () => {
  const { cpu } = cpuWith("90 90 0f 31 f4");
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RDX)], [2, 0]);
});

/**
 * 64-bit code straddling the 4-GiB line: linear page 0xfffff000 is guest-physical 0x2000 and
 * 0x1_0000_0000 is 0x3000. At 0xfffffffd: mov eax, 1 (ends past the line); at 0x1_0000_0002:
 * inc ecx; cmp ecx, 3; jne 0xfffffffd; lea rax, [rip]; hlt.
 */
function _acrossFourGiB(jitAfter: number): Cpu {
  const { cpu, map } = cpuWith("", 0x1000, { pages: 32, jitAfter });
  identity4(map, 0x10000, 32);
  setEntry(map, 0x11000 + 3 * 8, 0x14007);
  setEntry(map, 0x14000 + 511 * 8, 0x15007);
  setEntry(map, 0x15000 + 511 * 8, 0x2007);
  setEntry(map, 0x11000 + 4 * 8, 0x16007);
  setEntry(map, 0x16000, 0x17007);
  setEntry(map, 0x17000, 0x3007);
  map.ram.bytes.set(hexBytes("b8 01 00"), 0x2ffd);
  map.ram.bytes.set(hexBytes("00 00 ff c1 83 f9 03 75 f4 48 8d 05 00 00 00 00 f4"), 0x3000);
  enterLong(cpu, 0x10000);
  cpu.setField(Field.RIP, 0xfffffffdn);
  return cpu;
}

Deno.test("64-bit RIP carries into bits 63:32 when code runs across 4 GiB", () => {
  for (const jitAfter of [Infinity, 1]) {
    const cpu = _acrossFourGiB(jitAfter);
    assertEquals(cpu.run(1), RunStatus.BUDGET, cpu.deadMessage);
    assertEquals([cpu.getField(Field.RIP), cpu.retired], [0x1_0000_0002n, 1]);
    assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
    assertEquals(
      [Field.EXIT_REASON, Field.RIP, Field.RAX, Field.RCX].map((f) => cpu.getField(f)),
      [12n, 0x1_0000_0010n, 0x1_0000_0010n, 3n],
    );
    assertEquals(cpu.retired, 13);
  }
});

Deno.test("a block link is not followed after INVLPG: the new translation is used", () => {
  // 1000: mov [0x13010], eax (PTE of linear page 2); invlpg [0x2000]; jmp 2000.
  // 2000: add eax, 0x800; jmp 1000.  3000: mov eax, 2; hlt.
  // The PTE is 0x2007, then 0x2807 (the same page: bit 11 is ignored), then 0x3007.
  for (const jitAfter of [Infinity, 1]) {
    const { cpu, map } = cpuWith(
      "89 04 25 10 30 01 00 0f 01 3c 25 00 20 00 00 e9 ec 0f 00 00",
      0x1000,
      { pages: 32, jitAfter },
    );
    identity4(map, 0x10000, 32);
    map.ram.bytes.set(hexBytes("05 00 08 00 00 e9 f6 ef ff ff"), 0x2000);
    map.ram.bytes.set(hexBytes("b8 02 00 00 00 f4"), 0x3000);
    enterLong(cpu, 0x10000);
    cpu.setField(Field.RAX, 0x2007n);
    assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
    assertEquals(
      [num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), num(cpu, Field.RAX), cpu.retired],
      [12, 0x2005, 2, 14],
    );
  }
});

Deno.test("links after a far JMP are checked against the new CS base (same offsets, two segments)", () => {
  // Real mode. 0100:0000: inc ax; jmp far 0200:0000.  0200:0000: inc bx; cmp bx, 3; je 000b;
  // jmp far 0100:0000; 000b: hlt.
  for (const jitAfter of [Infinity, 1]) {
    const { cpu, map } = cpuWith("40 ea 00 00 00 02", 0x1000, { jitAfter });
    map.ram.bytes.set(hexBytes("43 83 fb 03 74 05 ea 00 00 00 01 f4"), 0x2000);
    enterReal(cpu);
    assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
    assertEquals(
      [Field.EXIT_REASON, Field.CS_BASE, Field.RIP, Field.RAX, Field.RBX].map((f) => num(cpu, f)),
      [12, 0x2000, 0xb, 3, 3],
    );
    assertEquals(cpu.retired, 17);
  }
});
