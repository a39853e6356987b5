/**
 * Which opcode map and opcode byte some instruction bytes select, found
 * from the bytes alone (SDM vol. 2 §2.1-2.3, appendix A; AMD XOP and
 * 3DNow!), so cases can be grouped by opcode whatever either decoder says.
 *
 * @module
 */

/** An opcode map and the opcode byte in it. */
export interface OpcodeKey {
  /**
   * `1B` (one-byte), `0F`, `0F38`, `0F3A`, `3DNow`, `VEX.0F`..., `EVEX.0F`...,
   * `EVEX.m5` (other EVEX maps by number), `XOP.8`, `XOP.9`, `XOP.A`, and
   * `VEX.bad`, `XOP.bad` for reserved maps.
   */
  readonly map: string;
  /** The opcode byte (for 3DNow!, the trailing suffix byte is not known here: 0F). */
  readonly op: number;
}

/** Opcode maps in report order; others sort after, by name. */
export const MAP_ORDER: readonly string[] = [
  "1B",
  "0F",
  "0F38",
  "0F3A",
  "3DNow",
  "VEX.0F",
  "VEX.0F38",
  "VEX.0F3A",
  "EVEX.0F",
  "EVEX.0F38",
  "EVEX.0F3A",
  "XOP.8",
  "XOP.9",
  "XOP.A",
  "VEX.bad",
  "XOP.bad",
];

const _LEGACY = new Set([0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);
const _LEGACY_MAPS = ["", "0F", "0F38", "0F3A"];

function _map(kind: string, m: number): string {
  if (kind === "XOP") return m <= 10 ? `XOP.${m.toString(16).toUpperCase()}` : "XOP.bad";
  if (m >= 1 && m <= 3) return `${kind}.${_LEGACY_MAPS[m]}`;
  return kind === "VEX" ? "VEX.bad" : `${kind}.m${m}`;
}

/** The opcode map and byte `bytes` select in `mode` (16, 32, 64); missing bytes read as 0. */
export function opcodeKey(mode: number, bytes: Uint8Array): OpcodeKey {
  const at = (k: number) => (k < bytes.length ? bytes[k] : 0);
  let p = 0;
  while (p < 15 && (_LEGACY.has(at(p)) || mode === 64 && (at(p) & 0xf0) === 0x40)) p++;
  const b = at(p), n = at(p + 1);
  // Outside 64-bit mode C4, C5, 62 and 8F are LES, LDS, BOUND, POP unless ModRM.mod would be 3.
  const escape = mode === 64 || n >= 0xc0;
  if (b === 0xc5 && escape) return { map: "VEX.0F", op: at(p + 2) };
  if (b === 0xc4 && escape) return { map: _map("VEX", n & 0x1f), op: at(p + 3) };
  if (b === 0x62 && escape) return { map: _map("EVEX", n & 7), op: at(p + 4) };
  if (b === 0x8f && (n & 0x1f) >= 8) return { map: _map("XOP", n & 0x1f), op: at(p + 3) };
  if (b !== 0x0f) return { map: "1B", op: b };
  if (n === 0x38) return { map: "0F38", op: at(p + 2) };
  if (n === 0x3a) return { map: "0F3A", op: at(p + 2) };
  if (n === 0x0f) return { map: "3DNow", op: 0x0f };
  return { map: "0F", op: n };
}

/** Sort key of a map name: MAP_ORDER first, the rest by name. */
export function mapRank(map: string): string {
  const k = MAP_ORDER.indexOf(map);
  return k >= 0 ? String(k).padStart(3, "0") : "999" + map;
}
