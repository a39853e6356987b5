import assert from "node:assert/strict";
import { Field } from "../cpu/mod.ts";
import {
  checkcontrols,
  checkguest,
  type GuestState,
  type Injection,
  NO_INJECTION,
} from "./entrycheck.ts";
import { guestinit, HOST, vmxcontrols } from "./host.ts";

const OPTS = { host: HOST };
const BASIC56 = { host: { ...HOST, vmxBasic: HOST.vmxBasic | 1n << 56n } };
const CTLS = vmxcontrols();
const GINIT = guestinit();
const ENTRY = BigInt(CTLS.entry);

type State = Partial<Record<keyof typeof Field, bigint>>;

/** The state vmcsinit leaves (devvmx.c): flat 32-bit protected mode, busy TSS, LDTR unusable. */
const INIT: State = {
  RIP: 0n,
  RSP: 0n,
  RFLAGS: 2n,
  CS_SEL: 0n,
  CS_BASE: 0n,
  CS_LIMIT: 0xffffffffn,
  CS_AR: 0xc09bn,
  ...Object.fromEntries(
    ["SS", "DS", "ES", "FS", "GS"].flatMap((s) => [
      [`${s}_SEL`, 0n],
      [`${s}_BASE`, 0n],
      [`${s}_LIMIT`, 0xffffffffn],
      [`${s}_AR`, 0xc093n],
    ]),
  ),
  LDTR_SEL: 0n,
  LDTR_BASE: 0n,
  LDTR_LIMIT: 0n,
  LDTR_AR: 0x10000n,
  TR_SEL: 0n,
  TR_BASE: 0n,
  TR_LIMIT: 0xffffn,
  TR_AR: 0x8bn,
  GDTR_BASE: 0n,
  GDTR_LIMIT: 0n,
  IDTR_BASE: 0n,
  IDTR_LIMIT: 0n,
  CR0: GINIT.cr0,
  CR3: 0n,
  CR4: GINIT.cr4,
  DR7: 0n,
  EFER: 0n,
  PAT: 0x0007040600070406n,
  INTERRUPTIBILITY: 0n,
  ACTIVITY: 0n,
  PROCBASED_CTLS: BigInt(CTLS.procbased),
  PROCBASED_CTLS2: BigInt(CTLS.procbased2),
  ENTRY_CTLS: ENTRY,
};

/** 64-bit mode: paging, PAE, EFER.LME/LMA, IA-32e mode guest, CS.L. */
const LONG: State = {
  ...INIT,
  CR0: 0x80000031n,
  CR4: GINIT.cr4 | 0x20n,
  EFER: 0x500n,
  ENTRY_CTLS: ENTRY | 0x200n,
  CS_AR: 0xa09bn,
};

/** Virtual-8086 mode. */
const V86: State = {
  ...INIT,
  RFLAGS: 0x20002n,
  ...Object.fromEntries(
    ["CS", "SS", "DS", "ES", "FS", "GS"].flatMap((s, i) => [
      [`${s}_SEL`, BigInt(0x100 * (i + 1))],
      [`${s}_BASE`, BigInt(0x1000 * (i + 1))],
      [`${s}_LIMIT`, 0xffffn],
      [`${s}_AR`, 0xf3n],
    ]),
  ),
};

/** Without "unrestricted guest": paged protected mode, ring 0. */
const RESTRICTED: State = { ...INIT, PROCBASED_CTLS2: 0x22n, CR0: 0x80000031n };

function gs(base: State, change: State = {}): GuestState {
  const s = { ...base, ...change };
  return {
    getField(f: Field): bigint {
      const v = s[Field[f] as keyof typeof Field];
      if (v === undefined) throw new Error(`field ${Field[f]} read`);
      return v;
    },
  };
}

const inj = (info: number, code = 0, ilen = 0): Injection => ({ info, code, ilen });

function reason(base: State, change: State, injection: Injection = NO_INJECTION, opts = OPTS) {
  const r = checkguest(gs(base, change), injection, opts);
  return r === undefined
    ? undefined
    : r.qualification === 0
    ? r.reason
    : `${r.reason} (${r.qualification})`;
}

