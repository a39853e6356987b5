/**
 * Runs x86-64 instruction sequences natively on the host CPU, in user mode,
 * as the hardware half of differential testing against sim/cpu.
 *
 * One long-lived runner process (oracle/native/runner.c, built on demand)
 * serves every batch: batches stream over its stdin/stdout, so a fuzzer pays
 * process start-up, seccomp and mapping set-up once, not per batch. The API
 * is asynchronous because reading results while a large batch is still being
 * written is what keeps the pipes from filling up and deadlocking; a
 * spawnSync-per-batch design would instead restart the process every batch
 * and cap batch size at the pipe buffer. Calls to {@link NativeRunner.run}
 * are queued, so concurrent callers cannot interleave batches.
 *
 * @example Add two registers on the host CPU
 * ```ts
 * import assert from "node:assert/strict";
 * import { nativeCase } from "./native_case.ts";
 *
 * const open: NativeOpenOptions = {}; // or { path } of a prebuilt runner
 * const options: NativeRunOptions = { timeoutMs: 20 };
 * await using runner = await NativeRunner.open(open);
 * const add = new Uint8Array([0x48, 0x01, 0xd8]); // add rax, rbx
 * const [r] = await runner.run([nativeCase(add, { regs: { rax: 1n, rbx: 2n } })], options);
 * assert.equal(r.kind, "ok");
 * assert.equal(r.regs[0], 3n);
 * assert.equal(r.rflags, 0x206n); // PF, and bit 1 and IF, which RFLAGS always has
 * ```
 *
 * @module
 */

import { buildRunner } from "./native_build.ts";
import {
  checkHello,
  decodeResults,
  encodeBatch,
  HELLO_BYTES,
  type NativeCase,
  type NativeResult,
  resultBytes,
} from "./native_protocol.ts";

/** Options for one {@link NativeRunner.run}. */
export interface NativeRunOptions {
  /**
   * User CPU time one case may take before it is stopped and reported as
   * "timeout" (default 50 ms). Accounting is tick-based on many kernels, so
   * keep it well above a few ms or short cases can be charged a whole tick.
   */
  timeoutMs?: number;
}

/** Options for {@link NativeRunner.open}. */
export interface NativeOpenOptions {
  /** A runner binary to start instead of building oracle/native/runner.c. */
  path?: string;
}

const _MAX_STDERR = 4000;

/** A running native runner process; open one, run many batches, close it. */
export class NativeRunner {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #rest: Uint8Array = new Uint8Array(0);
  #stderr = "";
  #stderrDone: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  #dead: Error | undefined;
  #closed = false;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#reader = child.stdout.getReader();
    this.#stderrDone = this.#collectStderr();
  }

  /** Builds the runner if needed, starts it and waits until it is ready. */
  static async open(options: NativeOpenOptions = {}): Promise<NativeRunner> {
    const path = options.path ?? await buildRunner();
    const runner = new NativeRunner(
      new Deno.Command(path, { stdin: "piped", stdout: "piped", stderr: "piped" }).spawn(),
    );
    try {
      checkHello(await runner.#read(HELLO_BYTES));
    } catch (e) {
      await runner.close();
      throw e;
    }
    return runner;
  }

  /**
   * Runs the cases in order and resolves to one result per case. Rejects
   * with a RangeError naming the first invalid case, or with an Error if a
   * region cannot be mapped or the runner has died or been closed.
   */
  async run(cases: readonly NativeCase[], options: NativeRunOptions = {}): Promise<NativeResult[]> {
    if (this.#closed) throw new Error("native runner is closed");
    const timeoutMs = options.timeoutMs ?? 50;
    if (!(timeoutMs > 0 && timeoutMs * 1000 <= 0xffff_ffff)) {
      throw new RangeError(`timeoutMs ${timeoutMs}: want more than 0 and at most 4294967 ms`);
    }
    const request = encodeBatch(cases, Math.max(1, Math.round(timeoutMs * 1000)));
    const next = this.#queue.then(() => this.#exchange(request, cases));
    this.#queue = next.catch(() => {});
    return await next;
  }

  /** Stops the runner; pending runs finish first. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#writer.close().catch(() => {});
    await this.#reader.cancel().catch(() => {});
    await this.#stderrDone;
    await this.#child.status;
  }

  /** Lets `await using` close the runner. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #exchange(request: Uint8Array, cases: readonly NativeCase[]): Promise<NativeResult[]> {
    if (this.#dead) throw this.#dead;
    // Read while writing: the runner answers before it has read the whole batch.
    const [wrote, read] = await Promise.allSettled([
      this.#writer.write(request),
      this.#read(resultBytes(cases)),
    ]);
    if (wrote.status === "rejected" || read.status === "rejected") {
      this.#dead = await this.#died();
      throw this.#dead;
    }
    return decodeResults(read.value, cases);
  }

  /** Reads exactly n bytes into a fresh, 8-byte-aligned buffer. */
  async #read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let have = Math.min(n, this.#rest.length);
    out.set(this.#rest.subarray(0, have));
    this.#rest = this.#rest.subarray(have);
    while (have < n) {
      const { value, done } = await this.#reader.read();
      if (done) throw await this.#died();
      const take = Math.min(value.length, n - have);
      out.set(value.subarray(0, take), have);
      have += take;
      this.#rest = value.subarray(take);
    }
    return out;
  }

  async #died(): Promise<Error> {
    const status = await this.#child.status;
    await this.#stderrDone;
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with status ${status.code}`;
    const said = this.#stderr.trim().split("\n")[0];
    return new Error(`native runner ${how}${said ? `: ${said}` : ""}`);
  }

  async #collectStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#child.stderr) {
      if (this.#stderr.length < _MAX_STDERR) {
        this.#stderr += decoder.decode(chunk, { stream: true });
      }
    }
  }
}
