import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

const _REGS: Record<string, Field> = {
  eax: Field.RAX,
  ebx: Field.RBX,
  ecx: Field.RCX,
  edx: Field.RDX,
  esi: Field.RSI,
  flags: Field.RFLAGS,
};

function _parse(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of s.trim().split(/\s+/)) {
    const [k, v] = kv.split("=");
    out[k] = parseInt(v, 16);
  }
  return out;
}

Deno.test("ALU vectors (testdata/alu.txt): registers and every flag", () => {
  const text = Deno.readTextFileSync(new URL("./testdata/alu.txt", import.meta.url));
  const bad: string[] = [];
  let n = 0;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [code, init, want] = line.split("|");
    const { cpu } = cpuWith(code);
    const iv = _parse(init);
    for (const [k, f] of Object.entries(_REGS)) {
      cpu.setField(f, BigInt(iv[k] ?? (k === "flags" ? 2 : 0)));
    }
    const st = cpu.run(1);
    const expect = { ...iv, ..._parse(want) };
    const got: Record<string, number> = {};
    for (const [k, f] of Object.entries(_REGS)) got[k] = num(cpu, f);
    const exp: Record<string, number> = {};
    for (const k of Object.keys(_REGS)) exp[k] = expect[k] ?? (k === "flags" ? 2 : 0);
    if (st !== RunStatus.BUDGET || JSON.stringify(got) !== JSON.stringify(exp)) {
      bad.push(`${line}: got ${JSON.stringify(got)}`);
    }
    n++;
  }
  assertEquals(bad, []);
  assertEquals(n, 289);
});
