/**
 * The hardware oracle: runs x86-64 instruction sequences natively on the
 * host CPU in user mode and identifies that CPU, the ground truth sim/cpu is
 * compared against.
 *
 * Start with {@link NativeRunner} (its module doc has a runnable example)
 * and {@link nativeCase}.
 *
 * @module
 */

export { type NativeOpenOptions, NativeRunner, type NativeRunOptions } from "./native.ts";
export {
  NATIVE_CODE_ADDR,
  NATIVE_CODE_MAX,
  NATIVE_CODE_WINDOW,
  NATIVE_MAX_REGION_LEN,
  NATIVE_MAX_REGIONS,
  NATIVE_SETTABLE_FLAGS,
  type NativeCase,
  type NativeRegion,
  type NativeResult,
  type NativeResultKind,
  NativeSignal,
} from "./native_protocol.ts";
export {
  GPR_NAMES,
  type GprName,
  NATIVE_DATA_ADDR,
  NATIVE_STACK_ADDR,
  nativeCase,
  type NativeCaseOptions,
} from "./native_case.ts";
export { type BuildOptions, buildRunner, RUNNER_CFLAGS } from "./native_build.ts";
export {
  CPU_FEATURES,
  type CpuFeature,
  type CpuFeatureRow,
  CPUID_QUERIES,
  type CpuidLeaf,
  describeCpu,
  type HostCpu,
  hostCpu,
} from "./host_cpu.ts";
