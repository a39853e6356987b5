import { deepEqual, equal } from "node:assert/strict";
import { CR0KERNEL, CR4KERNEL, guestinit, HOST, type Host, vmxcontrols } from "./host.ts";

Deno.test("HOST: identity and capability MSRs of the i7-6700K", () => {
  equal(Object.isFrozen(HOST), true);
  equal(HOST.vendor, "GenuineIntel");
  // Family 6, model 0x5e (extended model 5, model 0xe), stepping 3.
  equal(HOST.signature >> 8 & 0xf, HOST.family);
  equal((HOST.signature >> 16 & 0xf) << 4 | HOST.signature >> 4 & 0xf, HOST.model);
  equal(HOST.signature & 0xf, HOST.stepping);
  // XSAVE and AVX (CPUID.1.ECX bits 26, 28): fpuinit's condition for xcr0 = 7.
  equal(HOST.cpuid1ecx >>> 26 & 1, 1);
  equal(HOST.cpuid1ecx >>> 28 & 1, 1);
  equal(HOST.xcr0, 7n);
  // VMX (CPUID.1.ECX bit 5), and what vmxreset requires of the MSRs.
  equal(HOST.cpuid1ecx >>> 5 & 1, 1);
  equal(HOST.vmxProcbasedCtls >> 63n, 1n);
  equal(HOST.vmxProcbasedCtls2 >> 33n & 1n, 1n); // EPT
  equal(HOST.vmxProcbasedCtls2 >> 37n & 1n, 1n); // VPID
  equal(HOST.vmxBasic >> 55n & 1n, 1n); // TRUE control MSRs
});

Deno.test("HOST: CR0 and CR4 pass vmxstart's fixed-bit checks", () => {
  const bad = (cr: bigint, f0: bigint, f1: bigint) => (cr & ~f0 & ~f1) | (~cr & f0 & f1);
  equal(bad(HOST.cr0, HOST.cr0Fixed0, HOST.cr0Fixed1) & 0xffffffffffffffffn, 0n);
  equal(bad(HOST.cr4, HOST.cr4Fixed0, HOST.cr4Fixed1) & 0xffffffffffffffffn, 0n);
});

Deno.test("CR0KERNEL and CR4KERNEL as devvmx.c builds them", () => {
  equal(CR0KERNEL, 0x1ffaffc0n | 0x30n | 0xffffffff00000000n);
  equal(
    CR4KERNEL,
    0xff889000n | 1n << 13n | 1n << 14n | 1n << 6n | 1n << 22n | 0xffffffff00000000n,
  );
});

Deno.test("vmxcontrols: vmcsinit's controls on the modeled host", () => {
  deepEqual(vmxcontrols(), {
    pinbased: 0x1f,
    procbased: 0xb58065fa,
    procbased2: 0xa2,
    exit: 0x3b6fff,
    entry: 0xd1ff,
    exceptionBitmap: 0x40002,
  });
});

Deno.test("vmxcontrols: without TRUE MSRs the plain ones force CR3 exiting", () => {
  const old: Host = { ...HOST, vmxBasic: HOST.vmxBasic & ~(1n << 55n) };
  const c = vmxcontrols(old);
  equal(c.procbased, 0xb581e5fa);
  equal(c.procbased & 0x18000, 0x18000);
  equal(c.pinbased, 0x1f);
});

Deno.test("vmxcontrols: may-be-1 bits limit what is wanted", () => {
  const h: Host = {
    ...HOST,
    vmxProcbasedCtls2: 0x0000002000000000n, // VPID only
    vmxTruePinbasedCtls: 0x0000001600000016n, // no exiting on IRQ or NMI
  };
  const c = vmxcontrols(h);
  equal(c.procbased2, 0x20);
  equal(c.pinbased, 0x16);
});

Deno.test("guestinit: initial CR0, CR4, shadows, masks and xcr0", () => {
  deepEqual(guestinit(), {
    cr0: 0x31n,
    cr0shadow: 0x31n,
    cr0mask: 0xffffffff1ffafff0n,
    cr4: 0x2040n,
    cr4shadow: 0x40n,
    cr4mask: 0xffffffffffc8f040n,
    xcr0: 1n,
  });
});
