/** muldiv.ts: products, quotients and #DE from the SDM's MUL, IMUL, DIV and IDIV. */

import { DE } from "../../../src/cpu/fault.ts";
import { CF, OF } from "../../../src/cpu/flags.ts";
import { runCases } from "./_cases.ts";

/** The only flags a multiply defines. */
const MUL = CF | OF;

runCases("muldiv", [
  // f6 e3: mul bl
  {
    name: "mul bl: a product above 0xFF sets CF and OF",
    code: [0xf6, 0xe3],
    regs: { eax: 0x80, ebx: 2 },
    out: { eax: 0x100 },
    outFlags: CF | OF,
    mask: MUL,
  },
  {
    name: "mul bl: a product within AL clears CF and OF",
    code: [0xf6, 0xe3],
    regs: { eax: 0xffff000f, ebx: 0x11 },
    flags: CF | OF,
    out: { eax: 0xffff00ff },
    outFlags: 0,
    mask: MUL,
  },
  // 66 f7 e3: mul bx
  {
    name: "mul bx writes DX:AX and keeps the upper halves",
    code: [0x66, 0xf7, 0xe3],
    regs: { eax: 0xaaaa1234, ebx: 0x100, edx: 0xbbbbffff },
    out: { eax: 0xaaaa3400, edx: 0xbbbb0012 },
    outFlags: CF | OF,
    mask: MUL,
  },
  // f7 e3: mul ebx
  {
    name: "mul ebx: 0xFFFFFFFF squared",
    code: [0xf7, 0xe3],
    regs: { eax: 0xffffffff, ebx: 0xffffffff },
    out: { eax: 1, edx: 0xfffffffe },
    outFlags: CF | OF,
    mask: MUL,
  },
  // f6 eb: imul bl
  {
    name: "imul bl: -1 * -128 = 128 does not fit AL",
    code: [0xf6, 0xeb],
    regs: { eax: 0xff, ebx: 0x80 },
    out: { eax: 0x80 },
    outFlags: CF | OF,
    mask: MUL,
  },
  {
    name: "imul bl: -2 * 3 = -6 fits AL",
    code: [0xf6, 0xeb],
    regs: { eax: 0xfe, ebx: 3 },
    out: { eax: 0xfffa },
    outFlags: 0,
    mask: MUL,
  },
  // f7 eb: imul ebx
  {
    name: "imul ebx: -2^31 * -1 = 2^31 needs EDX",
    code: [0xf7, 0xeb],
    regs: { eax: 0x80000000, ebx: 0xffffffff },
    out: { eax: 0x80000000, edx: 0 },
    outFlags: CF | OF,
    mask: MUL,
  },
  {
    name: "imul ebx: -2 * 3 sign-extends into EDX",
    code: [0xf7, 0xeb],
    regs: { eax: 0xfffffffe, ebx: 3 },
    out: { eax: 0xfffffffa, edx: 0xffffffff },
    outFlags: 0,
    mask: MUL,
  },
  // 0f af c3: imul eax, ebx
  {
    name: "imul eax, ebx truncates 2^32 to 0",
    code: [0x0f, 0xaf, 0xc3],
    regs: { eax: 0x10000, ebx: 0x10000 },
    out: { eax: 0 },
    outFlags: CF | OF,
    mask: MUL,
  },
  // 6b c3 ff: imul eax, ebx, -1
  {
    name: "imul eax, ebx, -1 overflows on -2^31",
    code: [0x6b, 0xc3, 0xff],
    regs: { ebx: 0x80000000 },
    out: { eax: 0x80000000 },
    outFlags: CF | OF,
    mask: MUL,
  },
  // 66 69 c3 00 01: imul ax, bx, 0x100
  {
    name: "imul ax, bx, 0x100: 128 * 256 overflows 16 bits",
    code: [0x66, 0x69, 0xc3, 0x00, 0x01],
    regs: { eax: 0x12340000, ebx: 0x80 },
    out: { eax: 0x12348000 },
    outFlags: CF | OF,
    mask: MUL,
  },
  // f6 f3: div bl
  {
    name: "div bl: 0x100 / 2",
    code: [0xf6, 0xf3],
    regs: { eax: 0x100, ebx: 2 },
    out: { eax: 0x80 },
  },
  // 66 f7 f3: div bx
  {
    name: "div bx: 0x10005 / 0x10",
    code: [0x66, 0xf7, 0xf3],
    regs: { eax: 5, edx: 1, ebx: 0x10 },
    out: { eax: 0x1000, edx: 5 },
  },
  // f7 f3: div ebx
  {
    name: "div ebx: 2^32 / 2",
    code: [0xf7, 0xf3],
    regs: { eax: 0, edx: 1, ebx: 2 },
    out: { eax: 0x80000000, edx: 0 },
  },
  {
    name: "div ebx: (2^63-1) / 2^31",
    code: [0xf7, 0xf3],
    regs: { eax: 0xffffffff, edx: 0x7fffffff, ebx: 0x80000000 },
    out: { eax: 0xffffffff, edx: 0x7fffffff },
  },
  // f6 fb: idiv bl
  {
    name: "idiv bl: -7 / 2 truncates toward zero",
    code: [0xf6, 0xfb],
    regs: { eax: 0xfff9, ebx: 2 },
    out: { eax: 0xfffd },
  },
  // f7 fb: idiv ebx
  {
    name: "idiv ebx: -7 / -2 = 3 remainder -1",
    code: [0xf7, 0xfb],
    regs: { eax: 0xfffffff9, edx: 0xffffffff, ebx: 0xfffffffe },
    out: { eax: 3, edx: 0xffffffff },
  },
  {
    name: "idiv ebx: -2^32 / 2 = -2^31 just fits",
    code: [0xf7, 0xfb],
    regs: { eax: 0, edx: 0xffffffff, ebx: 2 },
    out: { eax: 0x80000000, edx: 0 },
  },
  {
    name: "idiv ebx: -2^31 / 1",
    code: [0xf7, 0xfb],
    regs: { eax: 0x80000000, edx: 0xffffffff, ebx: 1 },
    out: { eax: 0x80000000, edx: 0 },
  },
  // faults
  { name: "div bl by 0 raises #DE", code: [0xf6, 0xf3], regs: { eax: 0x1234, ebx: 0 }, fault: DE },
  {
    name: "div bl with a quotient of 0x100 raises #DE",
    code: [0xf6, 0xf3],
    regs: { eax: 0x200, ebx: 2 },
    fault: DE,
  },
  {
    name: "div ebx with EDX >= divisor raises #DE",
    code: [0xf7, 0xf3],
    regs: { eax: 0, edx: 2, ebx: 2 },
    fault: DE,
  },
  {
    name: "idiv ebx: -2^31 / -1 raises #DE",
    code: [0xf7, 0xfb],
    regs: { eax: 0x80000000, edx: 0xffffffff, ebx: 0xffffffff },
    fault: DE,
  },
  {
    name: "idiv ebx: +2^31 / 1 raises #DE",
    code: [0xf7, 0xfb],
    regs: { eax: 0x80000000, edx: 0, ebx: 1 },
    fault: DE,
  },
  {
    name: "idiv bl: -32768 / -1 raises #DE",
    code: [0xf6, 0xfb],
    regs: { eax: 0x8000, ebx: 0xff },
    fault: DE,
  },
  {
    name: "idiv bl: 128 / 1 raises #DE",
    code: [0xf6, 0xfb],
    regs: { eax: 0x80, ebx: 1 },
    fault: DE,
  },
  // f7 35 00 20 00 00: div dword [0x2000]
  {
    name: "div by a zero dword in memory raises #DE",
    code: [0xf7, 0x35, 0x00, 0x20, 0x00, 0x00],
    regs: { eax: 5 },
    mem: [[0x2000, [0, 0, 0, 0]]],
    fault: DE,
  },
]);
