import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
import { EXIT_IO, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { STOP, STOP_EXIT } from "./state.ts";

Deno.test("vmexit writes the exit fields and throws STOP", () => {
  const { cpu } = cpuWith("");
  cpu.setWide(Field.EXIT_INTR_INFO, 0x80000306, 0);
  let caught: unknown;
  try {
    vmexit(cpu, EXIT_IO, 0xfffe0048, 2, 0x80);
  } catch (x) {
    caught = x;
  }
  assertEquals([caught === STOP, cpu.stopKind], [true, STOP_EXIT]);
  assertEquals(
    [
      Field.EXIT_REASON,
      Field.EXIT_QUALIFICATION,
      Field.EXIT_INSTR_LEN,
      Field.EXIT_INSTR_INFO,
      Field.EXIT_INTR_INFO,
    ]
      .map((f) => num(cpu, f)),
    [30, 0xfffe0048, 2, 0x80, 0],
  );
});
