/**
 * examples/hello.rc as a program on `Syscalls`: a segment, a vCPU, a map,
 * two runs to the guest's OUT and HLT exits. The end-to-end fixture of the
 * vmxsim backend.
 *
 * @module
 */

import { DMDIR, ORDWR, OREAD, OWRITE, type Syscalls } from "../../sim/mod.ts";
import { enc } from "./sample.ts";

/** mov al,'H'; out 0xe9,al; hlt (examples/guest/hello.s). */
export const HELLO = new Uint8Array([0xb0, 0x48, 0xe6, 0xe9, 0xf4]);

/** Run hello on `p`; returns the two wait lines. */
export function runHello(p: Syscalls): string[] {
  const dec = new TextDecoder();
  const put = (path: string, text: string) => {
    const fd = p.open(path, OWRITE);
    p.write(fd, enc(text));
    p.close(fd);
  };
  p.close(p.create("#g/vm.0", OREAD, DMDIR | 0o777));
  put("#g/vm.0/ctl", "va 0x10000000 0x100000 sticky");
  const data = p.open("#g/vm.0/data", OWRITE);
  p.write(data, HELLO);
  p.close(data);
  const ctl = p.open("#X/clone", ORDWR);
  const vm = dec.decode(p.read(ctl, 20));
  put(`#X/${vm}/map`, "rwx wb 0x1000 0x101000 vm.0 0x0\n");
  const wait = p.open(`#X/${vm}/wait`, OREAD);
  p.write(ctl, enc("go pc=0x1000;"));
  const first = dec.decode(p.read(wait, 200));
  p.write(ctl, enc("go pc=0x1004;"));
  const second = dec.decode(p.read(wait, 200));
  const regs = p.open(`#X/${vm}/regs`, OREAD);
  p.read(regs, 8192);
  p.stat(`#X/${vm}/status`);
  return [first, second];
}
