/**
 * Records the memfs sample program into the trace file named by its
 * argument, over and over, until killed: the victim of the SIGKILL test.
 *
 * @module
 */

import { MemfsBackend } from "../memfs.ts";
import { Recorder } from "../record.ts";
import { runSample, sampleHeader } from "./sample.ts";

const b = new MemfsBackend({ annotate: true });
const rec = Recorder.create(Deno.args[0], b, sampleHeader(b), { chunkEvents: 3 });
for (;;) runSample(rec);
