import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { EPT_READ } from "./bus.ts";
import { enterLong, entryLo, identity4, setEntry } from "./_paging_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";
import { pagingRegisters, setPagingRegisters } from "./paging.ts";

const _ROOT = 0x10000, _PT = 0x13000;

/** 64-bit mode over identity-mapped 4-level tables (64 pages); #PF, #GP and #SS exit. */
function _long(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  identity4(t.map, _ROOT, 64);
  enterLong(t.cpu, _ROOT);
  t.cpu.setField(Field.EXCEPTION_BITMAP, (1n << 14n) | (1n << 13n) | (1n << 12n));
  return t;
}

/** Run; the exit reason, interruption information and error code, qualification, CR2, RIP. */
function _exit(cpu: Cpu): number[] {
  assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
  return [
    Field.EXIT_REASON,
    Field.EXIT_INTR_INFO,
    Field.EXIT_INTR_CODE,
    Field.EXIT_QUALIFICATION,
    Field.CR2,
    Field.RIP,
  ].map((f) => num(cpu, f));
}

const _READ = "8b 04 25 00 50 00 00 f4"; // mov eax, [0x5000]; hlt
const _WRITE = "89 04 25 00 50 00 00 f4"; // mov [0x5000], eax; hlt
const _HLT_CODE = "f4";

function _pf(code: number, addr: number, rip = 0x1000): number[] {
  return [0, 0x80000b0e, code, addr, 0, rip];
}

Deno.test("4-level paging: a 64-bit loop runs; the walk sets A bits, a write sets D", () => {
  // mov ecx, 10; add eax, ecx; dec ecx; jnz -6; mov [0x5000], eax; hlt
  const { cpu, map } = _long("b9 0a 00 00 00 01 c8 ff c9 75 fa 89 04 25 00 50 00 00 f4");
  assertEquals(_exit(cpu).slice(0, 1), [12]);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RIP), cpu.retired], [55, 0x1012, 32]);
  assertEquals(map.ram.bytes[0x5000], 55);
  assertEquals([_ROOT, _ROOT + 0x1000, _ROOT + 0x2000].map((a) => entryLo(map, a) & 0x60), [
    0x20,
    0x20,
    0x20,
  ]);
  assertEquals([entryLo(map, _PT + 8), entryLo(map, _PT + 40), entryLo(map, _PT + 48)], [
    0x1027,
    0x5067,
    0x6007,
  ]);
});

Deno.test("#PF error codes: not present, write, protection, user mode (SDM vol. 3 §4.7)", () => {
  const np = _long(_READ);
  setEntry(np.map, _PT + 40, 0);
  assertEquals(_exit(np.cpu), _pf(0, 0x5000));
  const npw = _long(_WRITE);
  setEntry(npw.map, _PT + 40, 0x5006);
  assertEquals(_exit(npw.cpu), _pf(2, 0x5000));
  // A read-only page: supervisor writes fault only with CR0.WP.
  const wp = _long(_WRITE);
  setEntry(wp.map, _PT + 40, 0x5005);
  wp.cpu.setField(Field.CR0, 0x80010031n);
  assertEquals(_exit(wp.cpu), _pf(3, 0x5000));
  const nowp = _long(_WRITE);
  setEntry(nowp.map, _PT + 40, 0x5005);
  assertEquals(_exit(nowp.cpu).slice(0, 1), [12]);
  assertEquals(entryLo(nowp.map, _PT + 40), 0x5065);
  // CPL 3: supervisor pages and read-only user pages.
  const user = (code: string, pte: number) => {
    const t = _long(code);
    t.cpu.setField(Field.CS_AR, 0xa0fbn);
    t.cpu.setField(Field.SS_AR, 0xc0f3n);
    setEntry(t.map, _PT + 40, pte);
    return _exit(t.cpu);
  };
  assertEquals(user(_READ, 0x5003), _pf(5, 0x5000));
  assertEquals(user(_WRITE, 0x5005), _pf(7, 0x5000));
  assertEquals(user(_WRITE, 0x5004), _pf(6, 0x5000));
  // An allowed read goes on to HLT, which CPL 3 may not execute.
  assertEquals(user(_READ, 0x5007), [0, 0x80000b0d, 0, 0, 0, 0x1007]);
  // A supervisor entry higher up makes the page supervisor.
  const pde = _long(_READ);
  pde.cpu.setField(Field.CS_AR, 0xa0fbn);
  pde.cpu.setField(Field.SS_AR, 0xc0f3n);
  setEntry(pde.map, _ROOT + 0x2000, (_PT | 3) >>> 0);
  assertEquals(_exit(pde.cpu), _pf(5, 0x1000));
});

