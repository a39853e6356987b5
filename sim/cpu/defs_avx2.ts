/**
 * AVX, AVX2, FMA, F16C, AES and PCLMULQDQ rows of the VEX 0F38 and 0F3A maps
 * (all with VEX.pp = 66): decoded, not executed yet. VEX.L and VEX.W are
 * exact, so what the modeled Skylake lacks (VAES and VPCLMULQDQ at 256 bits,
 * AVX-VNNI, GFNI, AVX-512) has no row and is #UD. The gathers (0F38 90-93)
 * are left out: their VSIB memory operand (a vector index register) has no
 * operand kind yet. BMI1/BMI2 (0F38 F2-F7, 0F3A F0) are in defs.ts.
 *
 * @module
 */

import { hexByte, type OpDef, row } from "./defs_row.ts";

/** [opcode, mnemonic] of the rows sharing one encoding pattern and form. */
type _Ops = readonly (readonly [number, string])[];

/** Rows `VEX.<l>.66.<map>.<w> op /r` with one form, for each of `ops`. */
function _rows(map: string, l: string, w: string, form: string, ops: _Ops): OpDef[] {
  return ops.map(([op, m]) => row(m, `VEX.${l}.66.${map}.${w} ${hexByte(op)} /r`, form, ""));
}

/** A W0 row and a W1 row of one opcode: VEX.W picks the element size. */
function _byW(map: string, l: string, op: number, m: readonly [string, string], form: string) {
  return [..._rows(map, l, "W0", form, [[op, m[0]]]), ..._rows(map, l, "W1", form, [[op, m[1]]])];
}

// VEX.Lx.66.0F38.WIG, Vx,Hx,Wx: SSSE3, SSE4.1 and SSE4.2 integer operations widened by AVX2.
const _INT3: _Ops = [
  [0x00, "vpshufb"],
  [0x01, "vphaddw"],
  [0x02, "vphaddd"],
  [0x03, "vphaddsw"],
  [0x04, "vpmaddubsw"],
  [0x05, "vphsubw"],
  [0x06, "vphsubd"],
  [0x07, "vphsubsw"],
  [0x08, "vpsignb"],
  [0x09, "vpsignw"],
  [0x0a, "vpsignd"],
  [0x0b, "vpmulhrsw"],
  [0x28, "vpmuldq"],
  [0x29, "vpcmpeqq"],
  [0x2b, "vpackusdw"],
  [0x37, "vpcmpgtq"],
  [0x38, "vpminsb"],
  [0x39, "vpminsd"],
  [0x3a, "vpminuw"],
  [0x3b, "vpminud"],
  [0x3c, "vpmaxsb"],
  [0x3d, "vpmaxsd"],
  [0x3e, "vpmaxuw"],
  [0x3f, "vpmaxud"],
  [0x40, "vpmulld"],
];

// VEX.Lx.66.0F3A.WIG, Vx,Hx,Wx,Ib.
const _IMM3: _Ops = [
  [0x0c, "vblendps"],
  [0x0d, "vblendpd"],
  [0x0e, "vpblendw"],
  [0x0f, "vpalignr"],
  [0x40, "vdpps"],
  [0x42, "vmpsadbw"],
];

// VEX.128.66.0F3A.WIG, Vdq,Wdq,Ib.
const _IMM2_128: _Ops = [
  [0x62, "vpcmpistrm"],
  [0x63, "vpcmpistri"],
  [0xdf, "vaeskeygenassist"],
];

// VEX.128.66.0F3A.WIG, Vdq,Hdq,Wdq,Ib.
const _IMM3_128: _Ops = [
  [0x41, "vdppd"],
  [0x44, "vpclmul{clmul}dq"],
];

/** PMOVSX/PMOVZX by source and destination element: low opcode nibble, suffix, source size. */
const _PMOV: readonly (readonly [number, string, string])[] = [
  [0, "bw", "xh"],
  [1, "bd", "xq"],
  [2, "bq", "xo"],
  [3, "wd", "xh"],
  [4, "wq", "xq"],
  [5, "dq", "xh"],
];

/** VEX.Lx.66.0F38.WIG PMOVSX (20-25) and PMOVZX (30-35): a narrower source, widened. */
function _pmov(): OpDef[] {
  return (["s", "z"] as const).flatMap((sz, k) =>
    _PMOV.flatMap(([n, s, src]) =>
      _rows("0F38", "Lx", "WIG", `Vx,W${src}`, [[0x20 + 16 * k + n, `vpmov${sz}x${s}`]])
    )
  );
}

/**
 * FMA3 (0F38 96-9F, A6-AF, B6-BF): operand order 132, 213, 231 by the high
 * nibble; packed rows take VEX.L, scalar rows ignore it; W0 single, W1 double.
 */
