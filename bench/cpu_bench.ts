/**
 * CPU throughput: a 32-bit checksum loop, a call-heavy loop and a branchy
 * loop over a small PhysMap, each an endless guest loop run for a fixed
 * instruction budget. Prints MIPS per loop, then registers Deno.bench
 * cases (`deno bench bench/cpu_bench.ts`; `deno run bench/cpu_bench.ts`
 * prints the MIPS only).
 *
 * @module
 */

import { Cpu, Field, GuestRam, type PhysMap, RunStatus } from "../sim/cpu/mod.ts";

const _PAGES = 16;

function _cpu(code: number[]): Cpu {
  const ram = new GuestRam(_PAGES * 4096);
  ram.bytes.set(code, 0x1000);
  for (let k = 0; k < 4096; k++) ram.bytes[0x4000 + k] = (k * 37) & 0xff;
  const map: PhysMap = {
    lookupPage: (p) => p < _PAGES ? { ram, offset: p * 4096, attr: 7 | 0x400 } : undefined,
  };
  const cpu = new Cpu(map);
  cpu.setField(Field.RIP, 0x1000n);
  cpu.setField(Field.RSP, 0x8000n);
  return cpu;
}

/** Guest programs, assembled by hand (offsets in comments). */
// deno-fmt-ignore
const _PROGRAMS: Record<string, number[]> = {
  // 0: mov esi,0x4000; mov ecx,1024; 10: add eax,[esi]; adc edx,0; add esi,4; dec ecx; jnz 10; jmp 0
  checksum: [
    0xbe, 0x00, 0x40, 0x00, 0x00, 0xb9, 0x00, 0x04, 0x00, 0x00,
    0x03, 0x06, 0x83, 0xd2, 0x00, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf5, 0xeb, 0xe9,
  ],
  // 0: mov ecx,1000; 5: call 14; dec ecx; jnz 5; jmp 0; 14: add eax,ecx; ret
  calls: [
    0xb9, 0xe8, 0x03, 0x00, 0x00, 0xe8, 0x0a, 0x00, 0x00, 0x00, 0x49, 0x75, 0xf8, 0xeb, 0xf1,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc8, 0xc3,
  ],
  // 0: mov ecx,1000; 5: test cl,1; jz 13; inc eax; jmp 14; 13: dec ebx; 14: cmp ecx,500; jb 1f; xor edx,ecx;
  // 1f: dec ecx; jnz 5; jmp 0
  branchy: [
    0xb9, 0xe8, 0x03, 0x00, 0x00, 0xf6, 0xc1, 0x01, 0x74, 0x03, 0x40, 0xeb, 0x01, 0x4b,
    0x81, 0xf9, 0xf4, 0x01, 0x00, 0x00, 0x72, 0x02, 0x31, 0xca, 0x49, 0x75, 0xea, 0xeb, 0xe3,
  ],
};

function _mips(name: string, budget: number): number {
  const cpu = _cpu(_PROGRAMS[name]);
  cpu.run(budget / 10); // warm up
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const st = cpu.run(budget);
    best = Math.min(best, performance.now() - t0);
    if (st !== RunStatus.BUDGET) throw new Error(`${name}: ${st} ${cpu.deadMessage}`);
  }
  return budget / best / 1000;
}

for (const name of Object.keys(_PROGRAMS)) {
  console.log(`${name}: ${_mips(name, 10_000_000).toFixed(1)} MIPS (best of 3)`);
}

for (const name of Object.keys(_PROGRAMS)) {
  const cpu = _cpu(_PROGRAMS[name]);
  Deno.bench(`${name} (1M instructions)`, { group: "cpu" }, () => {
    cpu.run(1_000_000);
  });
}