Deno.test("the states vmcsinit and common guests leave pass", () => {
  for (const s of [INIT, LONG, V86, RESTRICTED]) {
    assert.equal(checkguest(gs(s), NO_INJECTION, OPTS), undefined);
    assert.equal(checkcontrols(gs(s), NO_INJECTION, OPTS), undefined);
  }
  // The defaults: no injection, the modeled host (whose IA32_VMX_BASIC[56] is 0).
  assert.equal(GINIT.cr0, 0x31n);
  assert.equal(checkguest(gs(INIT)), undefined);
  assert.equal(checkcontrols(gs(INIT), inj(0x8000030d)), "exception needs an error code");
  // Real mode and unpaged protected mode under unrestricted guest.
  assert.equal(reason(INIT, { CR0: 0x30n }), undefined);
  // Compatibility mode.
  assert.equal(reason(LONG, { CS_AR: 0xc09bn }), undefined);
});

Deno.test("guest state: control registers and MSRs (26.3.1.1)", () => {
  const cases: [State, State, string][] = [
    [INIT, { CR0: 0x11n }, "CR0 fixed-1 bit clear"],
    [RESTRICTED, { CR0: 0x31n }, "CR0 fixed-1 bit clear"],
    [RESTRICTED, { CR0: 0x80000030n }, "CR0 fixed-1 bit clear"],
    [INIT, { CR0: 0x100000031n }, "CR0 fixed-0 bit set"],
    [INIT, { CR0: 0x80000030n }, "CR0.PG without CR0.PE"],
    [INIT, { CR4: 0x40n }, "CR4 fixed-1 bit clear"],
    [INIT, { CR4: 0x2840n }, "CR4 fixed-0 bit set"],
    [LONG, { CR0: 0x31n }, "IA-32e mode guest without CR0.PG"],
    [LONG, { CR4: GINIT.cr4 }, "IA-32e mode guest without CR4.PAE"],
    [INIT, { CR4: 0x22040n }, "CR4.PCIDE outside IA-32e mode"],
    [INIT, { CR3: 1n << 39n }, "CR3 beyond MAXPHYADDR"],
    [INIT, { DR7: 0x100000400n }, "DR7 bits 63:32 set"],
    [INIT, { PAT: 0x0007040600070402n }, "IA32_PAT memory type"],
    [INIT, { PAT: 0x0307040600070406n }, "IA32_PAT memory type"],
    [INIT, { PAT: 0x0007040600080406n }, "IA32_PAT memory type"],
    [INIT, { EFER: 2n }, "IA32_EFER reserved bit set"],
    [INIT, { EFER: 0x1000n }, "IA32_EFER reserved bit set"],
    [INIT, { EFER: 0x400n }, "IA32_EFER.LMA differs from IA-32e mode guest"],
    // updatelma's quirk: EFER written with LMA already right leaves the entry control behind.
    [LONG, { ENTRY_CTLS: ENTRY }, "IA32_EFER.LMA differs from IA-32e mode guest"],
    [INIT, { CR0: 0x80000031n, EFER: 0x100n }, "IA32_EFER.LMA differs from LME"],
    [LONG, { EFER: 0x400n }, "IA32_EFER.LMA differs from LME"],
  ];
  for (const [base, change, want] of cases) assert.equal(reason(base, change), want, want);
  // Passing neighbours: CD/NW are never checked, LME without paging, the checks a control turns off.
  const nwcd = {
    host: { ...HOST, cr0Fixed0: HOST.cr0Fixed0 | 0x20000000n, cr0Fixed1: 0xbfffffffn },
  };
  assert.equal(reason(INIT, { CR0: 0x40000031n }, NO_INJECTION, nwcd), undefined);
  assert.equal(reason(INIT, { EFER: 0xd01n & ~0x400n }), undefined);
  assert.equal(reason(INIT, { CR3: (1n << 39n) - 0x1000n }), undefined);
  assert.equal(
    reason(INIT, {
      ENTRY_CTLS: ENTRY & ~0xc004n,
      DR7: 1n << 40n,
      PAT: 0xffffffffffffffffn,
      EFER: 0xffffn,
    }),
    undefined,
  );
  // CR4.CET, where FIXED1 allows it, needs CR0.WP.
  const cet = { host: { ...HOST, cr4Fixed1: HOST.cr4Fixed1 | 0x800000n } };
  assert.equal(reason(INIT, { CR4: 0x802040n }, NO_INJECTION, cet), "CR4.CET without CR0.WP");
  assert.equal(reason(INIT, { CR4: 0x802040n, CR0: 0x10031n }, NO_INJECTION, cet), undefined);
});

