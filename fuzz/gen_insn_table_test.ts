import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { OpCodeOperandKind } from "iced-x86";
import type { CpuFeature } from "../oracle/mod.ts";
import { availableTemplates, icedFlags, INSN_CLASSES, INSN_TEMPLATES } from "./gen_insn_table.ts";

Deno.test("every class has forms, every form a class, names unique", () => {
  const classes = new Set(INSN_TEMPLATES.map((t) => t.cls));
  assertEquals([...classes].sort(), Object.keys(INSN_CLASSES).sort());
  assertEquals(new Set(INSN_TEMPLATES.map((t) => t.name)).size, INSN_TEMPLATES.length);
  const names = new Set(INSN_TEMPLATES.map((t) => t.name));
  for (
    const f of ["Add_rm8_r8", "Rcl_rm64_CL", "Shrd_rm16_r16_imm8", "Cmpxchg16b_m128", "Xlat_m8"]
  ) {
    ok(names.has(f), f);
  }
  ok(INSN_TEMPLATES.length > 500, `${INSN_TEMPLATES.length} forms`);
});

Deno.test("no system-register, vector or undefined-result forms", () => {
  const bad = new Set([
    OpCodeOperandKind.seg_reg,
    OpCodeOperandKind.cr_reg,
    OpCodeOperandKind.dr_reg,
    OpCodeOperandKind.xmm_reg,
    OpCodeOperandKind.xmm_or_mem,
  ]);
  for (const t of INSN_TEMPLATES) ok(!t.ops.some((k) => bad.has(k)), t.name);
  ok(!INSN_TEMPLATES.some((t) => t.name === "Bswap_r16" || t.name.startsWith("VEX_KNC")));
});

Deno.test("availableTemplates drops forms whose features the host lacks", () => {
  const none = new Proxy({}, { get: () => false }) as Record<CpuFeature, boolean>;
  const all = new Proxy({}, { get: () => true }) as Record<CpuFeature, boolean>;
  assertEquals(availableTemplates(all).length, INSN_TEMPLATES.length);
  const base = availableTemplates(none);
  ok(base.some((t) => t.name === "Add_rm8_r8"));
  ok(!base.some((t) => ["bmi1", "bmi2", "adx", "movbe", "crc32", "cmovcc"].includes(t.cls)));
  ok(
    !base.some((t) =>
      t.mnemonic === "popcnt" || t.mnemonic === "lzcnt" || t.name === "Cmpxchg16b_m128"
    ),
  );
  assertEquals(
    INSN_TEMPLATES.find((t) => t.name === "VEX_Pdep_r64_r64_rm64")!.needs,
    ["bmi2"],
  );
});

Deno.test("icedFlags maps iced-x86's RflagsBits to RFLAGS bits", () => {
  assertEquals(icedFlags(1 | 2 | 4 | 8 | 16 | 32), 0x8d5);
  assertEquals([icedFlags(16), icedFlags(64), icedFlags(128), icedFlags(256)], [
    1,
    0x400,
    0x200,
    0x4_0000,
  ]);
  assertEquals(icedFlags(1024 | 512), 0);
});
