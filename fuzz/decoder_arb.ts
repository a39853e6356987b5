/**
 * fast-check arbitraries for decoder cases: byte strings biased toward
 * instructions. A case is legacy prefixes (sometimes repeated, conflicting,
 * or enough to pass the 15-byte limit), a REX byte in 64-bit mode (usually
 * next to the opcode, sometimes cancelled by a later prefix), an opcode
 * (mostly a valid one, found by probing our decoder, else any byte of any
 * opcode map, VEX, EVEX, XOP or 3DNow!), a ModRM byte biased toward SIB,
 * no-base and register forms, a SIB byte biased toward index 4 and base 5,
 * and 16 more bytes (displacement, immediate, padding): a case never runs
 * out of bytes.
 *
 * @module
 */

import fc from "fast-check";
import { ByteSource, DEC_INVALID, decode, Insn } from "../sim/cpu/mod.ts";
import { toHex } from "./decoder_hex.ts";

/** A decoding mode: 16-, 32- or 64-bit code. */
export type DecoderMode = 16 | 32 | 64;

/** The three decoding modes. */
export const DECODER_MODES: readonly DecoderMode[] = [16, 32, 64];

/** Bytes to decode in a mode; fast-check prints it as `64-bit 48 8b 05 ...`. */
export class DecoderCase {
  /** The mode. */
  readonly mode: DecoderMode;
  /** The bytes, from the first prefix on. */
  readonly bytes: Uint8Array;
  /** A case of `bytes` in `mode`. */
  constructor(mode: DecoderMode, bytes: Uint8Array) {
    this.mode = mode;
    this.bytes = bytes;
  }
  /** How fast-check prints the case. */
  [fc.toStringMethod](): string {
    return `${this.mode}-bit ${toHex(this.bytes)}`;
  }
}

/** A valid opcode: optional mandatory prefix, opcode bytes, and the next bytes (ModRM) it accepts. */
export interface KnownOpcode {
  /** 66, F2 or F3 right before the opcode, 0 if none. */
  readonly prefix: number;
  /** Opcode bytes (escapes included). */
  readonly opcode: readonly number[];
  /** Values of the byte after the opcode for which the decoder does not say "invalid" (ascending). */
  readonly next: readonly number[];
}

const _LEGACY = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
const _known = new Map<DecoderMode, readonly KnownOpcode[]>();

function _heads(mode: DecoderMode): number[][] {
  const heads: number[][] = [];
  for (let b = 0; b < 256; b++) {
    const prefix = _LEGACY.includes(b) || b === 0x0f || mode === 64 && (b & 0xf0) === 0x40;
    if (!prefix) heads.push([b]);
    if (b !== 0x38 && b !== 0x3a) heads.push([0x0f, b]);
    heads.push([0x0f, 0x38, b], [0x0f, 0x3a, b]);
  }
  return heads;
}

/**
 * The valid opcodes in `mode` as our decoder sees them, found by decoding every opcode
 * of the one-byte, 0F, 0F38 and 0F3A maps, bare and after 66, F3 and F2,
 * with every following byte. Cached per mode.
 */
export function probeKnownOpcodes(mode: DecoderMode): readonly KnownOpcode[] {
  const cached = _known.get(mode);
  if (cached !== undefined) return cached;
  const buf = new Uint8Array(24);
  const src = new ByteSource(buf);
  const insn = new Insn();
  const out: KnownOpcode[] = [];
  for (const prefix of [0, 0x66, 0xf3, 0xf2]) {
    for (const opcode of _heads(mode)) {
      buf.fill(0);
      const head = prefix ? [prefix, ...opcode] : opcode;
      buf.set(head);
      // An opcode rejected before its next byte was read is invalid whatever follows.
      if (decode(src, 0, mode, insn) === DEC_INVALID && insn.len <= head.length) continue;
      const next: number[] = [];
      for (let m = 0; m < 256; m++) {
        buf[head.length] = m;
        if (decode(src, 0, mode, insn) !== DEC_INVALID) next.push(m);
      }
      if (next.length > 0) out.push({ prefix, opcode, next });
    }
  }
  _known.set(mode, out);
  return out;
}

const _byte = fc.integer({ min: 0, max: 255 });
const _legacy = fc.constantFrom(..._LEGACY);

/** ModRM: any, register form, SIB follows, disp32/RIP-relative, 16-bit disp16. */
const _modrm = fc.oneof(
  { weight: 3, arbitrary: _byte },
  { weight: 2, arbitrary: _byte.map((m) => 0xc0 | m) },
  { weight: 2, arbitrary: _byte.map((m) => (m % 3 << 6) | (m & 0x38) | 4) },
  { weight: 1, arbitrary: _byte.map((m) => (m & 0x38) | 5) },
  { weight: 1, arbitrary: _byte.map((m) => (m & 0xf8) % 0xc0 | 6) },
);

