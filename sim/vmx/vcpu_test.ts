import { deepStrictEqual as assertEquals, equal, throws } from "node:assert/strict";
import { Field, GuestRam } from "../cpu/mod.ts";
import { newfpsave } from "./fpregs.ts";
import { cmdgetregs } from "./guestregs.ts";
import { HOST } from "./host.ts";
import type { SegmentRef } from "./meminfo.ts";
import { statenames, Vmx, VmxState } from "./vcpu.ts";
import { rejects } from "../testdata/planerror.ts";

/** vCPU `index` with 64 KiB of memory from a sticky segment, `code` at 0x1000. */
function vcpu(
  code: number[],
  opts = { quantum: 10, waitBudget: 100, rdrandSeed: 0 },
  index = 0,
): Vmx {
  const ram = new GuestRam(0x10000);
  ram.bytes.set(code, 0x1000);
  const seg: SegmentRef = { name: "s", type: "sticky", base: 0x10000000n, top: 0x10010000n, ram };
  const v = new Vmx(index, opts);
  equal(v.setmeminfo("rwx wb 0 0x10000 s 0\n", (n) => n === "s" ? seg : undefined), 21);
  return v;
}

const reg = (v: Vmx, name: string) => {
  const line = v.getregs().split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? undefined : BigInt(line.slice(name.length + 1));
};

Deno.test("statenames are devvmx's, in VmxState order", () => {
  assertEquals(statenames, ["init", "ready", "running", "dead", "ending"]);
  assertEquals(
    [VmxState.INIT, VmxState.READY, VmxState.RUNNING, VmxState.DEAD, VmxState.ENDING],
    [0, 1, 2, 3, 4],
  );
});

Deno.test("a new vCPU is ready, with vmcsinit's state and fpinit's FPsave", () => {
  const v = new Vmx(3, { quantum: 1, waitBudget: 1, rdrandSeed: 0 });
  equal(v.index, 3);
  equal(v.state, VmxState.READY);
  equal(v.errstr, "");
  equal(v.getregs(), cmdgetregs(v.cpu));
  assertEquals(v.getfpregs(), newfpsave(HOST.mxcsrMask));
  equal(v.getmeminfo(), "");
  assertEquals(v.status(), { state: VmxState.READY, errstr: "" });
});

Deno.test("the time model's options must be positive instruction counts", () => {
  for (
    const [quantum, waitBudget] of [[0, 1], [1.5, 1], [1, 0], [1, -1], [NaN, 1], [1, Infinity]]
  ) {
    throws(() => new Vmx(0, { quantum, waitBudget, rdrandSeed: 0 }), RangeError);
  }
  for (const rdrandSeed of [-1, 0.5, 2 ** 53]) {
    throws(() => new Vmx(0, { quantum: 1, waitBudget: 1, rdrandSeed }), /^RangeError: rdrandSeed/);
  }
});

Deno.test("rdrandSeed seeds the guest's RDRAND: the same seed, the same value", () => {
  // rdrand eax; hlt
  const run = (rdrandSeed: number) => {
    const v = vcpu([0x0f, 0xc7, 0xf0, 0xf4], { quantum: 10, waitBudget: 100, rdrandSeed });
    v.go(false, "pc=0x1000;");
    v.wait();
    return reg(v, "ax");
  };
  equal(run(7), run(7));
  equal(run(7) === run(8), false);
});

Deno.test("go runs nothing by itself; the next command runs one entry of `quantum` instructions", () => {
  // inc eax; jmp $-1
  const v = vcpu([0x40, 0xeb, 0xfd]);
  v.go(false, "pc=0x1000;");
  equal(v.state, VmxState.RUNNING);
  equal(v.cpu.getField(Field.RAX), 0n);
  equal(reg(v, "ax"), 5n);
  v.stop();
  equal(reg(v, "ax"), 10n);
  equal(v.state, VmxState.READY);
  equal(reg(v, "ax"), 10n);
});

