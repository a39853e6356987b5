/**
 * Identifies the host CPU by running CPUID through the native runner, so
 * differential results can be filed by vendor and model and instructions
 * the host lacks are not generated.
 *
 * Undefined flags and vendors. Where the SDM or the AMD APM leave a flag (or
 * a result) undefined, vendors and even generations leave different values,
 * so the comparison must mask these per instruction and must never take the
 * host's value as the simulator's "correct" one. "Zen 4" below is what this
 * project's AMD host (AuthenticAMD family 25 model 17) did when probed
 * through {@link NativeRunner}, starting once from all arithmetic flags clear
 * and once from all set; "Intel" is what Intel documents or is known to do.
 * - MUL/IMUL: SF ZF AF PF undefined. Zen 4 leaves all four unchanged. Intel
 *   parts differ by generation (NetBurst computes SF/ZF/PF from the result
 *   and clears AF).
 * - DIV/IDIV: all six undefined. Zen 4 (for the values probed) keeps CF and
 *   OF, clears SF ZF PF and sets AF. Intel's values differ.
 * - BSF/BSR: with a zero source AMD documents the destination unchanged and
 *   Intel calls it undefined (in practice unchanged on both). CF OF SF AF PF
 *   undefined; Zen 4 clears CF OF SF AF and sets PF from the result (zero
 *   source: ZF=1, PF=1). NetBurst is documented to differ.
 * - BT/BTS/BTR/BTC: OF SF AF PF undefined; Intel documents ZF unaffected,
 *   AMD lists ZF undefined too. Zen 4 leaves OF SF ZF AF PF unchanged.
 * - SHL/SHR/SAR: OF undefined for counts above 1, AF for nonzero counts.
 *   Zen 4 computes OF by the count-1 rule applied to the last one-bit step
 *   (so SHR gives 0) and sets AF to 1. SHLD/SHRD: likewise, and with a count
 *   above the operand size the result itself is undefined (16-bit forms
 *   differ across vendors). ROL/ROR/RCL/RCR: OF undefined for counts above
 *   1; Zen 4 again applies the count-1 rule to the last step.
 * - AND/OR/XOR/TEST: AF undefined; Zen 4 clears it.
 * - ANDN, BEXTR, BLSI, BLSMSK, BLSR, BZHI: AF and PF undefined (BEXTR also
 *   SF); Zen 4 clears AF.
 * - LZCNT/TZCNT on parts without ABM/BMI1 decode as BSR/BSF (the F3 prefix
 *   is ignored), so their meaning follows {@link HostCpu.features}.
 *
 * @module
 */

import { NativeRunner } from "./native.ts";
import { nativeCase } from "./native_case.ts";

/** Result of one CPUID leaf, unsigned 32-bit registers. */
export interface CpuidLeaf {
  /** The leaf asked for (EAX in). */
  leaf: number;
  /** The subleaf asked for (ECX in). */
  subleaf: number;
  /** EAX out. */
  eax: number;
  /** EBX out. */
  ebx: number;
  /** ECX out. */
  ecx: number;
  /** EDX out. */
  edx: number;
}

/** A feature bit: where CPUID reports it and what /proc/cpuinfo calls it. */
export interface CpuFeatureRow {
  /** The feature's name here. */
  name: string;
  /** Its flag in /proc/cpuinfo. */
  cpuinfo: string;
  /** The CPUID leaf that reports it. */
  leaf: number;
  /** The subleaf. */
  subleaf: number;
  /** The output register holding the bit. */
  reg: "eax" | "ebx" | "ecx" | "edx";
  /** The bit number in that register. */
  bit: number;
}

