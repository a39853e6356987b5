import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  COMPARED_FLAGS,
  compareOutcomes,
  foldUndefined,
  hex64,
  nativeOutcome,
  type Outcome,
  SIGNAL_VECTORS,
  VENDOR_DIFFERENCES,
  vendorFlagMask,
} from "./compare.ts";
import { type NativeResult, NativeSignal } from "./native_protocol.ts";

function _regs(fill = 0n): BigUint64Array {
  return new BigUint64Array(16).fill(fill);
}

function _native(over: Partial<NativeResult>): NativeResult {
  return {
    kind: "ok",
    regs: _regs(),
    rflags: 0x202n,
    rip: 0x2000_0003n,
    mem: [{ addr: 0x1000_0000n, bytes: new Uint8Array(4) }],
    ...over,
  };
}

function _outcome(over: Partial<Outcome> = {}): Outcome {
  return {
    kind: "ok",
    rip: 0x2000_0003n,
    regs: _regs(),
    rflags: 0x202n,
    mem: [{ addr: 0x1000_0000n, bytes: new Uint8Array(4) }],
    ...over,
  };
}

Deno.test("nativeOutcome: ok and timeout keep the state", () => {
  const ok = nativeOutcome(_native({}));
  assertEquals([ok.kind, ok.rip, ok.vector, ok.note], ["ok", 0x2000_0003n, undefined, undefined]);
  const t = nativeOutcome(_native({ kind: "timeout", signal: NativeSignal.SIGVTALRM, trapno: 0 }));
  assertEquals([t.kind, t.note], ["timeout", "CPU-time limit"]);
});

Deno.test("nativeOutcome: every signal's vectors become exceptions, with codes where they push one", () => {
  const f = (signal: number, trapno: number, errorCode = 0n, faultAddr = 0n) =>
    nativeOutcome(_native({ kind: "fault", signal, trapno, errorCode, faultAddr, siCode: 1 }));
  assertEquals(f(NativeSignal.SIGFPE, 0), { ..._outcome(), kind: "exception", vector: 0 });
  assertEquals(f(NativeSignal.SIGILL, 6).vector, 6);
  assertEquals(f(NativeSignal.SIGTRAP, 3).vector, 3);
  assertEquals(f(NativeSignal.SIGTRAP, 1).vector, 1);
  const gp = f(NativeSignal.SIGSEGV, 13);
  assertEquals([gp.vector, gp.errorCode, gp.faultAddr], [13, 0, undefined]);
  const pf = f(NativeSignal.SIGSEGV, 14, 6n, 0x1000_1000n);
  assertEquals([pf.vector, pf.errorCode, pf.faultAddr], [14, 6, 0x1000_1000n]);
  assertEquals(f(NativeSignal.SIGBUS, 12).errorCode, 0);
  assertEquals(f(NativeSignal.SIGBUS, 17).vector, 17);
  assertEquals(SIGNAL_VECTORS.flatMap((s) => s.vectors).sort((a, b) => a - b), [
    0,
    1,
    3,
    6,
    12,
    13,
    14,
    17,
  ]);
});

Deno.test("nativeOutcome: a signal without a matching vector is 'other'", () => {
  const sys = nativeOutcome(
    _native({ kind: "fault", signal: NativeSignal.SIGSYS, trapno: 0, siCode: 1 }),
  );
  assertEquals([sys.kind, sys.note], ["other", "signal 31 (si_code 1, trapno 0)"]);
  const odd = nativeOutcome(
    _native({ kind: "fault", signal: NativeSignal.SIGFPE, trapno: 16, siCode: 0 }),
  );
  assertEquals([odd.kind, odd.vector], ["other", undefined]);
});

Deno.test("compareOutcomes: equal outcomes give nothing; RF never counts", () => {
  assertEquals(compareOutcomes(_outcome(), _outcome(), { flags: 0 }), []);
  assertEquals(compareOutcomes(_outcome({ rflags: 0x1_0202n }), _outcome(), { flags: 0 }), []);
  assertEquals(COMPARED_FLAGS & 0x1_0000, 0);
});

Deno.test("compareOutcomes: registers, RIP, flags and memory, each field named", () => {
  const sim = _outcome({
    regs: _regs(),
    rip: 0x2000_0004n,
    rflags: 0x203n,
    mem: [{ addr: 0x1000_0000n, bytes: Uint8Array.of(0, 9, 9, 0) }],
  });
  sim.regs[3] = 5n;
  assertEquals(compareOutcomes(_outcome(), sim, { flags: 0 }), [
    { field: "rip", expected: "0x20000003", actual: "0x20000004" },
    { field: "rbx", expected: "0x0", actual: "0x5" },
    { field: "rflags", expected: "0x202", actual: "0x203" },
    { field: "mem@0x10000001 (2 bytes differ)", expected: "00 00 00", actual: "09 09 00" },
  ]);
});

