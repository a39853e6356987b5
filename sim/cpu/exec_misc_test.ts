import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { randomSeed, setRandomSeed } from "./exec_misc.ts";
import { Field } from "./fields.ts";

// SplitMix64 written independently with BigInt: output k of the stream seeded with `seed`.
function _splitmix(seed: bigint, k: bigint): bigint {
  const m = (1n << 64n) - 1n;
  let z = (seed + k * 0x9e3779b97f4a7c15n) & m;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & m;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & m;
  return z ^ (z >> 31n);
}

function _long(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code + " f4", 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  return t;
}

function _halt(cpu: Cpu): void {
  assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
  assertEquals(num(cpu, Field.EXIT_REASON), 12);
}

/** The exception `code` raises: exit interruption information, length, RIP. */
function _exc(code: string, regs: [Field, bigint][] = []): number[] {
  const { cpu } = cpuWith(code);
  cpu.setField(Field.EXCEPTION_BITMAP, 0xffff_ffffn);
  for (const [f, v] of regs) cpu.setField(f, v);
  assertEquals(cpu.run(10), RunStatus.EXIT, cpu.deadMessage);
  return [Field.EXIT_REASON, Field.EXIT_INTR_INFO, Field.RIP].map((f) => num(cpu, f));
}

Deno.test("RDRAND and RDSEED: SplitMix64 of the seed at the retired count, CF = 1, other flags 0", () => {
  assertEquals(_splitmix(0n, 1n), 0xe220a8397b1dcdafn);
  const { cpu } = _long("48 0f c7 f0 90 0f c7 f9 66 41 0f c7 f2");
  cpu.setField(Field.RFLAGS, 0x8d6n);
  cpu.setField(Field.RCX, 0xffff_ffff_ffff_ffffn);
  cpu.setField(Field.R10, 0xffff_ffff_ffff_ffffn);
  _halt(cpu);
  // Retired counts 0 (rdrand rax), 2 (rdseed ecx after a NOP), 3 (rdrand r10w).
  assertEquals(cpu.getField(Field.RAX), _splitmix(0n, 1n));
  assertEquals(cpu.getField(Field.RCX), _splitmix(0n, 3n) & 0xffff_ffffn);
  assertEquals(cpu.getField(Field.R10), 0xffff_ffff_ffff_0000n | (_splitmix(0n, 4n) & 0xffffn));
  assertEquals(num(cpu, Field.RFLAGS), 0x3);
  const s = _long("48 0f c7 f3");
  setRandomSeed(s.cpu, 0x89abcdef, 0x01234567);
  assertEquals(randomSeed(s.cpu), [0x89abcdef, 0x01234567]);
  _halt(s.cpu);
  assertEquals(s.cpu.getField(Field.RBX), _splitmix(0x0123456789abcdefn, 1n));
  assertEquals(randomSeed(_long("").cpu), [0, 0]);
  // F2 makes it invalid; the memory form of 0F C7 /6 is VMPTRLD, not RDRAND.
  assertEquals(_exc("f2 0f c7 f0")[1], 0x80000306);
});

Deno.test("LAHF and SAHF move SF ZF AF PF CF through AH; OF stays", () => {
  const { cpu } = cpuWith("9f 88 e3 9e f4");
  cpu.setField(Field.RFLAGS, 0x8d7n);
  cpu.setField(Field.RAX, 0x1234_0000n);
  _halt(cpu);
  assertEquals([num(cpu, Field.RBX) & 0xff, num(cpu, Field.RFLAGS)], [0xd7, 0x8d7]);
  const s = cpuWith("9e f4");
  s.cpu.setField(Field.RFLAGS, 0x802n);
  s.cpu.setField(Field.RAX, 0xff00n);
  _halt(s.cpu);
  assertEquals(num(s.cpu, Field.RFLAGS), 0x8d7);
  const l = _long("9f");
  l.cpu.setField(Field.RFLAGS, 0x2n);
  _halt(l.cpu);
  assertEquals(num(l.cpu, Field.RAX), 0x200);
});

