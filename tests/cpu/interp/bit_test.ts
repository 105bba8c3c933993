/** bit.ts: bit selection and addressing from the SDM's BT/BTS/BTR/BTC, BSF and BSR. */

import { CF, ZF } from "../../../src/cpu/flags.ts";
import { runCases } from "./_cases.ts";

runCases("bit", [
  // 0f a3 c8: bt eax, ecx
  {
    name: "bt reg: bit 31",
    code: [0x0f, 0xa3, 0xc8],
    regs: { eax: 0x80000000, ecx: 31 },
    outFlags: CF,
    mask: CF,
  },
  {
    name: "bt reg: offset 63 is taken mod 32; ZF unchanged",
    code: [0x0f, 0xa3, 0xc8],
    regs: { eax: 0x80000000, ecx: 63 },
    flags: ZF,
    outFlags: CF | ZF,
    mask: CF | ZF,
  },
  // 0f ab c8: bts eax, ecx
  {
    name: "bts reg sets the bit, CF = old bit",
    code: [0x0f, 0xab, 0xc8],
    regs: { eax: 0, ecx: 5 },
    flags: CF,
    out: { eax: 0x20 },
    outFlags: 0,
    mask: CF,
  },
  // 0f ba f0 03: btr eax, 3
  {
    name: "btr imm clears the bit",
    code: [0x0f, 0xba, 0xf0, 0x03],
    regs: { eax: 0xff },
    out: { eax: 0xf7 },
    outFlags: CF,
    mask: CF,
  },
  // 0f ba f8 23: btc eax, 35
  {
    name: "btc imm 35 is taken mod 32",
    code: [0x0f, 0xba, 0xf8, 0x23],
    regs: { eax: 0 },
    out: { eax: 8 },
    outFlags: 0,
    mask: CF,
  },
  // 66 0f ba f8 14: btc ax, 20
  {
    name: "btc ax, imm 20 is taken mod 16",
    code: [0x66, 0x0f, 0xba, 0xf8, 0x14],
    regs: { eax: 0x10 },
    out: { eax: 0 },
    outFlags: CF,
    mask: CF,
  },
  // 0f a3 0b: bt [ebx], ecx
  {
    name: "bt mem with offset -1 reads bit 31 of the dword below",
    code: [0x0f, 0xa3, 0x0b],
    regs: { ebx: 0x2000, ecx: 0xffffffff },
    mem: [[0x1ffc, [0, 0, 0, 0x80]]],
    outFlags: CF,
    mask: CF,
  },
  // 0f ab 0b: bts [ebx], ecx
  {
    name: "bts mem with offset 100 sets bit 4 of the dword at +12",
    code: [0x0f, 0xab, 0x0b],
    regs: { ebx: 0x2000, ecx: 100 },
    outMem: [[0x200c, [0x10, 0, 0, 0]], [0x2000, [0, 0, 0, 0]]],
    outFlags: 0,
    mask: CF,
  },
  // 66 0f ab 0b: bts [ebx], cx
  {
    name: "bts m16 with offset -17 sets bit 15 of the word at -4",
    code: [0x66, 0x0f, 0xab, 0x0b],
    regs: { ebx: 0x2000, ecx: 0xffef },
    outMem: [[0x1ffc, [0, 0x80]]],
    outFlags: 0,
    mask: CF,
  },
  // 0f ba 23 21: bt dword [ebx], 33
  {
    name: "bt mem, imm 33 tests bit 1 of the operand itself",
    code: [0x0f, 0xba, 0x23, 0x21],
    regs: { ebx: 0x2000 },
    mem: [[0x2000, [0x02]], [0x2004, [0x00]]],
    outFlags: CF,
    mask: CF,
  },
  // 0f b3 0b: btr [ebx], ecx
  {
    name: "btr mem with offset -33 clears bit 31 of the dword at -8",
    code: [0x0f, 0xb3, 0x0b],
    regs: { ebx: 0x2000, ecx: 0xffffffdf },
    mem: [[0x1ff8, [0xff, 0xff, 0xff, 0xff]]],
    outMem: [[0x1ff8, [0xff, 0xff, 0xff, 0x7f]]],
    outFlags: CF,
    mask: CF,
  },
  // 0f bc c3: bsf eax, ebx
  {
    name: "bsf finds the lowest set bit",
    code: [0x0f, 0xbc, 0xc3],
    regs: { ebx: 0x18000 },
    flags: ZF,
    out: { eax: 15 },
    outFlags: 0,
    mask: ZF,
  },
  // 0f bd c3: bsr eax, ebx
  {
    name: "bsr finds the highest set bit",
    code: [0x0f, 0xbd, 0xc3],
    regs: { ebx: 0x18000 },
    out: { eax: 16 },
    outFlags: 0,
    mask: ZF,
  },
  {
    name: "bsr of bit 31",
    code: [0x0f, 0xbd, 0xc3],
    regs: { ebx: 0x80000000 },
    out: { eax: 31 },
    outFlags: 0,
    mask: ZF,
  },
  {
    name: "bsf of 0 sets ZF and leaves the destination",
    code: [0x0f, 0xbc, 0xc3],
    regs: { eax: 0xdeadbeef, ebx: 0 },
    outFlags: ZF,
    mask: ZF,
  },
  // 66 0f bd c3: bsr ax, bx
  {
    name: "bsr ax writes only AX",
    code: [0x66, 0x0f, 0xbd, 0xc3],
    regs: { eax: 0xdeadbeef, ebx: 0xffff0001 },
    out: { eax: 0xdead0000 },
    outFlags: 0,
    mask: ZF,
  },
]);
