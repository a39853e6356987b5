/**
 * A guest state for tests of the VMX layer: fields in a map, stored as given
 * (no width cut), unset ones reading 0, every write logged in order.
 *
 * @module
 */

import { Field, type GuestState } from "../../cpu/mod.ts";

/** A map-backed GuestState that records its writes. */
export class MapFields implements GuestState {
  /** The fields written, by field. */
  readonly m: Map<Field, bigint> = new Map();
  /** Every write in order: the field's name and the value in hex. */
  readonly writes: [string, string][] = [];
  /** The field's value, 0 if never written. */
  getField(f: Field): bigint {
    return this.m.get(f) ?? 0n;
  }
  /** Store `v` as given and log the write. */
  setField(f: Field, v: bigint): void {
    this.m.set(f, v);
    this.writes.push([Field[f], "0x" + v.toString(16)]);
  }
}