// Gathers, by opcode: dword index with dword and qword elements, then (opcode + 1) qword index.
const _GATHERS: readonly (readonly [number, string, string, string, string])[] = [
  [0x90, "vpgatherdd", "vpgatherdq", "vpgatherqd", "vpgatherqq"],
  [0x92, "vgatherdps", "vgatherdpd", "vgatherqps", "vgatherqpd"],
];

/**
 * Gathers (0F38 90-93): VEX.W picks the element size. Qword elements by
 * dword index take an XMM index at either L; dword elements by qword index
 * fill an XMM destination and mask.
 */
function _gathers(): OpDef[] {
  return _GATHERS.flatMap(([op, dd, dq, qd, qq]) => [
    ..._rows("0F38", "Lx", "W0", "Vx,VSIBd,Hx", [[op, dd]]),
    ..._rows("0F38", "Lx", "W1", "Vx,VSIBXq,Hx", [[op, dq]]),
    ..._rows("0F38", "Lx", "W0", "Vdq,VSIBd,Hdq", [[op + 1, qd]]),
    ..._rows("0F38", "Lx", "W1", "Vx,VSIBq,Hx", [[op + 1, qq]]),
  ]);
}

function _fma(): OpDef[] {
  const ops: readonly (readonly [number, string, boolean])[] = [
    [0x6, "fmaddsub", false],
    [0x7, "fmsubadd", false],
    [0x8, "fmadd", true],
    [0xa, "fmsub", true],
    [0xc, "fnmadd", true],
    [0xe, "fnmsub", true],
  ];
  return ([[0x90, "132"], [0xa0, "213"], [0xb0, "231"]] as const).flatMap(([base, order]) =>
    ops.flatMap(([k, m, scalar]) => [
      ..._byW("0F38", "Lx", base + k, [`v${m}${order}ps`, `v${m}${order}pd`], "Vx,Hx,Wx"),
      ...(scalar
        ? [
          ..._rows("0F38", "LIG", "W0", "Vdq,Hdq,Wd", [[base + k + 1, `v${m}${order}ss`]]),
          ..._rows("0F38", "LIG", "W1", "Vdq,Hdq,Wq", [[base + k + 1, `v${m}${order}sd`]]),
        ]
        : []),
    ])
  );
}

