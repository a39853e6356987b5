/**
 * Guest programs: each `NAME.s` (nasm syntax) is assembled into `NAME.bin`
 * beside it. Every instruction line of a source ends with a comment giving
 * its address and bytes (`; 1002: e6 e9`), so the bytes can be read without
 * an assembler and checked against the .bin without one.
 *
 * `deno task gen:guest` runs nasm (when installed) on every source, then
 * checks each .bin against its listing.
 *
 * @module
 */

/** One listed line: the address and the bytes its comment gives. */
export interface Listed {
  /** Guest address. */
  addr: number;
  /** Bytes at that address. */
  bytes: number[];
}

const _LINE = /;\s*([0-9a-f]+):((?:\s+[0-9a-f]{2})+)\s*$/;

/** The listed lines of assembly source `text`, in order. */
export function listing(text: string): Listed[] {
  const out: Listed[] = [];
  for (const line of text.split("\n")) {
    const m = _LINE.exec(line);
    if (m) {
      out.push({
        addr: parseInt(m[1], 16),
        bytes: m[2].trim().split(/\s+/).map((b) => parseInt(b, 16)),
      });
    }
  }
  return out;
}

/**
 * Why `bin` does not match the listing in `text` (addresses must follow
 * each other from the `org`, bytes must be the file's), or null if it does.
 */
export function mismatch(text: string, bin: Uint8Array): string | null {
  const org = /^\s*org\s+(0x[0-9a-f]+)\s*$/m.exec(text);
  if (!org) return "no org line";
  const lines = listing(text);
  let addr = parseInt(org[1], 16);
  const bytes: number[] = [];
  for (const l of lines) {
    if (l.addr !== addr) {
      return `listing says ${l.addr.toString(16)}, expected ${addr.toString(16)}`;
    }
    bytes.push(...l.bytes);
    addr += l.bytes.length;
  }
  if (bytes.length !== bin.length) return `listing has ${bytes.length} bytes, .bin ${bin.length}`;
  const at = bytes.findIndex((b, i) => b !== bin[i]);
  return at < 0 ? null : `byte ${at} is ${bin[at].toString(16)}, listed ${bytes[at].toString(16)}`;
}

/** The .s sources in `dir`, sorted. */
export function sources(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".s"))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

// Assemble `src` with nasm: true if it did; null if nasm is not installed.
function _nasm(src: string): boolean | null {
  try {
    const r = new Deno.Command("nasm", {
      args: ["-f", "bin", "-o", src.replace(/\.s$/, ".bin"), src],
    }).outputSync();
    if (!r.success) console.error(new TextDecoder().decode(r.stderr).trimEnd());
    return r.success;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

if (import.meta.main) {
  const dir = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
  let ok = true;
  let nasm = true;
  for (const src of sources(dir)) {
    if (nasm) {
      const made = _nasm(src);
      if (made === null) {
        console.error("gen: nasm is not installed (apt-get install nasm): .bin files not rebuilt");
        nasm = false;
      }
      ok &&= made === true;
    }
    const bin = src.replace(/\.s$/, ".bin");
    const why = mismatch(Deno.readTextFileSync(src), Deno.readFileSync(bin));
    if (why) {
      console.error(`gen: ${bin} does not match the listing in ${src}: ${why}`);
      ok = false;
    }
  }
  Deno.exit(ok ? 0 : 1);
}
