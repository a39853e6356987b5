/**
 * THE list of instruction forms the native campaign leaves out because the
 * simulator cannot run them correctly yet. It is the only place forms are
 * excluded; it shrinks as sim/cpu grows, and every entry says why. An entry
 * names a class of gen_insn_table.ts (`string`), a lowercase mnemonic
 * (`rcl`) or an iced-x86 form (`Shld_rm16_r16_CL`). The campaign prints how
 * many generated instructions and cases the list removed.
 *
 * @module
 */

import type { InsnTemplate } from "./gen_insn_table.ts";

/** One exclusion: what it matches, and why. */
export interface Exclusion {
  /** A class, a lowercase mnemonic, or an iced-x86 form name. */
  match: string;
  why: string;
}

/** Forms not generated until the simulator handles them. */
export const NATIVE_EXCLUDED: readonly Exclusion[] = Object.freeze([]);

/** True if `t` is excluded by `list` (default {@link NATIVE_EXCLUDED}). */
export function isExcluded(t: InsnTemplate, list: readonly Exclusion[] = NATIVE_EXCLUDED): boolean {
  return list.some((e) => e.match === t.cls || e.match === t.mnemonic || e.match === t.name);
}
