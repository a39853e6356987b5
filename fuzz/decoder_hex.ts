/**
 * Bytes as the decoder tools write them: lowercase hex pairs separated by
 * spaces (`48 8b 05`), as in sim/cpu's vector files.
 *
 * @module
 */

/** `bytes` as `48 8b 05`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Parse hex pairs (spaces optional); throws a RangeError naming the bad text. */
export function fromHex(text: string): Uint8Array {
  const t = text.replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new RangeError(`not hex bytes: "${text}"`);
  return Uint8Array.from(t.match(/../g) ?? [], (x) => parseInt(x, 16));
}
