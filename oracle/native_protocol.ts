/**
 * The byte protocol between {@link NativeRunner} and oracle/native/runner.c,
 * and the case and result shapes it carries. Everything is little-endian and
 * every record is padded to 8 bytes, so register blocks can be read through
 * BigUint64Array views without copying.
 *
 * Runner to us, once at start: hello = u32 magic "VXH1", u32 version, u64
 * code address. Then per batch, us to runner: header = u32 magic "VXB1",
 * u32 case count, u32 timeout in microseconds, u32 zero; per case: u32 code
 * length, u32 region count, 16 × u64 GPRs, u64 RFLAGS, code padded to 8,
 * and per region u64 address, u32 length, u32 zero, bytes padded to 8.
 * Runner to us, per case: u32 kind (0 ok, 1 fault, 2 timeout, 3 region could
 * not be mapped), u32 signal, i32 si_code, u32 trap number, u64 error code
 * (errno for kind 3), u64 si_addr (the unmappable page for kind 3), u64 RIP,
 * 16 × u64 GPRs, u64 RFLAGS, then each region's final bytes padded to 8.
 *
 * @module
 */

/** Where the runner places case code: fixed so RIP-relative operands agree with the simulator. */
export const NATIVE_CODE_ADDR = 0x2000_0000n;
/** Longest case code in bytes. */
export const NATIVE_CODE_MAX = 4096;
/** Bytes reserved for code from {@link NATIVE_CODE_ADDR}; regions may not overlap them. */
export const NATIVE_CODE_WINDOW = 0x2000n;
/** Most memory regions one case may map. */
export const NATIVE_MAX_REGIONS = 8;
/** Longest memory region in bytes. */
export const NATIVE_MAX_REGION_LEN = 65536;
/** RFLAGS bits a case may set: CF, PF, AF, ZF, SF, DF, OF. */
export const NATIVE_SETTABLE_FLAGS = 0xcd5n;

/** Signals a native case can end with (Linux x86-64 numbers). */
export const NativeSignal = Object.freeze({
  SIGILL: 4,
  SIGTRAP: 5,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGSEGV: 11,
  SIGVTALRM: 26,
  SIGSYS: 31,
});

/** One memory region: `bytes` at `addr`, in zero-filled read-write (not executable) pages. */
export interface NativeRegion {
  addr: bigint;
  bytes: Uint8Array;
}

/** An instruction sequence and the user-mode state to start it from. */
export interface NativeCase {
  /** At most {@link NATIVE_CODE_MAX} bytes, placed at {@link NATIVE_CODE_ADDR}; running off the end finishes the case. */
  code: Uint8Array;
  /** The 16 GPRs in encoding order (rax rcx rdx rbx rsp rbp rsi rdi r8-r15, as Field.RAX..R15). */
  regs: BigUint64Array;
  /** Bits of {@link NATIVE_SETTABLE_FLAGS}; bit 1 and IF (0x202) are accepted and ignored. */
  rflags: bigint;
  /** At most {@link NATIVE_MAX_REGIONS} regions; no other address is mapped (except the code window). */
  mem: readonly NativeRegion[];
}

/** How a case ended. */
export type NativeResultKind = "ok" | "fault" | "timeout";

/**
 * The state after a case. For "ok" it is the state on reaching the end of
 * the code; for "fault" the state the kernel saved at the signal (RIP at the
 * faulting instruction for faults, after it for traps such as int3); for
 * "timeout" wherever the CPU-time alarm found the case. RFLAGS is reported
 * raw: bit 1 and IF are always set, and the frame of a fault may carry RF.
 */
export interface NativeResult {
  kind: NativeResultKind;
  /** GPRs in the order of {@link NativeCase.regs}. */
  regs: BigUint64Array;
  rflags: bigint;
  /** Absolute RIP: the end of the code for "ok". */
  rip: bigint;
  /** The regions of the case, in order, with their final contents. */
  mem: NativeRegion[];
  /** Signal number (see {@link NativeSignal}); "fault" and "timeout" only. */
  signal?: number;
  /** The signal's si_code (e.g. SEGV_MAPERR = 1, SI_KERNEL = 128). */
  siCode?: number;
  /** si_addr: the faulting data address for SIGSEGV/SIGBUS, the instruction for SIGILL/SIGFPE. */
  faultAddr?: bigint;
  /** RIP at the signal minus {@link NATIVE_CODE_ADDR}, signed. */
  faultRip?: bigint;
  /** Exception vector the kernel recorded (0 #DE, 3 #BP, 6 #UD, 13 #GP, 14 #PF); 0 for SIGSYS and timeouts. */
  trapno?: number;
  /** Exception error code (for #PF: bit 0 present, bit 1 write, bit 4 fetch). */
  errorCode?: bigint;
}

const _HELLO_MAGIC = 0x31485856;
const _BATCH_MAGIC = 0x31425856;
const _VERSION = 1;
/** Size of the runner's hello record. */
export const HELLO_BYTES = 16;
const _CASE_HEADER = 144;
const _REGION_HEADER = 16;
const _RESULT_HEADER = 176;
const _KINDS: readonly NativeResultKind[] = ["ok", "fault", "timeout"];
const _KIND_BADCASE = 3;