const NONCANON = 0x0000800000000000n;

Deno.test("guest state: segment selectors and bases (26.3.1.2)", () => {
  const cases: [State, State, string][] = [
    [INIT, { TR_SEL: 4n }, "TR selector TI set"],
    [INIT, { LDTR_SEL: 4n, LDTR_AR: 0x82n }, "LDTR selector TI set"],
    [RESTRICTED, { SS_SEL: 1n }, "SS.RPL differs from CS.RPL"],
    [V86, { CS_BASE: 0x1010n }, "CS base not selector << 4"],
    [V86, { GS_BASE: 0n }, "GS base not selector << 4"],
    [INIT, { TR_BASE: NONCANON }, "TR base not canonical"],
    [INIT, { FS_BASE: NONCANON }, "FS base not canonical"],
    [INIT, { GS_BASE: 0xfff0000000000000n }, "GS base not canonical"],
    [INIT, { LDTR_AR: 0x82n, LDTR_BASE: NONCANON }, "LDTR base not canonical"],
    [INIT, { CS_BASE: 1n << 32n }, "CS base bits 63:32 set"],
    [INIT, { SS_BASE: 1n << 32n }, "SS base bits 63:32 set"],
    [INIT, { DS_BASE: 1n << 63n }, "DS base bits 63:32 set"],
    [INIT, { ES_BASE: 1n << 40n }, "ES base bits 63:32 set"],
  ];
  for (const [base, change, want] of cases) assert.equal(reason(base, change), want, want);
  assert.equal(reason(INIT, { LDTR_SEL: 4n, LDTR_BASE: NONCANON }), undefined);
  assert.equal(reason(INIT, { FS_BASE: 0xffff800000000000n, GS_BASE: 1n << 40n }), undefined);
  assert.equal(reason(INIT, { DS_AR: 0x10000n, DS_BASE: 1n << 40n }), undefined);
  assert.equal(reason(INIT, { SS_SEL: 3n, DS_SEL: 2n }), undefined);
  const la57 = { host: { ...HOST, linearAddrBits: 57 } };
  assert.equal(reason(INIT, { FS_BASE: NONCANON }, NO_INJECTION, la57), undefined);
  assert.equal(reason(INIT, { FS_BASE: 1n << 56n }, NO_INJECTION, la57), "FS base not canonical");
});

Deno.test("guest state: virtual-8086 limits and access rights (26.3.1.2)", () => {
  assert.equal(reason(V86, { CS_LIMIT: 0xfffffn }), "CS limit not 0xffff");
  assert.equal(reason(V86, { SS_LIMIT: 0xffffffffn }), "SS limit not 0xffff");
  assert.equal(reason(V86, { DS_AR: 0xf2n }), "DS access rights not 0xf3");
  assert.equal(reason(V86, { FS_AR: 0x100f3n }), "FS access rights not 0xf3");
});

