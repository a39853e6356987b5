/**
 * Generates sim/cpu/_optab.ts, the decoder's packed tables, from the
 * instruction definitions in sim/cpu/defs.ts. Run `deno run -A gen/optab.ts`
 * after changing defs.ts; a test fails while the committed file is stale.
 *
 * Layout (all Uint16): OPMAP[map*256+opcode] is 0 (unknown), row+1,
 * GROUP|node (ModRM-selected: 8 memory slots by reg, then 64 register slots
 * by reg*8+rm) or PREFIX|node (4 slots: none, 66, F3, F2; in the VEX maps
 * 16 slots in VEX_NODES by pp, W and L), each 0, row+1 or a GROUP node.
 * Per row: mnemonic index, four operands (kind | size << 8),
 * attributes, sub-operation, eight handler-name indices (by operand width
 * 8/16/32/64, then register or memory form of the E operand), flags
 * written and flags undefined.
 *
 * @module
 */

import { type OpDef, OPDEFS } from "../sim/cpu/defs.ts";
import { Attr, Opk, Osz } from "../sim/cpu/operands.ts";

/** OPMAP entry flag: a ModRM-selected group node. */
export const GROUP = 0x8000;
/** OPMAP entry flag: a mandatory-prefix node. */
export const PREFIX = 0x4000;
/** Opcode maps in OPMAP: one-byte, 0F, 0F 38, 0F 3A, then the VEX maps 0F, 0F38, 0F3A. */
export const MAPS = 7;

const _E_OPS = new Set([
  "Eb",
  "Ew",
  "Ev",
  "Ey",
  "Edq",
  "M",
  "Mq",
  "Mp",
  "Ma",
  "Mb",
  "Mv",
  "Ed",
  "Evw",
]);
// Operands whose size is 32 or 64 bits by REX.W/VEX.W alone: their rows run the 32-bit handler
// in the 16-bit width slot (an operand-size prefix or 16-bit code does not make them 16-bit).
const _DQ_OPS = new Set(["Gdq", "Edq", "Bdq"]);
const _BYTE_OPS = new Set(["Eb", "Gb", "AL", "Zb", "Ob", "Xb", "Yb"]);
const _WIDE_OPS = new Set([
  "Ev",
  "Gv",
  "eAX",
  "eAXz",
  "Zv",
  "Ov",
  "Iz",
  "Iv",
  "Ibs",
  "Jz",
  "Jb",
  "Xz",
  "Yz",
  "Xv",
  "Yv",
  "Mp",
  "Ma",
  "Mv",
  "Evw",
  "Gdq",
  "Edq",
  "Bdq",
]);

// Vector, MMX, x87-memory and sized-memory operands: a kind letter, then an Osz size name.
const _SIZED = /^(V|W|U|H|L|P|Q|N|M|R|VSIB|VSIBX)(b|w|d|q|f|t|dq|qq|x|xh|xq|xo|fenv|fstate)$/;
const _SIZED_KIND: Readonly<Record<string, Opk>> = {
  V: Opk.V,
  W: Opk.W,
  U: Opk.U,
  H: Opk.H,
  L: Opk.L,
  P: Opk.P,
  Q: Opk.Q,
  N: Opk.N,
  M: Opk.Ms,
  R: Opk.R,
  VSIB: Opk.VSIB,
  VSIBX: Opk.VSIBX,
};

/** A ROW_OPS entry: the operand kind in the low byte, an Osz size in the high byte. */
export function operandCode(tok: string): number {
  const plain = tok === "1" ? Opk.ONE : (Opk as unknown as Record<string, number>)[tok];
  if (plain !== undefined && !/^[VWUHLPQNR]$/.test(tok)) return plain;
  const m = _SIZED.exec(tok);
  if (m === null) throw new Error(`unknown operand kind "${tok}"`);
  return _SIZED_KIND[m[1]] | ((Osz as unknown as Record<string, number>)[m[2]] << 8);
}

/** A parsed `enc` string. */
export interface ParsedEnc {
  /** 0: one-byte map, 1: 0F, 2: 0F 38, 3: 0F 3A; VEX maps 4: 0F, 5: 0F38, 6: 0F3A. */
  map: number;
  /** Opcode bytes covered. */
  ops: number[];
  /** Mandatory prefix (VEX.pp for VEX rows): 0 none, 1: 66, 2: F3, 3: F2. */
  pfx: number;
  /** ModRM kind: none, any reg (`/r`), one reg digit (`/N`), or one exact register-form byte. */
  modrm: "none" | "r" | "digit" | "exact";
  /** reg digit, or the exact ModRM byte. */
  digit: number;
  /** `/Nm`, `/rm`: the row takes only the memory forms (mod != 3). */
  memOnly: boolean;
  /** `/Nr`, `/rr`: the row takes only the register forms (mod = 3). */
  regOnly: boolean;
  /** VEX rows: the VEX.L values the row is defined for. */
  vexL: number[];
  /** VEX rows: the VEX.W values the row is defined for. */
  vexW: number[];
}

