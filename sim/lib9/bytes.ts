/**
 * How lib9 represents Plan 9 text in JavaScript.
 *
 * Plan 9 strings are NUL-terminated byte arrays, usually UTF-8. lib9 works on
 * *byte strings*: JavaScript strings whose code units are all 0-255, one code
 * unit per byte (the "binary string" convention of atob/btoa). For ASCII a
 * byte string is the ordinary string, so device tables and error texts read
 * naturally; for anything else lengths, truncation points and every returned
 * count are exact byte counts, and invalid UTF-8 survives unchanged where
 * 9front leaves it unchanged. Convert at the name-space edge with
 * `bytesToStr` (write data) and `strToBytes` (read data), and `toUtf8` and
 * `fromUtf8` for text the name space carries as Unicode (file names, error
 * strings).
 *
 * A byte string given to a routine that takes a C string is cut at its first
 * NUL, as the C routine would stop there.
 *
 * @module
 */

/** Byte string of `data`, one code unit per byte. */
export function bytesToStr(data: Uint8Array): string {
  let s = "";
  for (let i = 0; i < data.length; i += 0x2000) {
    s += String.fromCharCode(...data.subarray(i, i + 0x2000));
  }
  return s;
}

/**
 * Bytes of the byte string `s`; a code unit above 0xff means the caller
 * passed Unicode text, not bytes, which is a bug, so it throws RangeError.
 */
export function strToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = _byte(s, i);
  return b;
}

/**
 * The C string `s` as a NUL-terminated byte array (cut at an embedded NUL
 * by the terminator C would see), for routines ported pointer for pointer.
 */
export function cbytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length + 1);
  for (let i = 0; i < s.length; i++) b[i] = _byte(s, i);
  return b;
}

/** The bytes of `parts`, one after another, in a new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The NUL-terminated string that starts at `i` in `b`, as a byte string. */
export function cstr(b: Uint8Array, i: number): string {
  let e = i;
  while (e < b.length && b[e] !== 0) e++;
  return bytesToStr(b.subarray(i, e));
}

/** `s` up to its first NUL: what a C routine sees of it. */
export function cut(s: string): string {
  const i = s.indexOf("\0");
  return i < 0 ? s : s.slice(0, i);
}

const _enc = new TextEncoder();
const _dec = new TextDecoder("utf-8", { fatal: true });

/** The byte string of Unicode text `s` in UTF-8, cut at its first NUL as C would see it. */
export function toUtf8(s: string): string {
  return cut(bytesToStr(_enc.encode(s)));
}

/**
 * The Unicode text whose UTF-8 is the byte string `b`. Bytes that are not
 * UTF-8 cannot be text: RangeError, for callers to refuse or fail on.
 */
export function fromUtf8(b: string): string {
  try {
    return _dec.decode(strToBytes(b));
  } catch (e) {
    if (e instanceof RangeError) throw e;
    const shown = b.replace(
      /[^\x20-\x7e]/g,
      (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"),
    );
    throw new RangeError(`not UTF-8: "${shown}"`);
  }
}

function _byte(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c > 0xff) {
    throw new RangeError(`not a byte string: code unit 0x${c.toString(16)} at index ${i}`);
  }
  return c;
}
