/**
 * The regression corpus as a library, for the tests that replay and
 * regenerate it and for guests that need descriptor tables: the manifest,
 * the generator (`deno task corpus:gen` is gen.ts), the sessions rc cannot
 * express, and the guest programs and layouts.
 *
 * @module
 */

export { type CorpusEntry, generate, loadManifest, recordEntry, ROOT } from "./gen.ts";
export { descriptorTables, GDT, HANDLERS, IDT } from "./guest.ts";
export { type Session, SESSIONS } from "./sessions.ts";
