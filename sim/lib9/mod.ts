/**
 * Ports of the 9front libc and kernel text routines whose exact behaviour
 * the vmx and segment devices expose: number parsing (strtoull, strtoul),
 * field splitting (tokenize, getfields), control messages (parsecmd,
 * lookupcmd and its cmderror), printing (%#llux, %#p, %q, bounded
 * seprint/snprint) and kstrcpy.
 *
 * Text is handled as byte strings: one code unit per byte, ASCII unchanged;
 * convert with `bytesToStr` and `strToBytes` (data), `toUtf8` and `fromUtf8`
 * (names and error strings, Unicode in the name space) at the name-space
 * edge. See bytes.ts for why.
 *
 * @example A tour (deno test --doc imports every export into a snippet, so
 * this one uses them all; see denoland/deno#26900)
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 *
 * const tab: Cmdtab[] = [{ index: 0, cmd: "quit", narg: 1 }];
 * const cb: Cmdbuf = parsecmd(strToBytes("quit 'a b'\n"));
 * throws(() => lookupcmd(cb, tab), /^PlanError: wrong #args in control message "quit .a b."$/);
 * equal(bytesToStr(new Uint8Array([0x68, 0x69])), "hi");
 * equal(toUtf8("é"), "\xc3\xa9");
 * equal(concat([strToBytes("a"), strToBytes("b")]).length, 2);
 * equal(fromUtf8("\xc3\xa9"), "é");
 * equal(tokenize("a 'b c'", 10)[1], "b c");
 * equal(getfields("pc 0x10", 10, true, " \t")[1], "0x10");
 * const n: Strto<bigint> = strtoull("0x10", 0);
 * equal(n.value + BigInt(strtoul("1", 0).value), 17n);
 * const args: FmtArg[] = [16, 0n, "it's"];
 * equal(snprint(64, "%#.*llux %q", ...args), "0x0000000000000000 'it''s'");
 * equal(fmtX(0), "0x0");
 * equal(new Seprint(4).print("%s", "abcdef").text, "abc");
 * equal(snprint(ERRMAX, "%d", 7) + kstrcpy("abcdef", 5), "7...");
 * ```
 *
 * @module
 */

export { bytesToStr, concat, fromUtf8, strToBytes, toUtf8 } from "./bytes.ts";
export type { FmtArg } from "./dofmt.ts";
export { fmtX, Seprint, snprint } from "./dofmt.ts";
export { getfields } from "./getfields.ts";
export { ERRMAX, kstrcpy } from "./kstrcpy.ts";
export type { Cmdbuf, Cmdtab } from "./parse.ts";
export { lookupcmd, parsecmd } from "./parse.ts";
export type { Strto } from "./strtoul.ts";
export { strtoul, strtoull } from "./strtoul.ts";
export { tokenize } from "./tokenize.ts";
