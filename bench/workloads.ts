/**
 * Guest workloads for the CPU benchmarks: endless loops assembled by hand,
 * each run for a fixed instruction budget on a Cpu over a small PhysMap.
 * 64-bit workloads enter long mode with identity-mapped 4-level page tables
 * built in guest memory. Shared by cpu_bench.ts and mips.ts.
 *
 * @module
 */

import {
  ByteSource,
  Cpu,
  decode,
  Field,
  GuestRam,
  Insn,
  type PhysMap,
  RunStatus,
} from "../sim/cpu/mod.ts";

const _PAGES = 32;
const _CODE = 0x1000;
const _DATA = 0x4000;
const _STACK = 0x8000;
const _PML4 = 0x10000;

/** A benchmark workload: its guest code (loaded at 0x1000) and whether it runs in 64-bit mode. */
export interface Workload {
  /** Guest code bytes. */
  code: number[];
  /** 64-bit mode (long mode, identity paging) rather than 32-bit flat protected mode. */
  long: boolean;
}

/** The workloads by name (offsets from 0x1000 in the comments). */
// deno-fmt-ignore
export const WORKLOADS: Record<string, Workload> = {
  // 0: mov esi,0x4000; mov ecx,1024; a: add eax,[esi]; adc edx,0; add esi,4; dec ecx; jnz a; jmp 0
  checksum32: { long: false, code: [
    0xbe, 0x00, 0x40, 0x00, 0x00, 0xb9, 0x00, 0x04, 0x00, 0x00,
    0x03, 0x06, 0x83, 0xd2, 0x00, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf5, 0xeb, 0xe9,
  ] },
  // 0: mov esi,0x4000; mov ecx,512; a: add rax,[rsi]; adc rdx,0; add rsi,8; dec rcx; jnz a; jmp 0
  checksum64: { long: true, code: [
    0xbe, 0x00, 0x40, 0x00, 0x00, 0xb9, 0x00, 0x02, 0x00, 0x00,
    0x48, 0x03, 0x06, 0x48, 0x83, 0xd2, 0x00, 0x48, 0x83, 0xc6, 0x08, 0x48, 0xff, 0xc9,
    0x75, 0xf0, 0xeb, 0xe4,
  ] },
  // 0: mov esi,0x4000; mov edi,0x6000; mov ecx,1024; f: lodsd; xor eax,ebx; stosd; dec ecx; jnz f;
  // 16: jmp 0
  string32: { long: false, code: [
    0xbe, 0x00, 0x40, 0x00, 0x00, 0xbf, 0x00, 0x60, 0x00, 0x00, 0xb9, 0x00, 0x04, 0x00, 0x00,
    0xad, 0x31, 0xd8, 0xab, 0x49, 0x75, 0xf9, 0xeb, 0xe8,
  ] },
  // 0: mov ecx,1000; 5: call 14; dec ecx; jnz 5; jmp 0; 14: add eax,ecx; ret
  calls32: { long: false, code: [
    0xb9, 0xe8, 0x03, 0x00, 0x00, 0xe8, 0x0a, 0x00, 0x00, 0x00, 0x49, 0x75, 0xf8, 0xeb, 0xf1,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc8, 0xc3,
  ] },
  // 0: mov ecx,1000; 5: test cl,1; jz 13; inc eax; jmp 14; 13: dec ebx; 14: cmp ecx,500; jb 1f;
  // xor edx,ecx; 1f: dec ecx; jnz 5; jmp 0
  branchy32: { long: false, code: [
    0xb9, 0xe8, 0x03, 0x00, 0x00, 0xf6, 0xc1, 0x01, 0x74, 0x03, 0x40, 0xeb, 0x01, 0x4b,
    0x81, 0xf9, 0xf4, 0x01, 0x00, 0x00, 0x72, 0x02, 0x31, 0xca, 0x49, 0x75, 0xea, 0xeb, 0xe3,
  ] },
};

function _entry(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, v, true);
  dv.setUint32(at + 4, 0, true);
}

/** A Cpu ready to run workload `name`; `jitAfter` as in CpuOptions (Infinity: interpreter only). */
export function workloadCpu(name: string, jitAfter = 16): Cpu {
  const w = WORKLOADS[name];
  const ram = new GuestRam(_PAGES * 4096);
  ram.bytes.set(w.code, _CODE);
  for (let k = 0; k < 4096; k++) ram.bytes[_DATA + k] = (k * 37) & 0xff;
  const map: PhysMap = {
    lookupPage: (p) => p < _PAGES ? { ram, offset: p * 4096, attr: 7 | 0x400 } : undefined,
  };
  const cpu = new Cpu(map, { jitAfter });
  if (w.long) {
    const dv = new DataView(ram.bytes.buffer);
    _entry(dv, _PML4, (_PML4 + 0x1000) | 7);
    _entry(dv, _PML4 + 0x1000, (_PML4 + 0x2000) | 7);
    _entry(dv, _PML4 + 0x2000, (_PML4 + 0x3000) | 7);
    for (let p = 0; p < _PAGES; p++) _entry(dv, _PML4 + 0x3000 + p * 8, (p * 0x1000) | 7);
    cpu.setField(Field.CR0, 0x80000031n);
    cpu.setField(Field.CR4, 0x20n);
    cpu.setField(Field.EFER, 0x500n);
    cpu.setField(Field.CS_AR, 0xa09bn);
    cpu.setField(Field.CR3, BigInt(_PML4));
  }
  cpu.setField(Field.RIP, BigInt(_CODE));
  cpu.setField(Field.RSP, BigInt(_STACK));
  return cpu;
}

/** Run `cpu` for `n` instructions; throws unless it stops on the budget. */
export function runFor(cpu: Cpu, n: number): void {
  const st = cpu.run(n);
  if (st !== RunStatus.BUDGET) throw new Error(`stopped with ${st}: ${cpu.deadMessage}`);
}

/**
 * A function decoding every instruction of workload `name` once per call (no execution):
 * the decoder's share of an uncached interpreter. Returns instructions decoded per call.
 */
export function decodeOnly(name: string): { run: () => void; count: number } {
  const w = WORKLOADS[name];
  const src = new ByteSource(new Uint8Array(w.code));
  const insn = new Insn();
  const mode = w.long ? 64 : 32;
  let count = 0;
  for (let off = 0; off < w.code.length; count++) {
    decode(src, off, mode, insn);
    off += insn.len;
  }
  return {
    count,
    run: () => {
      for (let off = 0; off < w.code.length;) {
        decode(src, off, mode, insn);
        off += insn.len;
      }
    },
  };
}

/** Best-of-`rounds` MIPS of `name` over `budget` instructions a round, after a warm-up. */
export function bestMips(name: string, budget: number, rounds: number, jitAfter = 16): number {
  const cpu = workloadCpu(name, jitAfter);
  runFor(cpu, budget / 10);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    runFor(cpu, budget);
    best = Math.min(best, performance.now() - t0);
  }
  return budget / best / 1000;
}