Deno.test("#PF: execute-disable with EFER.NXE, reserved bits, SMEP, SMAP", () => {
  const nx = _long(_HLT_CODE);
  nx.cpu.setField(Field.EFER, 0xd00n);
  setEntry(nx.map, _PT + 8, 0x1007, 0x80000000);
  assertEquals(_exit(nx.cpu), _pf(0x11, 0x1000));
  // Without NXE, bit 63 is reserved; a fetch then has no I/D bit.
  const rx = _long(_HLT_CODE);
  setEntry(rx.map, _PT + 8, 0x1007, 0x80000000);
  assertEquals(_exit(rx.cpu), _pf(0x9, 0x1000));
  // With NXE a fetch from a not-present page has I/D.
  const nf = _long(_HLT_CODE);
  nf.cpu.setField(Field.EFER, 0xd00n);
  setEntry(nf.map, _PT + 8, 0);
  assertEquals(_exit(nf.cpu), _pf(0x10, 0x1000));
  // Bits 51:39 of any entry, PS in a PML4E.
  const r51 = _long(_READ);
  setEntry(r51.map, _PT + 40, 0x5007, 0x80000);
  assertEquals(_exit(r51.cpu), _pf(0x9, 0x5000));
  const ps = _long(_READ);
  setEntry(ps.map, _ROOT, (_ROOT + 0x1000) | 0x87);
  assertEquals(_exit(ps.cpu), _pf(0x9, 0x1000));
  // SMEP: no supervisor fetch from a user page (identity4 makes every page user).
  const smep = _long(_HLT_CODE);
  smep.cpu.setField(Field.CR4, 0x100020n);
  assertEquals(_exit(smep.cpu), _pf(0x11, 0x1000));
  // SMAP: a supervisor read of a user page needs RFLAGS.AC.
  const smap = _long(_READ);
  smap.cpu.setField(Field.CR4, 0x200020n);
  setEntry(smap.map, _PT + 8, 0x1003);
  assertEquals(_exit(smap.cpu), _pf(1, 0x5000));
  const ac = _long(_READ);
  ac.cpu.setField(Field.CR4, 0x200020n);
  ac.cpu.setField(Field.RFLAGS, 0x40002n);
  setEntry(ac.map, _PT + 8, 0x1003);
  assertEquals(_exit(ac.cpu).slice(0, 1), [12]);
});

Deno.test("large pages: 2 MiB and 1 GiB, their reserved bits; the upper canonical half", () => {
  // PDPT[1] -> PD at 0x14000 whose PDE 0 maps 2 MiB at 0; PDPT[2] maps 1 GiB at 0.
  const code = "8b 03 f4"; // mov eax, [rbx]; hlt
  const t = (rbx: bigint, fix: (m: TestMap) => void) => {
    const r = _long(code);
    r.map.ram.bytes.set([0x78, 0x56, 0x34, 0x12], 0x5000);
    setEntry(r.map, _ROOT + 0x1000 + 8, 0x14007);
    setEntry(r.map, 0x14000, 0x87);
    setEntry(r.map, _ROOT + 0x1000 + 16, 0x87);
    setEntry(r.map, _ROOT + 511 * 8, (_ROOT + 0x1000) | 7);
    fix(r.map);
    r.cpu.setField(Field.RBX, rbx);
    return r;
  };
  for (const rbx of [0x40005000n, 0x80005000n, 0xffffff8000005000n]) {
    const r = t(rbx, () => {});
    assertEquals(_exit(r.cpu).slice(0, 1), [12]);
    assertEquals(num(r.cpu, Field.RAX), 0x12345678);
  }
  assertEquals(_exit(t(0x40005000n, (m) => setEntry(m, 0x14000, 0x2087)).cpu), _pf(9, 0x40005000));
  assertEquals(
    _exit(t(0x80005000n, (m) => setEntry(m, _ROOT + 0x1010, 0x2087)).cpu),
    _pf(9, 0x80005000),
  );
  // A fault in the upper half reports all 64 bits.
  const hi = t(0xffffff8000006000n, (m) => setEntry(m, _PT + 48, 0));
  assertEquals(hi.cpu.run(100), RunStatus.EXIT);
  assertEquals(hi.cpu.getField(Field.EXIT_QUALIFICATION), 0xffffff8000006000n);
});