const _VEX_L: Readonly<Record<string, number[]>> = {
  LZ: [0],
  L0: [0],
  "128": [0],
  L1: [1],
  "256": [1],
  LIG: [0, 1],
  Lx: [0, 1],
};

/** Parse a row's encoding (see defs.ts for the grammar). */
export function parseEnc(d: OpDef): ParsedEnc {
  const t = d.enc.split(" ");
  let pfx = 0;
  let map = 0;
  let vexL: number[] = [], vexW: number[] = [];
  if (t[0].startsWith("VEX.")) {
    const v = /^VEX\.(LZ|L0|128|L1|256|LIG|Lx)(?:\.(66|F3|F2))?\.(0F|0F38|0F3A)(?:\.(W0|W1|WIG))?$/
      .exec(t.shift()!);
    if (v === null) throw new Error(`bad encoding "${d.enc}"`);
    vexL = _VEX_L[v[1]];
    vexW = v[4] === "W0" ? [0] : v[4] === "W1" ? [1] : [0, 1];
    pfx = v[2] === undefined ? 0 : ["66", "F3", "F2"].indexOf(v[2]) + 1;
    map = 4 + ["0F", "0F38", "0F3A"].indexOf(v[3]);
  } else {
    const p = ["66", "F3", "F2"].indexOf(t[0]);
    if (p >= 0 && t.length > 1) {
      pfx = p + 1;
      t.shift();
    }
    if (t[0] === "0F") {
      map = 1;
      t.shift();
      const esc = ["38", "3A"].indexOf(t[0]);
      if (esc >= 0 && t.length > 1) {
        map = 2 + esc;
        t.shift();
      }
    }
  }
  const op = t.shift()!;
  let ops: number[];
  const base = parseInt(op, 16);
  if (op.endsWith("+r")) ops = Array.from({ length: 8 }, (_, k) => base + k);
  else if (op.endsWith("+cc")) ops = Array.from({ length: 16 }, (_, k) => base + k);
  else ops = [base];
  let modrm: ParsedEnc["modrm"] = "none";
  let digit = 0;
  let memOnly = false, regOnly = false;
  if (t.length > 0) {
    const m = t.shift()!;
    if (/^\/[0-7r][mr]?$/.test(m)) {
      modrm = m[1] === "r" ? "r" : "digit";
      digit = m[1] === "r" ? 0 : Number(m[1]);
      memOnly = m[2] === "m";
      regOnly = m[2] === "r";
    } else {
      modrm = "exact";
      digit = parseInt(m, 16);
    }
  }
  if (t.length > 0) throw new Error(`bad encoding "${d.enc}"`);
  return { map, ops, pfx, modrm, digit, memOnly, regOnly, vexL, vexW };
}

function _hexU16(a: number[]): string {
  return a.map((v) => v.toString(16).padStart(4, "0")).join("");
}

function _chunks(s: string, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(`  "${s.slice(i, i + n)}"`);
  return out.join(" +\n");
}

