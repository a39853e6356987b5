import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import {
  Decoder,
  DecoderOptions,
  type Instruction,
  InstructionInfoFactory,
  OpAccess,
  OpKind,
  Register,
} from "iced-x86";
import { NATIVE_CODE_ADDR } from "../oracle/mod.ts";
import { type GenCase, generateCase, layoutCode, toNativeCase } from "./gen_insn.ts";
import { DATA_ADDR, gprNumber, RSP, STACK_ADDR, STACK_LEN } from "./gen_insn_operands.ts";
import { INSN_CLASSES, INSN_TEMPLATES } from "./gen_insn_table.ts";

const OPTS = { templates: INSN_TEMPLATES };
const CASES: GenCase[] = Array.from({ length: 400 }, (_, k) => generateCase(0x5eed, k, OPTS).case);

/** Each instruction of `c`, decoded by iced-x86 where the layout puts it. */
function _decoded(c: GenCase): Instruction[] {
  const code = layoutCode(c.insns);
  const d = new Decoder(64, code, DecoderOptions.None);
  d.ip = NATIVE_CODE_ADDR;
  const out: Instruction[] = [];
  while (d.canDecode) out.push(d.decode());
  d.free();
  return out;
}

Deno.test("generateCase is a function of (seed, index)", () => {
  const a = generateCase(0x5eed, 17, OPTS).case, b = generateCase(0x5eed, 17, OPTS).case;
  assertEquals(toNativeCase(a), toNativeCase(b));
  assertEquals([a.seed, a.index, a.pinned], [b.seed, b.index, b.pinned]);
  ok(toNativeCase(a).code.length > 0);
  assertEquals(a.regs[RSP], STACK_ADDR + 4096n);
  assertEquals(a.mem.map((r) => r.addr), [DATA_ADDR, STACK_ADDR]);
  assertEquals(a.mem[1].bytes.length, STACK_LEN);
});

Deno.test("every generated instruction decodes to itself; every class turns up", () => {
  const classes = new Set<string>();
  for (const c of CASES) {
    // Instructions past the 15-byte limit (#GP) are generated on purpose; decoding stops there.
    const long = c.insns.findIndex((i) => i.bytes.length > 15);
    const insns = _decoded(c);
    if (long < 0) assertEquals(insns.length, c.insns.length, `case ${c.index}`);
    insns.slice(0, long < 0 ? insns.length : long).forEach((i, k) => {
      // LOCK on a form that cannot take it is generated on purpose (#UD); nothing else is invalid.
      ok(!i.isInvalid || c.insns[k].bytes.includes(0xf0), `case ${c.index} insn ${k}`);
      assertEquals(i.length, c.insns[k].bytes.length);
    });
    insns.forEach((i) => i.free());
    for (const g of c.insns) classes.add(g.cls);
  }
  assertEquals([...classes].filter((c) => c !== "setup").sort(), Object.keys(INSN_CLASSES).sort());
});

Deno.test("pinned registers are never written; RSP only by pushes and pops", () => {
  const f = new InstructionInfoFactory();
  for (const c of CASES) {
    for (const i of _decoded(c)) {
      const info = f.info(i);
      const explicitRsp = [...Array(i.opCount).keys()].some((k) =>
        i.opKind(k) === OpKind.Register && gprNumber(i.opRegister(k)) === RSP
      );
      for (const u of info.usedRegisters()) {
        const n = gprNumber(u.register);
        const w = u.access !== OpAccess.Read && u.access !== OpAccess.CondRead &&
          u.access !== OpAccess.NoMemAccess;
        if (n >= 0 && w) {
          ok(!(c.pinned & (1 << n)), `case ${c.index}: ${i.toString()} writes pinned r${n}`);
          if (n === RSP) ok(i.isStackInstruction && !explicitRsp, `${i.toString()}`);
        }
        u.free();
      }
      info.free();
      i.free();
    }
  }
  f.free();
});

Deno.test("memory operands through pinned registers, RIP or absolute addresses land in the regions", () => {
  let checked = 0;
  for (const c of CASES) {
    for (const i of _decoded(c)) {
      const m = [...Array(i.opCount).keys()].some((k) => i.opKind(k) === OpKind.Memory);
      const free = ["lea", "nop"].some((n) => i.toString().startsWith(n));
      if (m && !free && i.memoryBase !== Register.RSP && i.memoryBase !== Register.ESP) {
        const reg = (r: Register) =>
          r === Register.None ? 0n : c.regs[gprNumber(r)] & (r < Register.RAX ? 0xffff_ffffn : ~0n);
        const base = i.memoryBase, index = i.memoryIndex;
        const pinnedOnly = [base, index].every((r) =>
          r === Register.None || r === Register.RIP || c.pinned & (1 << gprNumber(r))
        );
        if (pinnedOnly) {
          const ea = i.isIpRelMemoryOperand ? i.ipRelMemoryAddress : BigInt.asUintN(
            i.memoryDisplSize === 8 || base === Register.None || base >= Register.RAX ? 64 : 32,
            reg(base) + BigInt.asIntN(64, reg(index)) * BigInt(i.memoryIndexScale) +
              i.memoryDisplacementU64,
          );
          const off = ea - DATA_ADDR, soff = ea - STACK_ADDR;
          const nonCanonical = ea >= 1n << 47n; // a 64-bit moffs made non-canonical on purpose
          ok(
            (off >= 0n && off <= 8192n) || (soff >= 0n && soff <= 8192n) || nonCanonical,
            `${i.toString()}`,
          );
          checked++;
        }
      }
      i.free();
    }
  }
  ok(checked > 300, `${checked} operands checked`);
});

Deno.test("excluded forms drop whole snippets, counted, and leave the rest unchanged", () => {
  const shifts = (t: { cls: string }) => t.cls === "shift";
  for (let k = 0; k < 100; k++) {
    const full = generateCase(0x5eed, k, OPTS).case;
    const g = generateCase(0x5eed, k, { ...OPTS, excluded: shifts });
    ok(!g.case.insns.some((i) => i.cls === "shift"));
    assertEquals(g.excluded.length, full.insns.filter((i) => i.cls === "shift").length);
    assertEquals(g.case.regs, full.regs);
    const kept = g.case.insns.map((i) => i.form);
    ok(kept.every((f, n) => full.insns.map((i) => i.form).indexOf(f, n) >= n));
  }
});

Deno.test("layoutCode keeps RIP-relative targets when instructions move", () => {
  let moved = 0;
  for (const c of CASES) {
    const at = c.insns.findIndex((i, k) => k > 0 && i.ripTarget !== undefined);
    if (at < 0 || c.insns.some((i) => i.bytes.length > 15)) continue;
    const rest = c.insns.slice(1);
    const d = new Decoder(64, layoutCode(rest), DecoderOptions.None);
    d.ip = NATIVE_CODE_ADDR;
    for (let k = 0; k < at - 1; k++) d.decode().free();
    const i = d.decode();
    assertEquals(i.ipRelMemoryAddress, c.insns[at].ripTarget);
    i.free();
    d.free();
    moved++;
  }
  ok(moved > 20, `${moved}`);
});
