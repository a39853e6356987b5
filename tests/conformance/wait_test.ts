// The wait file's exit lines (devvmx.c cmdwait) for each kind of exit a guest
// can cause, with the guest state each one reports, and the way vmxread
// hands a line out (one line a read, cut to the read count).

import { equal } from "node:assert/strict";
import { boot, CODE, ctl, put, reg, STACK, status, wait } from "./_vm.ts";
import { rejects } from "../../sim/testdata/planerror.ts";

const GO = `go pc=${CODE};sp=${STACK};`;

Deno.test("io: OUT imm8 and IN DX, qualification as SDM table 27-5, pc at the instruction, ax", () => {
  // mov al,0x41; out 0xe9,al; in al,dx; hlt
  const vm = boot([0xb0, 0x41, 0xe6, 0xe9, 0xec, 0xf4]);
  ctl(vm, GO);
  // size-1 = 0, OUT (bit 3 clear), immediate operand (bit 6), port 0xe9 in bits 31:16.
  equal(wait(vm), "io 0xe90040 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x41\n");
  equal(status(vm), "ready\n");
  // The exit leaves pc at the instruction; vmx(1) steps over it by ilen.
  ctl(vm, `go pc=${CODE + 4};`);
  // IN (bit 3), port DX = 0.
  equal(wait(vm), "io 0x8 pc 0x1004 sp 0x8000 ilen 0x1 iinfo 0x0 ax 0x41\n");
  ctl(vm, `go pc=${CODE + 5};`);
  equal(wait(vm), ".hlt 0x0 pc 0x1005 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test(".cpuid and .hlt: instruction exits with their lengths", () => {
  const vm = boot([0x0f, 0xa2, 0xf4]);
  ctl(vm, GO);
  equal(wait(vm), ".cpuid 0x0 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x0\n");
  ctl(vm, `go pc=${CODE + 2};`);
  equal(wait(vm), ".hlt 0x0 pc 0x1002 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test("eptfault: a read of unmapped guest memory, with va and pa", () => {
  // mov eax,[0x200000]: the map ends at 0x100000.
  const vm = boot([0xa1, 0x00, 0x00, 0x20, 0x00]);
  ctl(vm, GO);
  // The CPU's qualification: read (bit 0), no EPT permission (bits 5:3 clear),
  // linear address valid (7) and translated (8); no advanced information
  // (bits 9-11) on this Skylake.
  equal(
    wait(vm),
    "eptfault 0x181 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0 va 0x200000 pa 0x200000\n",
  );
});

Deno.test("#ud exits only once extrap puts it in the exception bitmap; without it, a triple fault", () => {
  // ud2 twice; the IDT limit is 0, so a delivered #UD faults on to #GP, #DF, shutdown.
  const vm = boot([0x0f, 0x0b]);
  ctl(vm, "extrap 0x40042");
  ctl(vm, GO);
  equal(wait(vm), "#ud 0x0 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  ctl(vm, "extrap 0x40002");
  ctl(vm, "go");
  equal(wait(vm), "triplef 0x0 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  equal(status(vm), "ready\n");
});

Deno.test("an exception exit with an error code adds excode", () => {
  // A bitmapped #GP, raised by delivering #UD through an IDT that is too short.
  const vm = boot([0x0f, 0x0b]);
  ctl(vm, "extrap 0x42002");
  ctl(vm, GO);
  // #UD (vector 6) is delivered; the IDT limit 0 makes that a #GP whose error
  // code names IDT entry 6 (6 << 3 | IDT bit 2 | EXT bit 0 for a hardware
  // exception = 0x33); the #GP exits with the #UD recorded as IDT vectoring.
  equal(wait(vm), "#gp 0x0 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0 excode 0x33\n");
  equal(reg(vm, "idtinterruptinfo"), 0x80000306n);
});

Deno.test("monitortrap after a step, from the second entry on (vmxproc's defprocbctls)", () => {
  const vm = boot([0x90, 0x90, 0x90, 0xf4]);
  // vmxproc copies defprocbctls before it adds the monitor trap flag: the
  // first step's entry runs without it, so the guest runs to the hlt.
  ctl(vm, `step pc=${CODE};sp=${STACK};`);
  equal(wait(vm), ".hlt 0x0 pc 0x1003 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  // From then on every entry has it: a go stops after one instruction too.
  ctl(vm, `go pc=${CODE};`);
  equal(wait(vm), "monitortrap 0x0 pc 0x1001 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  ctl(vm, "go");
  equal(wait(vm), "monitortrap 0x0 pc 0x1002 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  ctl(vm, "step");
  equal(wait(vm), "monitortrap 0x0 pc 0x1003 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  ctl(vm, "go");
  equal(wait(vm), ".hlt 0x0 pc 0x1003 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test("a step whose first entry ends unreported gets the monitor trap at the next entry", () => {
  // inc eax; jmp $-1: a loop; with quantum 10 the first entry ends at a tick.
  const vm = boot([0x40, 0xeb, 0xfd], { quantum: 10 });
  ctl(vm, `step pc=${CODE};sp=${STACK};`);
  equal(wait(vm), "monitortrap 0x0 pc 0x1001 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  equal(reg(vm, "ax"), 6n);
});

Deno.test("!entrystate: a guest-state check fails, only reason and qualification change", () => {
  const vm = boot([0xf4, 0xf4]);
  ctl(vm, GO);
  equal(wait(vm), ".hlt 0x0 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  // RFLAGS bit 3 is reserved (SDM 26.3.1.4).
  put(vm, "regs", "flags 0xa\n");
  ctl(vm, `go pc=${CODE + 1};`);
  // ilen is still the hlt's: the other exit fields keep their values (SDM 26.7).
  equal(wait(vm), "!entrystate 0x0 pc 0x1001 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  equal(status(vm), "ready\n");
  equal(reg(vm, "exitreason"), 0x80000021n);
  put(vm, "regs", "flags 0x2\n");
  ctl(vm, "go");
  equal(wait(vm), ".hlt 0x0 pc 0x1001 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test("!entrystate at the first entry leaves the VMCS unlaunched: the next go kills the vCPU", () => {
  const vm = boot([0xf4]);
  put(vm, "regs", "flags 0xa\n");
  ctl(vm, GO);
  equal(wait(vm), "!entrystate 0x0 pc 0x1000 sp 0x8000 ilen 0x0 iinfo 0x0\n");
  put(vm, "regs", "flags 0x2\n");
  // devvmx now uses VMRESUME, which VMfailValids on a VMCS that was never
  // launched (VM-instruction error 5).
  ctl(vm, "go");
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  equal(status(vm), "dead 'vmlaunch failed'\n");
  equal(reg(vm, "instructionerror"), 5n);
  rejects(() => ctl(vm, "go"), "VM not ready");
});

Deno.test("a wait read returns one line cut to the read count; the rest is lost", () => {
  const vm = boot([0x0f, 0xa2, 0xf4]);
  ctl(vm, GO);
  equal(wait(vm, 6), ".cpuid");
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  ctl(vm, `go pc=${CODE + 2};`);
  equal(wait(vm, 0), "");
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
});
