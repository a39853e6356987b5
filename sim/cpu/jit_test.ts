import { deepStrictEqual as assertEquals } from "node:assert/strict";
import fc from "fast-check";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { cpuWith, num } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

const _DST = [0, 1, 2, 3, 7]; // eax ecx edx ebx edi: never esp, ebp (loop counter) or esi (memory base)

function _hex(bytes: number[]): string {
  return bytes.map((b) => (b & 0xff).toString(16).padStart(2, "0")).join(" ");
}

const _imm32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const _u8 = fc.integer({ min: 0, max: 255 });
const _dst = fc.constantFrom(..._DST);
const _src = fc.integer({ min: 0, max: 7 });
const _op = fc.integer({ min: 0, max: 7 });
const _d8 = fc.integer({ min: 0, max: 0x3c }).map((d) => d * 4);
const _le = (v: number) => [v, v >> 8, v >> 16, v >> 24];

/** One instruction (or a short fixed group) from the forms the compiler inlines, and some it calls. */
const _insn: fc.Arbitrary<number[]> = fc.oneof(
  fc.tuple(_op, _src, _dst).map(([op, s, d]) => [op * 8 + 1, 0xc0 | (s << 3) | d]),
  fc.tuple(_op, _dst, _src).map(([op, d, s]) => [op * 8 + 3, 0xc0 | (d << 3) | s]),
  fc.tuple(_op, _dst, _d8).map(([op, d, o]) => [op * 8 + 3, 0x46 | (d << 3), o]),
  fc.tuple(_op, _dst, _imm32).map(([op, d, v]) => [0x81, 0xc0 | (op << 3) | d, ..._le(v)]),
  fc.tuple(_op, _dst, _u8).map(([op, d, v]) => [0x83, 0xc0 | (op << 3) | d, v]),
  fc.tuple(_op, _imm32).map(([op, v]) => [op * 8 + 5, ..._le(v)]),
  _dst.map((d) => [0x40 + d]),
  _dst.map((d) => [0x48 + d]),
  fc.tuple(_src, _dst).map(([s, d]) => [0x89, 0xc0 | (s << 3) | d]),
  fc.tuple(_dst, _src).map(([d, s]) => [0x8b, 0xc0 | (d << 3) | s]),
  fc.tuple(_dst, _d8).map(([d, o]) => [0x8b, 0x46 | (d << 3), o]),
  fc.tuple(_src, _d8).map(([s, o]) => [0x89, 0x46 | (s << 3), o]),
  fc.tuple(_dst, _imm32).map(([d, v]) => [0xb8 + d, ..._le(v)]),
  fc.tuple(_op, _src, _dst).map(([op, s, d]) => [0x66, op * 8 + 1, 0xc0 | (s << 3) | d]),
  fc.tuple(_op, _src, _dst).map(([op, s, d]) => [op * 8, 0xc0 | (s << 3) | d]),
  fc.tuple(fc.integer({ min: 0, max: 7 }), _dst, fc.integer({ min: 0, max: 31 })).map((
    [k, d, n],
  ) => [0xc1, 0xc0 | (k << 3) | d, n]),
  fc.tuple(fc.integer({ min: 0, max: 15 }), _dst).map(([cc, d]) => [0x0f, 0x90 + cc, 0xc0 | d]),
  fc.tuple(fc.integer({ min: 0, max: 15 }), _dst, _src).map((
    [cc, d, s],
  ) => [0x0f, 0x40 + cc, 0xc0 | (d << 3) | s]),
  fc.tuple(fc.integer({ min: 0, max: 15 }), _src, _dst).map((
    [cc, s, d],
  ) => [0x70 + cc, 2, 0x89, 0xc0 | (s << 3) | d]),
  fc.tuple(_src, _dst).map(([s, d]) => [0x50 + s, 0x58 + d]),
  _dst.map((d) => [0xe8, 0, 0, 0, 0, 0x58 + d]),
  fc.constant(0).map((d) => [0xeb, d]),
  fc.constantFrom(0xf8, 0xf9, 0xf5).map((b) => [b]),
);

function _state(cpu: Cpu, st: RunStatus): number[] {
  const regs = [
    Field.RAX,
    Field.RCX,
    Field.RDX,
    Field.RBX,
    Field.RSP,
    Field.RBP,
    Field.RSI,
    Field.RDI,
  ];
  return [st, cpu.retired, num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), num(cpu, Field.RFLAGS)]
    .concat(regs.map((f) => num(cpu, f)));
}

