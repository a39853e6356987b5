/**
 * A small guest machine for the conformance suites: a simulated kernel, one
 * sticky segment `vm.0` of 1 MiB mapped `rwx wb` at guest-physical 0, and
 * one vCPU, driven only through the files a program sees (#g, #X), as
 * vmx(1) drives them. Also the descriptor tables a guest needs to take an
 * exception or interrupt through its IDT in 32-bit protected mode.
 *
 * @module
 */

import {
  DMDIR,
  Kernel,
  type KernelOptions,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  type Syscalls,
} from "../../mod.ts";
import { descriptorTables, GDT, IDT } from "../../corpus/mod.ts";
import { readOnce, writeOnce } from "../../sim/testdata/files.ts";

/** Guest-physical address where test code starts. */
export const CODE = 0x1000;
/** Initial stack pointer the tests give the guest. */
export const STACK = 0x8000;

const _enc = new TextEncoder();
const _dec = new TextDecoder();

/** One vCPU with its memory. */
export interface Vm {
  /** The kernel. */
  readonly kernel: Kernel;
  /** A process of the host owner. */
  readonly p: Syscalls;
  /** The vCPU's ctl, from opening #X/clone. */
  readonly ctl: number;
  /** The vCPU's directory, "#X/N". */
  readonly dir: string;
}

/** Text as bytes. */
export function bytes(s: string): Uint8Array {
  return _enc.encode(s);
}

/** Bytes as text. */
export function text(b: Uint8Array): string {
  return _dec.decode(b);
}

/** A kernel with vm.0 mapped and a vCPU whose code (if any) is at CODE. */
export function boot(code: readonly number[] = [], opts: KernelOptions = {}): Vm {
  const kernel = new Kernel(opts);
  const p = kernel.process();
  p.close(p.create("#g/vm.0", OREAD, DMDIR | 0o777));
  const seg = p.open("#g/vm.0/ctl", OWRITE);
  p.write(seg, bytes("va 0x10000000 0x100000 sticky"));
  p.close(seg);
  const ctl = p.open("#X/clone", ORDWR);
  const vm = { kernel, p, ctl, dir: `#X/${text(p.pread(ctl, 20, 0))}` };
  put(vm, "map", "rwx wb 0x0 0x100000 vm.0 0\n", OTRUNC);
  poke(vm, CODE, code);
  return vm;
}

/** Write `data` to guest-physical `addr` through #g/vm.0/data. */
export function poke(vm: Vm, addr: number, data: readonly number[] | Uint8Array): void {
  const fd = vm.p.open("#g/vm.0/data", OWRITE);
  vm.p.pwrite(fd, Uint8Array.from(data), addr);
  vm.p.close(fd);
}

/** `n` bytes of guest-physical memory at `addr`. */
export function peek(vm: Vm, addr: number, n: number): Uint8Array {
  const fd = vm.p.open("#g/vm.0/data", OREAD);
  const b = vm.p.pread(fd, n, addr);
  vm.p.close(fd);
  return b;
}

/** The little-endian 32-bit words at `addr`. */
export function peek32(vm: Vm, addr: number, n: number): number[] {
  const b = peek(vm, addr, 4 * n);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => v.getUint32(4 * i, true));
}

/** Write one message to the vCPU's ctl; returns the count. */
export function ctl(vm: Vm, msg: string): number {
  return vm.p.write(vm.ctl, bytes(msg));
}

/** Open the vCPU's `file`, write `s` once (with `mode` bits such as OTRUNC), close; the count. */
export function put(vm: Vm, file: string, s: string, mode = 0): number {
  return writeOnce(vm.p, `${vm.dir}/${file}`, s, mode);
}

/** Open the vCPU's `file`, read up to `n` bytes once, close. */
export function get(vm: Vm, file: string, n = 8192): string {
  return readOnce(vm.p, `${vm.dir}/${file}`, n);
}

/** The regs file as a map from name to value. */
export function regs(vm: Vm): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const line of get(vm, "regs").split("\n")) {
    if (line === "") continue;
    const [name, value] = line.split(" ");
    m.set(name, BigInt(value));
  }
  return m;
}

/** One register's value. */
export function reg(vm: Vm, name: string): bigint {
  const v = regs(vm).get(name);
  if (v === undefined) throw new Error(`no register ${name}`);
  return v;
}

/** One read of `wait`. */
export function wait(vm: Vm, n = 512): string {
  return get(vm, "wait", n);
}

/** The status file. */
export function status(vm: Vm): string {
  return get(vm, "status");
}

/** corpus/guest.ts's descriptorTables written to the guest, and the regs that point the vCPU at them. */
export function installIdt(vm: Vm, vectors: readonly number[]): void {
  for (const [addr, bytes] of descriptorTables(vectors)) poke(vm, addr, bytes);
  const top = Math.max(0, ...vectors);
  put(
    vm,
    "regs",
    `gdtrbase ${GDT}\ngdtrlimit 0x17\nidtrbase ${IDT}\nidtrlimit ${8 * top + 7}\n`,
  );
}