/** AVX, AVX2, FMA, F16C, AES and PCLMULQDQ rows of the VEX 0F38 and 0F3A maps. */
export const AVX2_DEFS: readonly OpDef[] = [
  // 0F38
  ..._rows("0F38", "Lx", "WIG", "Vx,Hx,Wx", _INT3),
  ..._rows("0F38", "Lx", "W0", "Vx,Hx,Wx", [[0x0c, "vpermilps"], [0x0d, "vpermilpd"]]),
  ..._rows("0F38", "Lx", "W0", "Vx,Wx", [[0x0e, "vtestps"], [0x0f, "vtestpd"]]),
  ..._rows("0F38", "Lx", "W0", "Vx,Wxh", [[0x13, "vcvtph2ps"]]),
  ..._rows("0F38", "256", "W0", "Vqq,Hqq,Wqq", [[0x16, "vpermps"], [0x36, "vpermd"]]),
  ..._rows("0F38", "Lx", "WIG", "Vx,Wx", [
    [0x17, "vptest"],
    [0x1c, "vpabsb"],
    [0x1d, "vpabsw"],
    [0x1e, "vpabsd"],
  ]),
  ..._rows("0F38", "Lx", "W0", "Vx,Wd", [[0x18, "vbroadcastss"], [0x58, "vpbroadcastd"]]),
  row("vbroadcastsd", "VEX.256.66.0F38.W0 19 /r", "Vqq,Wq", ""),
  ..._rows("0F38", "Lx", "W0", "Vx,Wq", [[0x59, "vpbroadcastq"]]),
  ..._rows("0F38", "Lx", "W0", "Vx,Wb", [[0x78, "vpbroadcastb"]]),
  ..._rows("0F38", "Lx", "W0", "Vx,Ww", [[0x79, "vpbroadcastw"]]),
  ..._rows("0F38", "256", "W0", "Vqq,Mdq", [[0x1a, "vbroadcastf128"], [0x5a, "vbroadcasti128"]]),
  ..._pmov(),
  ..._rows("0F38", "Lx", "WIG", "Vx,Mx", [[0x2a, "vmovntdqa"]]),
  ..._rows("0F38", "Lx", "W0", "Vx,Hx,Mx", [[0x2c, "vmaskmovps"], [0x2d, "vmaskmovpd"]]),
  ..._rows("0F38", "Lx", "W0", "Mx,Hx,Vx", [[0x2e, "vmaskmovps"], [0x2f, "vmaskmovpd"]]),
  ..._byW("0F38", "Lx", 0x8c, ["vpmaskmovd", "vpmaskmovq"], "Vx,Hx,Mx"),
  ..._byW("0F38", "Lx", 0x8e, ["vpmaskmovd", "vpmaskmovq"], "Mx,Hx,Vx"),
  ..._rows("0F38", "128", "WIG", "Vdq,Wdq", [[0x41, "vphminposuw"], [0xdb, "vaesimc"]]),
  ..._byW("0F38", "Lx", 0x45, ["vpsrlvd", "vpsrlvq"], "Vx,Hx,Wx"),
  ..._rows("0F38", "Lx", "W0", "Vx,Hx,Wx", [[0x46, "vpsravd"]]),
  ..._byW("0F38", "Lx", 0x47, ["vpsllvd", "vpsllvq"], "Vx,Hx,Wx"),
  ..._gathers(),
  ..._fma(),
  ..._rows("0F38", "128", "WIG", "Vdq,Hdq,Wdq", [
    [0xdc, "vaesenc"],
    [0xdd, "vaesenclast"],
    [0xde, "vaesdec"],
    [0xdf, "vaesdeclast"],
  ]),
  // 0F3A
  ..._rows("0F3A", "256", "W1", "Vqq,Wqq,Ib", [[0x00, "vpermq"], [0x01, "vpermpd"]]),
  ..._rows("0F3A", "Lx", "W0", "Vx,Hx,Wx,Ib", [[0x02, "vpblendd"]]),
  ..._rows("0F3A", "Lx", "W0", "Vx,Wx,Ib", [[0x04, "vpermilps"], [0x05, "vpermilpd"]]),
  ..._rows("0F3A", "256", "W0", "Vqq,Hqq,Wqq,Ib", [[0x06, "vperm2f128"], [0x46, "vperm2i128"]]),
  ..._rows("0F3A", "Lx", "WIG", "Vx,Wx,Ib", [[0x08, "vroundps"], [0x09, "vroundpd"]]),
  ..._rows("0F3A", "LIG", "WIG", "Vdq,Hdq,Wd,Ib", [[0x0a, "vroundss"]]),
  ..._rows("0F3A", "LIG", "WIG", "Vdq,Hdq,Wq,Ib", [[0x0b, "vroundsd"]]),
  ..._rows("0F3A", "Lx", "WIG", "Vx,Hx,Wx,Ib", _IMM3),
  ..._rows("0F3A", "128", "WIG", "Rb,Vdq,Ib", [[0x14, "vpextrb"]]),
  ..._rows("0F3A", "128", "WIG", "Rw,Vdq,Ib", [[0x15, "vpextrw"]]),
  ..._rows("0F3A", "128", "WIG", "Rd,Vdq,Ib", [[0x17, "vextractps"]]),
  ..._rows("0F3A", "128", "WIG", "Vdq,Hdq,Rb,Ib", [[0x20, "vpinsrb"]]),
  ..._rows("0F3A", "128", "WIG", "Vdq,Hdq,Wd,Ib", [[0x21, "vinsertps"]]),
  // VEX.W1 makes the operand size 64 in 64-bit mode only; elsewhere W is ignored.
  ..._rows("0F3A", "128", "WIG", "Edq,Vdq,Ib", [[0x16, "vpextrd/vpextrd/vpextrq"]]),
  ..._rows("0F3A", "128", "WIG", "Vdq,Hdq,Edq,Ib", [[0x22, "vpinsrd/vpinsrd/vpinsrq"]]),
  ..._rows("0F3A", "256", "W0", "Vqq,Hqq,Wdq,Ib", [[0x18, "vinsertf128"], [0x38, "vinserti128"]]),
  ..._rows("0F3A", "256", "W0", "Wdq,Vqq,Ib", [[0x19, "vextractf128"], [0x39, "vextracti128"]]),
  ..._rows("0F3A", "Lx", "W0", "Wxh,Vx,Ib", [[0x1d, "vcvtps2ph"]]),
  ..._rows("0F3A", "128", "WIG", "Vdq,Hdq,Wdq,Ib", _IMM3_128),
  row("vblendvps", "VEX.Lx.66.0F3A.W0 4A /r", "Vx,Hx,Wx,Lx", ""),
  ..._rows("0F3A", "Lx", "W0", "Vx,Hx,Wx,Lx", [[0x4b, "vblendvpd"], [0x4c, "vpblendvb"]]),
  // With VEX.W1 in 64-bit mode PCMPESTRM/I take 64-bit lengths in RAX and RDX.
  ..._byW("0F3A", "128", 0x60, ["vpcmpestrm", "vpcmpestrm/vpcmpestrm/vpcmpestrm64"], "Vdq,Wdq,Ib"),
  ..._byW("0F3A", "128", 0x61, ["vpcmpestri", "vpcmpestri/vpcmpestri/vpcmpestri64"], "Vdq,Wdq,Ib"),
  ..._rows("0F3A", "128", "WIG", "Vdq,Wdq,Ib", _IMM2_128),
];