function _run(code: string, init: number[], jitAfter: number): { state: number[]; mem: number[] } {
  const { cpu, map } = cpuWith(code, 0x1000, { jitAfter });
  init.forEach((v, k) => cpu.setField(k as Field, BigInt(v >>> 0)));
  cpu.setField(Field.RSP, 0x8000n);
  cpu.setField(Field.RBP, 12n);
  cpu.setField(Field.RSI, 0x4000n);
  for (let k = 0; k < 0x100; k++) map.ram.bytes[0x4000 + k] = (k * 73) & 0xff;
  const st = cpu.run(5000);
  return { state: _state(cpu, st), mem: Array.from(map.ram.bytes.slice(0x4000, 0x4100)) };
}

Deno.test("compiled blocks match the interpreter on random loops (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(_insn, { minLength: 1, maxLength: 24 }),
      fc.array(_imm32, { minLength: 8, maxLength: 8 }),
      (
        body,
        init,
      ) => {
        // loop: body; dec ebp; jnz loop; hlt
        const flat = body.flat();
        const code = _hex([...flat, 0x4d, 0x0f, 0x85, ..._le(-(flat.length + 7)), 0xf4]);
        const jit = _run(code, init, 1);
        assertEquals(jit, _run(code, init, Infinity));
        // Each loop ran to its HLT: 12 passes of the body.
        assertEquals([jit.state[0], jit.state[2]], [RunStatus.EXIT, 12]);
      },
    ),
    { seed: 0x5eed, numRuns: 300 },
  );
});

Deno.test("compiled blocks: ALU vectors give the same registers and flags", () => {
  const text = Deno.readTextFileSync(new URL("./testdata/alu.txt", import.meta.url));
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [code, init] = line.split("|");
    const regs: Record<string, Field> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esi: 6 };
    const vals = [0, 0, 0, 0, 0, 0, 0, 0];
    let flags = 2;
    for (const kv of init.trim().split(/\s+/)) {
      const [k, v] = kv.split("=");
      if (k === "flags") flags = parseInt(v, 16);
      else vals[regs[k]] = parseInt(v, 16);
    }
    const go = (jit: number) => {
      const { cpu } = cpuWith(code + " f4", 0x1000, { jitAfter: jit });
      vals.forEach((v, k) => cpu.setField(k as Field, BigInt(v)));
      cpu.setField(Field.RFLAGS, BigInt(flags));
      return _state(cpu, cpu.run(10));
    };
    assertEquals(go(1), go(Infinity), line);
  }
});

Deno.test("a fault inside a compiled block reports the faulting instruction and the count before it", () => {
  // mov eax,1; add eax,[0x5000] (unmapped); inc eax; hlt — compiled on its first run.
  const { cpu, map } = cpuWith("b8 01 00 00 00 03 05 00 50 00 00 40 f4", 0x1000, { jitAfter: 1 });
  map.attr[5] = 0;
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), cpu.retired, num(cpu, Field.RAX)],
    [
      48,
      0x1005,
      1,
      1,
    ],
  );
});

// 64-bit mode: destinations among all 16 registers but RSP, RBP (loop counter) and RSI (base).
const _DST64 = [0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const _dst64 = fc.constantFrom(..._DST64);
const _src64 = fc.integer({ min: 0, max: 15 });
const _rex = (reg: number, rm: number) => 0x48 | ((reg >> 3) << 2) | (rm >> 3);
const _u32 = fc.oneof(
  fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe),
  fc.integer({ min: 0, max: 0xffffffff }),
);

