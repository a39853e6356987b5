import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4, setEntry } from "./_paging_testing.ts";
import { cpuWith, hexBytes, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

/** 64-bit code at 0x1000 over identity-mapped tables; the upper half mirrors the lower; #GP exits. */
function _run(code: string, regs: [Field, bigint][] = []): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  setEntry(t.map, 0x10000 + 511 * 8, 0x11007);
  enterLong(t.cpu, 0x10000);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  for (const [f, v] of regs) t.cpu.setField(f, v);
  assertEquals(t.cpu.run(1000), RunStatus.EXIT, t.cpu.deadMessage);
  return t;
}

function _exit(cpu: Cpu): bigint[] {
  return [Field.EXIT_REASON, Field.EXIT_INTR_INFO, Field.RIP, Field.RSP].map((f) =>
    cpu.getField(f)
  );
}

Deno.test("Jcc, JMP rel8/rel32 and LOOP in 64-bit mode", () => {
  // xor eax, eax; mov ecx, 3; inc eax; loop -4; jmp +1; hlt; cmp eax, 3; je -4 (to hlt)
  const { cpu } = _run("31 c0 b9 03 00 00 00 ff c0 e2 fc eb 01 f4 83 f8 03 74 fa");
  assertEquals(_exit(cpu), [12n, 0n, 0x100dn, 0x8000n]);
  assertEquals(num(cpu, Field.RAX), 3);
  // LOOP counts in RCX whole: 0x100000000 - 1 is not zero.
  const r = _run("e2 01 f4 f4", [[Field.RCX, 0x100000000n]]);
  assertEquals([r.cpu.getField(Field.RCX), r.cpu.getField(Field.RIP)], [0xffffffffn, 0x1003n]);
});

Deno.test("JRCXZ, JECXZ and LOOP with 67h", () => {
  const z = _run("e3 01 f4 f4", [[Field.RCX, 0x100000000n]]);
  assertEquals(_exit(z.cpu)[2], 0x1002n);
  const e = _run("67 e3 01 f4 f4", [[Field.RCX, 0x100000000n]]);
  assertEquals(_exit(e.cpu)[2], 0x1004n);
  const l = _run("67 e2 fd f4", [[Field.RCX, 0x100000003n]]);
  assertEquals([l.cpu.getField(Field.RCX), l.cpu.retired], [0n, 3]);
});

Deno.test("CALL and RET push and pop 8 bytes; RET imm16; indirect forms; 66h is ignored", () => {
  // call +1; hlt; ret 8
  const c = _run("e8 01 00 00 00 f4 c2 08 00");
  assertEquals(_exit(c.cpu), [12n, 0n, 0x1005n, 0x8008n]);
  assertEquals(new DataView(c.map.ram.bytes.buffer).getBigUint64(0x7ff8, true), 0x1005n);
  // 66 e8 rel32: still a 64-bit call with a 32-bit displacement (Intel).
  const o = _run("66 e8 01 00 00 00 f4 c3");
  assertEquals(_exit(o.cpu), [12n, 0n, 0x1006n, 0x8000n]);
  // call rax; jmp [rbx]
  const r = _run("ff d0 f4", [[Field.RAX, 0xffffff8000001002n]]);
  assertEquals(_exit(r.cpu), [12n, 0n, 0xffffff8000001002n, 0x7ff8n]);
  const mm = cpuWith("ff 23", 0x1000, { pages: 64 });
  mm.map.ram.bytes.set(hexBytes("00 30 00 00 80 ff ff ff"), 0x5000);
  mm.map.ram.bytes[0x3000] = 0xf4;
  identity4(mm.map, 0x10000, 64);
  setEntry(mm.map, 0x10000 + 511 * 8, 0x11007);
  enterLong(mm.cpu, 0x10000);
  mm.cpu.setField(Field.RBX, 0x5000n);
  assertEquals(mm.cpu.run(10), RunStatus.EXIT);
  assertEquals(mm.cpu.getField(Field.RIP), 0xffffff8000003000n);
});

Deno.test("branches to non-canonical targets raise #GP(0) on the branch; RET keeps RSP", () => {
  assertEquals(_exit(_run("ff e0", [[Field.RAX, 0x800000000000n]]).cpu), [
    0n,
    0x80000b0dn,
    0x1000n,
    0x8000n,
  ]);
  assertEquals(_exit(_run("ff d0", [[Field.RAX, 0xfff0000000000000n]]).cpu), [
    0n,
    0x80000b0dn,
    0x1000n,
    0x8000n,
  ]);
  // RET to a non-canonical address on the stack.
  const r = cpuWith("c3", 0x1000, { pages: 64 });
  identity4(r.map, 0x10000, 64);
  enterLong(r.cpu, 0x10000);
  r.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  r.map.ram.bytes.set(hexBytes("00 00 00 00 00 80 00 00"), 0x7ff8);
  r.cpu.setField(Field.RSP, 0x7ff8n);
  assertEquals(r.cpu.run(10), RunStatus.EXIT);
  assertEquals(_exit(r.cpu), [0n, 0x80000b0dn, 0x1000n, 0x7ff8n]);
});
