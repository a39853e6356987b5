// The simulator's time model (sim/vmx/vcpu.ts): the guest runs only when a
// command needs the kproc, to its next exit or the next tick after `quantum`
// instructions, as the real kproc takes commands only between exits. These
// cases pin down where commands take effect and the `would block:` deviation.

import { equal } from "node:assert/strict";
import { boot, CODE, ctl, get, reg, STACK, status, wait } from "./_vm.ts";
import { rejects } from "../../sim/testdata/planerror.ts";

// inc eax; jmp $-1: two instructions a round, so ax grows by quantum / 2 per entry.
const LOOP = [0x40, 0xeb, 0xfd];
const GO = `go pc=${CODE};sp=${STACK};`;

Deno.test("while running, status and ctl reads do not advance the guest; each command runs one entry", () => {
  const vm = boot(LOOP, { quantum: 10 });
  ctl(vm, GO);
  equal(status(vm), "running\n");
  equal(status(vm), "running\n");
  equal(get(vm, "ctl"), "0");
  // Reading regs is a command: the guest first runs to the tick.
  equal(reg(vm, "ax"), 5n);
  equal(reg(vm, "ax"), 10n);
  equal(reg(vm, "exitreason"), 1n);
  equal(status(vm), "running\n");
});

Deno.test("stop while running is taken at the next tick; no exit is reported", () => {
  const vm = boot(LOOP, { quantum: 10 });
  ctl(vm, GO);
  ctl(vm, "stop");
  equal(status(vm), "ready\n");
  equal(reg(vm, "ax"), 5n);
  equal(reg(vm, "pc"), BigInt(CODE));
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  // stop is also accepted when ready.
  ctl(vm, "stop");
  equal(status(vm), "ready\n");
});

Deno.test("a command sent while running first lets a reported exit happen", () => {
  const vm = boot([0x90, 0x90, 0x90, 0xf4], { quantum: 10 });
  ctl(vm, GO);
  ctl(vm, "stop");
  equal(wait(vm), ".hlt 0x0 pc 0x1003 sp 0x8000 ilen 0x1 iinfo 0x0\n");
});

Deno.test("go while still running fails, and the guest keeps running", () => {
  const vm = boot(LOOP, { quantum: 10 });
  ctl(vm, GO);
  rejects(() => ctl(vm, "go"), "VM not ready");
  rejects(() => ctl(vm, "step"), "VM not ready");
  equal(status(vm), "running\n");
  equal(reg(vm, "ax"), 15n);
});

Deno.test("would block: wait with nothing to report, and a guest that never exits", () => {
  const vm = boot(LOOP, { quantum: 10, waitBudget: 100 });
  rejects(() => wait(vm), "would block: vCPU 0 is not running");
  ctl(vm, GO);
  rejects(() => wait(vm), "would block: vCPU 0 ran 100 instructions without a reported exit");
  // It is still running, 100 instructions on.
  equal(status(vm), "running\n");
  equal(reg(vm, "ax"), 55n);
});