/** 64-bit forms the compiler inlines (each ALU op, register, memory and immediate sources). */
const _insn64: fc.Arbitrary<number[]> = fc.oneof(
  fc.tuple(_op, _src64, _dst64).map((
    [op, s, d],
  ) => [_rex(s, d), op * 8 + 1, 0xc0 | ((s & 7) << 3) | (d & 7)]),
  fc.tuple(_op, _dst64, _src64).map((
    [op, d, s],
  ) => [_rex(d, s), op * 8 + 3, 0xc0 | ((d & 7) << 3) | (s & 7)]),
  fc.tuple(_op, _dst64, _d8).map((
    [op, d, o],
  ) => [_rex(d, 0), op * 8 + 3, 0x46 | ((d & 7) << 3), o]),
  // The same through FS (base 0) and RIP-relative: the general readM64 path.
  fc.tuple(_op, _dst64, _d8).map((
    [op, d, o],
  ) => [0x64, _rex(d, 0), op * 8 + 3, 0x46 | ((d & 7) << 3), o]),
  fc.tuple(_op, _dst64).map((
    [op, d],
  ) => [_rex(d, 0), op * 8 + 3, 0x05 | ((d & 7) << 3), 0, 0, 0, 0]),
  fc.tuple(_op, _dst64, _imm32).map((
    [op, d, v],
  ) => [_rex(0, d), 0x81, 0xc0 | (op << 3) | (d & 7), ..._le(v)]),
  fc.tuple(_op, _dst64, _u8).map(([op, d, v]) => [_rex(0, d), 0x83, 0xc0 | (op << 3) | (d & 7), v]),
  fc.tuple(_op, _imm32).map(([op, v]) => [0x48, op * 8 + 5, ..._le(v)]),
  fc.tuple(fc.integer({ min: 0, max: 1 }), _dst64).map((
    [k, d],
  ) => [_rex(0, d), 0xff, 0xc0 | (k << 3) | (d & 7)]),
  fc.tuple(_src64, _dst64).map(([s, d]) => [_rex(s, d), 0x89, 0xc0 | ((s & 7) << 3) | (d & 7)]),
  fc.tuple(_dst64, _src64).map(([d, s]) => [_rex(d, s), 0x8b, 0xc0 | ((d & 7) << 3) | (s & 7)]),
  fc.tuple(_dst64, _d8).map(([d, o]) => [_rex(d, 0), 0x8b, 0x46 | ((d & 7) << 3), o]),
  fc.tuple(_dst64, _imm32).map(([d, v]) => [_rex(0, d), 0xc7, 0xc0 | (d & 7), ..._le(v)]),
  // A 32-bit ALU op between them (it clears the high half); Jcc and JMP end blocks mid-loop.
  fc.tuple(_op, _src, _dst).map(([op, s, d]) => [op * 8 + 1, 0xc0 | (s << 3) | d]),
  fc.tuple(fc.integer({ min: 0, max: 15 }), _src64, _dst64).map((
    [cc, s, d],
  ) => [0x70 + cc, 3, _rex(s, d), 0x89, 0xc0 | ((s & 7) << 3) | (d & 7)]),
  fc.constant(0).map((d) => [0xeb, d]),
  fc.constantFrom(0xf8, 0xf9, 0xf5).map((b) => [b]),
);

const _REGS64 = Array.from({ length: 16 }, (_, k) => k as Field);

function _run64(code: string, init: number[], jitAfter: number): number[] {
  const { cpu, map } = cpuWith(code, 0x1000, { jitAfter });
  identity4(map, 0xa000, 16);
  enterLong(cpu, 0xa000);
  init.forEach((v, k) => {
    if (k !== 4 && k !== 5 && k !== 6) {
      cpu.setField(k as Field, (BigInt(init[(k + 1) % 16] >>> 0) << 32n) | BigInt(v >>> 0));
    }
  });
  cpu.setField(Field.RSP, 0x8000n);
  cpu.setField(Field.RBP, 12n);
  cpu.setField(Field.RSI, 0x4000n);
  for (let k = 0; k < 0x100; k++) map.ram.bytes[0x4000 + k] = (k * 73) & 0xff;
  const st = cpu.run(5000);
  return [st, cpu.retired, num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP), num(cpu, Field.RFLAGS)]
    .concat(_REGS64.map((f) => Number(cpu.getField(f) >> 32n)), _REGS64.map((f) => num(cpu, f)));
}

Deno.test("compiled 64-bit blocks match the interpreter on random loops (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(_insn64, { minLength: 1, maxLength: 24 }),
      fc.array(_u32, { minLength: 16, maxLength: 16 }),
      (body, init) => {
        // loop: body; dec rbp; jnz loop; hlt
        const flat = body.flat();
        const code = _hex([
          ...flat,
          0x48,
          0xff,
          0xcd,
          0x0f,
          0x85,
          ..._le(-(flat.length + 9)),
          0xf4,
        ]);
        const jit = _run64(code, init, 1);
        assertEquals(jit, _run64(code, init, Infinity));
        assertEquals([jit[0], jit[2]], [RunStatus.EXIT, 12]);
      },
    ),
    { seed: 0x5eed, numRuns: 300 },
  );
});

Deno.test("a self-looping compiled block stops on the budget with the exact count", () => {
  // 0x1000: inc eax; dec ecx; jnz 0x1000; hlt — one 3-instruction block that loops in itself.
  const { cpu } = cpuWith("40 49 75 fc f4", 0x1000, { jitAfter: 1 });
  cpu.setField(Field.RCX, 1000n);
  assertEquals(cpu.run(100), RunStatus.BUDGET);
  // 33 whole passes, then the interpreter's single steps use up the budget exactly.
  assertEquals([cpu.retired, num(cpu, Field.RAX), num(cpu, Field.RIP)], [100, 34, 0x1001]);
  assertEquals(cpu.run(10000), RunStatus.EXIT);
  // The HLT exits without retiring.
  assertEquals([cpu.retired, num(cpu, Field.RAX), num(cpu, Field.RCX)], [3000, 1000, 0]);
});