Deno.test("#UD: UD0, UD1, UD2 (decoded whole), RDPID, RDTSCP without its control; SALC in 64-bit mode", () => {
  for (const code of ["0f ff 84 00 00 00 00 00", "0f b9 c0", "0f 0b", "f3 0f c7 f8", "0f 01 f9"]) {
    assertEquals(_exc(code), [0, 0x80000306, 0x1000], code);
  }
  const t = cpuWith("0f 01 f9");
  t.cpu.setField(Field.PROCBASED_CTLS2, 8n);
  assertEquals([t.cpu.run(10), t.cpu.deadMessage], [
    RunStatus.DEAD,
    'unimplemented RDTSCP with "enable RDTSCP" set',
  ]);
  const u = cpuWith("d6", 0x1000, { pages: 64 });
  identity4(u.map, 0x10000, 64);
  enterLong(u.cpu, 0x10000);
  u.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 6n);
  assertEquals([u.cpu.run(10), num(u.cpu, Field.EXIT_INTR_INFO)], [RunStatus.EXIT, 0x80000306]);
  const s = cpuWith("d6 f8 d6 f4");
  s.cpu.setField(Field.RFLAGS, 0x3n);
  s.cpu.setField(Field.RAX, 0x1234n);
  _halt(s.cpu);
  assertEquals(num(s.cpu, Field.RAX), 0x1200);
});

Deno.test("BOUND raises #BR outside [lower, upper], signed; its register form is #UD", () => {
  const run = (index: number, w: 2 | 4) => {
    const { cpu, map } = cpuWith((w === 2 ? "66 " : "") + "62 05 00 30 00 00 f4");
    const dv = new DataView(map.ram.bytes.buffer);
    if (w === 4) {
      dv.setInt32(0x3000, -5, true);
      dv.setInt32(0x3004, 10, true);
    } else {
      dv.setInt16(0x3000, -5, true);
      dv.setInt16(0x3002, 10, true);
    }
    cpu.setField(Field.RAX, BigInt(index >>> 0));
    cpu.setField(Field.EXCEPTION_BITMAP, 1n << 5n);
    assertEquals(cpu.run(10), RunStatus.EXIT);
    return num(cpu, Field.EXIT_REASON) === 12 ? "ok" : num(cpu, Field.EXIT_INTR_INFO).toString(16);
  };
  assertEquals([run(-5, 4), run(10, 4), run(-6, 4), run(11, 4)], [
    "ok",
    "ok",
    "80000305",
    "80000305",
  ]);
  assertEquals([run(0xfffb, 2), run(0xfffa, 2), run(0x1_000a, 2)], ["ok", "80000305", "ok"]);
  assertEquals(_exc("62 c0")[1], 0x80000306);
});

Deno.test("hints: prefetches, fences and reserved NOPs touch nothing; CLFLUSH reads its byte", () => {
  const code =
    "0f 18 05 00 50 00 00 0f 0d 0d 00 50 00 00 0f 18 3d 00 50 00 00 0f 1c 05 00 50 00 00 " +
    "0f ae e8 0f ae f0 0f ae f8 0f 19 c0 0f 1e fa f3 0f 1e fa f3 0f 1e c8 0f 1f 44 00 00 f3 90 f4";
  const { cpu, map } = cpuWith(code);
  map.attr[5] = 0;
  _halt(cpu);
  assertEquals(cpu.retired, 13);
  const c = cpuWith("0f ae 3d 00 50 00 00 66 0f ae 3d 00 40 00 00");
  c.map.attr[5] = 0;
  assertEquals(c.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(c.cpu, Field.EXIT_REASON), num(c.cpu, Field.EXIT_QUALIFICATION)], [48, 0x181]);
  // Fences take no prefix.
  assertEquals(_exc("66 0f ae e8")[1], 0x80000306);
});
