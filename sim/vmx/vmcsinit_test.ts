import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { MapFields } from "./testdata/fields.ts";
import { HOST } from "./host.ts";
import { CODE_AR, DATA_AR, TSS_AR, UNUSABLE_AR, vmcsinit } from "./vmcsinit.ts";

Deno.test("access rights from pc64/mem.h's SEG bits, as vmcsinit builds them", () => {
  // (SEGG|SEGD|SEGP|SEGPL(0)|SEGEXEC|SEGR) >> 8 | 1: 0xc09a00 >> 8 | 1.
  equal(CODE_AR, 0xc09b);
  // (SEGG|SEGB|SEGP|SEGPL(0)|SEGDATA|SEGW) >> 8 | 1: 0xc09200 >> 8 | 1.
  equal(DATA_AR, 0xc093);
  // (SEGTSS|SEGPL(0)|SEGP) >> 8 | 2: 0x8900 >> 8 | 2, a busy TSS.
  equal(TSS_AR, 0x8b);
  equal(UNUSABLE_AR, 0x10000);
});

Deno.test("vmcsinit writes the controls and the guest state, nothing else", () => {
  const r = new MapFields();
  vmcsinit(r);
  const seg = (s: string, ar: string) => [
    [`${s}_BASE`, "0x0"],
    [`${s}_LIMIT`, "0xffffffff"],
    [`${s}_AR`, ar],
  ];
  assertEquals(r.writes, [
    // TRUE_PROCBASED must-be-1 bits 0x04006172 and the reserved default-1 bits,
    // TSC offsetting, HLT, MWAIT, MOV DR, I/O, MSR bitmap, MONITOR, secondary
    // controls (0xb1800488), within the plain MSR's allowed-1 bits.
    ["PROCBASED_CTLS", "0xb58065fa"],
    // EPT | VPID | unrestricted guest.
    ["PROCBASED_CTLS2", "0xa2"],
    // Must-be-1 bits 0x11ff, load debug controls, load PAT, load EFER.
    ["ENTRY_CTLS", "0xd1ff"],
    // #db and #mc.
    ["EXCEPTION_BITMAP", "0x40002"],
    ...seg("CS", "0xc09b"),
    ...seg("DS", "0xc093"),
    ...seg("ES", "0xc093"),
    ...seg("FS", "0xc093"),
    ...seg("GS", "0xc093"),
    ...seg("SS", "0xc093"),
    ["LDTR_AR", "0x10000"],
    ["CR0_MASK", "0xffffffff1ffafff0"],
    ["CR4_MASK", "0xffffffffffc8f040"],
    ["CR0", "0x31"],
    ["CR3", "0x0"],
    ["CR4", "0x2040"],
    ["CR0_SHADOW", "0x31"],
    ["CR4_SHADOW", "0x40"],
    ["PAT", "0x7040600070406"],
    ["EFER", "0x0"],
    ["TR_BASE", "0x0"],
    ["TR_LIMIT", "0xffff"],
    ["TR_AR", "0x8b"],
    ["RFLAGS", "0x2"],
    ["XCR0", "0x1"],
  ]);
});

Deno.test("vmcsinit follows the host: CR0 and CR4 keep only the kernel-owned bits the host has", () => {
  const r = new MapFields();
  // A host with CR0.CD set, CR4 = PAE|VMXE (no MCE), XCR0 support x87|SSE.
  vmcsinit(r, { ...HOST, cr0: 0xc0010031n, cr4: 0x20n | 1n << 13n, xcr0: 3n });
  const got = new Map(r.writes);
  // CD (bit 30) is not kernel-owned: the guest starts with PE|ET|NE only.
  equal(got.get("CR0"), "0x31");
  equal(got.get("CR4"), "0x2000");
  equal(got.get("CR4_SHADOW"), "0x0");
  equal(got.get("XCR0"), "0x1");
});
