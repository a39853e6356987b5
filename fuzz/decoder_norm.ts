/**
 * The normal form both decoders are reduced to before they are compared:
 * how the decode ended, its length, and the instruction as prefixes,
 * mnemonic and canonical operands. It is the one place that decides which
 * differences between our disassembly and iced-x86's are spelling only.
 *
 * Normalisation of Intel-syntax text (iced-x86's Intel formatter with memory
 * sizes always shown, which sim/cpu's `formatInsn` imitates; the normal
 * form's own text reads back unchanged):
 * - Prefix words: `lock` stays. On string instructions `rep`/`repe`/`repz`
 *   become `rep` and `repne`/`repnz` become `repne`, except that on those
 *   other than CMPS and SCAS both are `rep`; elsewhere F2/F3 are mandatory
 *   prefixes (already in the mnemonic) or ignored, and are dropped. Hints
 *   that change nothing the CPU does (`data16`, `addr32`, `xacquire`, `bnd`,
 *   `notrack`, branch hints, bare segment names, `rex`) are dropped.
 *   `jmp far`/`call far` keep `far`; `short` and `near` are dropped.
 * - Numbers (`0FFh`, `9`, `00001000h`) become `0x…` lowercase; register
 *   names are lowercased.
 * - A memory operand becomes `size seg:[base+index*scale±disp]` (scale
 *   always shown): the displacement wrapped to the width of its registers
 *   and shown signed, or without registers the address as it is. The
 *   segment is the effective one: the override shown, else SS for a
 *   BP/SP-family base, else DS; string operands: ES for `[edi]`, DS or the
 *   override for `[esi]`. In 64-bit mode only FS and GS are kept (ES, CS,
 *   SS, DS are flat: empty).
 * - A decoder may give its ModRM/moffs memory operand and 64-bit numbers
 *   from its decoded fields instead (NormalizeOptions): what sim/cpu
 *   executes, and iced-x86's values where its formatter errs.
 * - Anything else (EVEX decorations, `st(1)`) is kept as lowercased text.
 *
 * @module
 */

/** How a decode ended: a whole instruction, #UD, longer than 15 bytes, or out of bytes. */
export type DecodeStatus = "ok" | "invalid" | "toolong" | "truncated";

/** An instruction in normal form. */
export interface NormInsn {
  /** `lock`, `rep`, `repne`, in text order. */
  readonly prefixes: readonly string[];
  /** Lowercase mnemonic (`jmp far` keeps `far`). */
  readonly mnemonic: string;
  /** Canonical operands, in Intel order. */
  readonly operands: readonly string[];
}

/** One decode in normal form: what either decoder (or a vector line) says about some bytes. */
export interface Decoded {
  /** How it ended. */
  readonly status: DecodeStatus;
  /** Bytes consumed (the instruction's length when `status` is "ok"). */
  readonly len: number;
  /** The decoder's own text (Intel syntax) when ok, else the status. */
  readonly text: string;
  /** The normal form, when ok. */
  readonly norm?: NormInsn;
}

/** A memory operand's address: effective segment, registers, scale and displacement. */
export interface MemRef {
  /** Effective segment (`es`..`gs`). */
  readonly seg: string;
  /** Base register (`rip`/`eip` for RIP-relative), "" if none. */
  readonly base: string;
  /** Index register, "" if none. */
  readonly index: string;
  /** Index scale: 1, 2, 4 or 8. */
  readonly scale: number;
  /**
   * Displacement: relative to the next instruction for RIP-relative
   * operands; without registers, the absolute address (unsigned, at the
   * address size).
   */
  readonly disp: bigint;
}

/** Options of {@link normalizeIntel}. */
export interface NormalizeOptions {
  /**
   * The ModRM or moffs memory operand as the decoder's fields say (rather
   * than as its text says): replaces the address of the first non-string
   * memory operand, keeping its size.
   */
  readonly mem?: MemRef;
  /**
   * Exact values of numeric operands by operand position, where known from
   * decoded fields (iced-x86's formatter prints some 64-bit numbers wrongly).
   */
  readonly numbers?: readonly (bigint | undefined)[];
}