function _pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Checks the runner's hello; throws if it speaks another protocol or uses another code address. */
export function checkHello(bytes: Uint8Array): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint32(0, true), version = v.getUint32(4, true);
  const code = v.getBigUint64(8, true);
  if (magic !== _HELLO_MAGIC || version !== _VERSION || code !== NATIVE_CODE_ADDR) {
    throw new Error(
      `native runner speaks another protocol: magic 0x${magic.toString(16)}, version ${version}, ` +
        `code at 0x${code.toString(16)}`,
    );
  }
}

function _checkCase(c: NativeCase, i: number): void {
  const fail = (what: string) => new RangeError(`native case ${i}: ${what}`);
  if (c.code.length > NATIVE_CODE_MAX) throw fail(`code is ${c.code.length} bytes, limit 4096`);
  if (c.regs.length !== 16) throw fail(`regs has ${c.regs.length} entries, want 16`);
  if ((c.rflags & ~(NATIVE_SETTABLE_FLAGS | 0x202n)) !== 0n) {
    throw fail(`rflags 0x${c.rflags.toString(16)} sets bits other than CF PF AF ZF SF DF OF`);
  }
  if (c.mem.length > NATIVE_MAX_REGIONS) throw fail(`${c.mem.length} memory regions, limit 8`);
  for (const r of c.mem) {
    const at = `region at ${r.addr < 0n ? "-" : ""}0x${
      (r.addr < 0n ? -r.addr : r.addr).toString(16)
    }`;
    if (r.bytes.length > NATIVE_MAX_REGION_LEN) {
      throw fail(`${at} is ${r.bytes.length} bytes, limit 65536`);
    }
    const end = r.addr + BigInt(r.bytes.length);
    if (r.addr < 0n || end > 0x8000_0000_0000n) throw fail(`${at} is outside the user half`);
    if (r.addr < NATIVE_CODE_ADDR + NATIVE_CODE_WINDOW && end > NATIVE_CODE_ADDR) {
      throw fail(`${at} overlaps the code window`);
    }
  }
}

/** Encodes one batch; validates every case first and throws RangeError naming the first bad one. */
export function encodeBatch(cases: readonly NativeCase[], timeoutUs: number): Uint8Array {
  let size = 16;
  cases.forEach((c, i) => {
    _checkCase(c, i);
    size += _CASE_HEADER + _pad8(c.code.length);
    for (const r of c.mem) size += _REGION_HEADER + _pad8(r.bytes.length);
  });
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, _BATCH_MAGIC, true);
  v.setUint32(4, cases.length, true);
  v.setUint32(8, timeoutUs, true);
  let o = 16;
  for (const c of cases) {
    v.setUint32(o, c.code.length, true);
    v.setUint32(o + 4, c.mem.length, true);
    for (let r = 0; r < 16; r++) v.setBigUint64(o + 8 + 8 * r, c.regs[r], true);
    v.setBigUint64(o + 136, c.rflags, true);
    out.set(c.code, o + _CASE_HEADER);
    o += _CASE_HEADER + _pad8(c.code.length);
    for (const r of c.mem) {
      v.setBigUint64(o, r.addr, true);
      v.setUint32(o + 8, r.bytes.length, true);
      out.set(r.bytes, o + _REGION_HEADER);
      o += _REGION_HEADER + _pad8(r.bytes.length);
    }
  }
  return out;
}

/** Bytes the runner answers a batch with: known in advance, so we read exactly that much. */
export function resultBytes(cases: readonly NativeCase[]): number {
  let size = 0;
  for (const c of cases) {
    size += _RESULT_HEADER;
    for (const r of c.mem) size += _pad8(r.bytes.length);
  }
  return size;
}

/**
 * Decodes a batch's results. `bytes` must start on an 8-byte boundary of
 * its buffer; the results' arrays are views into it. Throws if the runner
 * could not map a case's region (a page already in use, or one the kernel
 * refuses), naming the case, the page and the errno.
 */
export function decodeResults(bytes: Uint8Array, cases: readonly NativeCase[]): NativeResult[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const results: NativeResult[] = [];
  let o = 0;
  cases.forEach((c, i) => {
    const kind = v.getUint32(o, true);
    if (kind === _KIND_BADCASE) {
      const page = v.getBigUint64(o + 24, true).toString(16);
      throw new Error(
        `native case ${i}: cannot map the region page at 0x${page}: errno ${
          v.getBigUint64(o + 16, true)
        } ` +
          `(EEXIST: in use by the runner; EPERM/ENOMEM: below mmap_min_addr or not mappable)`,
      );
    }
    const res: NativeResult = {
      kind: _KINDS[kind],
      regs: new BigUint64Array(bytes.buffer, bytes.byteOffset + o + 40, 16),
      rflags: v.getBigUint64(o + 168, true),
      rip: v.getBigUint64(o + 32, true),
      mem: [],
    };
    if (res.kind === undefined) {
      throw new Error(`native case ${i}: runner sent unknown kind ${kind}`);
    }
    if (res.kind !== "ok") {
      res.signal = v.getUint32(o + 4, true);
      res.siCode = v.getInt32(o + 8, true);
      res.trapno = v.getUint32(o + 12, true);
      res.errorCode = v.getBigUint64(o + 16, true);
      res.faultAddr = v.getBigUint64(o + 24, true);
      res.faultRip = BigInt.asIntN(64, res.rip - NATIVE_CODE_ADDR);
    }
    o += _RESULT_HEADER;
    for (const r of c.mem) {
      res.mem.push({ addr: r.addr, bytes: bytes.subarray(o, o + r.bytes.length) });
      o += _pad8(r.bytes.length);
    }
    results.push(res);
  });
  return results;
}