Deno.test("compareOutcomes: masks hide undefined flags and register bits", () => {
  const sim = _outcome({ rflags: 0x2d3n, regs: _regs() });
  sim.regs[0] = 0xffn;
  const regs = Array.from({ length: 16 }, (_, g) => g === 0 ? 0xfn : 0n);
  const d = compareOutcomes(_outcome(), sim, { flags: 0xd1, regs });
  assertEquals(d, [{ field: "rax", expected: "0x0", actual: "0xf0" }]);
  assertEquals(compareOutcomes(_outcome(), sim, { flags: 0xd1, regs: [0xffn] }), []);
});

Deno.test("compareOutcomes: a different kind or vector reports only that and RIP", () => {
  const ex = _outcome({ kind: "exception", vector: 14, errorCode: 6, faultAddr: 0x1000n });
  const other = _outcome({
    kind: "other",
    note: "simulator died: unimplemented",
    rip: 0x2000_0000n,
  });
  assertEquals(compareOutcomes(ex, other, { flags: 0 }), [
    { field: "kind", expected: "exception 14", actual: "other: simulator died: unimplemented" },
    { field: "rip", expected: "0x20000003", actual: "0x20000000" },
  ]);
  const gp = _outcome({ kind: "exception", vector: 13, errorCode: 0, regs: _regs(1n) });
  assertEquals(compareOutcomes(ex, gp, { flags: 0 }).map((d) => d.field), ["kind"]);
});

Deno.test("compareOutcomes: #PF compares error-code bits 0-4 and the address", () => {
  const pf = (errorCode: number, faultAddr: bigint) =>
    _outcome({ kind: "exception", vector: 14, errorCode, faultAddr });
  assertEquals(compareOutcomes(pf(0x26, 0x1000n), pf(0x6, 0x1000n), { flags: 0 }), []);
  assertEquals(compareOutcomes(pf(0x7, 0x1000n), pf(0x6, 0x1008n), { flags: 0 }), [
    { field: "errorCode", expected: "0x7", actual: "0x6" },
    { field: "faultAddr", expected: "0x1000", actual: "0x1008" },
  ]);
  // In the kernel half the host's kernel always reports P = 1.
  const kernel = 0xffff_ffff_ffff_ffe6n;
  assertEquals(compareOutcomes(pf(0x7, kernel), pf(0x6, kernel), { flags: 0 }), []);
  const gp = (errorCode?: number) => _outcome({ kind: "exception", vector: 13, errorCode });
  assertEquals(compareOutcomes(gp(0), gp(undefined), { flags: 0 }), [
    { field: "errorCode", expected: "0x0", actual: "none" },
  ]);
});

Deno.test("compareOutcomes: a different number of regions is one difference", () => {
  assertEquals(compareOutcomes(_outcome(), _outcome({ mem: [] }), { flags: 0 }), [
    { field: "mem", expected: "1 regions", actual: "0 regions" },
  ]);
});

Deno.test("foldUndefined: the last writer decides, and a read of an undefined flag taints", () => {
  const mul = { read: 0, written: 0x801, undefined: 0xd4 };
  const add = { read: 0, written: 0x8d5, undefined: 0 };
  const adc = { read: 0x1, written: 0x8d5, undefined: 0 };
  const sets = { read: 0x80, written: 0, undefined: 0 };
  assertEquals(foldUndefined([]), { flags: 0, tainted: -1 });
  assertEquals(foldUndefined([mul]), { flags: 0xd4, tainted: -1 });
  assertEquals(foldUndefined([mul, add]), { flags: 0, tainted: -1 });
  assertEquals(foldUndefined([mul, adc]), { flags: 0, tainted: -1 });
  assertEquals(foldUndefined([mul, sets, add]), { flags: 0, tainted: 1 });
  assertEquals(foldUndefined([sets], 0x80), { flags: 0x80, tainted: 0 });
});

Deno.test("vendorFlagMask: BT* mask ZF on AMD hosts only; every difference is cited", () => {
  assertEquals(vendorFlagMask("AuthenticAMD", "bts"), 0x40);
  assertEquals(vendorFlagMask("GenuineIntel", "bts"), 0);
  assertEquals(vendorFlagMask("AuthenticAMD", "add"), 0);
  for (const d of VENDOR_DIFFERENCES) {
    assertEquals(d.cite.includes("SDM") && d.cite.includes("APM"), true, d.what);
  }
});

Deno.test("hex64 prints 64-bit two's complement", () => {
  assertEquals([hex64(0n), hex64(-1n), hex64(0x1234n)], ["0x0", "0xffffffffffffffff", "0x1234"]);
});

Deno.test("compareOutcomes: 'other' outcomes never match, even each other", () => {
  const o = _outcome({ kind: "other", note: "signal 31 (si_code 1, trapno 0)" });
  assertEquals(compareOutcomes(o, o, { flags: 0 }), [
    {
      field: "kind",
      expected: "other: signal 31 (si_code 1, trapno 0)",
      actual: "other: signal 31 (si_code 1, trapno 0)",
    },
  ]);
});