const _KEEP: Readonly<Record<string, string>> = {
  lock: "lock",
  rep: "rep",
  repe: "rep",
  repz: "rep",
  repne: "repne",
  repnz: "repne",
};
const _DROP = new Set([
  "data16",
  "data32",
  "data64",
  "addr16",
  "addr32",
  "addr64",
  "xacquire",
  "xrelease",
  "bnd",
  "notrack",
  "hint-taken",
  "hint-not-taken",
  "es",
  "cs",
  "ss",
  "ds",
  "fs",
  "gs",
]);
const _STRING_OP = /^(ins|outs|movs|cmps|stos|lods|scas)[bwdq]?$/;
const _NUMBER = /^-?(?:0x[0-9a-f]+|[0-9][0-9a-f]*h|[0-9]+)$/;
const _MEMORY = /^(?:(\w+)(?: ptr)? )?(?:(\w+):)?\[([^\]]*)\]$/;
const _TERM = /^([+-])(\w+)(?:\*([1248]))?$/;

/** A number as iced-x86 (`0FFh`, `10`, `-8`) or the normal form (`0xff`) writes it; undefined if `s` is none. */
export function parseNumber(s: string): bigint | undefined {
  const t = s.toLowerCase();
  if (!_NUMBER.test(t)) return undefined;
  const neg = t.startsWith("-");
  const body = neg ? t.slice(1) : t;
  const v = body.endsWith("h") ? BigInt("0x" + body.slice(0, -1)) : BigInt(body);
  return neg ? -v : v;
}

function _num(v: bigint): string {
  return v < 0n ? "-0x" + (-v).toString(16) : "0x" + v.toString(16);
}

/** Address width in bits of a register used in an address, 0 if it is none. */
function _regWidth(r: string): number {
  if (/^(e[a-d]x|e[sd]i|e[sb]p|eip|r(?:[89]|1[0-5])d)$/.test(r)) return 32;
  if (/^(r[a-d]x|r[sd]i|r[sb]p|rip|r(?:[89]|1[0-5]))$/.test(r)) return 64;
  if (/^([a-d]x|[sd]i|[sb]p|r(?:[89]|1[0-5])w)$/.test(r)) return 16;
  return 0;
}

/**
 * `m` in normal form (`ss:[ebp-0x8]`): with registers the displacement is
 * wrapped to their width and shown signed; 64-bit mode keeps only the FS
 * and GS segments.
 */
export function memRefText(m: MemRef, mode: number): string {
  const seg = mode === 64 && m.seg !== "fs" && m.seg !== "gs" ? "" : m.seg;
  let disp = m.disp;
  const w = _regWidth(m.base || m.index);
  if (w > 0) disp = BigInt.asIntN(w, disp);
  let addr = [m.base, m.index && `${m.index}*${m.scale}`].filter((s) => s !== "").join("+");
  if (addr === "") addr = _num(disp);
  else if (disp !== 0n) addr += (disp < 0n ? "-" : "+") + _num(disp < 0n ? -disp : disp);
  return (seg ? seg + ":" : "") + "[" + addr + "]";
}

function _stringReg(r: string): "si" | "di" | undefined {
  if (r === "si" || r === "esi" || r === "rsi") return "si";
  if (r === "di" || r === "edi" || r === "rdi") return "di";
  return undefined;
}

/** Parse the inside of `[...]`; undefined if a term is not a register, register*scale or number. */
function _address(inner: string): Omit<MemRef, "seg"> | undefined {
  let base = "", index = "", scale = 1, disp = 0n;
  const terms = inner.replace(/\s+/g, "");
  for (const t of (/^[+-]/.test(terms) ? terms : "+" + terms).split(/(?=[+-])/)) {
    const tm = _TERM.exec(t);
    if (!tm) return undefined;
    const v = parseNumber(tm[2]);
    if (v !== undefined) disp += tm[1] === "-" ? -v : v;
    else if (index !== "") return undefined;
    else if (tm[3] !== undefined || base !== "") {
      index = tm[2];
      scale = Number(tm[3] ?? 1);
    } else base = tm[2];
  }
  return { base, index, scale, disp };
}