/** Features that change which instructions exist or how they decode. */
export const CPU_FEATURES = Object.freeze(
  [
    { name: "sse3", cpuinfo: "pni", leaf: 1, subleaf: 0, reg: "ecx", bit: 0 },
    { name: "pclmulqdq", cpuinfo: "pclmulqdq", leaf: 1, subleaf: 0, reg: "ecx", bit: 1 },
    { name: "ssse3", cpuinfo: "ssse3", leaf: 1, subleaf: 0, reg: "ecx", bit: 9 },
    { name: "fma", cpuinfo: "fma", leaf: 1, subleaf: 0, reg: "ecx", bit: 12 },
    { name: "cx16", cpuinfo: "cx16", leaf: 1, subleaf: 0, reg: "ecx", bit: 13 },
    { name: "sse41", cpuinfo: "sse4_1", leaf: 1, subleaf: 0, reg: "ecx", bit: 19 },
    { name: "sse42", cpuinfo: "sse4_2", leaf: 1, subleaf: 0, reg: "ecx", bit: 20 },
    { name: "movbe", cpuinfo: "movbe", leaf: 1, subleaf: 0, reg: "ecx", bit: 22 },
    { name: "popcnt", cpuinfo: "popcnt", leaf: 1, subleaf: 0, reg: "ecx", bit: 23 },
    { name: "aes", cpuinfo: "aes", leaf: 1, subleaf: 0, reg: "ecx", bit: 25 },
    { name: "xsave", cpuinfo: "xsave", leaf: 1, subleaf: 0, reg: "ecx", bit: 26 },
    { name: "avx", cpuinfo: "avx", leaf: 1, subleaf: 0, reg: "ecx", bit: 28 },
    { name: "f16c", cpuinfo: "f16c", leaf: 1, subleaf: 0, reg: "ecx", bit: 29 },
    { name: "rdrand", cpuinfo: "rdrand", leaf: 1, subleaf: 0, reg: "ecx", bit: 30 },
    { name: "hypervisor", cpuinfo: "hypervisor", leaf: 1, subleaf: 0, reg: "ecx", bit: 31 },
    { name: "cmov", cpuinfo: "cmov", leaf: 1, subleaf: 0, reg: "edx", bit: 15 },
    { name: "sse2", cpuinfo: "sse2", leaf: 1, subleaf: 0, reg: "edx", bit: 26 },
    { name: "fsgsbase", cpuinfo: "fsgsbase", leaf: 7, subleaf: 0, reg: "ebx", bit: 0 },
    { name: "bmi1", cpuinfo: "bmi1", leaf: 7, subleaf: 0, reg: "ebx", bit: 3 },
    { name: "avx2", cpuinfo: "avx2", leaf: 7, subleaf: 0, reg: "ebx", bit: 5 },
    { name: "bmi2", cpuinfo: "bmi2", leaf: 7, subleaf: 0, reg: "ebx", bit: 8 },
    { name: "erms", cpuinfo: "erms", leaf: 7, subleaf: 0, reg: "ebx", bit: 9 },
    { name: "avx512f", cpuinfo: "avx512f", leaf: 7, subleaf: 0, reg: "ebx", bit: 16 },
    { name: "rdseed", cpuinfo: "rdseed", leaf: 7, subleaf: 0, reg: "ebx", bit: 18 },
    { name: "adx", cpuinfo: "adx", leaf: 7, subleaf: 0, reg: "ebx", bit: 19 },
    { name: "sha", cpuinfo: "sha_ni", leaf: 7, subleaf: 0, reg: "ebx", bit: 29 },
    { name: "rdpid", cpuinfo: "rdpid", leaf: 7, subleaf: 0, reg: "ecx", bit: 22 },
    { name: "fsrm", cpuinfo: "fsrm", leaf: 7, subleaf: 0, reg: "edx", bit: 4 },
    { name: "lahfLm", cpuinfo: "lahf_lm", leaf: 0x8000_0001, subleaf: 0, reg: "ecx", bit: 0 },
    { name: "lzcnt", cpuinfo: "abm", leaf: 0x8000_0001, subleaf: 0, reg: "ecx", bit: 5 },
    { name: "sse4a", cpuinfo: "sse4a", leaf: 0x8000_0001, subleaf: 0, reg: "ecx", bit: 6 },
    { name: "nx", cpuinfo: "nx", leaf: 0x8000_0001, subleaf: 0, reg: "edx", bit: 20 },
    { name: "rdtscp", cpuinfo: "rdtscp", leaf: 0x8000_0001, subleaf: 0, reg: "edx", bit: 27 },
    { name: "lm", cpuinfo: "lm", leaf: 0x8000_0001, subleaf: 0, reg: "edx", bit: 29 },
  ] as const satisfies readonly CpuFeatureRow[],
);

/** A feature name from {@link CPU_FEATURES}. */
export type CpuFeature = typeof CPU_FEATURES[number]["name"];