Deno.test("guest state: code and data segment access rights (26.3.1.2)", () => {
  const cases: [State, State, string][] = [
    [INIT, { CS_AR: 0xc093n, SS_AR: 0xc0f3n }, "SS DPL not 0"],
    [RESTRICTED, { CS_AR: 0xc093n }, "CS type"],
    [INIT, { CS_AR: 0xc099n & ~1n }, "CS type"],
    [INIT, { CS_AR: 0xc091n }, "CS type"],
    [INIT, { SS_AR: 0xc091n }, "SS type"],
    [INIT, { SS_AR: 0xc09bn }, "SS type"],
    [INIT, { DS_AR: 0xc092n }, "DS type not accessed"],
    [INIT, { ES_AR: 0xc099n }, "ES type unreadable code"],
    [INIT, { CS_AR: 0xc0f3n }, "CS DPL not 0 with type 3"],
    [INIT, { CS_AR: 0xc0fbn }, "CS DPL differs from SS DPL"],
    [INIT, { CS_AR: 0xc0ffn }, "CS DPL above SS DPL"],
    [RESTRICTED, { CS_AR: 0xc09fn, SS_AR: 0xc0f3n }, "SS DPL differs from RPL"],
    [INIT, { CR0: 0x30n, CS_AR: 0xc0fbn, SS_AR: 0xc0f3n }, "SS DPL not 0"],
    [RESTRICTED, { DS_SEL: 3n }, "DS DPL below RPL"],
    [INIT, { CS_AR: 0xc08bn }, "CS S clear"],
    [INIT, { FS_AR: 0xc083n }, "FS S clear"],
    [INIT, { CS_AR: 0xc01bn }, "CS not present"],
    [INIT, { GS_AR: 0xc013n }, "GS not present"],
    [INIT, { CS_AR: 0xc89bn }, "CS access rights bits 11:8 set"],
    [INIT, { ES_AR: 0xc193n }, "ES access rights bits 11:8 set"],
    [LONG, { CS_AR: 0xe09bn }, "CS L and D/B set"],
    [INIT, { CS_LIMIT: 0xffff0n }, "CS G disagrees with limit"],
    [INIT, { SS_AR: 0x4093n }, "SS G disagrees with limit"],
    [INIT, { CS_AR: 0x2c09bn }, "CS access rights bits 31:17 set"],
    [INIT, { DS_AR: 0x2c093n }, "DS access rights bits 31:17 set"],
  ];
  for (const [base, change, want] of cases) assert.equal(reason(base, change), want, want);
  // Passing neighbours.
  const ok: [State, State][] = [
    [INIT, { CS_AR: 0xc093n }], // type 3 needs unrestricted guest and DPL 0
    [INIT, { CS_AR: 0xc09fn, SS_AR: 0xc0f3n }], // conforming, DPL below SS's
    [INIT, { DS_AR: 0xc09bn, ES_AR: 0xc0f1n, FS_AR: 0xc095n }], // readable code, DPL 3, expand-down
    [INIT, { DS_SEL: 3n }], // DPL below RPL only matters without unrestricted guest
    [RESTRICTED, { DS_SEL: 3n, DS_AR: 0xc09fn }], // conforming code is exempt
    [INIT, { DS_AR: 0x1ffffn, SS_AR: 0x10000n }], // unusable: nothing but SS.DPL is checked
    [INIT, { CS_AR: 0xe09bn }], // L and D/B outside IA-32e mode
    [INIT, { CS_LIMIT: 0xfffffn, CS_AR: 0x409bn }], // byte granular up to 1 MiB
    [INIT, { CS_LIMIT: 0xfffffn }], // or page granular
    [INIT, { CS_AR: 0x1c09bn }], // the unusable bit of CS is not checked
  ];
  for (const [base, change] of ok) {
    assert.equal(reason(base, change), undefined, Deno.inspect(change));
  }
  assert.equal(reason(INIT, { SS_AR: 0x10060n, CS_AR: 0xc0fbn, CR0: 0x30n }), "SS DPL not 0");
});

Deno.test("guest state: TR and LDTR (26.3.1.2)", () => {
  const cases: [State, State, string][] = [
    [INIT, { TR_AR: 0x89n }, "TR type"],
    [LONG, { TR_AR: 0x83n }, "TR type"],
    [INIT, { TR_AR: 0x9bn }, "TR S set"],
    [INIT, { TR_AR: 0x0bn }, "TR not present"],
    [INIT, { TR_AR: 0x48bn }, "TR access rights bits 11:8 set"],
    [INIT, { TR_LIMIT: 0x100000n }, "TR G disagrees with limit"],
    [INIT, { TR_AR: 0x808bn, TR_LIMIT: 0x67n }, "TR G disagrees with limit"],
    [INIT, { TR_AR: 0x1008bn }, "TR unusable"],
    [INIT, { TR_AR: 0x2008bn }, "TR access rights bits 31:17 set"],
    [INIT, { LDTR_AR: 0x83n }, "LDTR type"],
    [INIT, { LDTR_AR: 0x92n }, "LDTR S set"],
    [INIT, { LDTR_AR: 0x02n }, "LDTR not present"],
    [INIT, { LDTR_AR: 0x182n }, "LDTR access rights bits 11:8 set"],
    [INIT, { LDTR_AR: 0x8082n }, "LDTR G disagrees with limit"],
    [INIT, { LDTR_AR: 0x40082n }, "LDTR access rights bits 31:17 set"],
  ];
  for (const [base, change, want] of cases) assert.equal(reason(base, change), want, want);
  assert.equal(reason(INIT, { TR_AR: 0x83n }), undefined);
  assert.equal(reason(INIT, { LDTR_AR: 0x82n, LDTR_LIMIT: 0xffffn }), undefined);
});