/** A memory operand: its normal text, and whether it is a string operand (fixed [rSI]/[rDI]). */
function _memory(
  m: RegExpExecArray,
  mode: number,
  stringOp: boolean,
  fields: MemRef | undefined,
): { text: string; string: boolean } {
  const [, size = "", shown = "", inner] = m;
  const head = size ? size + " " : "";
  const a = _address(inner);
  if (a === undefined) {
    return { text: head + (shown ? shown + ":" : "") + "[" + inner + "]", string: false };
  }
  const sreg = stringOp && !a.index && a.disp === 0n ? _stringReg(a.base) : undefined;
  let ref: MemRef;
  if (sreg === "di") ref = { ...a, seg: "es" };
  else if (sreg === "si") ref = { ...a, seg: shown || "ds" };
  else if (fields !== undefined) ref = fields;
  else ref = { ...a, seg: shown || (/^[er]?[bs]p$/.test(a.base) ? "ss" : "ds") };
  return { text: head + memRefText(ref, mode), string: sreg !== undefined };
}

/** Split `s` at commas outside brackets and braces. */
function _operands(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, k));
      start = k + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((o) => o.trim()).filter((o) => o !== "");
}

/** Reduce Intel-syntax `text` decoded in `mode` (16, 32, 64) to its normal form (see the module doc). */
export function normalizeIntel(
  text: string,
  mode: number,
  options: NormalizeOptions = {},
): NormInsn {
  const words = text.trim().toLowerCase().split(/\s+/);
  const prefixes: string[] = [];
  let k = 0;
  for (; k < words.length - 1; k++) {
    const w = words[k];
    if (_KEEP[w] !== undefined) prefixes.push(_KEEP[w]);
    else if (!_DROP.has(w) && !/^rex(\.[wrxb]+)?$/.test(w)) break;
  }
  let mnemonic = words[k++] ?? "";
  if (words[k] === "far") {
    mnemonic += " far";
    k++;
  }
  const stringOp = _STRING_OP.test(mnemonic) &&
    !words.slice(k).some((w) => /\b[xyz]?mm\d/.test(w));
  if (!stringOp) {
    const lock = prefixes.includes("lock");
    prefixes.length = 0;
    if (lock) prefixes.push("lock");
  } else if (!/^(cmps|scas)/.test(mnemonic)) {
    // Only CMPS and SCAS test ZF: on the others F2 repeats as F3 does.
    prefixes.forEach((p, j) => (prefixes[j] = p === "repne" ? "rep" : p));
  }
  let fields = options.mem;
  const operands = _operands(words.slice(k).join(" ")).map((op, j) => {
    const o = op.replace(/^(short|near) /, "");
    const n = parseNumber(o);
    if (n !== undefined) return _num(options.numbers?.[j] ?? n);
    const m = _MEMORY.exec(o);
    if (m === null) return o;
    const r = _memory(m, mode, stringOp, fields);
    if (!r.string) fields = undefined;
    return r.text;
  });
  return { prefixes, mnemonic, operands };
}

/** The normal form as one line (`lock add dword ds:[eax], eax`). */
export function normText(n: NormInsn): string {
  const head = [...n.prefixes, n.mnemonic].join(" ");
  return n.operands.length > 0 ? head + " " + n.operands.join(", ") : head;
}

/**
 * What differs between `ours` and the reference `ref`: "" if they agree
 * else "status",
 * "length", "prefixes", "mnemonic" or "operands". Lengths of failed decodes
 * are not compared (a #UD has no length). An encoding `ref` calls invalid
 * at length 15 is invalid and too long at once: ours may say either.
 */
export function compareDecoded(ours: Decoded, ref: Decoded): string {
  if (ours.status === "toolong" && ref.status === "invalid" && ref.len >= 15) return "";
  if (ours.status !== ref.status) return "status";
  if (ours.status !== "ok") return "";
  if (ours.len !== ref.len) return "length";
  const a = ours.norm, b = ref.norm;
  if (a === undefined || b === undefined) throw new Error("an ok decode without its normal form");
  if (a.prefixes.join(" ") !== b.prefixes.join(" ")) return "prefixes";
  if (a.mnemonic !== b.mnemonic) return "mnemonic";
  if (a.operands.join(", ") !== b.operands.join(", ")) return "operands";
  return "";
}
