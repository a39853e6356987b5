import assert from "node:assert/strict";
import { NativeRunner } from "./native.ts";
import { NATIVE_DATA_ADDR, NATIVE_STACK_ADDR, nativeCase } from "./native_case.ts";
import {
  NATIVE_CODE_ADDR,
  type NativeCase,
  type NativeResult,
  NativeSignal,
} from "./native_protocol.ts";

/** Machine code from hex bytes ("48 01 d8"); encodings checked against GNU as. */
function _code(hex: string): Uint8Array {
  return new Uint8Array(hex.split(/\s+/).filter((b) => b).map((b) => parseInt(b, 16)));
}

const ADD_RAX_RBX = _code("48 01 d8");
const MASK64 = (1n << 64n) - 1n;

/** Arithmetic flags of a 64-bit ADD, from first principles, with IF and bit 1 as the runner reports. */
function _addFlags(a: bigint, b: bigint): bigint {
  const sum = a + b, r = sum & MASK64;
  let low = r & 0xffn, ones = 0n;
  for (; low; low >>= 1n) ones += low & 1n;
  return 0x202n | (sum >> 64n) | // CF
    ((ones & 1n) === 0n ? 0x4n : 0n) | // PF
    (((a ^ b ^ r) & 0x10n) ? 0x10n : 0n) | // AF
    (r === 0n ? 0x40n : 0n) | // ZF
    ((r >> 63n) << 7n) | // SF
    ((((~(a ^ b) & (a ^ r)) >> 63n) & 1n) << 11n); // OF
}

async function _withRunner(body: (runner: NativeRunner) => Promise<void>): Promise<void> {
  const runner = await NativeRunner.open();
  try {
    await body(runner);
  } finally {
    await runner.close();
  }
}

async function _one(runner: NativeRunner, c: NativeCase): Promise<NativeResult> {
  const [r] = await runner.run([c], { timeoutMs: 20 });
  return r;
}

Deno.test("add rax, rbx sets exact flags on carries and overflows", () =>
  _withRunner(async (runner) => {
    const literal: [bigint, bigint, bigint, bigint][] = [
      [1n, 2n, 3n, 0x206n],
      [MASK64, 1n, 0n, 0x257n], // CF PF AF ZF
      [0x7fff_ffff_ffff_ffffn, 1n, 0x8000_0000_0000_0000n, 0xa96n], // OF SF AF PF
      [0x8000_0000_0000_0000n, 0x8000_0000_0000_0000n, 0n, 0xa47n], // OF ZF PF CF
    ];
    const res = await runner.run(
      literal.map(([a, b]) => nativeCase(ADD_RAX_RBX, { regs: { rax: a, rbx: b } })),
    );
    literal.forEach(([a, b, sum, flags], i) => {
      assert.equal(res[i].kind, "ok");
      assert.equal(res[i].regs[0], sum, `${a} + ${b}`);
      assert.equal(res[i].regs[3], b);
      assert.equal(res[i].rflags, flags, `flags of ${a} + ${b}`);
      assert.equal(res[i].rip, NATIVE_CODE_ADDR + 3n);
    });

    const values = [
      0n,
      1n,
      0xfn,
      0x10n,
      0x7fn,
      0x80n,
      0x7fff_ffff_ffff_ffffn,
      0x8000_0000_0000_0000n,
      MASK64,
    ];
    const pairs = values.flatMap((a) => values.map((b) => [a, b] as const));
    // Start from every arithmetic flag set (and DF): ADD must overwrite all six and keep DF.
    const all = await runner.run(
      pairs.map(([a, b]) => nativeCase(ADD_RAX_RBX, { regs: { rax: a, rbx: b }, rflags: 0xcd5n })),
    );
    pairs.forEach(([a, b], i) => {
      assert.equal(all[i].regs[0], (a + b) & MASK64);
      assert.equal(all[i].rflags, _addFlags(a, b) | 0x400n, `flags of ${a} + ${b}`);
    });
  }));

