/**
 * System rows: descriptor tables and the task register (exec_desc.ts),
 * LAR/LSL/VERR/VERW, SMSW/LMSW/CLTS, XGETBV, SMAP, SGX, SYSCALL and kin,
 * FXSAVE/XSAVE and their kin, FS/GS base access, INVEPT/INVVPID/INVPCID.
 *
 * TSX (XBEGIN, XABORT, XEND, XTEST) has no rows: the modeled Skylake client
 * lacks it (RTM removed by microcode), so those encodings are #UD.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";
import { Attr, ZF } from "./operands.ts";

const NP = Attr.NP, W = Attr.WIDE, END = Attr.END, ONLY64 = Attr.ONLY64;

/** 0F 00 /0-/5: one handler family per group member, `sub` its ModRM.reg. */
const _GROUP6: readonly [string, string, string][] = [
  ["sldt", "Evw", "sldt"],
  ["str", "Evw", "sldt"],
  ["lldt", "Ew", "lldt"],
  ["ltr", "Ew", "lldt"],
  ["verr", "Ew", "verr"],
  ["verw", "Ew", "verr"],
];

/** 0F 01 memory forms /0-/4 and /6 (INVLPG, /7, is in defs.ts). */
const _GROUP7: readonly [number, string, string, string][] = [
  [0, "sgdt", "Mf", "sgdt"],
  [1, "sidt", "Mf", "sgdt"],
  [2, "lgdt", "Mf", "lgdt"],
  [3, "lidt", "Mf", "lgdt"],
];

/** 0F 01 register forms (one ModRM byte each) not in defs.ts; all NP. */
const _GROUP7_REGS: readonly [string, string, string][] = [
  ["CA", "clac", "clac"],
  ["CB", "stac", "clac"],
  ["CF", "encls", ""],
  ["D0", "xgetbv", "xgetbv"],
  ["D7", "enclu", ""],
];

/** 0F AE memory forms /0-/6 (CLFLUSH, /7, is in defs.ts): NP, REX.W names the 64 forms. */
const _GROUP15: readonly [string, string][] = [
  ["fxsave", "M"],
  ["fxrstor", "M"],
  ["ldmxcsr", "Md"],
  ["stmxcsr", "Md"],
  ["xsave", "M"],
  ["xrstor", "M"],
  ["xsaveopt", "M"],
];

/** A mnemonic by operand size with a 64 form (`fxsave/fxsave/fxsave64`) when REX.W names one. */
function _by64(m: string, suffix: string): string {
  return `${m}/${m}/${m}${suffix}`;
}

function _rows(): OpDef[] {
  const rows: OpDef[] = _GROUP6.map(([m, form, h], k) =>
    row(m, `0F 00 /${k}`, form, h, {
      sub: k,
      fw: h === "verr" ? ZF : 0,
    })
  );
  for (const [k, m, form, h] of _GROUP7) rows.push(row(m, `0F 01 /${k}m`, form, h, { sub: k }));
  rows.push(
    row("smsw", "0F 01 /4", "Evw", "smsw"),
    row("lmsw", "0F 01 /6", "Ew", "lmsw", { attr: END }),
    ..._GROUP7_REGS.map(([b, m, h], k) => row(m, `0F 01 ${b}`, "", h, { attr: NP, sub: k })),
    // SWAPGS exists only in 64-bit mode.
    row("swapgs", "0F 01 F8", "", "swapgs", { attr: ONLY64 }),
    row("lar", "0F 02 /r", "Gv,Evw", "lar", { fw: ZF }),
    row("lsl", "0F 03 /r", "Gv,Evw", "lsl", { fw: ZF }),
    // SYSCALL and SYSRET: Intel has them in 64-bit mode only; SYSENTER and SYSEXIT in every mode.
    row("syscall", "0F 05", "", "syscall", { attr: END | ONLY64 }),
    row("clts", "0F 06", "", "clts"),
    row(_by64("sysret", "q"), "0F 07", "", "sysret", { attr: END | W | ONLY64 }),
    row("wbinvd", "0F 09", "", "wbinvd"),
    row("rdpmc", "0F 33", "", "rdpmc"),
    row("sysenter", "0F 34", "", "", { attr: END }),
    row(_by64("sysexit", "q"), "0F 35", "", "", { attr: END | W }),
    // RSM outside system-management mode (a guest never is in it) is #UD.
    row("rsm", "0F AA", "", "ud", { attr: END }),
  );
  _GROUP15.forEach(([m, form], k) => {
    const mnem = form === "M" ? _by64(m, "64") : m;
    rows.push(row(mnem, `0F AE /${k}m`, form, "", { attr: NP | (form === "M" ? W : 0) }));
  });
  // XRSTORS and XSAVES are #UD unless "enable XSAVES/XRSTORS" is set (exec_desc.ts).
  ["xrstors", "xsavec", "xsaves"].forEach((m, k) => {
    const h = m === "xsavec" ? "" : "xsaves";
    rows.push(row(_by64(m, "64"), `0F C7 /${k + 3}m`, "M", h, { attr: NP | W }));
  });
  return rows;
}

/** Rows with a mandatory prefix (after every unprefixed row, see OPDEFS). */
function _prefixed(): OpDef[] {
  // WBNOINVD (later CPUs) is WBINVD with an ignored F3 on Skylake; named as iced-x86 does.
  const rows: OpDef[] = [row("wbnoinvd", "F3 0F 09", "", "wbinvd")];
  // FS/GS base access (64-bit mode only), F3 0F AE /0-/3 register forms.
  // One row per ModRM byte: register forms only, so the handler has no memory variant.
  ["rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"].forEach((m, k) => {
    for (let r = 0; r < 8; r++) {
      const modrm = (0xc0 + k * 8 + r).toString(16).toUpperCase();
      rows.push(row(m, `F3 0F AE ${modrm}`, "Edq", "fsgsbase", { sub: k, attr: ONLY64 }));
    }
  });
  // INVEPT and INVVPID exit unconditionally (reasons 50 and 53, SDM vol. 3 §25.1.2) with the
  // instruction information of VMREAD; INVPCID is #UD unless "enable INVPCID" is set.
  rows.push(
    row("invept", "66 0F 38 80 /rm", "Gy,Mdq", "vmxRW", { sub: 50 }),
    row("invvpid", "66 0F 38 81 /rm", "Gy,Mdq", "vmxRW", { sub: 53 }),
    row("invpcid", "66 0F 38 82 /rm", "Gy,Mdq", "invpcid"),
  );
  return rows;
}

/** System rows. */
export const SYSTEM_DEFS: readonly OpDef[] = [..._rows(), ..._prefixed()];