/** Render the text of _optab.ts from the definitions. */
export function renderOptab(defs: readonly OpDef[] = OPDEFS): string {
  const mnems: string[] = [];
  const handlers: string[] = [""];
  const opmap = new Array<number>(MAPS * 256).fill(0);
  const groups: number[] = [];
  const pfxNodes: number[] = [];
  const vexNodes: number[] = [];
  const rowMnem: number[] = [],
    rowOps: number[] = [],
    rowAttr: number[] = [],
    rowSub: number[] = [];
  const rowH: number[] = [], rowFw: number[] = [], rowFu: number[] = [];
  // Per row: the O64 row that replaces it in 64-bit mode (row + 1), or 0.
  const rowAlt64: number[] = [];
  const intern = (list: string[], s: string) => {
    let k = list.indexOf(s);
    if (k < 0) k = list.push(s) - 1;
    return k;
  };
  // Put row `row` at arr[idx]: a plain entry, or into the ModRM group there (made if needed).
  const place = (arr: number[], idx: number, e: ParsedEnc, row: number, enc: string) => {
    let cur = arr[idx];
    if (e.modrm === "none" || (e.modrm === "r" && !e.memOnly && !e.regOnly)) {
      if (cur & (GROUP | PREFIX)) throw new Error(`row ${enc} collides with a node`);
      if (rowAttr[row] & Attr.O64) {
        if (cur === 0 || !(rowAttr[cur - 1] & Attr.I64)) {
          throw new Error(`O64 row ${enc} does not follow an I64 row`);
        }
        rowAlt64[cur - 1] = row + 1;
        return;
      }
      arr[idx] = row + 1; // a later row overrides an earlier one (90 NOP over 90+r XCHG)
      return;
    }
    if (!(cur & GROUP)) {
      if (cur !== 0) throw new Error(`group opcode ${enc} collides with a row`);
      const n = groups.length / 72;
      for (let k = 0; k < 72; k++) groups.push(0);
      cur = arr[idx] = GROUP | n;
    }
    const g = (cur & 0xfff) * 72;
    if (e.modrm === "digit" || e.modrm === "r") {
      // Slots 0-7: memory forms by reg; 8-71: register forms by reg * 8 + rm.
      const regs = e.modrm === "r" ? [0, 1, 2, 3, 4, 5, 6, 7] : [e.digit];
      for (const r of regs) {
        if (!e.regOnly) groups[g + r] = row + 1;
        if (!e.memOnly) { for (let rm = 0; rm < 8; rm++) groups[g + 8 + r * 8 + rm] = row + 1; }
      }
    } else {
      if (e.digit < 0xc0) throw new Error(`exact ModRM ${enc} must be a register form`);
      groups[g + 8 + (e.digit & 0x3f)] = row + 1;
    }
  };
  defs.forEach((d, row) => {
    const e = parseEnc(d);
    const toks = d.form === "" ? [] : d.form.split(",");
    if (toks.length > 4) throw new Error(`too many operands in "${d.form}"`);
    let attr = d.attr;
    if (e.modrm !== "none") attr |= Attr.MODRM;
    if (toks.some((t) => _WIDE_OPS.has(t))) attr |= Attr.WIDE;
    else if (toks.some((t) => _BYTE_OPS.has(t))) attr |= Attr.BYTE;
    rowMnem.push(intern(mnems, d.mnem));
    for (let k = 0; k < 4; k++) rowOps.push(k < toks.length ? operandCode(toks[k]) : Opk.NONE);
    rowAttr.push(attr);
    rowSub.push(d.sub);
    rowAlt64.push(0);
    // Handler names: family, width in bits for byte and wide rows, then r or m for the
    // register and memory forms of an E operand (M: memory only).
    const eop = toks.find((t) => _E_OPS.has(t) || /^(W|Q|R|M|VSIB)/.test(t) && _SIZED.test(t));
    const dq = toks.some((t) => _DQ_OPS.has(t)) &&
      !toks.some((t) => _WIDE_OPS.has(t) && !_DQ_OPS.has(t));
    for (let w = 0; w < 4; w++) {
      for (const form of ["r", "m"]) {
        let name = d.h;
        if (name !== "" && attr & Attr.BYTE) name += "8";
        else if (name !== "" && attr & Attr.WIDE) {
          name += w === 0 ? "" : String(8 << (dq && w === 1 ? 2 : w));
        }
        if (name !== "" && eop !== undefined) name += form;
        // No register form of M operands; no memory form of rows for one register ModRM byte.
        const none = (attr & Attr.WIDE && w === 0) || (eop?.[0] === "M" && form === "r") ||
          (e.modrm === "exact" && form === "m");
        rowH.push(none ? 0 : intern(handlers, name));
      }
    }
    rowFw.push(d.fw);
    rowFu.push(d.fu);
    for (const op of e.ops) {
      const slot = e.map * 256 + op;
      if (e.map >= 4) {
        // VEX maps: a node of 16 slots by VEX.pp + 4 * VEX.W + 8 * VEX.L.
        let cur = opmap[slot];
        if (cur === 0) {
          cur = opmap[slot] = PREFIX | (vexNodes.length / 16);
          for (let k = 0; k < 16; k++) vexNodes.push(0);
        }
        for (const l of e.vexL) {
          for (const w of e.vexW) {
            place(vexNodes, (cur & 0xfff) * 16 + e.pfx + 4 * w + 8 * l, e, row, d.enc);
          }
        }
        continue;
      }
      if (e.pfx === 0) {
        place(opmap, slot, e, row, d.enc);
        continue;
      }
      // A mandatory prefix: a node whose slots start as the unprefixed entry; a prefixed
      // group gets a group of its own, so the unprefixed rows do not leak into it.
      let cur = opmap[slot];
      if (!(cur & PREFIX)) {
        const n = pfxNodes.length / 4;
        pfxNodes.push(cur, cur, cur, cur);
        cur = opmap[slot] = PREFIX | n;
      }
      const ps = (cur & 0xfff) * 4 + e.pfx;
      const grouped = e.modrm === "digit" || e.modrm === "exact" || e.memOnly || e.regOnly;
      if (grouped && pfxNodes[ps] === pfxNodes[(cur & 0xfff) * 4]) pfxNodes[ps] = 0;
      place(pfxNodes, ps, e, row, d.enc);
    }
  });
  // A prefix slot that only repeats an NP entry (an SSE or MMX row, or a group of them) is no
  // row: there a 66, F2 or F3 without a row of its own makes the opcode #UD, not ignored.
  const np = (e: number) => {
    if (!(e & GROUP)) return e !== 0 && (rowAttr[e - 1] & Attr.NP) !== 0;
    const g = groups.slice((e & 0xfff) * 72, (e & 0xfff) * 72 + 72).filter((r) => r !== 0);
    return g.every((r) => rowAttr[r - 1] & Attr.NP);
  };
  for (let n = 0; n < pfxNodes.length; n += 4) {
    for (let k = 1; k < 4; k++) {
      if (pfxNodes[n + k] === pfxNodes[n] && np(pfxNodes[n])) pfxNodes[n + k] = 0;
    }
  }
  const q = (s: string) => JSON.stringify(s);
  return `// Code generated by gen/optab.ts from sim/cpu/defs.ts. DO NOT EDIT.
// deno-fmt-ignore-file
/**
 * The decoder's packed opcode tables (see gen/optab.ts for the layout).
 *
 * @module
 */

function _u16(hex: string): Uint16Array {
  const a = new Uint16Array(hex.length / 4);
  for (let i = 0; i < a.length; i++) a[i] = parseInt(hex.slice(i * 4, i * 4 + 4), 16);
  return a;
}

/** OPMAP entry flag: a ModRM-selected group node. */
export const GROUP = ${GROUP};
/** OPMAP entry flag: a mandatory-prefix node. */
export const PREFIX = ${PREFIX};
/** Mnemonics by index. */
export const MNEMONICS: readonly string[] = [${mnems.map(q).join(", ")}];
/** Handler names by index; 0 is "" (not executed yet). */
export const HANDLER_NAMES: readonly string[] = [${handlers.map(q).join(", ")}];
/** Number of rows. */
export const ROW_COUNT = ${defs.length};
/** Opcode maps, 256 entries each: one-byte, 0F, 0F 38, 0F 3A, VEX 0F, VEX 0F38, VEX 0F3A. */
export const OPMAP: Uint16Array = _u16(
${_chunks(_hexU16(opmap), 96)},
);
/** Group nodes, 72 slots each. */
export const GROUPS: Uint16Array = _u16(
${_chunks(_hexU16(groups), 96)},
);
/** Mandatory-prefix nodes, 4 slots each. */
export const PREFIXES: Uint16Array = _u16(${q(_hexU16(pfxNodes))});
/** VEX opcode nodes (PREFIX entries of the VEX maps), 16 slots each: VEX.pp + 4 * VEX.W + 8 * VEX.L. */
export const VEX_NODES: Uint16Array = _u16(
${_chunks(_hexU16(vexNodes), 96)},
);
/** Row mnemonic index. */
export const ROW_MNEM: Uint16Array = _u16(
${_chunks(_hexU16(rowMnem), 96)},
);
/** Row operands, four per row: Opk kind in the low byte, Osz size in the high byte. */
export const ROW_OPS: Uint16Array = _u16(
${_chunks(_hexU16(rowOps), 96)},
);
/** Row attributes. */
export const ROW_ATTR: Uint16Array = _u16(
${_chunks(_hexU16(rowAttr), 96)},
);
/** Row sub-operation. */
export const ROW_SUB: Uint16Array = _u16(
${_chunks(_hexU16(rowSub), 96)},
);
/** Row handler-name index by width (8, 16, 32, 64 bits) and form (register, memory), eight per row. */
export const ROW_H: Uint16Array = _u16(
${_chunks(_hexU16(rowH), 96)},
);
/** Row flags written. */
export const ROW_FW: Uint16Array = _u16(
${_chunks(_hexU16(rowFw), 96)},
);
/** Row that replaces each row in 64-bit mode (row + 1; 0: none), from O64 rows. */
export const ROW_ALT64: Uint16Array = _u16(
${_chunks(_hexU16(rowAlt64), 96)},
);
/** Row flags undefined. */
export const ROW_FU: Uint16Array = _u16(
${_chunks(_hexU16(rowFu), 96)},
);
`;
}

if (import.meta.main) {
  const out = new URL("../sim/cpu/_optab.ts", import.meta.url);
  Deno.writeTextFileSync(out, renderOptab());
}