Deno.test("registers and flags pass through an empty case unchanged", () =>
  _withRunner(async (runner) => {
    const regs = Object.fromEntries(
      [
        "rax",
        "rcx",
        "rdx",
        "rbx",
        "rsp",
        "rbp",
        "rsi",
        "rdi",
        "r8",
        "r9",
        "r10",
        "r11",
        "r12",
        "r13",
        "r14",
        "r15",
      ]
        .map((name, i) => [name, 0x0123_4567_89ab_cdefn * BigInt(i + 1) & MASK64]),
    );
    const r = await _one(runner, nativeCase(new Uint8Array(0), { regs, rflags: 0xcd5n, stack: 0 }));
    assert.equal(r.kind, "ok");
    assert.deepEqual([...r.regs], Object.values(regs));
    assert.equal(r.rflags, 0xed7n); // the settable flags, bit 1 and IF
    assert.equal(r.rip, NATIVE_CODE_ADDR);
  }));

Deno.test("div by zero is SIGFPE at the divide, with the state at the fault", () =>
  _withRunner(async (runner) => {
    const r = await _one(
      runner,
      nativeCase(_code("90 90 48 f7 f3"), { regs: { rax: 5n, rdx: 0n, rbx: 0n, rcx: 9n } }),
    );
    assert.equal(r.kind, "fault");
    assert.equal(r.signal, NativeSignal.SIGFPE);
    assert.equal(r.siCode, 1); // FPE_INTDIV
    assert.equal(r.trapno, 0); // #DE
    assert.equal(r.faultRip, 2n);
    assert.equal(r.rip, NATIVE_CODE_ADDR + 2n);
    assert.equal(r.faultAddr, NATIVE_CODE_ADDR + 2n);
    assert.equal(r.regs[0], 5n);
    assert.equal(r.regs[1], 9n);
  }));

Deno.test("a load from an unmapped address is SIGSEGV naming the address", () =>
  _withRunner(async (runner) => {
    const [load, store, nonCanonical] = await runner.run([
      nativeCase(_code("48 c7 c1 07 00 00 00 48 8b 03"), { regs: { rbx: 0x3000_0010n } }),
      nativeCase(_code("48 89 03"), { regs: { rbx: 0x3000_0010n } }),
      nativeCase(_code("48 8b 03"), { regs: { rbx: 0x8000_0000_0000_0000n } }),
    ]);
    assert.equal(load.kind, "fault");
    assert.equal(load.signal, NativeSignal.SIGSEGV);
    assert.equal(load.siCode, 1); // SEGV_MAPERR
    assert.equal(load.faultAddr, 0x3000_0010n);
    assert.equal(load.faultRip, 7n);
    assert.equal(load.trapno, 14); // #PF
    assert.equal(load.errorCode, 4n); // user-mode read of a not-present page
    assert.equal(load.regs[1], 7n); // rcx was written before the fault
    assert.equal(store.errorCode, 6n); // user-mode write
    // A non-canonical address is #GP, which carries no address.
    assert.equal(nonCanonical.signal, NativeSignal.SIGSEGV);
    assert.equal(nonCanonical.siCode, 128); // SI_KERNEL
    assert.equal(nonCanonical.trapno, 13);
    assert.equal(nonCanonical.faultAddr, 0n);
  }));

Deno.test("ud2 is SIGILL, int3 and stray jumps are SIGTRAP, syscall is SIGSYS", () =>
  _withRunner(async (runner) => {
    const [ud2, int3, stray, syscall, after] = await runner.run([
      nativeCase(_code("90 0f 0b")),
      nativeCase(_code("cc")),
      nativeCase(_code("eb 10")), // past the trailer, into the int3 filler
      nativeCase(_code("0f 05"), { regs: { rax: 39n } }), // getpid must not run
      nativeCase(ADD_RAX_RBX, { regs: { rax: 1n, rbx: 1n } }),
    ]);
    assert.equal(ud2.kind, "fault");
    assert.equal(ud2.signal, NativeSignal.SIGILL);
    assert.equal(ud2.siCode, 2); // ILL_ILLOPN
    assert.equal(ud2.trapno, 6); // #UD
    assert.equal(ud2.faultRip, 1n);
    assert.equal(int3.signal, NativeSignal.SIGTRAP);
    assert.equal(int3.trapno, 3);
    assert.equal(int3.faultRip, 1n); // a trap reports the next instruction
    assert.equal(stray.signal, NativeSignal.SIGTRAP);
    assert.equal(stray.faultRip, 0x13n);
    assert.equal(syscall.signal, NativeSignal.SIGSYS);
    assert.equal(syscall.siCode, 1); // SYS_SECCOMP
    assert.equal(syscall.faultRip, 2n);
    assert.equal(syscall.trapno, 0);
    assert.equal(after.kind, "ok");
    assert.equal(after.regs[0], 2n);
  }));

