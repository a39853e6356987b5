/**
 * The decoder oracle: one case decoded by sim/cpu and by iced-x86, both in
 * normal form, and the verdict: they agree, or they disagree (a mismatch:
 * a bug in our decoder or disassembler).
 *
 * @module
 */

import type { DecoderCase } from "./decoder_arb.ts";
import { toHex } from "./decoder_hex.ts";
import { IcedDecoder } from "./decoder_iced.ts";
import { compareDecoded, type Decoded, normText } from "./decoder_norm.ts";
import { type OpcodeKey, opcodeKey } from "./decoder_opmap.ts";
import { decodeOurs } from "./decoder_ours.ts";

/** Agreement or a mismatch. */
export type VerdictKind = "match" | "mismatch";

/** What the oracle says about one case. */
export interface Verdict {
  /** The outcome. */
  readonly kind: VerdictKind;
  /** For a mismatch, what differs: "status", "length", "prefixes", "mnemonic" or "operands". */
  readonly reason: string;
  /** The mode. */
  readonly mode: number;
  /** The bytes decoded. */
  readonly bytes: Uint8Array;
  /** Our decoder's result. */
  readonly ours: Decoded;
  /** iced-x86's result. */
  readonly iced: Decoded;
  /** Opcode map and byte, from the bytes. */
  readonly key: OpcodeKey;
}

/** Both decoders on the same bytes; holds iced-x86's wasm objects, so `free()` it when done. */
export class DecoderOracle {
  #iced = new IcedDecoder();

  /** The verdict on `c`. */
  check(c: DecoderCase): Verdict {
    const ours = decodeOurs(c.mode, c.bytes);
    const iced = this.#iced.decode(c.mode, c.bytes);
    const reason = compareDecoded(ours, iced);
    const kind = reason !== "" ? "mismatch" : "match";
    return {
      kind,
      reason,
      mode: c.mode,
      bytes: c.bytes,
      ours,
      iced,
      key: opcodeKey(c.mode, c.bytes),
    };
  }

  /** Release iced-x86's wasm objects. */
  free(): void {
    this.#iced.free();
  }
}

/** How many leading bytes of `v` matter: the longer decode, all 16 when either hit the 15-byte limit. */
export function relevantLength(v: Verdict): number {
  const toolong = v.ours.status === "toolong" || v.iced.status === "toolong";
  return Math.min(v.bytes.length, toolong ? 16 : Math.max(v.ours.len, v.iced.len, 1));
}

/**
 * A mismatch's identity, for counting cases of one bug once: mode, what
 * differs, both statuses, and the opcode map and byte; a difference in
 * prefixes or only in memory segments is one kind whatever the opcode.
 */
export function verdictSignature(v: Verdict): string {
  const a = v.ours.norm, b = v.iced.norm;
  if (v.reason === "prefixes" && a && b) {
    return `${v.mode} prefixes [${a.prefixes.join(" ")}] vs [${b.prefixes.join(" ")}]`;
  }
  if (v.reason === "operands" && a && b) {
    const noSeg = (ops: readonly string[]) => ops.join(", ").replace(/\b[cdefgs]s:/g, "");
    if (noSeg(a.operands) === noSeg(b.operands)) return `${v.mode} operands segment`;
  }
  const op = v.key.op.toString(16).padStart(2, "0");
  return `${v.mode} ${v.reason} ${v.ours.status}/${v.iced.status} ${v.key.map} ${op}`;
}

function _side(d: Decoded): string {
  if (d.status !== "ok") return `${d.status} after ${d.len} bytes`;
  return `${d.text}  (${d.len} bytes)`;
}

/** A readable reproducer: mode, bytes, what differs, both sides raw and normalised. */
export function formatVerdict(v: Verdict): string[] {
  const lines = [
    `${v.mode}-bit ${toHex(v.bytes.subarray(0, relevantLength(v)))}` +
    (v.reason ? `  (${v.reason} mismatch)` : ""),
    `  ours: ${_side(v.ours)}`,
    `  iced: ${_side(v.iced)}`,
  ];
  if (v.ours.norm && v.iced.norm) {
    lines.push(
      `  ours normalised: ${normText(v.ours.norm)}`,
      `  iced normalised: ${normText(v.iced.norm)}`,
    );
  }
  return lines;
}