Deno.test("would block: nothing to wait for, a second exc while not running, a guest that never exits", () => {
  const v = vcpu([0x40, 0xeb, 0xfd]);
  rejects(() => v.wait(), "would block: vCPU 0 is not running");
  v.exc("#ud");
  rejects(() => v.exc("#ud"), "would block: vCPU 0 is not running");
  v.irq(undefined);
  v.extrap("0x40002");
  v.go(false, "pc=0x1000;");
  // The pending #ud goes through the IDT (limit 0): #GP, #DF, triple fault.
  equal(v.wait(), "triplef 0x0 pc 0x1000 sp 0x0 ilen 0x0 iinfo 0x0\n");
  v.go(false, undefined);
  rejects(() => v.wait(), "would block: vCPU 0 ran 100 instructions without a reported exit");
  equal(v.state, VmxState.RUNNING);
});

Deno.test("quit ends the vCPU: every later command fails with vmx: ending", () => {
  const v = vcpu([0xf4]);
  v.quit();
  equal(v.state, VmxState.ENDING);
  equal(v.mem.lookupPage(1), undefined);
  rejects(() => v.getregs(), "vmx: ending");
  rejects(() => v.wait(), "vmx: ending");
  rejects(() => v.quit(), "vmx: ending");
});

Deno.test("setfpregs returns what cmdsetfpregs returns; an overrun kills the vCPU", () => {
  const v = vcpu([0xf4]);
  equal(v.setfpregs(new Uint8Array(832), 0), 832);
  equal(v.setfpregs(new Uint8Array(500).fill(1), 400), 332);
  equal(v.setfpregs(new Uint8Array(5), 832), 0);
  equal(v.state, VmxState.READY);
  throws(() => v.setfpregs(new Uint8Array(833), 0), RangeError);
  equal(v.setfpregs(new Uint8Array(10).fill(2), 831), 822);
  assertEquals(v.status(), {
    state: VmxState.DEAD,
    errstr: "unimplemented: fpregs write of 10 bytes at 831 overruns FPsave by 821 bytes",
  });
  equal(v.getfpregs()[831], 2);
});

Deno.test("VMfailValid records the VM-instruction error: 7 for a bad injection, 5 for an unlaunched VMCS", () => {
  const a = vcpu([0xf4]);
  a.exc("#gp");
  a.go(false, "pc=0x1000;");
  equal(reg(a, "instructionerror"), 7n);
  assertEquals(a.status(), { state: VmxState.DEAD, errstr: "vmlaunch failed" });
  const b = vcpu([0xf4]);
  b.setregs("flags 0\n");
  b.go(false, "pc=0x1000;");
  equal(b.wait(), "!entrystate 0x0 pc 0x1000 sp 0x0 ilen 0x0 iinfo 0x0\n");
  b.setregs("flags 2\n");
  b.go(false, undefined);
  equal(reg(b, "instructionerror"), 5n);
  equal(b.state, VmxState.DEAD);
});

Deno.test("kproc state round-trips into another vCPU, which then behaves the same", () => {
  const a = vcpu([0x90, 0x90, 0xf4]);
  a.go(true, "pc=0x1000;");
  equal(a.wait(), ".hlt 0x0 pc 0x1002 sp 0x0 ilen 0x1 iinfo 0x0\n");
  a.irq("32");
  const b = vcpu([0x90, 0x90, 0xf4]);
  b.kproc = a.kproc;
  assertEquals(b.kproc, a.kproc);
  // Both now step on every entry (the monitor trap flag stayed on).
  for (const v of [a, b]) {
    v.go(false, "pc=0x1000;");
    equal(v.wait(), "monitortrap 0x0 pc 0x1001 sp 0x0 ilen 0x0 iinfo 0x0\n");
  }
});

Deno.test("setfpregs at or past the end copies nothing, at any offset", () => {
  const v = vcpu([0xf4]);
  for (const off of [832, 833, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    equal(v.setfpregs(new Uint8Array(8).fill(1), off), 0);
  }
  assertEquals(v.getfpregs(), newfpsave(HOST.mxcsrMask));
  equal(v.state, VmxState.READY);
});
