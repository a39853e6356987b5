// A guest in 64-bit mode set up only through the regs file, as a vmx(1)-style
// loader would: identity-mapped 4-level page tables in guest memory, then
// cr3, cr4real (PAE), efer (LME), cr0real (PG) and cs's perm (L) written,
// and go. devvmx's updatelma derives EFER.LMA and the IA-32e mode guest
// entry control; the CPU runs 64-bit code through the tables. Also the exits
// paging adds: page faults with their address as the qualification, and
// EPT violations while walking the tables.

import { equal } from "node:assert/strict";
import { boot, CODE, ctl, peek, poke, put, reg, STACK, wait } from "./_vm.ts";

const PML4 = 0x10000;

/** Little-endian bytes of the 8-byte entries `v`. */
function _entries(v: readonly number[]): Uint8Array {
  const b = new Uint8Array(v.length * 8);
  const dv = new DataView(b.buffer);
  v.forEach((x, k) => dv.setUint32(k * 8, x, true));
  return b;
}

/** A vCPU in 64-bit mode whose tables map the first 2 MiB with one large page. */
function _long(code: readonly number[], cr3 = PML4) {
  const vm = boot(code);
  poke(vm, PML4, _entries([(PML4 + 0x1000) | 7]));
  poke(vm, PML4 + 0x1000, _entries([(PML4 + 0x2000) | 7]));
  poke(vm, PML4 + 0x2000, _entries([0x87]));
  put(vm, "regs", `cr3 ${cr3}\ncr4real 0x20\nefer 0x100\ncr0real 0x80000031\ncsperm 0xa09b\n`);
  return vm;
}

const GO = `go pc=${CODE};sp=${STACK};`;

Deno.test("a 64-bit loop through 4-level paging: LMA from updatelma, the .hlt line", () => {
  // mov ecx, 10; add eax, ecx; dec ecx; jnz -6; hlt
  const vm = _long([0xb9, 0x0a, 0, 0, 0, 0x01, 0xc8, 0xff, 0xc9, 0x75, 0xfa, 0xf4]);
  equal(reg(vm, "efer"), 0x500n);
  ctl(vm, GO);
  equal(wait(vm), ".hlt 0x0 pc 0x100b sp 0x8000 ilen 0x1 iinfo 0x0\n");
  equal(reg(vm, "ax"), 55n);
  // The walk set the accessed bits.
  equal(peek(vm, PML4, 1)[0], 0x27);
  equal(peek(vm, PML4 + 0x2000, 1)[0], 0xa7);
});

Deno.test("a page fault exits with its linear address as the qualification and the error code", () => {
  // mov eax, [0x200000]: beyond the one 2-MiB page.
  const vm = _long([0x8b, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00]);
  ctl(vm, "extrap 0x4000");
  ctl(vm, GO);
  equal(wait(vm), "#pf 0x200000 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0 excode 0x0\n");
  equal(reg(vm, "cr2"), 0n);
});

Deno.test("an EPT violation while walking: qualification bit 8 clear, pa of the entry, va of the access", () => {
  // The tables at 0x200000 lie outside the map: the first fetch's walk reads the PML4E there.
  const vm = _long([0xf4], 0x200000);
  ctl(vm, GO);
  equal(wait(vm), "eptfault 0x81 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0 va 0x1000 pa 0x200000\n");
});