/** The host CPU as CPUID describes it. */
export interface HostCpu {
  /** "GenuineIntel" or "AuthenticAMD" (others possible); decides which undefined-flag habits apply. */
  vendor: string;
  /** Brand string, trimmed ("" if the CPU has none). */
  brand: string;
  /** Display family, model and stepping (extended fields folded in, as /proc/cpuinfo shows them). */
  family: number;
  /** Display model. */
  model: number;
  /** Stepping. */
  stepping: number;
  /** Each feature of CPU_FEATURES: whether CPUID reports it. */
  features: Readonly<Record<CpuFeature, boolean>>;
}

/** CPUID leaves {@link describeCpu} reads. */
export const CPUID_QUERIES: readonly (readonly [leaf: number, subleaf: number])[] = Object.freeze([
  [0, 0],
  [1, 0],
  [7, 0],
  [0x8000_0000, 0],
  [0x8000_0001, 0],
  [0x8000_0002, 0],
  [0x8000_0003, 0],
  [0x8000_0004, 0],
]);

/**
 * Decodes CPUID output into a {@link HostCpu}. Leaves above the maximum the
 * CPU reports (leaf 0 and 0x80000000) are ignored, since CPUs answer them
 * with unrelated data; missing leaves read as zero.
 */
export function describeCpu(leaves: readonly CpuidLeaf[]): HostCpu {
  const raw = (leaf: number, subleaf: number): CpuidLeaf =>
    leaves.find((l) => l.leaf === leaf && l.subleaf === subleaf) ??
      { leaf, subleaf, eax: 0, ebx: 0, ecx: 0, edx: 0 };
  const get = (leaf: number, subleaf = 0): CpuidLeaf => {
    const max = raw(leaf >= 0x8000_0000 ? 0x8000_0000 : 0, 0).eax >>> 0;
    return leaf <= max ? raw(leaf, subleaf) : { leaf, subleaf, eax: 0, ebx: 0, ecx: 0, edx: 0 };
  };
  const l0 = get(0), sig = get(1).eax;
  const baseFamily = (sig >>> 8) & 0xf, baseModel = (sig >>> 4) & 0xf;
  const features = {} as Record<CpuFeature, boolean>;
  for (const f of CPU_FEATURES) {
    features[f.name] = ((get(f.leaf, f.subleaf)[f.reg] >>> f.bit) & 1) === 1;
  }
  const brandLeaves = [0x8000_0002, 0x8000_0003, 0x8000_0004].map((l) => get(l));
  return {
    vendor: _text([l0.ebx, l0.edx, l0.ecx]),
    brand: _text(brandLeaves.flatMap((l) => [l.eax, l.ebx, l.ecx, l.edx])).trim(),
    family: baseFamily === 0xf ? baseFamily + ((sig >>> 20) & 0xff) : baseFamily,
    model: baseFamily === 0x6 || baseFamily === 0xf ? baseModel | ((sig >>> 12) & 0xf0) : baseModel,
    stepping: sig & 0xf,
    features,
  };
}

/**
 * Runs CPUID on the host (through `runner`, or a runner opened for the
 * purpose) and describes it. Throws if CPUID does not complete (CPUID
 * faulting is enabled, say).
 */
export async function hostCpu(runner?: Pick<NativeRunner, "run">): Promise<HostCpu> {
  const own = runner ?? await NativeRunner.open();
  try {
    const cpuid = new Uint8Array([0x0f, 0xa2]);
    const cases = CPUID_QUERIES.map(([leaf, subleaf]) =>
      nativeCase(cpuid, { regs: { rax: BigInt(leaf), rcx: BigInt(subleaf) }, stack: 0 })
    );
    const results = await own.run(cases);
    return describeCpu(results.map((r, i) => {
      if (r.kind !== "ok") {
        throw new Error(`CPUID leaf ${CPUID_QUERIES[i][0]} ended with ${r.kind}`);
      }
      const [eax, ebx, ecx, edx] = [0, 3, 1, 2].map((g) => Number(r.regs[g] & 0xffff_ffffn));
      return { leaf: CPUID_QUERIES[i][0], subleaf: CPUID_QUERIES[i][1], eax, ebx, ecx, edx };
    }));
  } finally {
    if (own instanceof NativeRunner && own !== runner) await own.close();
  }
}

/** Registers holding ASCII, little-endian, NULs dropped. */
function _text(regs: readonly number[]): string {
  let s = "";
  for (const r of regs) {
    for (let b = 0; b < 32; b += 8) {
      const c = (r >>> b) & 0xff;
      if (c !== 0) s += String.fromCharCode(c);
    }
  }
  return s;
}
