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
 * `bytesToStr` (write data) and `strToBytes` (read data).
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

function _byte(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c > 0xff) {
    throw new RangeError(`not a byte string: code unit 0x${c.toString(16)} at index ${i}`);
  }
  return c;
}
