import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import type { Outcome } from "../oracle/compare.ts";
import { NATIVE_CODE_ADDR, NATIVE_DATA_ADDR, nativeCase } from "../oracle/mod.ts";
import {
  disassemble,
  formatReproducer,
  hexBytes,
  loadCase,
  loadOutcome,
  saveCase,
  saveOutcome,
} from "./native_corpus.ts";

const hex = (s: string) => Uint8Array.from(s.split(" "), (x) => parseInt(x, 16));

function _case() {
  const bytes = new Uint8Array(64);
  bytes.set([1, 2], 3);
  bytes.set([9], 40);
  return nativeCase(hex("48 01 d8 f7 f1"), {
    regs: { rax: 5n, rbx: 0xffff_ffff_ffff_ffffn },
    rflags: 0x401n,
    mem: [{ addr: NATIVE_DATA_ADDR, bytes }],
    stack: 16,
  });
}

const FAULT: Outcome = {
  kind: "exception",
  vector: 0,
  rip: NATIVE_CODE_ADDR + 3n,
  regs: new BigUint64Array(16).fill(7n),
  rflags: 0x217n,
  mem: [{ addr: NATIVE_DATA_ADDR, bytes: new Uint8Array(64) }],
};

Deno.test("saveCase/loadCase round-trip; memory is stored as its non-zero runs", () => {
  const c = _case();
  const s = saveCase(c, FAULT, {
    name: "div-x",
    seed: 1,
    index: 2,
    class: "div",
    host: "AMD EPYC (AuthenticAMD family 25 model 17)",
    vendor: "AuthenticAMD",
    diffs: [{ field: "rax", expected: "0x7", actual: "0x8" }],
  });
  assertEquals(s.code, "48 01 d8 f7 f1");
  assertEquals(s.disasm, ["add rax,rbx", "div ecx"]);
  assertEquals(s.mem[0], { addr: "0x10000000", len: 64, runs: [[3, "0102"], [40, "09"]] });
  assertEquals([s.regs.rbx, s.rflags, s.known], ["0xffffffffffffffff", "0x401", undefined]);
  const back = JSON.parse(JSON.stringify(s));
  const l = loadCase(back);
  assertEquals(l.case, c);
  assertEquals(l.expected, FAULT);
  assertEquals(saveCase(c, FAULT, { ...s, known: "a bug" } as never).known, "a bug");
});

Deno.test("outcomes keep their optional fields", () => {
  const pf: Outcome = { ...FAULT, vector: 14, errorCode: 6, faultAddr: 0x1000_1000n, note: "x" };
  assertEquals(loadOutcome(JSON.parse(JSON.stringify(saveOutcome(pf)))), pf);
  const long = new Uint8Array(40);
  long.set([1, 0, 0, 0, 0, 0, 0, 0, 2], 0); // seven zeros inside a run keep it whole
  assertEquals(saveOutcome({ ...FAULT, mem: [{ addr: 0n, bytes: long }] }).mem[0].runs, [[
    0,
    "010000000000000002",
  ]]);
});

Deno.test("malformed entries are refused by name", () => {
  const s = saveCase(_case(), FAULT, {
    name: "n",
    seed: 0,
    index: 0,
    class: "c",
    host: "h",
    vendor: "v",
    diffs: [],
  });
  throws(() => loadCase({ ...s, code: "4g" }), /not hex bytes: "4g"/);
  const regs = { ...s.regs } as Record<string, string>;
  delete regs.r9;
  throws(() => loadCase({ ...s, regs }), /register r9 missing/);
});

Deno.test("disassemble and formatReproducer", () => {
  const lines = disassemble(hex("48 01 d8 f7 f1"));
  assertEquals(lines.map((l) => [l.addr, hexBytes(l.bytes), l.text]), [
    [NATIVE_CODE_ADDR, "48 01 d8", "add rax,rbx"],
    [NATIVE_CODE_ADDR + 3n, "f7 f1", "div ecx"],
  ]);
  const sim: Outcome = { ...FAULT, kind: "other", vector: undefined, note: "simulator died: x" };
  const text = formatReproducer("mismatch: seed 1 index 2 class div", _case(), FAULT, sim, [
    { field: "kind", expected: "exception 0", actual: "other: simulator died: x" },
  ]);
  const want = [
    "mismatch: seed 1 index 2 class div",
    "  code:",
    "    0x20000000  48 01 d8                       add rax,rbx",
    "    0x20000003  f7 f1                          div ecx",
    "  start: rax=0x5 rbx=0xffffffffffffffff rsp=0x18000010  rflags=0x401",
    "  mem 0x10000000 (64 bytes): +3: 0102 +40: 09",
    "  mem 0x18000000 (16 bytes): zeros",
  ];
  assertEquals(text.split("\n").slice(0, want.length), want);
  ok(text.includes("  host:      exception 0, rip 0x20000003, rax=0x7 "));
  ok(text.includes("  simulator: other (simulator died: x), rip 0x20000003"));
  ok(text.endsWith("  differs: kind: host exception 0, simulator other: simulator died: x"));
});
