// exc and irq as vmxproc injects them at VM entry (devvmx.c vmxproc,
// cmdexcept, cmdirq, eventparse), delivered through a guest IDT in 32-bit
// protected mode; the handler of vector v is a hlt at HANDLERS + 16 * v.

import { deepEqual, equal } from "node:assert/strict";
import { boot, CODE, ctl, installIdt, peek32, put, reg, STACK, status, wait } from "./_vm.ts";
import { HANDLERS } from "../../corpus/mod.ts";
import { rejects } from "../../sim/testdata/planerror.ts";

const GO = `go pc=${CODE};sp=${STACK};`;

/** The handler's hlt exit line for vector `v` with the stack at `sp`. */
function halted(v: number, sp: number): string {
  return `.hlt 0x0 pc 0x${(HANDLERS + 16 * v).toString(16)} sp 0x${
    sp.toString(16)
  } ilen 0x1 iinfo 0x0\n`;
}

Deno.test("exc #gp,CODE is delivered through the IDT with its error code on the stack", () => {
  const vm = boot([0xf4]);
  installIdt(vm, [13]);
  ctl(vm, "exc #gp,0x10");
  ctl(vm, GO);
  equal(wait(vm), halted(13, STACK - 16));
  // Error code, EIP, CS (the initial selector 0), EFLAGS.
  deepEqual(peek32(vm, STACK - 16, 4), [0x10, CODE, 0, 2]);
  equal(reg(vm, "cs"), 8n);
});

Deno.test("exc #gp without an error code in protected mode: VM entry fails, the vCPU dies", () => {
  // SDM 26.2.1.3: without IA32_VMX_BASIC[56] (clear on the modeled host) a
  // #GP must be injected with deliver-error-code set.
  const vm = boot([0xf4]);
  ctl(vm, "exc #gp");
  ctl(vm, GO);
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  equal(status(vm), "dead 'vmlaunch failed'\n");
  equal(reg(vm, "instructionerror"), 7n);
  rejects(() => ctl(vm, "stop"), "VM not ready or running");
  rejects(() => ctl(vm, "go"), "VM not ready");
});

Deno.test("a second exc waits until the first is taken at an entry", () => {
  // jmp $: runs until a tick (quantum 10).
  const vm = boot([0xeb, 0xfe], { quantum: 10 });
  installIdt(vm, [3, 6]);
  ctl(vm, GO);
  ctl(vm, "exc #ud");
  // Postponed until the next entry injected #ud; the guest then halts in its handler.
  ctl(vm, "exc #bp");
  equal(status(vm), "ready\n");
  equal(wait(vm), halted(6, STACK - 12));
  // #bp is a software exception (bare vectors 3 and 4 become type 6): it
  // returns past an instruction of length ILEN, here 0.
  ctl(vm, "go");
  equal(wait(vm), halted(3, STACK - 24));
  deepEqual(peek32(vm, STACK - 24, 3), [HANDLERS + 16 * 6, 8, 2]);
});

Deno.test("exc while one is pending and the guest is not running would block", () => {
  const vm = boot([0xf4]);
  ctl(vm, "exc #ud");
  rejects(() => ctl(vm, "exc #ud"), "would block: vCPU 0 is not running");
});