Deno.test("guest state: GDTR and IDTR (26.3.1.3)", () => {
  assert.equal(reason(INIT, { GDTR_BASE: NONCANON }), "GDTR base not canonical");
  assert.equal(reason(INIT, { IDTR_BASE: NONCANON }), "IDTR base not canonical");
  assert.equal(reason(INIT, { GDTR_LIMIT: 0x10000n }), "GDTR limit above 0xffff");
  assert.equal(reason(INIT, { IDTR_LIMIT: 0x10000n }), "IDTR limit above 0xffff");
  assert.equal(
    reason(INIT, { GDTR_LIMIT: 0xffffn, IDTR_BASE: -1n & 0xffffffffffffffffn }),
    undefined,
  );
});

Deno.test("guest state: RIP and RFLAGS (26.3.1.4)", () => {
  assert.equal(reason(INIT, { RIP: 1n << 32n }), "RIP bits 63:32 set");
  assert.equal(reason(LONG, { RIP: 1n << 32n, CS_AR: 0xc09bn }), "RIP bits 63:32 set");
  assert.equal(reason(LONG, { RIP: 1n << 48n }), "RIP not canonical");
  assert.equal(reason(LONG, { RIP: 0x7fff000000000000n }), "RIP not canonical");
  // Bit N-1 is not checked.
  assert.equal(reason(LONG, { RIP: NONCANON }), undefined);
  assert.equal(reason(LONG, { RIP: 0xffff800000000000n }), undefined);
  for (const f of [0n, 0xan, 0x22n, 0x8002n, 0x400002n, 1n << 63n | 2n]) {
    assert.equal(reason(INIT, { RFLAGS: f }), "RFLAGS reserved bit", f.toString(16));
  }
  assert.equal(reason(INIT, { RFLAGS: 0x3d7fd7n }), undefined);
  const v86long = {
    ...V86,
    CR0: 0x80000031n,
    CR4: GINIT.cr4 | 0x20n,
    EFER: 0x500n,
    ENTRY_CTLS: ENTRY | 0x200n,
  };
  assert.equal(reason(v86long, {}), "RFLAGS.VM in IA-32e or real mode");
  assert.equal(reason(V86, { CR0: 0x30n }), "RFLAGS.VM in IA-32e or real mode");
  assert.equal(
    reason(INIT, {}, inj(0x80000020)),
    "external interrupt injected with RFLAGS.IF clear",
  );
  assert.equal(reason(INIT, { RFLAGS: 0x202n }, inj(0x80000020)), undefined);
  assert.equal(reason(INIT, {}, inj(0x8000030d | 0x800)), undefined);
});