Deno.test("an infinite loop is a timeout, and the runner goes on", () =>
  _withRunner(async (runner) => {
    const [spin, count, next] = await runner.run([
      nativeCase(_code("eb fe")),
      nativeCase(_code("48 ff c0 eb fb")), // inc rax; jmp back
      nativeCase(ADD_RAX_RBX, { regs: { rax: 2n, rbx: 3n } }),
    ], { timeoutMs: 10 });
    assert.equal(spin.kind, "timeout");
    assert.equal(spin.signal, NativeSignal.SIGVTALRM);
    assert.equal(spin.faultRip, 0n);
    assert.equal(count.kind, "timeout");
    assert.ok(count.regs[0] > 1000n, `looped ${count.regs[0]} times`);
    assert.equal(next.kind, "ok");
    assert.equal(next.regs[0], 5n);
  }));

Deno.test("memory regions round trip, with zeroed pages and nothing else mapped", () =>
  _withRunner(async (runner) => {
    const data = new Uint8Array(16).map((_, i) => i);
    const straddle = NATIVE_DATA_ADDR + 0x2ff8n; // 16 bytes across a page boundary
    // mov rax,[rbx]; not rax; mov [rbx+8],rax; mov rcx,[rdx]; mov [rdx+8],rcx
    const code = _code("48 8b 03 48 f7 d0 48 89 43 08 48 8b 0a 48 89 4a 08");
    const [r] = await runner.run([nativeCase(code, {
      regs: { rbx: NATIVE_DATA_ADDR, rdx: straddle },
      mem: [{ addr: NATIVE_DATA_ADDR, bytes: data }, { addr: straddle, bytes: data.slice() }],
    })]);
    assert.equal(r.kind, "ok");
    assert.equal(r.regs[0], ~0x0706_0504_0302_0100n & MASK64);
    assert.deepEqual([...r.mem[0].bytes], [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      0xff,
      0xfe,
      0xfd,
      0xfc,
      0xfb,
      0xfa,
      0xf9,
      0xf8,
    ]);
    assert.deepEqual([...r.mem[1].bytes], [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(r.mem[0].addr, NATIVE_DATA_ADDR);
    assert.equal(r.mem[2].addr, NATIVE_STACK_ADDR); // the stack region comes last

    // The page stays mapped for the next case but is zeroed; without the region it is gone.
    const region = [{ addr: NATIVE_DATA_ADDR, bytes: new Uint8Array(8) }];
    const [dirty, clean, gone] = await runner.run([
      nativeCase(_code("48 89 8b 00 01 00 00"), {
        regs: { rbx: NATIVE_DATA_ADDR, rcx: 7n },
        mem: region,
      }),
      nativeCase(_code("48 8b 83 00 01 00 00"), {
        regs: { rbx: NATIVE_DATA_ADDR, rax: 9n },
        mem: region,
      }),
      nativeCase(_code("48 8b 83 00 01 00 00"), { regs: { rbx: NATIVE_DATA_ADDR } }),
    ]);
    assert.equal(dirty.kind, "ok");
    assert.equal(clean.regs[0], 0n);
    assert.equal(gone.signal, NativeSignal.SIGSEGV);
    assert.equal(gone.faultAddr, NATIVE_DATA_ADDR + 0x100n);
  }));

Deno.test("the stack region serves push and pop", () =>
  _withRunner(async (runner) => {
    const r = await _one(
      runner,
      nativeCase(_code("53 58 53"), { regs: { rbx: 0x1122_3344_5566_7788n } }),
    );
    assert.equal(r.regs[0], 0x1122_3344_5566_7788n);
    assert.equal(r.regs[4], NATIVE_STACK_ADDR + 4096n - 8n);
    const top = new DataView(r.mem[0].bytes.buffer, r.mem[0].bytes.byteOffset + 4088, 8);
    assert.equal(top.getBigUint64(0, true), 0x1122_3344_5566_7788n);
  }));

Deno.test("no state leaks from one case to the next", () =>
  _withRunner(async (runner) => {
    // push 0x3f80; ldmxcsr [rsp]; movq xmm0, rbx; std
    const dirty = nativeCase(_code("68 80 3f 00 00 0f ae 14 24 66 48 0f 6e c3 fd"), {
      regs: { rbx: 0x55n },
    });
    // stmxcsr [rsp-8]; mov eax, [rsp-8]; movq rcx, xmm0
    const probe = nativeCase(_code("0f ae 5c 24 f8 8b 44 24 f8 66 48 0f 7e c1"));
    // pushfq; or qword [rsp], 0x100 (TF); popfq; nop; nop
    const trace = nativeCase(_code("9c 48 81 0c 24 00 01 00 00 9d 90 90"));
    const [d, p, t, p2] = await runner.run([dirty, probe, trace, probe]);
    assert.equal(d.rflags & 0x400n, 0x400n); // DF set by the case is reported...
    assert.equal(p.regs[0], 0x1f80n); // ...but MXCSR, XMM0 and DF start clean
    assert.equal(p.regs[1], 0n);
    assert.equal(p.rflags & 0x400n, 0n);
    assert.equal(t.signal, NativeSignal.SIGTRAP);
    assert.equal(t.trapno, 1); // #DB after the instruction following POPFQ
    assert.equal(t.faultRip, 11n);
    assert.deepEqual([...p2.regs], [...p.regs]);
  }));

Deno.test("segment and FS/GS base changes are undone after each case", () =>
  _withRunner(async (runner) => {
    const rdfsbase = nativeCase(_code("f3 48 0f ae c0"));
    const res = await runner.run([
      rdfsbase,
      nativeCase(_code("f3 48 0f ae d3 f3 48 0f ae db"), { regs: { rbx: 0x1234n } }), // wrfsbase/wrgsbase
      nativeCase(_code("8e e0 8e e8"), { regs: { rax: 0x2bn } }), // mov fs, ax; mov gs, ax
      nativeCase(_code("8e e0"), { regs: { rax: 0n } }),
      rdfsbase,
    ]);
    // Whether or not this host allows RDFSBASE, the runner survived and saw the same FS.
    assert.equal(res[4].kind, res[0].kind);
    assert.equal(res[4].regs[0], res[0].regs[0]);
  }));

Deno.test("a batch of 10,000 trivial cases gives 10,000 right answers", () =>
  _withRunner(async (runner) => {
    const cases = Array.from(
      { length: 10_000 },
      (_, i) =>
        nativeCase(ADD_RAX_RBX, {
          regs: { rax: BigInt(i) << 32n, rbx: BigInt(i) },
          stack: i % 10 ? 0 : 64,
        }),
    );
    const res = await runner.run(cases);
    assert.equal(res.length, 10_000);
    res.forEach((r, i) => {
      assert.equal(r.kind, "ok");
      assert.equal(r.regs[0], (BigInt(i) << 32n) + BigInt(i));
    });
  }));

Deno.test("concurrent runs are queued, not interleaved", () =>
  _withRunner(async (runner) => {
    const batch = (n: bigint) =>
      runner.run(
        Array.from({ length: 300 }, () => nativeCase(ADD_RAX_RBX, { regs: { rax: n, rbx: n } })),
      );
    const [a, b] = await Promise.all([batch(1n), batch(5n)]);
    assert.ok(a.every((r) => r.regs[0] === 2n));
    assert.ok(b.every((r) => r.regs[0] === 10n));
  }));

Deno.test("a region the kernel will not map is an error naming case and page; the runner goes on", () =>
  _withRunner(async (runner) => {
    const ok = nativeCase(ADD_RAX_RBX, { regs: { rax: 1n, rbx: 1n } });
    const taken = nativeCase(ADD_RAX_RBX, {
      mem: [{ addr: 0x40_0010n, bytes: new Uint8Array(8) }],
    }); // runner's text
    await assert.rejects(
      runner.run([ok, taken]),
      /^Error: native case 1: cannot map the region page at 0x400000: errno 17 /,
    );
    // The last user page is above Linux's TASK_SIZE. (Root may map page 0, so that would not do.)
    const top = nativeCase(ADD_RAX_RBX, {
      mem: [{ addr: 0x7fff_ffff_f000n, bytes: new Uint8Array(8) }],
    });
    await assert.rejects(
      runner.run([top]),
      /native case 0: cannot map the region page at 0x7ffffffff000: errno 12 /,
    );
    assert.equal((await runner.run([ok]))[0].regs[0], 2n);
  }));

Deno.test("invalid cases and options are rejected before anything runs", () =>
  _withRunner(async (runner) => {
    const base = nativeCase(ADD_RAX_RBX);
    const bad: [NativeCase, RegExp][] = [
      [{ ...base, code: new Uint8Array(4097) }, /native case 1: code is 4097 bytes, limit 4096/],
      [{ ...base, regs: new BigUint64Array(15) }, /native case 1: regs has 15 entries, want 16/],
      [{ ...base, rflags: 0x102n }, /native case 1: rflags 0x102 sets bits other than/],
      [{ ...base, mem: Array(9).fill(base.mem[0]) }, /native case 1: 9 memory regions, limit 8/],
      [
        { ...base, mem: [{ addr: 0n, bytes: new Uint8Array(65537) }] },
        /region at 0x0 is 65537 bytes/,
      ],
      [
        { ...base, mem: [{ addr: -8n, bytes: new Uint8Array(8) }] },
        /region at -0x8 is outside the user half/,
      ],
      [
        { ...base, mem: [{ addr: 0x7fff_ffff_fff8n, bytes: new Uint8Array(16) }] },
        /region at 0x7ffffffffff8 is outside the user half/,
      ],
      [
        { ...base, mem: [{ addr: 0x2000_1ff8n, bytes: new Uint8Array(8) }] },
        /overlaps the code window/,
      ],
      [
        { ...base, mem: [{ addr: 0x1fff_fff8n, bytes: new Uint8Array(9) }] },
        /overlaps the code window/,
      ],
    ];
    for (const [c, message] of bad) {
      await assert.rejects(runner.run([base, c]), { name: "RangeError", message });
    }
    await assert.rejects(runner.run([base], { timeoutMs: 0 }), /timeoutMs 0: want more than 0/);
    await assert.rejects(runner.run([base], { timeoutMs: 5e6 }), /timeoutMs 5000000/);
    assert.equal((await runner.run([base]))[0].kind, "ok");
  }));

Deno.test("a closed runner refuses work; close twice is harmless", async () => {
  const runner = await NativeRunner.open();
  await runner.close();
  await runner.close();
  await assert.rejects(runner.run([]), /^Error: native runner is closed$/);
});

Deno.test("an empty batch gives no results", () =>
  _withRunner(async (runner) => {
    assert.deepEqual(await runner.run([]), []);
  }));

Deno.test("a runner that dies or speaks another protocol is reported in one line", async () => {
  await assert.rejects(
    NativeRunner.open({ path: "false" }),
    /^Error: native runner exited with status 1$/,
  );
  await assert.rejects(
    NativeRunner.open({ path: "yes" }),
    /^Error: native runner speaks another protocol: magic 0xa790a79/,
  );

  // A fake runner: a valid hello, then it dies complaining.
  const fake = await Deno.makeTempFile({ suffix: ".sh" });
  try {
    await Deno.writeTextFile(
      fake,
      "#!/bin/sh\nprintf 'VXH1\\001\\000\\000\\000\\000\\000\\000\\040\\000\\000\\000\\000'\n" +
        "echo 'runner: boom' >&2\nexit 3\n",
    );
    await Deno.chmod(fake, 0o755);
    const runner = await NativeRunner.open({ path: fake });
    const dead = /^Error: native runner exited with status 3: runner: boom$/;
    await assert.rejects(runner.run([nativeCase(ADD_RAX_RBX)]), dead);
    await assert.rejects(runner.run([nativeCase(ADD_RAX_RBX)]), dead);
    await runner.close();
  } finally {
    await Deno.remove(fake);
  }
});