/** SIB: any, no index (index 4), no base (base 5). */
const _sib = fc.oneof(
  { weight: 3, arbitrary: _byte },
  { weight: 1, arbitrary: _byte.map((s) => (s & 0xc7) | 0x20) },
  { weight: 1, arbitrary: _byte.map((s) => (s & 0xf8) | 5) },
);

interface _Body {
  readonly prefix: number;
  readonly opcode: readonly number[];
  readonly next?: readonly number[];
}

function _bytes(n: number): fc.Arbitrary<number[]> {
  return fc.array(_byte, { minLength: n, maxLength: n });
}

/** An opcode: a known one (with the ModRM values it accepts), or any from any map. */
function _body(mode: DecoderMode): fc.Arbitrary<_Body> {
  const known = probeKnownOpcodes(mode);
  const raw = (a: fc.Arbitrary<number[]>) => a.map((opcode): _Body => ({ prefix: 0, opcode }));
  // Outside 64-bit mode the byte after C4, C5, 62 needs bits 7:6 set to escape LES, LDS, BOUND.
  const high = fc.oneof(_byte, _byte.map((b) => b | 0xc0));
  const vexMap = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2, 3) }, {
    weight: 1,
    arbitrary: _byte,
  });
  const evexMap = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 5, 6) }, {
    weight: 1,
    arbitrary: _byte,
  });
  const arms: fc.WeightedArbitrary<_Body>[] = [
    { weight: 2, arbitrary: raw(_byte.map((b) => [b])) },
    { weight: 2, arbitrary: raw(_byte.map((b) => [0x0f, b])) },
    { weight: 1, arbitrary: raw(_byte.map((b) => [0x0f, 0x38, b])) },
    { weight: 1, arbitrary: raw(_byte.map((b) => [0x0f, 0x3a, b])) },
    { weight: 1, arbitrary: raw(fc.tuple(high, _byte).map(([p, b]) => [0xc5, p, b])) },
    {
      weight: 1,
      arbitrary: raw(
        fc.tuple(high, vexMap, _bytes(2)).map(([p, m, t]) => [
          0xc4,
          (p & 0xe0) | (m & 0x1f),
          ...t,
        ]),
      ),
    },
    {
      // EVEX: P0 bit 3 clear, P1 bit 2 set (SDM vol. 2 §2.7.1).
      weight: 1,
      arbitrary: raw(
        fc.tuple(high, evexMap, _bytes(3)).map(([p, m, [p1, p2, op]]) => [
          0x62,
          (p & 0xf0) | (m & 7),
          p1 | 4,
          p2,
          op,
        ]),
      ),
    },
    {
      weight: 1,
      arbitrary: raw(
        fc.tuple(fc.constantFrom(8, 9, 10), _byte, _bytes(2)).map(([m, r, t]) => [
          0x8f,
          (r & 0xe0) | m,
          ...t,
        ]),
      ),
    },
    { weight: 1, arbitrary: raw(fc.constant([0x0f, 0x0f])) },
  ];
  if (known.length > 0) {
    arms.push({ weight: 10, arbitrary: fc.constantFrom(...known) });
  }
  return fc.oneof(...arms);
}

/** Every case for one mode. */
function _caseArb(mode: DecoderMode): fc.Arbitrary<DecoderCase> {
  return fc.record({
    legacy: fc.oneof(
      { weight: 6, arbitrary: fc.array(_legacy, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(_legacy, { maxLength: 14, size: "max" }) },
    ),
    rex: mode === 64
      ? fc.option(fc.integer({ min: 0x40, max: 0x4f }), { freq: 2 })
      : fc.constant(null),
    rexEarly: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    body: _body(mode),
    modrm: _modrm,
    sib: _sib,
    tail: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  }).map(({ legacy, rex, rexEarly, body, modrm, sib, tail }) => {
    const pre = [...legacy];
    if (body.prefix) pre.push(body.prefix);
    // REX counts only right before the opcode; one followed by a prefix is ignored.
    if (rex !== null) pre.splice(rexEarly && pre.length > 0 ? pre.length - 1 : pre.length, 0, rex);
    const next = body.next;
    const m = next === undefined || next.length === 256 ? modrm : next[modrm % next.length];
    return new DecoderCase(mode, Uint8Array.from([...pre, ...body.opcode, m, sib, ...tail]));
  });
}

/** Options of {@link decoderCaseArb}. */
export interface DecoderArbOptions {
  /** Modes to draw from (default all three). */
  readonly modes?: readonly DecoderMode[];
}

/** Decoder cases biased toward instructions (see the module doc). */
export function decoderCaseArb(options: DecoderArbOptions = {}): fc.Arbitrary<DecoderCase> {
  const modes = options.modes ?? DECODER_MODES;
  if (modes.length === 0) throw new RangeError("decoderCaseArb needs at least one mode");
  return fc.oneof(...modes.map(_caseArb));
}