Deno.test("guest state: activity state (26.3.1.5)", () => {
  const IF = 0x202n;
  assert.equal(reason(INIT, { ACTIVITY: 4n }), "activity state not supported");
  const nohlt = { host: { ...HOST, vmxMisc: HOST.vmxMisc & ~0x40n } };
  assert.equal(reason(INIT, { ACTIVITY: 1n }, NO_INJECTION, nohlt), "activity state not supported");
  assert.equal(reason(INIT, { ACTIVITY: 2n }, NO_INJECTION, nohlt), undefined);
  assert.equal(
    reason(INIT, { ACTIVITY: 1n, CS_AR: 0xc0fbn, SS_AR: 0xc0f3n }),
    "HLT with SS.DPL not 0",
  );
  assert.equal(
    reason(INIT, { ACTIVITY: 1n, INTERRUPTIBILITY: 1n, RFLAGS: IF }),
    "blocking by STI or MOV SS while not active",
  );
  assert.equal(
    reason(INIT, { ACTIVITY: 2n, INTERRUPTIBILITY: 2n }),
    "blocking by STI or MOV SS while not active",
  );
  const ok: [number, number][] = [
    [1, 0x80000020], // HLT: external interrupt
    [1, 0x80000202], // NMI
    [1, 0x80000301], // #DB
    [1, 0x80000312], // #MC
    [1, 0x80000700], // pending MTF
    [2, 0x80000202], // shutdown: NMI
    [2, 0x80000312], // #MC
    [3, 0x00000312], // wait-for-SIPI: nothing
  ];
  for (const [a, info] of ok) {
    assert.equal(reason(INIT, { ACTIVITY: BigInt(a), RFLAGS: IF }, inj(info)), undefined);
  }
  const blocked: [number, number][] = [
    [1, 0x80000b0d],
    [1, 0x80000603],
    [2, 0x80000020],
    [2, 0x80000301],
    [3, 0x80000202],
  ];
  for (const [a, info] of blocked) {
    assert.equal(
      reason(INIT, { ACTIVITY: BigInt(a), RFLAGS: IF }, inj(info, 0, 1)),
      "event blocked in activity state",
    );
  }
  assert.equal(
    reason(INIT, { ACTIVITY: 3n, ENTRY_CTLS: ENTRY | 0x400n }),
    "wait-for-SIPI on entry to SMM",
  );
});

Deno.test("guest state: interruptibility state (26.3.1.5, 26.8)", () => {
  const IF = 0x202n;
  const cases: [State, Injection, string][] = [
    [{ INTERRUPTIBILITY: 0x20n }, NO_INJECTION, "interruptibility bits 31:5 set"],
    [{ INTERRUPTIBILITY: 3n, RFLAGS: IF }, NO_INJECTION, "blocking by STI and MOV SS"],
    [{ INTERRUPTIBILITY: 1n }, NO_INJECTION, "blocking by STI with IF clear"],
    [
      { INTERRUPTIBILITY: 1n, RFLAGS: IF },
      inj(0x80000020),
      "external interrupt injected under blocking by STI or MOV SS",
    ],
    [
      { INTERRUPTIBILITY: 2n, RFLAGS: IF },
      inj(0x80000020),
      "external interrupt injected under blocking by STI or MOV SS",
    ],
    [{ INTERRUPTIBILITY: 2n }, inj(0x80000202), "NMI injected under blocking by MOV SS"],
    [{ INTERRUPTIBILITY: 4n }, NO_INJECTION, "blocking by SMI outside SMM"],
    [{ INTERRUPTIBILITY: 0x12n }, NO_INJECTION, "enclave interruption with blocking by MOV SS"],
    [
      { INTERRUPTIBILITY: 1n, RFLAGS: IF },
      inj(0x80000202),
      "NMI injected under blocking by STI (3)",
    ],
  ];
  for (const [change, i, want] of cases) assert.equal(reason(INIT, change, i), want, want);
  assert.deepEqual(
    checkguest(gs(INIT, { INTERRUPTIBILITY: 1n, RFLAGS: IF }), inj(0x80000202), OPTS),
    { qualification: 3, reason: "NMI injected under blocking by STI" },
  );
  // Blocking by STI or MOV SS with an exception injected, blocking by NMI, enclave interruption.
  assert.equal(reason(INIT, { INTERRUPTIBILITY: 1n, RFLAGS: IF }, inj(0x80000b0d)), undefined);
  assert.equal(reason(INIT, { INTERRUPTIBILITY: 2n }, inj(0x80000301)), undefined);
  assert.equal(reason(INIT, { INTERRUPTIBILITY: 0x18n }, inj(0x80000202)), undefined);
});

Deno.test("event injection: type and vector (26.2.1.3)", () => {
  const s = gs(INIT);
  assert.equal(checkcontrols(s, inj(0x80000100), OPTS), "reserved interruption type");
  assert.equal(checkcontrols(s, inj(0x80000203), OPTS), "NMI vector not 2");
  assert.equal(checkcontrols(s, inj(0x80000320), OPTS), "exception vector above 31");
  assert.equal(checkcontrols(s, inj(0x800003ff), OPTS), "exception vector above 31");
  assert.equal(checkcontrols(s, inj(0x80000701), OPTS), "other event vector not 0");
  for (const info of [0x80000202, 0x80000700, 0x800000ff, 0x80000002, 0x80000312, 0x8000031f]) {
    assert.equal(checkcontrols(s, inj(info), OPTS), undefined, info.toString(16));
  }
  // Nothing is checked without the valid bit.
  assert.equal(checkcontrols(s, inj(0x7fffffff, -1, 99), OPTS), undefined);
});

