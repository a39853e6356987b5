import assert from "node:assert/strict";
import { GPR_NAMES, NATIVE_DATA_ADDR, NATIVE_STACK_ADDR, nativeCase } from "./native_case.ts";

const NOP = new Uint8Array([0x90]);

Deno.test("nativeCase defaults: zero registers, RSP at the top of a 4 KiB stack, flags 0x2", () => {
  const c = nativeCase(NOP);
  assert.equal(c.code, NOP);
  assert.deepEqual([...c.regs], [0n, 0n, 0n, 0n, NATIVE_STACK_ADDR + 4096n, ...Array(11).fill(0n)]);
  assert.equal(c.rflags, 0x2n);
  assert.equal(c.mem.length, 1);
  assert.equal(c.mem[0].addr, NATIVE_STACK_ADDR);
  assert.deepEqual(c.mem[0].bytes, new Uint8Array(4096));
});

Deno.test("nativeCase places named registers, wraps negatives, puts the stack after other regions", () => {
  const data = { addr: NATIVE_DATA_ADDR, bytes: new Uint8Array([1]) };
  const c = nativeCase(NOP, {
    regs: { rax: -1n, r15: 7n, rsp: 0x10n },
    rflags: 0x8d5n,
    mem: [data],
    stack: 64,
  });
  assert.equal(c.regs[GPR_NAMES.indexOf("rax")], 0xffff_ffff_ffff_ffffn);
  assert.equal(c.regs[15], 7n);
  assert.equal(c.regs[4], 0x10n);
  assert.equal(c.rflags, 0x8d5n);
  assert.deepEqual(c.mem.map((r) => [r.addr, r.bytes.length]), [[NATIVE_DATA_ADDR, 1], [
    NATIVE_STACK_ADDR,
    64,
  ]]);
  assert.deepEqual(nativeCase(NOP, { stack: 0 }).mem, []);
});

Deno.test("nativeCase rejects unknown registers and impossible stacks", () => {
  assert.throws(
    () => nativeCase(NOP, { regs: { rip: 1n } as never }),
    /^RangeError: unknown register "rip"$/,
  );
  assert.throws(
    () => nativeCase(NOP, { stack: 65537 }),
    /^RangeError: stack of 65537 bytes: want 0 to 65536$/,
  );
  assert.throws(() => nativeCase(NOP, { stack: -1 }), /stack of -1 bytes/);
  assert.throws(() => nativeCase(NOP, { stack: 1.5 }), /stack of 1.5 bytes/);
});

Deno.test("GPR_NAMES follows the encoding order", () => {
  assert.deepEqual(GPR_NAMES.slice(0, 8), ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"]);
  assert.equal(GPR_NAMES.length, 16);
  assert.ok(Object.isFrozen(GPR_NAMES));
});
