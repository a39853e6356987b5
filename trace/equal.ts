/**
 * Equality of trace values, as replay and diff judge it: bytes by content,
 * bigints by value, records by their fields in any order.
 *
 * @module
 */

import type { Outcome } from "./schema.ts";

/** Whether two outcomes are the same: same status and the same result or message. */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.status !== b.status) return false;
  if (a.status === "ok") return sameValue(a.value, (b as { value: unknown }).value);
  return a.message === (b as { message: string }).message;
}

/**
 * Structural equality of trace values: numbers, bigints, strings, bytes,
 * arrays, plain objects (same keys, in any order), hence Dirs.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}
