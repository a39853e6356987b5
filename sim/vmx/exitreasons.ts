/**
 * devvmx.c's name tables for wait lines: `exitreasons`, indexed by the basic
 * exit reason (SDM vol. 3 appendix C), and `except`, indexed by exception
 * vector. Both are sparse as in the C (unnamed slots are holes, printed by
 * cmdwait as `?N` or `#N`), and `except` is also the name table eventparse
 * accepts.
 *
 * @module
 */

/** A sparse, frozen array with `names` at their indices and holes elsewhere. */
function _sparse(length: number, names: Record<number, string>): readonly (string | undefined)[] {
  const a = new Array<string | undefined>(length);
  for (const [i, name] of Object.entries(names)) a[Number(i)] = name;
  return Object.freeze(a);
}

/** exitreasons[]: names of basic exit reasons 0-64; 35, 38 and 42 are holes. */
export const exitreasons: readonly (string | undefined)[] = _sparse(65, {
  0: "exc",
  1: "extirq",
  2: "triplef",
  3: "initsig",
  4: "sipi",
  5: "smiio",
  6: "smiother",
  7: "irqwin",
  8: "nmiwin",
  9: "taskswitch",
  10: ".cpuid",
  11: ".getsec",
  12: ".hlt",
  13: ".invd",
  14: ".invlpg",
  15: ".rdpmc",
  16: ".rdtsc",
  17: ".rsm",
  18: ".vmcall",
  19: ".vmclear",
  20: ".vmlaunch",
  21: ".vmptrld",
  22: ".vmptrst",
  23: ".vmread",
  24: ".vmresume",
  25: ".vmwrite",
  26: ".vmxoff",
  27: ".vmxon",
  28: "movcr",
  29: ".movdr",
  30: "io",
  31: ".rdmsr",
  32: ".wrmsr",
  33: "entrystate",
  34: "entrymsr",
  36: ".mwait",
  37: "monitortrap",
  39: ".monitor",
  40: ".pause",
  41: "mcheck",
  43: "tpr",
  44: "apicacc",
  45: "eoi",
  46: "gdtr_idtr",
  47: "ldtr_tr",
  48: "eptfault",
  49: "eptinval",
  50: ".invept",
  51: ".rdtscp",
  52: "preempt",
  53: ".invvpid",
  54: ".wbinvd",
  55: ".xsetbv",
  56: "apicwrite",
  57: ".rdrand",
  58: ".invpcid",
  59: ".vmfunc",
  60: ".encls",
  61: ".rdseed",
  62: "pmlfull",
  63: ".xsaves",
  64: ".xrstors",
});

/** except[]: exception names for vectors 0-20; 2, 9 and 15 are holes. */
export const except: readonly (string | undefined)[] = _sparse(21, {
  0: "#de",
  1: "#db",
  3: "#bp",
  4: "#of",
  5: "#br",
  6: "#ud",
  7: "#nm",
  8: "#df",
  10: "#ts",
  11: "#np",
  12: "#ss",
  13: "#gp",
  14: "#pf",
  16: "#mf",
  17: "#ac",
  18: "#mc",
  19: "#xm",
  20: "#ve",
});
