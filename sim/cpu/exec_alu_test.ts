import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors } from "./_one.ts";
import { cpuWith, num } from "./_testing.ts";
import { alu64 } from "./exec_alu.ts";
import { testCC } from "./flags.ts";
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

Deno.test("ALU vectors at 64 bits and in 16-bit code, ADCX/ADOX (testdata/alu64.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/alu64.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 500, true);
});

Deno.test("64-bit compares through the lazy flags: every condition code", () => {
  const { cpu } = cpuWith("");
  const pairs: [bigint, bigint][] = [
    [0x100000000n, 0xffffffffn],
    [0xffffffffn, 0x100000000n],
    [0x8000000000000000n, 1n],
    [0x7fffffffffffffffn, 0xffffffffffffffffn],
    [5n, 5n],
    [0x100000000n, 0n],
    [0n, 0x100000000n],
    [0x1n, 0x8000000000000000n],
  ];
  const half = (v: bigint, k: number) => Number((v >> BigInt(32 * k)) & 0xffffffffn) | 0;
  for (const [a, b] of pairs) {
    const sa = BigInt.asIntN(64, a), sb = BigInt.asIntN(64, b), d = sa - sb;
    const r = BigInt.asUintN(64, a - b);
    const of = d !== BigInt.asIntN(64, d), sf = (r >> 63n) === 1n;
    let ones = 0;
    for (let k = 0n; k < 8n; k++) ones += Number((r >> k) & 1n);
    const want = [of, a < b, a === b, a <= b, sf, ones % 2 === 0, sf !== of, a === b || sf !== of];
    for (let cc = 0; cc < 16; cc++) {
      alu64(cpu, 7, half(a, 0), half(a, 1), half(b, 0), half(b, 1));
      const t = want[cc >> 1];
      assertEquals(testCC(cpu, cc), (cc & 1) === 0 ? t : !t, `cmp ${a}, ${b}: cc ${cc}`);
    }
  }
});
