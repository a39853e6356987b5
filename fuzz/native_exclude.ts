/**
 * THE list of instruction forms the native campaign leaves out because the
 * simulator cannot run them correctly yet. It is the only place forms are
 * excluded; it shrinks as sim/cpu grows, and every entry says why. An entry
 * names a class of gen_insn_table.ts (`string`), a lowercase mnemonic
 * (`rcl`) or an iced-x86 form (`Shld_rm16_r16_CL`), where `*` stands for
 * any run of characters (`R*_rm32_CL`). The campaign prints how many
 * generated instructions and cases the list removed.
 *
 * Besides forms not implemented yet, the list holds forms with a known
 * simulator bug, each with a reproducer in corpus/native/ marked `known`,
 * so that the fixed-seed campaign in CI stays clean until the fix: then the
 * entry goes, and the corpus case stays as a regression test.
 *
 * @module
 */

import type { InsnTemplate } from "./gen_insn_table.ts";

/** One exclusion: what it matches, and why. */
export interface Exclusion {
  /** A class, a lowercase mnemonic, or an iced-x86 form name. */
  match: string;
  /** Why: a missing instruction or a known bug, in a line. */
  why: string;
}

/** Forms not generated until the simulator handles them. */
export const NATIVE_EXCLUDED: readonly Exclusion[] = Object.freeze([]);

/** True if `t` is excluded by `list` (default {@link NATIVE_EXCLUDED}). */
export function isExcluded(t: InsnTemplate, list: readonly Exclusion[] = NATIVE_EXCLUDED): boolean {
  return list.some((e) => {
    const re = _pattern(e.match);
    return re.test(t.cls) || re.test(t.mnemonic) || re.test(t.name);
  });
}

const _patterns = new Map<string, RegExp>();

function _pattern(match: string): RegExp {
  let re = _patterns.get(match);
  if (re === undefined) {
    const body = match.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    re = new RegExp(`^${body}$`);
    _patterns.set(match, re);
  }
  return re;
}
