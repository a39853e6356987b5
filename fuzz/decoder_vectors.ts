/**
 * Decoder vector files (tests/testdata/decoder/*.txt): one case a line,
 *
 *     mode | hex bytes | length | instruction
 *
 * where the instruction is Intel text as iced-x86 prints it (memory sizes
 * always shown, RIP-relative as `[rip+disp]`) or in normal form, or one of
 * `invalid`, `toolong`, `truncated` with length `-`. `#` starts a comment.
 * Replaying a file needs only our decoder, not iced-x86.
 *
 * @module
 */

import { fromHex, toHex } from "./decoder_hex.ts";
import {
  compareDecoded,
  type Decoded,
  type DecodeStatus,
  normalizeIntel,
  normText,
} from "./decoder_norm.ts";
import type { VerdictKind } from "./decoder_oracle.ts";
import { decodeOurs } from "./decoder_ours.ts";

/** One vector line. */
export interface DecoderVector {
  /** 16, 32 or 64. */
  readonly mode: number;
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** What decoding them must give. */
  readonly expect: Decoded;
  /** Where it came from, `file:line`. */
  readonly where: string;
}

const _FAILED: readonly DecodeStatus[] = ["invalid", "toolong", "truncated"];

/** Parse a vector file's text; throws an Error naming `name:line` on a malformed line. */
export function parseVectors(text: string, name: string): DecoderVector[] {
  const out: DecoderVector[] = [];
  text.split("\n").forEach((raw, k) => {
    const where = `${name}:${k + 1}`;
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const f = line.split("|").map((s) => s.trim());
    const bad = (why: string) => new Error(`${where}: ${why}: "${raw}"`);
    if (f.length !== 4) throw bad("want mode | bytes | length | instruction");
    const mode = Number(f[0]);
    if (mode !== 16 && mode !== 32 && mode !== 64) throw bad("mode must be 16, 32 or 64");
    let bytes: Uint8Array;
    try {
      bytes = fromHex(f[1]);
    } catch {
      throw bad("bytes must be hex pairs");
    }
    const failed = _FAILED.find((s) => s === f[3]);
    let expect: Decoded;
    if (failed !== undefined) {
      if (f[2] !== "-") throw bad(`length of ${failed} must be -`);
      expect = { status: failed, len: 0, text: failed };
    } else {
      if (!/^[0-9]+$/.test(f[2]) || Number(f[2]) < 1 || Number(f[2]) > 15) {
        throw bad("length must be 1 to 15");
      }
      const len = Number(f[2]);
      expect = { status: "ok", len, text: f[3], norm: normalizeIntel(f[3], mode) };
    }
    out.push({ mode, bytes, expect, where });
  });
  return out;
}

/** A vector line saying `bytes` in `mode` decode as `d` (ok decodes in normal form). */
export function formatVector(mode: number, bytes: Uint8Array, d: Decoded): string {
  const what = d.norm !== undefined ? normText(d.norm) : d.status;
  return `${mode} | ${toHex(bytes)} | ${d.status === "ok" ? d.len : "-"} | ${what}`;
}

/** Our decoder on a vector: agreement, or a mismatch with what differs. */
export function checkVector(
  v: DecoderVector,
): { kind: VerdictKind; reason: string; ours: Decoded } {
  const ours = decodeOurs(v.mode, v.bytes);
  const reason = compareDecoded(ours, v.expect);
  return {
    kind: reason !== "" ? "mismatch" : "match",
    reason,
    ours,
  };
}

/**
 * Append `lines` to the vector file at `path` (created if missing), skipping
 * lines whose mode and bytes it already has; returns how many were added.
 */
export function appendVectors(path: string, lines: readonly string[]): number {
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const key = (l: string) => l.split("|").slice(0, 2).map((s) => s.trim()).join("|");
  const have = new Set(text.split("\n").map(key));
  const add = lines.filter((l) => !have.has(key(l)) && have.add(key(l)));
  if (add.length > 0) {
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    Deno.writeTextFileSync(path, text + sep + add.join("\n") + "\n");
  }
  return add.length;
}
