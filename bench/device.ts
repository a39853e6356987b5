/**
 * The end-to-end workload: the 32-bit checksum loop run through the device
 * (#g segment, #X clone, map, ctl `go`, wait), so that its MIPS against
 * the bare Cpu shows what the kernel, the device and exits cost. The guest
 * sums 4 KiB 64 times, then writes port 0xe9 (an io exit) and the monitor
 * restarts it; each exit ends `INSNS_PER_EXIT` instructions.
 *
 * @module
 */

import { DMDIR, Kernel, ORDWR, OREAD, OWRITE, type Syscalls } from "../mod.ts";

/** Guest instructions between two exits: MOV EBX, then 64 passes of 2 + 1024 × 5 + 2 (OUT exits unretired). */
export const INSNS_PER_EXIT = 1 + 64 * (2 + 1024 * 5 + 2);

const _enc = new TextEncoder();

// deno-fmt-ignore
// 0: mov ebx,64; 5: mov esi,0x4000; mov ecx,1024; f: add eax,[esi]; adc edx,0; add esi,4; dec ecx;
// jnz f; 1a: dec ebx; jnz 5; 1d: out 0xe9,al; jmp 0
const _GUEST = [
  0xbb, 0x40, 0x00, 0x00, 0x00, 0xbe, 0x00, 0x40, 0x00, 0x00, 0xb9, 0x00, 0x04, 0x00, 0x00,
  0x03, 0x06, 0x83, 0xd2, 0x00, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf5, 0x4b, 0x75, 0xe8,
  0xe6, 0xe9, 0xeb, 0xdf,
];

/**
 * What a monitor does before its first `go`: a 64 KiB sticky segment vm.0
 * holding `guest` at 0x1000, mapped rwx from guest-physical 0, and vCPU 0.
 * Returns the descriptors of its ctl and wait files.
 */
export function bootGuest(p: Syscalls, guest: Uint8Array): { ctl: number; wait: number } {
  p.close(p.create("#g/vm.0", OREAD, DMDIR | 0o777));
  const seg = p.open("#g/vm.0/ctl", OWRITE);
  p.write(seg, _enc.encode("va 0x10000000 0x10000 sticky"));
  p.close(seg);
  const data = p.open("#g/vm.0/data", OWRITE);
  p.pwrite(data, guest, 0x1000);
  p.close(data);
  const ctl = p.open("#X/clone", ORDWR);
  const map = p.open("#X/0/map", OWRITE);
  p.write(map, _enc.encode("rwx wb 0x0 0x10000 vm.0 0\n"));
  return { ctl, wait: p.open("#X/0/wait", OREAD) };
}

/** Run a fresh kernel's session of `exits` io exits; returns guest instructions run. */
export function deviceSession(exits: number): number {
  const p: Syscalls = new Kernel().process();
  const { ctl, wait } = bootGuest(p, new Uint8Array(_GUEST));
  for (let i = 0; i < exits; i++) {
    p.write(ctl, _enc.encode("go pc=0x1000;"));
    const ev = new TextDecoder().decode(p.read(wait, 512));
    if (!ev.startsWith("io")) throw new Error(`unexpected exit: ${ev}`);
  }
  return exits * INSNS_PER_EXIT;
}