Deno.test("!entrystate leaves the injected event pending: the next entry delivers it", () => {
  const vm = boot([0xf4]);
  installIdt(vm, [13]);
  ctl(vm, GO);
  equal(wait(vm), ".hlt 0x0 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  ctl(vm, "exc #gp,0");
  put(vm, "regs", "flags 0xa\n");
  ctl(vm, "go");
  equal(wait(vm), "!entrystate 0x0 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  put(vm, "regs", "flags 0x2\n");
  ctl(vm, "go");
  equal(wait(vm), halted(13, STACK - 16));
});

Deno.test("irq: *ack VECTOR first, then the exit of the handler", () => {
  const vm = boot([0x90, 0xf4]);
  installIdt(vm, [32]);
  ctl(vm, "irq 32");
  ctl(vm, `${GO}flags=0x202;`);
  equal(wait(vm), "*ack 32\n");
  equal(wait(vm), halted(32, STACK - 12));
  // Delivered at the first instruction: EIP, CS, EFLAGS with IF.
  deepEqual(peek32(vm, STACK - 12, 3), [CODE, 0, 0x202]);
});

Deno.test("irq with IF=0 waits for the interrupt window (not reported) after sti", () => {
  // nop; sti; nop; nop; hlt
  const vm = boot([0x90, 0xfb, 0x90, 0x90, 0xf4]);
  installIdt(vm, [32]);
  ctl(vm, "irq 32");
  ctl(vm, GO);
  equal(wait(vm), "*ack 32\n");
  equal(wait(vm), halted(32, STACK - 12));
  // STI blocks for one instruction: the window opens before the second nop.
  deepEqual(peek32(vm, STACK - 12, 3), [CODE + 3, 0, 0x202]);
});

Deno.test("a later irq replaces a pending one; irq alone or with 3+ fields cancels", () => {
  const vm = boot([0x90, 0xf4]);
  installIdt(vm, [32, 33]);
  ctl(vm, "irq 32");
  ctl(vm, "irq 33");
  ctl(vm, `${GO}flags=0x202;`);
  equal(wait(vm), "*ack 33\n");
  equal(wait(vm), halted(33, STACK - 12));
  for (const cancel of ["irq", "irq 32 x", "irq junk x y"]) {
    ctl(vm, "irq 32");
    ctl(vm, cancel);
    ctl(vm, GO);
    equal(wait(vm), ".hlt 0x0 pc 0x1001 sp 0x8000 ilen 0x1 iinfo 0x0\n", cancel);
  }
});

Deno.test("an irq posted with an exc replaces it at the same entry (POSTEX is tested after clearing)", () => {
  const vm = boot([0x90, 0xf4]);
  installIdt(vm, [6, 32]);
  ctl(vm, "exc #ud");
  ctl(vm, "irq 32");
  ctl(vm, `${GO}flags=0x202;`);
  equal(wait(vm), "*ack 32\n");
  equal(wait(vm), halted(32, STACK - 12));
  // The #ud is gone: the guest runs on to its hlt.
  ctl(vm, `go pc=${CODE};sp=${STACK};`);
  equal(wait(vm), ".hlt 0x0 pc 0x1001 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test("no irq is injected while stepping; the next go delivers it (with the monitor trap)", () => {
  const vm = boot([0x90, 0x90, 0xf4]);
  installIdt(vm, [32]);
  ctl(vm, "irq 32");
  ctl(vm, `step pc=${CODE};sp=${STACK};flags=0x202;`);
  equal(wait(vm), ".hlt 0x0 pc 0x1002 sp 0x8000 ilen 0x1 iinfo 0x0\n");
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  ctl(vm, `go pc=${CODE};`);
  equal(wait(vm), "*ack 32\n");
  // The monitor trap flag stays on since the step: an MTF exit is pending after an injected event is delivered (SDM 25.5.2).
  equal(wait(vm), "monitortrap 0x0 pc 0x3200 sp 0x7ff4 ilen 0x0 iinfo 0x0\n");
});

Deno.test("exc and irq refuse what eventparse refuses, and change nothing", () => {
  const vm = boot([0xf4]);
  for (
    const bad of ["#xx", "256", "x", "#bp,,1", "#gp,1,2,3", "#gp,z", "-", " ", "1 ", "#gp,1,2,"]
  ) {
    rejects(() => ctl(vm, `exc '${bad}'`), "bad process or channel control request");
    rejects(() => ctl(vm, `irq '${bad}'`), "bad process or channel control request");
  }
  ctl(vm, GO);
  equal(wait(vm), ".hlt 0x0 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});
