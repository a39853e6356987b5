/**
 * The one error the trace tools raise for a file they cannot use: it names
 * the chunk and byte offset so a person can find the damage. Plan 9 errors
 * from the simulated name space are never turned into this.
 *
 * @module
 */

/** Where in a trace file a problem sits. */
export interface TraceErrorPlace {
  /** Index of the chunk (0 is the header chunk). */
  readonly chunk?: number;
  /** Byte offset of that chunk in the file. */
  readonly offset?: number;
}

/** A trace file is unusable: not a trace, corrupt, of another version, malformed. */
export class TraceError extends Error {
  /** Index of the chunk at fault, when known. */
  readonly chunk: number | undefined;
  /** Byte offset of that chunk, when known. */
  readonly offset: number | undefined;
  /** Make an error; the place, when given, prefixes the message. */
  constructor(message: string, place: TraceErrorPlace = {}) {
    super(_placed(message, place));
    this.name = "TraceError";
    this.chunk = place.chunk;
    this.offset = place.offset;
  }
}

function _placed(message: string, place: TraceErrorPlace): string {
  if (place.chunk === undefined) return message;
  const at = place.offset === undefined ? "" : ` at byte ${place.offset}`;
  return `chunk ${place.chunk}${at}: ${message}`;
}
