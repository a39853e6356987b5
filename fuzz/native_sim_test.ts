import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  NATIVE_CODE_ADDR,
  NATIVE_DATA_ADDR,
  NATIVE_STACK_ADDR,
  nativeCase,
} from "../oracle/mod.ts";
import { END_MARKER, runOnSim, SIM_PT_BASE, traceOnSim } from "./native_sim.ts";

const hex = (s: string) => Uint8Array.from(s.split(" "), (x) => parseInt(x, 16));
const data = () => [{ addr: NATIVE_DATA_ADDR, bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }];

Deno.test("a case runs to its end marker in 64-bit user mode; memory and registers come back", () => {
  // add rax, rbx; mov [0x10000000], eax
  const c = nativeCase(hex("48 01 d8 89 04 25 00 00 00 10"), {
    regs: { rax: 0xffff_ffff_ffff_ffffn, rbx: 2n },
    rflags: 0x400n,
    mem: data(),
  });
  for (const jit of [false, true]) {
    const o = runOnSim(c, { jit });
    assertEquals([o.kind, o.rip, o.regs[0], o.regs[4]], [
      "ok",
      NATIVE_CODE_ADDR + 10n,
      1n,
      NATIVE_STACK_ADDR + 4096n,
    ]);
    assertEquals(o.rflags & 0xcd5n, 0x411n, "CF AF, DF kept; IF and bit 1 as in user mode");
    assertEquals(o.rflags & 0x202n, 0x202n);
    assertEquals(o.mem[0].bytes, Uint8Array.of(1, 0, 0, 0, 5, 6, 7, 8));
    assertEquals(o.mem[1].bytes.length, 4096);
  }
  assertEquals(END_MARKER, hex("0f a2"));
});

Deno.test("exceptions exit with their vector, error code and address, RIP at the faulting instruction", () => {
  const run = (code: string, regs = {}) => runOnSim(nativeCase(hex(code), { regs, mem: data() }));
  const ud = run("0f 0b");
  assertEquals([ud.kind, ud.vector, ud.errorCode, ud.rip], [
    "exception",
    6,
    undefined,
    NATIVE_CODE_ADDR,
  ]);
  const de = run("90 f7 f1"); // nop; div ecx with ecx = 0
  assertEquals([de.vector, de.rip], [0, NATIVE_CODE_ADDR + 1n]);
  // mov [0x10001000], eax: past the region, a user write to a page not present.
  const pf = run("89 04 25 00 10 00 10");
  assertEquals([pf.vector, pf.errorCode, pf.faultAddr], [14, 6, 0x1000_1000n]);
  // The page tables are not mapped linearly, as nothing of the runner is on the host.
  const pt = run("8b 04 25 00 00 10 00");
  assertEquals([pt.vector, pt.errorCode, pt.faultAddr], [14, 4, BigInt(SIM_PT_BASE)]);
  // jmp rax into the data region: a fetch from an execute-disable page (P U I/D).
  const nx = run("ff e0", { rax: NATIVE_DATA_ADDR });
  assertEquals([nx.vector, nx.errorCode, nx.rip], [14, 0x15, NATIVE_DATA_ADDR]);
  // The code window is writable, as the runner maps it.
  assertEquals(run("89 04 25 00 01 00 20").kind, "ok");
});

Deno.test("CPUID in the case itself is an exit the case cannot end with", () => {
  const o = runOnSim(nativeCase(hex("0f a2 90")));
  assertEquals([o.kind, o.note], ["other", "VM exit 10 (qualification 0x0)"]);
});

Deno.test("the budget turns an endless case into a timeout", () => {
  const o = runOnSim(nativeCase(hex("eb fe")), { budget: 1000 }); // jmp $
  assertEquals([o.kind, o.note], ["timeout", "instruction budget used up"]);
});

Deno.test("traceOnSim: the state before each executed instruction; a faulting one is not a step", () => {
  // add rax, rbx; add rax, rbx; mov eax, [0x10001000] (faults)
  const t = traceOnSim(nativeCase(hex("48 01 d8 48 01 d8 8b 04 25 00 10 00 10"), {
    regs: { rax: 1n, rbx: 2n },
    mem: data(),
  }));
  assertEquals(t.steps.map((s) => [s.rip - NATIVE_CODE_ADDR, s.regs[0]]), [[0n, 1n], [3n, 3n]]);
  assertEquals([t.outcome.kind, t.outcome.vector, t.outcome.regs[0]], ["exception", 14, 5n]);
  const ok = traceOnSim(nativeCase(hex("48 01 d8")));
  assertEquals([ok.steps.length, ok.outcome.kind], [1, "ok"]);
});

Deno.test("case memory may not overlap the page tables", () => {
  const c = nativeCase(hex("90"), {
    mem: [{ addr: BigInt(SIM_PT_BASE), bytes: new Uint8Array(8) }],
  });
  throws(() => runOnSim(c), /overlaps the page tables/);
});

Deno.test("with jit the case runs twice on one CPU, the second time through compiled blocks", () => {
  // add [0x10000000], eax; add rax, rbx: the second run must start from the same memory.
  const c = nativeCase(hex("01 04 25 00 00 00 10 48 01 d8"), {
    regs: { rax: 5n, rbx: 2n },
    mem: data(),
  });
  const plain = runOnSim(c), jit = runOnSim(c, { jit: true });
  assertEquals(jit, plain);
  assertEquals([jit.regs[0], jit.mem[0].bytes[0]], [7n, 6]);
});