Deno.test("canonical checks: #GP(0), or #SS(0) for stack references", () => {
  const gp = _long("8b 03 f4");
  gp.cpu.setField(Field.RBX, 0x800000000000n);
  assertEquals(_exit(gp.cpu), [0, 0x80000b0d, 0, 0, 0, 0x1000]);
  const ss = _long("8b 45 00 f4"); // mov eax, [rbp]
  ss.cpu.setField(Field.RBP, 0xffff7fffffffffffn);
  assertEquals(_exit(ss.cpu), [0, 0x80000b0c, 0, 0, 0, 0x1000]);
  // The last byte counts: 8 bytes at 0x7ffffffffffc cross into the non-canonical hole.
  const end = _long("ff 23"); // jmp [rbx]
  end.cpu.setField(Field.RBX, 0x7ffffffffffcn);
  assertEquals(_exit(end.cpu).slice(0, 2), [0, 0x80000b0d]);
  // FS and GS bases count; other bases do not.
  const fs = _long("64 8b 03 f4");
  fs.cpu.setField(Field.FS_BASE, 0x7ffffffff000n);
  fs.cpu.setField(Field.RBX, 0x1000n);
  assertEquals(_exit(fs.cpu).slice(0, 2), [0, 0x80000b0d]);
  const ds = _long("8b 03 f4");
  ds.cpu.setField(Field.DS_BASE, 0x7ffffffff000n);
  ds.cpu.setField(Field.DS_LIMIT, 0n);
  ds.cpu.setField(Field.RBX, 0x5000n);
  ds.map.ram.bytes[0x5000] = 9;
  assertEquals(_exit(ds.cpu).slice(0, 1), [12]);
  assertEquals(num(ds.cpu, Field.RAX), 9);
});

Deno.test("EPT violations during a walk: bit 8 clear; A/D updates are writes; the final access sets bit 8", () => {
  // Linear 0x200000 goes through a PT at 0x14000 to the page at 0x5000.
  const t = () => {
    const r = _long("8b 04 25 00 00 20 00 f4");
    setEntry(r.map, _ROOT + 0x2000 + 8, 0x14007);
    setEntry(r.map, 0x14000, 0x5007);
    return r;
  };
  const ept = (r: { cpu: Cpu }) => {
    assertEquals(r.cpu.run(100), RunStatus.EXIT);
    return [Field.EXIT_REASON, Field.EXIT_QUALIFICATION, Field.GUEST_LINEAR, Field.GUEST_PHYSICAL]
      .map((f) => num(r.cpu, f));
  };
  const pt = t();
  pt.map.attr[0x14] = 0;
  assertEquals(ept(pt), [48, 0x81, 0x200000, 0x14000]);
  const ad = t();
  ad.map.attr[0x14] = EPT_READ | (6 << 3);
  assertEquals(ept(ad), [48, 0x8a, 0x200000, 0x14000]);
  assertEquals(entryLo(ad.map, _ROOT + 0x2008), 0x14027);
  const fin = t();
  fin.map.attr[5] = 0;
  assertEquals(ept(fin), [48, 0x181, 0x200000, 0x5000]);
  // The first fetch walks too.
  const f = _long(_HLT_CODE);
  f.map.attr[0x12] = 0;
  assertEquals(ept(f), [48, 0x81, 0x1000, 0x12000]);
});

/** 32-bit protected mode with 32-bit paging: PD at 0x10000, PT at 0x11000 identity-mapping 64 pages. */
function _legacy(code: string, cr4 = 0x10): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  const dv = new DataView(t.map.ram.bytes.buffer);
  dv.setUint32(0x10000, 0x11007, true);
  for (let p = 0; p < 64; p++) dv.setUint32(0x11000 + p * 4, p * 0x1000 | 7, true);
  t.cpu.setField(Field.CR0, 0x80000031n);
  t.cpu.setField(Field.CR4, BigInt(cr4));
  t.cpu.setField(Field.CR3, 0x10000n);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 14n);
  return t;
}

Deno.test("32-bit paging: 4-byte entries, 4-MiB pages with CR4.PSE and PSE-36 address bits", () => {
  const code = "8b 03 f4"; // mov eax, [ebx]; hlt
  const big = (pde: number, cr4 = 0x10) => {
    const r = _legacy(code, cr4);
    new DataView(r.map.ram.bytes.buffer).setUint32(0x10004, pde >>> 0, true);
    r.map.ram.bytes.set([0x11, 0x22, 0x33, 0x44], 0x5000);
    r.cpu.setField(Field.RBX, 0x405000n);
    return r;
  };
  const ok = big(0x87);
  assertEquals(_exit(ok.cpu).slice(0, 1), [12]);
  assertEquals(num(ok.cpu, Field.RAX), 0x44332211);
  assertEquals(new DataView(ok.map.ram.bytes.buffer).getUint32(0x10004, true), 0xa7);
  // PDE bits 19:13 are physical-address bits 38:32.
  const p36 = big(0x2087);
  assertEquals(p36.cpu.run(100), RunStatus.EXIT);
  assertEquals(p36.cpu.getField(Field.GUEST_PHYSICAL), 0x100005000n);
  // Bits 21:20 are reserved; without CR4.PSE the PS bit is ignored (a page table at 0).
  assertEquals(_exit(big(0x100087).cpu), [0, 0x80000b0e, 9, 0x405000, 0, 0x1000]);
  const nopse = big(0x87, 0);
  assertEquals(_exit(nopse.cpu).slice(0, 3), [0, 0x80000b0e, 0]);
  // No I/D bit in 32-bit paging, even for a fetch.
  const f = _legacy("f4");
  new DataView(f.map.ram.bytes.buffer).setUint32(0x11004, 0, true);
  assertEquals(_exit(f.cpu), [0, 0x80000b0e, 0, 0x1000, 0, 0x1000]);
});

