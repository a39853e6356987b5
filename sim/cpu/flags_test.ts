import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith } from "./_testing.ts";
import { AF, ARITH, CF, OF, PF, SF, ZF } from "./operands.ts";
import {
  getCF,
  getFlags,
  getOF,
  getSF,
  getZF,
  K_ADC,
  K_ADD,
  K_DEC,
  K_INC,
  K_LOGIC,
  K_SBB,
  K_SUB,
  keepCF,
  lazy64,
  PARITY,
  setArith,
  settleFlags,
  testCC,
  W64,
} from "./flags.ts";

function _lazy(kind: number, w: number, a: number, b: number, r: number, flags = 2): number {
  const { cpu } = cpuWith("");
  cpu.flags = flags;
  cpu.fop = kind | w;
  cpu.fa = a;
  cpu.fb = b;
  cpu.fres = r;
  return getFlags(cpu);
}

Deno.test("lazy flags by kind and width", () => {
  assertEquals(_lazy(K_ADD, 2, 0x7fffffff, 1, 0x80000000 | 0), 0x896);
  assertEquals(_lazy(K_ADC, 0, 0xff, 0, 0), 0x57);
  assertEquals(_lazy(K_SUB, 1, 0, 1, 0xffff), 0x97);
  assertEquals(_lazy(K_SBB, 0, 5, 5, 0xff), 0x97);
  assertEquals(_lazy(K_LOGIC, 2, 0, 0, 0, 0x8d7), 0x46);
  // INC and DEC keep CF from `flags`.
  assertEquals(_lazy(K_INC, 0, 0x7f, 1, 0x80, 3), 0x893);
  assertEquals(_lazy(K_DEC, 2, 0, 1, -1, 2), 0x96);
  assertEquals([PARITY[0], PARITY[1], PARITY[3], PARITY[0xff]], [4, 0, 4, 4]);
});

Deno.test("settleFlags and keepCF fold the lazy state", () => {
  const { cpu } = cpuWith("");
  cpu.fop = K_SUB | 2;
  cpu.fa = 1;
  cpu.fb = 2;
  cpu.fres = -1;
  cpu.flags = 0x202;
  keepCF(cpu);
  assertEquals(cpu.flags & 1, 1);
  settleFlags(cpu);
  assertEquals([cpu.fop, cpu.flags], [0, 0x297]);
});

Deno.test("condition codes from lazy state: signed and unsigned compares", () => {
  const { cpu } = cpuWith("");
  // cmp 1, 2 (32-bit): below, less, not equal
  cpu.fop = K_SUB | 2;
  cpu.fa = 1;
  cpu.fb = 2;
  cpu.fres = -1;
  const taken = Array.from({ length: 16 }, (_, cc) => testCC(cpu, cc) ? 1 : 0);
  assertEquals(taken, [0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
  // cmp 0x80000000, 1: above (unsigned) but less (signed overflow)
  cpu.fa = 0x80000000 | 0;
  cpu.fb = 1;
  cpu.fres = 0x7fffffff;
  assertEquals([testCC(cpu, 0), testCC(cpu, 7), testCC(cpu, 12), testCC(cpu, 15)], [
    true,
    true,
    true,
    false,
  ]);
});

Deno.test("64-bit lazy flags: high halves in fa/fb/fres, low-half PF AF ZF kept in flags", () => {
  const { cpu } = cpuWith("");
  // 0x00000001_00000000 - 1 = 0x00000000_ffffffff: borrow out of the low half folded as SBB.
  cpu.flags = 0x202;
  lazy64(cpu, K_SBB, 1, 0, 0, 0, 1, -1);
  assertEquals(getFlags(cpu), 0x212 | 0x4); // AF (0 - 1 borrows from bit 4), PF of 0xff
  // A zero high half with a nonzero low half is not ZF; both zero is.
  lazy64(cpu, K_LOGIC, 0, 0, 0, 0, 0, 5);
  assertEquals([getZF(cpu), getSF(cpu), getOF(cpu), getCF(cpu)], [0, 0, 0, 0]);
  lazy64(cpu, K_LOGIC, 0, 0, 0, 0, 0, 0);
  assertEquals(getZF(cpu), ZF);
  // INC of 0x7fffffff_ffffffff: carry into the high half as fb = 1; OF and SF set, CF kept.
  cpu.flags = 0x203;
  cpu.fop = 0;
  lazy64(cpu, K_INC, 0x7fffffff, 1, 0x80000000 | 0, -1, 1, 0);
  assertEquals(getFlags(cpu) & ARITH, OF | SF | AF | PF | CF);
  assertEquals(W64, 3);
});

Deno.test("setArith replaces the six arithmetic flags and settles the lazy state", () => {
  const { cpu } = cpuWith("");
  cpu.flags = 0x602;
  cpu.fop = K_ADD | 2;
  cpu.fa = -1;
  cpu.fb = 1;
  cpu.fres = 0;
  setArith(cpu, 0xfff);
  assertEquals([cpu.fop, cpu.flags], [0, 0x602 | ARITH]);
});
