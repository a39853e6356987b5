import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { Outcome } from "../oracle/compare.ts";
import { NATIVE_CODE_ADDR } from "../oracle/mod.ts";
import { caseMasks, stepEffect } from "./native_effects.ts";
import type { SimStep } from "./native_sim.ts";

const hex = (s: string) => Uint8Array.from(s.split(" "), (x) => parseInt(x, 16));
const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ALL = CF | PF | AF | ZF | SF | OF;

function _step(rip = 0, regs: Record<number, bigint> = {}, rflags = 0x202n): SimStep {
  const r = new BigUint64Array(16);
  for (const [n, v] of Object.entries(regs)) r[Number(n)] = v;
  return { rip: NATIVE_CODE_ADDR + BigInt(rip), regs: r, rflags };
}

/** [written, undefined] of the one instruction `code` with RCX = `rcx`. */
function _flags(code: string, rcx = 0n, after = 0x202n, vendor = "GenuineIntel"): number[] {
  const e = stepEffect(hex(code), _step(0, { 1: rcx }), after, vendor);
  return [e.written, e.undefined];
}

Deno.test("shifts: a zero count changes nothing, 1 defines OF, wide counts leave CF undefined", () => {
  assertEquals(_flags("d3 e0", 0x100n), [0, 0], "shl eax, cl with CL = 0 (masked)");
  assertEquals(_flags("d3 e0", 1n), [ALL & ~AF, AF]);
  assertEquals(_flags("d3 e0", 5n), [ALL & ~(AF | OF), AF | OF]);
  assertEquals(_flags("66 d3 e0", 16n), [ALL & ~(AF | OF | CF), AF | OF | CF], "shl ax, cl by 16");
  assertEquals(_flags("66 d3 f8", 16n), [ALL & ~(AF | OF), AF | OF], "sar keeps CF defined");
  assertEquals(
    _flags("48 c1 e0 20"),
    [ALL & ~(AF | OF), AF | OF],
    "shl rax, 32: count from the immediate",
  );
  assertEquals(_flags("c1 e0 20"), [0, 0], "shl eax, 32 masks to 0");
});

Deno.test("rotates: OF undefined above a count of 1, nothing changes at 0", () => {
  assertEquals(_flags("d3 c0", 0n), [0, 0]);
  assertEquals(_flags("d3 c0", 1n), [CF | OF, 0]);
  assertEquals(_flags("d3 d0", 9n), [CF, OF], "rcl eax, cl");
  assertEquals(_flags("d0 c0"), [CF | OF, 0], "rol al, 1");
});

Deno.test("SHLD/SHRD: AF undefined; a count above the width leaves everything undefined", () => {
  assertEquals(_flags("0f a5 d8", 1n), [ALL & ~AF, AF], "shld eax, ebx, cl");
  assertEquals(_flags("0f a5 d8", 0n), [0, 0]);
  const e = stepEffect(hex("66 0f a5 d8"), _step(0, { 1: 17n }), 0x202n, "GenuineIntel");
  assertEquals([e.written, e.undefined, [...e.undefRegs]], [0, ALL, [[0, 0xffffn]]]);
  const m = stepEffect(hex("66 0f a5 18"), _step(0, { 1: 17n }), 0x202n, "GenuineIntel");
  assertEquals(m.undefMemory, true, "shld [rax], bx, cl");
});

Deno.test("BSF/BSR: the destination is undefined when the source was zero (ZF = 1 after)", () => {
  const zero = stepEffect(hex("48 0f bc c3"), _step(), 0x242n, "GenuineIntel");
  assertEquals([...zero.undefRegs], [[0, (1n << 64n) - 1n]]);
  assertEquals(zero.undefined, CF | OF | SF | AF | PF);
  assertEquals(stepEffect(hex("48 0f bc c3"), _step(), 0x202n, "GenuineIntel").undefRegs.size, 0);
});

Deno.test("REP CMPS/SCAS with a zero count change no flag; 67 counts with ECX", () => {
  assertEquals(_flags("f3 a6", 0n), [0, 0]);
  assertEquals(_flags("f3 a6", 1n), [ALL, 0]);
  assertEquals(_flags("67 f2 ae", 1n << 32n), [0, 0], "repne scasb [edi] with ECX = 0");
  assertEquals(_flags("a6", 0n), [ALL, 0], "no REP: one comparison");
});

Deno.test("rows give the rest; the vendor table widens them", () => {
  assertEquals(_flags("f7 e3"), [CF | OF, SF | ZF | AF | PF], "mul ebx");
  assertEquals(_flags("0f a3 d8"), [CF, OF | SF | AF | PF], "bt eax, ebx on Intel");
  assertEquals(_flags("0f a3 d8", 0n, 0x202n, "AuthenticAMD"), [CF, OF | SF | ZF | AF | PF]);
  const adc = stepEffect(hex("11 d8"), _step(), 0x202n, "GenuineIntel");
  assertEquals([adc.read, adc.written, adc.undefined], [CF, ALL, 0]);
  assertEquals([adc.reads, adc.defines], [0b1001, 0b1], "reads rax and rbx, defines rax");
});

function _outcome(rflags = 0x202n): Outcome {
  return { kind: "ok", rip: 0n, regs: new BigUint64Array(16), rflags, mem: [] };
}

/** caseMasks over `code` whose instructions start at `offsets`, flags after the last `after`. */
function _masks(code: string, offsets: number[], after = 0x202n) {
  return caseMasks(hex(code), offsets.map((o) => _step(o)), _outcome(after), "GenuineIntel");
}

Deno.test("caseMasks: undefined flags at the end are masked; reading one taints the case", () => {
  assertEquals(_masks("f7 e3", [0]), { masks: { flags: SF | ZF | AF | PF } }); // mul ebx
  assertEquals(_masks("f7 e3 01 d8", [0, 2]), { masks: { flags: 0 } }); // mul ebx; add eax, ebx
  const t = _masks("f7 e3 0f 94 c0", [0, 2]); // mul ebx; sete al
  assertEquals(
    t.tainted,
    "sete (instruction 2) reads a flag an earlier instruction left undefined",
  );
});

Deno.test("caseMasks: undefined registers are masked until written whole, and may not be read", () => {
  // bsf rax, rbx with a zero source, flags after: ZF
  const bsf = (more: string, offsets: number[]) =>
    caseMasks(
      hex("48 0f bc c3" + more),
      [_step(0), ...offsets.map((o) => _step(o, {}, 0x242n))],
      _outcome(0x242n),
      "GenuineIntel",
    );
  const end = bsf("", []);
  assertEquals(end.masks.regs?.[0], (1n << 64n) - 1n);
  assertEquals(end.masks.regs?.[1], 0n);
  assertEquals(bsf(" b8 01 00 00 00", [4]).masks.regs, undefined, "mov eax, 1 defines rax again");
  assertEquals(
    bsf(" 48 01 c1", [4]).tainted,
    "add (instruction 2) reads a register an earlier one left undefined",
  );
  const mem = caseMasks(hex("66 0f a5 18"), [_step(0, { 1: 17n })], _outcome(), "GenuineIntel");
  assertEquals(mem.tainted, "shld leaves memory undefined");
});
