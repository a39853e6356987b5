import assert from "node:assert/strict";
import { CPU_FEATURES, type CpuidLeaf, describeCpu, hostCpu } from "./host_cpu.ts";
import { NativeRunner } from "./native.ts";
import type { NativeCase, NativeResult } from "./native_protocol.ts";

function _leaf(leaf: number, eax: number, ebx = 0, ecx = 0, edx = 0): CpuidLeaf {
  return { leaf, subleaf: 0, eax, ebx, ecx, edx };
}

/** Leaves 0x80000002-4 spelling `brand`, NUL-padded to 48 bytes. */
function _brand(brand: string): CpuidLeaf[] {
  const bytes = new Uint8Array(48);
  bytes.set(new TextEncoder().encode(brand));
  const d = new DataView(bytes.buffer);
  return [0, 1, 2].map((i) =>
    _leaf(
      0x8000_0002 + i,
      ...[0, 1, 2, 3].map((r) => d.getUint32(16 * i + 4 * r, true)) as [
        number,
        number,
        number,
        number,
      ],
    )
  );
}

// "GenuineIntel" as EBX, EDX, ECX.
const INTEL = _leaf(0, 0x16, 0x756e_6547, 0x6c65_746e, 0x4965_6e69);

Deno.test("describeCpu decodes vendor, brand, display family/model/stepping and features", () => {
  const cpu = describeCpu([
    INTEL,
    _leaf(1, 0x0009_06ea, 0, (1 << 22) | (1 << 23), 1 << 26), // family 6 model 0x9e stepping 10; movbe popcnt; sse2
    { leaf: 7, subleaf: 0, eax: 0, ebx: (1 << 3) | (1 << 8) | (1 << 19), ecx: 0, edx: 0 }, // bmi1 bmi2 adx
    _leaf(0x8000_0000, 0x8000_0008),
    _leaf(0x8000_0001, 0, 0, 1 << 5, 1 << 29), // lzcnt; lm
    ..._brand("  Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz "),
  ]);
  assert.equal(cpu.vendor, "GenuineIntel");
  assert.equal(cpu.brand, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
  assert.deepEqual([cpu.family, cpu.model, cpu.stepping], [6, 0x9e, 10]);
  const on = Object.entries(cpu.features).filter(([, v]) => v).map(([k]) => k).sort();
  assert.deepEqual(on, ["adx", "bmi1", "bmi2", "lm", "lzcnt", "movbe", "popcnt", "sse2"]);
});

Deno.test("describeCpu folds the extended family only for family 15, the extended model for 6 and 15", () => {
  const sig = (eax: number) => {
    const c = describeCpu([INTEL, _leaf(1, eax)]);
    return [c.family, c.model, c.stepping];
  };
  assert.deepEqual(sig(0x00a1_0f11), [25, 17, 1]); // AMD Zen 4
  assert.deepEqual(sig(0x0000_0543), [5, 4, 3]);
  assert.deepEqual(sig(0x0001_0543), [5, 4, 3]); // extended model ignored below family 6
});

Deno.test("describeCpu ignores leaves above the reported maximum and treats missing ones as zero", () => {
  const cpu = describeCpu([
    _leaf(0, 1, 0x756e_6547, 0x6c65_746e, 0x4965_6e69),
    { leaf: 7, subleaf: 0, eax: 0, ebx: -1 >>> 0, ecx: -1 >>> 0, edx: -1 >>> 0 },
    _leaf(0x8000_0000, 0x8000_0001),
    ..._brand("ignored"),
  ]);
  assert.equal(cpu.brand, "");
  assert.equal(cpu.features.bmi1, false);
  assert.equal(cpu.features.lzcnt, false);
  assert.deepEqual([cpu.family, cpu.model, cpu.stepping], [0, 0, 0]);
  assert.equal(describeCpu([]).vendor, "");
});

/** The first processor's fields in /proc/cpuinfo. */
async function _cpuinfo(): Promise<Map<string, string>> {
  // Deno wants --allow-all to read /proc directly; `deno task test` grants --allow-run.
  const out = await new Deno.Command("cat", { args: ["/proc/cpuinfo"], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const first = text.split("\n\n")[0];
  return new Map(first.split("\n").map((l) => l.split(/\s*:\s*/, 2) as [string, string]));
}

Deno.test("hostCpu agrees with /proc/cpuinfo on vendor, signature, brand and every listed feature", async () => {
  const info = await _cpuinfo();
  const runner = await NativeRunner.open();
  try {
    const cpu = await hostCpu(runner);
    assert.equal(cpu.vendor, info.get("vendor_id"));
    assert.equal(cpu.brand, info.get("model name"));
    assert.deepEqual(
      [cpu.family, cpu.model, cpu.stepping],
      [Number(info.get("cpu family")), Number(info.get("model")), Number(info.get("stepping"))],
    );
    const flags = new Set(info.get("flags")!.split(" "));
    for (const f of CPU_FEATURES) assert.equal(cpu.features[f.name], flags.has(f.cpuinfo), f.name);
    assert.equal(cpu.features.lm, true);
  } finally {
    await runner.close();
  }
});

Deno.test("hostCpu opens and closes its own runner when given none", async () => {
  const cpu = await hostCpu();
  assert.equal(cpu.vendor, (await _cpuinfo()).get("vendor_id"));
});

Deno.test("hostCpu reports a CPUID that does not complete", async () => {
  const faulting = {
    run: (cases: readonly NativeCase[]) =>
      Promise.resolve(cases.map((c): NativeResult => ({
        kind: "fault",
        regs: c.regs,
        rflags: 0x10202n,
        rip: 0x2000_0000n,
        mem: [],
        signal: 11,
      }))),
  };
  await assert.rejects(hostCpu(faulting), /^Error: CPUID leaf 0 ended with fault$/);
});