Deno.test("PAE paging set up by the guest: MOV CR loads the PDPTEs, #GP for reserved bits, EPT reads without a linear address", () => {
  // mov eax, 0x10000; mov cr3, eax; mov eax, cr4; or al, 0x20; mov cr4, eax;
  // mov eax, cr0; or eax, 0x80000000; mov cr0, eax; mov eax, [0x5000]; hlt
  const code = "b8 00 00 01 00 0f 22 d8 0f 20 e0 0c 20 0f 22 e0 0f 20 c0 0d 00 00 00 80 0f 22 c0 " +
    "a1 00 50 00 00 f4";
  const t = (pdpte0: number) => {
    const r = cpuWith(code, 0x1000, { pages: 64 });
    setEntry(r.map, 0x10000, pdpte0);
    setEntry(r.map, 0x11000, 0x12007);
    for (let p = 0; p < 64; p++) setEntry(r.map, 0x12000 + p * 8, p * 0x1000 | 7);
    r.map.ram.bytes[0x5000] = 0x5a;
    r.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
    return r;
  };
  const ok = t(0x11001);
  assertEquals(_exit(ok.cpu).slice(0, 1), [12]);
  assertEquals([num(ok.cpu, Field.RAX), num(ok.cpu, Field.CR0), num(ok.cpu, Field.CR4)], [
    0x5a,
    0x80000031,
    0x20,
  ]);
  // The registers a snapshot carries, and back.
  const regs = pagingRegisters(ok.cpu);
  assertEquals(regs, { pdpte: [0x11001, 0, 0, 0, 0, 0, 0, 0], pdpteValid: true, pfLin: 0 });
  const fresh = t(0x11001).cpu;
  assertEquals(pagingRegisters(fresh).pdpteValid, false);
  setPagingRegisters(fresh, regs);
  assertEquals(pagingRegisters(fresh), regs);
  assertThrows(() => setPagingRegisters(fresh, { ...regs, pdpte: [1] }), /1 PDPTE halves, not 8/);
  // The PDPTE registers have no A bit; the PDE and PTE get theirs.
  assertEquals([entryLo(ok.map, 0x10000), entryLo(ok.map, 0x11000)], [0x11001, 0x12027]);
  // Bits 2:1 are reserved in a PDPTE: MOV to CR0 raises #GP(0) and leaves CR0.
  const bad = t(0x11003);
  assertEquals(_exit(bad.cpu), [0, 0x80000b0d, 0, 0, 0, 0x1018]);
  assertEquals(num(bad.cpu, Field.CR0), 0x31);
  // An EPT violation loading them: data read, no guest linear address (bit 7 clear).
  const ept = t(0x11001);
  ept.map.attr[0x10] = 0;
  assertEquals(_exit(ept.cpu).slice(0, 4), [48, 0, 0, 0x1]);
  assertEquals(num(ept.cpu, Field.GUEST_PHYSICAL), 0x10000);
});

Deno.test("the TLB keeps a translation until INVLPG; INVLPG needs CPL 0", () => {
  // mov eax, [0x5000]; mov dword [rbx], 0x6007 (page 5's PTE now maps page 6); mov eax, [0x5000];
  // invlpg [0x5000]; mov ecx, [0x5000]; hlt
  const { cpu, map } = _long(
    "8b 04 25 00 50 00 00 c7 03 07 60 00 00 8b 04 25 00 50 00 00 0f 01 3c 25 00 50 00 00 " +
      "8b 0c 25 00 50 00 00 f4",
  );
  map.ram.bytes[0x5000] = 0x11;
  map.ram.bytes[0x6000] = 0x22;
  cpu.setField(Field.RBX, BigInt(_PT + 40));
  assertEquals(_exit(cpu).slice(0, 1), [12]);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX)], [0x11, 0x22]);
  const user = _long("0f 01 38");
  user.cpu.setField(Field.CS_AR, 0xa0fbn);
  user.cpu.setField(Field.SS_AR, 0xc0f3n);
  assertEquals(_exit(user.cpu), [0, 0x80000b0d, 0, 0, 0, 0x1000]);
});
