/** exchange.ts: the SDM's XADD, CMPXCHG and CMPXCHG8B. */

import { AF, CF, PF, SF, ZF } from "../../../src/cpu/flags.ts";
import { runCases } from "./_cases.ts";

runCases("exchange", [
  // 0f c1 d8: xadd eax, ebx
  {
    name: "xadd r32 exchanges and adds",
    code: [0x0f, 0xc1, 0xd8],
    regs: { eax: 1, ebx: 2 },
    out: { eax: 3, ebx: 1 },
    outFlags: PF,
  },
  // 0f c1 c0: xadd eax, eax
  {
    name: "xadd eax, eax leaves the sum",
    code: [0x0f, 0xc1, 0xc0],
    regs: { eax: 0x40000000 },
    out: { eax: 0x80000000 },
    outFlags: SF | PF | (1 << 11),
  },
  // 0f c1 1d 00 20 00 00: xadd [0x2000], ebx
  {
    name: "xadd m32 wraps to zero",
    code: [0x0f, 0xc1, 0x1d, 0x00, 0x20, 0x00, 0x00],
    regs: { ebx: 1 },
    mem: [[0x2000, [0xff, 0xff, 0xff, 0xff]]],
    out: { ebx: 0xffffffff },
    outMem: [[0x2000, [0, 0, 0, 0]]],
    outFlags: CF | PF | AF | ZF,
  },
  // 0f b0 d9: cmpxchg cl, bl
  {
    name: "cmpxchg r8 equal stores the source",
    code: [0x0f, 0xb0, 0xd9],
    regs: { eax: 0x77, ecx: 0x77, ebx: 0x12 },
    out: { ecx: 0x12 },
    outFlags: ZF | PF,
  },
  // 0f b1 cb: cmpxchg ebx, ecx
  {
    name: "cmpxchg r32 equal",
    code: [0x0f, 0xb1, 0xcb],
    regs: { eax: 5, ebx: 5, ecx: 9 },
    out: { ebx: 9 },
    outFlags: ZF | PF,
  },
  {
    name: "cmpxchg r32 mismatch loads EAX, flags of EAX - dest",
    code: [0x0f, 0xb1, 0xcb],
    regs: { eax: 5, ebx: 6, ecx: 9 },
    out: { eax: 6 },
    outFlags: CF | PF | AF | SF,
  },
  // 66 0f b1 0d 00 20 00 00: cmpxchg [0x2000], cx
  {
    name: "cmpxchg m16 mismatch loads AX only",
    code: [0x66, 0x0f, 0xb1, 0x0d, 0x00, 0x20, 0x00, 0x00],
    regs: { eax: 0xaaaa0001, ecx: 0xbeef },
    mem: [[0x2000, [0x02, 0x00]]],
    out: { eax: 0xaaaa0002 },
    outMem: [[0x2000, [0x02, 0x00]]],
    outFlags: CF | PF | AF | SF,
  },
  // 0f c7 0e: cmpxchg8b [esi]
  {
    name: "cmpxchg8b equal stores ECX:EBX",
    code: [0x0f, 0xc7, 0x0e],
    regs: { esi: 0x2000, eax: 0x11111111, edx: 0x22222222, ebx: 0x33333333, ecx: 0x44444444 },
    mem: [[0x2000, [0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22]]],
    outMem: [[0x2000, [0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44]]],
    flags: CF,
    outFlags: ZF | CF,
  },
  {
    name: "cmpxchg8b mismatch loads EDX:EAX, other flags kept",
    code: [0x0f, 0xc7, 0x0e],
    regs: { esi: 0x2000, eax: 0x11111111, edx: 0x22222222, ebx: 0x33333333, ecx: 0x44444444 },
    mem: [[0x2000, [1, 2, 3, 4, 5, 6, 7, 8]]],
    out: { eax: 0x04030201, edx: 0x08070605 },
    outMem: [[0x2000, [1, 2, 3, 4, 5, 6, 7, 8]]],
    flags: ZF | SF,
    outFlags: SF,
  },
]);
