/**
 * Opaque records a backend hands the trace (its description, annotations,
 * snapshots): checked to be exactly representable, with large byte strings
 * moved out to blobs on the way in and put back on the way out.
 *
 * Allowed: null, booleans, strings, finite numbers (integers must be safe;
 * they come back as numbers), bigints within 64 bits (they come back as
 * bigints), Uint8Array, arrays and plain objects of these. Anything else is
 * refused loudly rather than stored approximately.
 *
 * @module
 */

import { asBytes, BlobRef } from "./codec.ts";
import { TraceError } from "./errors.ts";

const _MIN_I64 = -(1n << 63n);
const _MAX_U64 = (1n << 64n) - 1n;

/**
 * Check `value` and return a copy in which, given `toBlob`, every
 * Uint8Array of at least `blobMin` bytes is replaced by what `toBlob`
 * returns for it.
 */
export function storeValue(
  value: unknown,
  toBlob?: (bytes: Uint8Array) => BlobRef,
  blobMin = 0,
  path = "record",
): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new TypeError(`${path}: ${value} cannot be stored exactly (use a bigint)`);
      }
      return value;
    case "bigint":
      if (value < _MIN_I64 || value > _MAX_U64) throw new TypeError(`${path}: wider than 64 bits`);
      return value;
    case "object":
      break;
    default:
      throw new TypeError(
        `${path}: ${
          typeof value === "undefined" ? "undefined" : `a ${typeof value}`
        } cannot be stored`,
      );
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) {
    return toBlob && value.length >= blobMin ? toBlob(value) : value.slice();
  }
  if (Array.isArray(value)) {
    return Array.from(value, (v, i) => storeValue(v, toBlob, blobMin, `${path}[${i}]`));
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    throw new TypeError(
      `${path}: a ${value.constructor?.name ?? "null-prototype object"} cannot be stored`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = storeValue(v, toBlob, blobMin, `${path}.${k}`);
  }
  return out;
}

/** Undo `storeValue`: resolve blob references through `fromBlob`, normalise byte views. */
export function loadValue(value: unknown, fromBlob: (ref: BlobRef) => Uint8Array): unknown {
  if (value === null || typeof value !== "object") {
    if (value === undefined) throw new TraceError("record holds an undefined value");
    return value;
  }
  if (value instanceof BlobRef) return fromBlob(value);
  if (value instanceof Uint8Array) return asBytes(value);
  if (Array.isArray(value)) return value.map((v) => loadValue(v, fromBlob));
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    throw new TraceError(`record holds an unexpected ${value.constructor?.name}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = loadValue(v, fromBlob);
  return out;
}