Deno.test("event injection: deliver-error-code (26.2.1.3)", () => {
  const s = gs(INIT), real = gs(INIT, { CR0: 0x30n });
  const CODE = 0x800;
  for (const v of [8, 10, 11, 12, 13, 14, 17]) {
    const info = 0x80000300 | v;
    assert.equal(checkcontrols(s, inj(info), OPTS), "exception needs an error code", `${v}`);
    assert.equal(checkcontrols(s, inj(info | CODE), OPTS), undefined);
    assert.equal(checkcontrols(s, inj(info), BASIC56), undefined);
    assert.equal(checkcontrols(real, inj(info), OPTS), undefined);
    assert.equal(
      checkcontrols(real, inj(info | CODE), BASIC56),
      "error code outside a protected-mode hardware exception",
    );
  }
  for (const v of [0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 18, 19, 20, 21, 22, 31]) {
    const info = 0x80000300 | v | CODE;
    assert.equal(checkcontrols(s, inj(info), OPTS), "exception takes no error code", `${v}`);
    assert.equal(checkcontrols(s, inj(info & ~CODE), OPTS), undefined);
    assert.equal(checkcontrols(s, inj(info), BASIC56), undefined);
  }
  for (const t of [0, 2, 4, 5, 6, 7]) {
    const info = 0x80000000 | t << 8 | (t === 2 ? 2 : t === 7 ? 0 : 0x21) | CODE;
    assert.equal(
      checkcontrols(s, inj(info, 0, 1), BASIC56),
      "error code outside a protected-mode hardware exception",
      `type ${t}`,
    );
  }
  // Without unrestricted guest (also when secondary controls are off) CR0.PE is not consulted.
  assert.equal(checkcontrols(gs(RESTRICTED, { CR0: 0n }), inj(0x80000b0d), OPTS), undefined);
  assert.equal(
    checkcontrols(
      gs(INIT, { PROCBASED_CTLS: INIT.PROCBASED_CTLS! & ~(1n << 31n), CR0: 0n }),
      inj(0x80000b0d),
      OPTS,
    ),
    undefined,
  );
  // A delivered error code fits in 16 bits; an undelivered one is not looked at.
  assert.equal(checkcontrols(s, inj(0x80000b0d, 0x10000), OPTS), "error code bits 31:16 set");
  assert.equal(checkcontrols(s, inj(0x80000b0d, 0xffff), OPTS), undefined);
  assert.equal(checkcontrols(s, inj(0x80000306, 0xffff0000), OPTS), undefined);
});

Deno.test("event injection: reserved bits and instruction length (26.2.1.3)", () => {
  const s = gs(INIT);
  const nozero = { host: { ...HOST, vmxMisc: HOST.vmxMisc & ~(1n << 30n) } };
  assert.equal(
    checkcontrols(s, inj(0x80001b0d), OPTS),
    "interruption-information bits 30:12 set",
  );
  assert.equal(
    checkcontrols(s, inj(0xc0000020), OPTS),
    "interruption-information bits 30:12 set",
  );
  for (const t of [4, 5, 6]) {
    const info = 0x80000000 | t << 8 | (t === 5 ? 1 : 3);
    assert.equal(checkcontrols(s, inj(info, 0, 16), OPTS), "instruction length above 15");
    assert.equal(checkcontrols(s, inj(info, 0, -1), OPTS), "instruction length above 15");
    assert.equal(checkcontrols(s, inj(info, 0, 15), OPTS), undefined);
    assert.equal(checkcontrols(s, inj(info, 0, 0), OPTS), undefined);
    assert.equal(checkcontrols(s, inj(info, 0, 0), nozero), "instruction length 0");
    assert.equal(checkcontrols(s, inj(info, 0, 1), nozero), undefined);
  }
  // Other types ignore the length.
  assert.equal(checkcontrols(s, inj(0x80000303, 0, 99), nozero), undefined);
  assert.equal(checkcontrols(s, inj(0x80000021, 0, 0), nozero), undefined);
});
