/** shift.ts: values and flags from the SDM's SAL/SAR/SHL/SHR, ROL/ROR/RCL/RCR, SHLD and SHRD. */

import { CF, OF, PF, SF, ZF } from "../../../src/cpu/flags.ts";
import { runCases } from "./_cases.ts";

/** Flags defined after a shift by more than 1 (AF and OF undefined). */
const SHIFT_N = CF | PF | ZF | SF;
/** Flags defined after a shift by 1 (AF undefined). */
const SHIFT_1 = SHIFT_N | OF;
/** After a rotate by more than 1 only CF is defined (SF, ZF, AF, PF are unaffected). */
const ALL = CF | PF | ZF | SF | OF | (1 << 4);

runCases("shift", [
  // d1 e0: shl eax, 1
  {
    name: "shl by 1 sets CF from bit 31, OF = MSB xor CF",
    code: [0xd1, 0xe0],
    regs: { eax: 0x80000001 },
    out: { eax: 2 },
    outFlags: CF | OF,
    mask: SHIFT_1,
  },
  // d3 e0: shl eax, cl
  {
    name: "shl by CL=0 changes nothing, flags included",
    code: [0xd3, 0xe0],
    regs: { eax: 0x80000001, ecx: 0 },
    flags: CF | ZF,
    outFlags: CF | ZF,
    mask: ALL,
  },
  {
    name: "shl by CL=32 is masked to 0",
    code: [0xd3, 0xe0],
    regs: { eax: 0x80000001, ecx: 32 },
    flags: ZF | SF,
    outFlags: ZF | SF,
    mask: ALL,
  },
  {
    name: "shl by CL=33 is masked to 1",
    code: [0xd3, 0xe0],
    regs: { eax: 0x80000001, ecx: 33 },
    out: { eax: 2 },
    outFlags: CF | OF,
    mask: SHIFT_1,
  },
  {
    name: "shl by CL=31 keeps bit 0 only in bit 31",
    code: [0xd3, 0xe0],
    regs: { eax: 3, ecx: 31 },
    out: { eax: 0x80000000 },
    outFlags: CF | SF | PF,
    mask: SHIFT_N,
  },
  // d2 e0: shl al, cl
  {
    name: "shl al by 8 clears AL and keeps the upper bytes",
    code: [0xd2, 0xe0],
    regs: { eax: 0x12345601, ecx: 8 },
    out: { eax: 0x12345600 },
    outFlags: ZF | PF,
    mask: ZF | SF | PF,
  },
  // d1 e8: shr eax, 1
  {
    name: "shr by 1: OF is the old MSB",
    code: [0xd1, 0xe8],
    regs: { eax: 0x80000001 },
    out: { eax: 0x40000000 },
    outFlags: CF | OF | PF,
    mask: SHIFT_1,
  },
  // 66 c1 e8 0f: shr ax, 15
  {
    name: "shr ax by 15 leaves the old MSB",
    code: [0x66, 0xc1, 0xe8, 0x0f],
    regs: { eax: 0xffff8000 },
    out: { eax: 0xffff0001 },
    outFlags: 0,
    mask: SHIFT_N,
  },
  // d1 f8: sar eax, 1
  {
    name: "sar by 1 keeps the sign, OF = 0",
    code: [0xd1, 0xf8],
    regs: { eax: 0x80000001 },
    out: { eax: 0xc0000000 },
    outFlags: CF | SF | PF,
    mask: SHIFT_1,
  },
  // c0 f8 07: sar al, 7
  {
    name: "sar al by 7 fills with the sign",
    code: [0xc0, 0xf8, 0x07],
    regs: { eax: 0x80 },
    out: { eax: 0xff },
    outFlags: SF | PF,
    mask: SHIFT_N,
  },
  // c0 f8 1f: sar al, 31
  {
    name: "sar al by 31 gives all sign bits and CF = sign",
    code: [0xc0, 0xf8, 0x1f],
    regs: { eax: 0x7f },
    out: { eax: 0 },
    outFlags: ZF | PF,
    mask: SHIFT_N,
  },
  // c1 c0 04: rol eax, 4
  {
    name: "rol by 4 moves the top nibble down, CF = LSB",
    code: [0xc1, 0xc0, 0x04],
    regs: { eax: 0xf000000f },
    out: { eax: 0xff },
    flags: ZF,
    outFlags: CF | ZF,
    mask: CF | ZF | SF | PF,
  },
  // d1 c8: ror eax, 1
  {
    name: "ror by 1: CF = MSB, OF = MSB xor next bit",
    code: [0xd1, 0xc8],
    regs: { eax: 1 },
    out: { eax: 0x80000000 },
    outFlags: CF | OF,
    mask: ALL,
  },
  // c0 c0 08: rol al, 8
  {
    name: "rol al by 8 keeps AL but sets CF from its LSB",
    code: [0xc0, 0xc0, 0x08],
    regs: { eax: 0x81 },
    out: { eax: 0x81 },
    outFlags: CF,
    mask: CF | ZF | SF | PF,
  },
  // d0 d0: rcl al, 1
  {
    name: "rcl al by 1 shifts CF in and the MSB out",
    code: [0xd0, 0xd0],
    regs: { eax: 0x80 },
    out: { eax: 0 },
    outFlags: CF | OF,
    mask: ALL,
  },
  // d2 d0: rcl al, cl
  {
    name: "rcl al by 9 is a full 9-bit turn: nothing changes",
    code: [0xd2, 0xd0],
    regs: { eax: 0x5a, ecx: 9 },
    flags: CF,
    out: { eax: 0x5a },
    outFlags: CF,
    mask: CF | ZF | SF | PF,
  },
  // 66 d1 d8: rcr ax, 1
  {
    name: "rcr ax by 1: CF into bit 15, OF = old MSB xor CF",
    code: [0x66, 0xd1, 0xd8],
    regs: { eax: 1 },
    flags: CF,
    out: { eax: 0x8000 },
    outFlags: CF | OF,
    mask: ALL,
  },
  // d3 d0: rcl eax, cl
  {
    name: "rcl eax by 31 equals a 33-bit rotate right by 2",
    code: [0xd3, 0xd0],
    regs: { eax: 2, ecx: 31 },
    out: { eax: 0 },
    outFlags: CF,
    mask: CF,
  },
  // d2 d8: rcr al, cl
  {
    name: "rcr al by 17 is taken mod 9 (a rotate left by 1)",
    code: [0xd2, 0xd8],
    regs: { eax: 1, ecx: 17 },
    out: { eax: 2 },
    outFlags: 0,
    mask: CF,
  },
  // 0f a4 d8 04: shld eax, ebx, 4
  {
    name: "shld by 4 fills from the source's top",
    code: [0x0f, 0xa4, 0xd8, 0x04],
    regs: { eax: 0x12345678, ebx: 0x9abcdef0 },
    out: { eax: 0x23456789 },
    outFlags: CF,
    mask: SHIFT_N,
  },
  // 0f ad d8: shrd eax, ebx, cl
  {
    name: "shrd by CL=8 fills from the source's bottom",
    code: [0x0f, 0xad, 0xd8],
    regs: { eax: 0x12345678, ebx: 0x9abcdef0, ecx: 8 },
    out: { eax: 0xf0123456 },
    outFlags: SF | PF,
    mask: SHIFT_N,
  },
  // 0f ac d8 01: shrd eax, ebx, 1
  {
    name: "shrd by 1: OF set on a sign change",
    code: [0x0f, 0xac, 0xd8, 0x01],
    regs: { eax: 1, ebx: 1 },
    out: { eax: 0x80000000 },
    outFlags: CF | OF | SF | PF,
    mask: SHIFT_1,
  },
  // 66 0f a5 d8: shld ax, bx, cl
  {
    name: "shld ax by CL=0 changes nothing",
    code: [0x66, 0x0f, 0xa5, 0xd8],
    regs: { eax: 0x1234, ebx: 0xffff, ecx: 0x20 },
    flags: OF | ZF,
    outFlags: OF | ZF,
    mask: ALL,
  },
  // 66 0f a4 d8 10: shld ax, bx, 16
  {
    name: "shld ax by 16 copies the source",
    code: [0x66, 0x0f, 0xa4, 0xd8, 0x10],
    regs: { eax: 0xaaaa1235, ebx: 0xbeef },
    out: { eax: 0xaaaabeef },
    outFlags: CF | SF,
    mask: SHIFT_N,
  },
  // d1 25 00 20 00 00: shl dword [0x2000], 1
  {
    name: "shl m32 by 1",
    code: [0xd1, 0x25, 0x00, 0x20, 0x00, 0x00],
    mem: [[0x2000, [0, 0, 0, 0x40]]],
    outMem: [[0x2000, [0, 0, 0, 0x80]]],
    outFlags: OF | SF | PF,
    mask: SHIFT_1,
  },
  // c0 2d 00 20 00 00 03: shr byte [0x2000], 3
  {
    name: "shr m8 by 3",
    code: [0xc0, 0x2d, 0x00, 0x20, 0x00, 0x00, 0x03],
    mem: [[0x2000, [0x0c]]],
    outMem: [[0x2000, [0x01]]],
    outFlags: CF,
    mask: SHIFT_N,
  },
]);
