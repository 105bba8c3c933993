/** string.ts: the SDM's MOVS/STOS/LODS/CMPS/SCAS with REP prefixes, chunking and faults. */

import assert from "node:assert/strict";
import { GP } from "../../../src/cpu/fault.ts";
import { CF, DF, PF, SF, ZF } from "../../../src/cpu/flags.ts";
import { REP_CHUNK } from "../../../src/cpu/interp/string.ts";
import { ECX, EDI, ES, ESI, FS } from "../../../src/cpu/state.ts";
import { CODE_ADDR, flatCpu, step } from "../_harness.ts";
import { execOne, runCases } from "./_cases.ts";

const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));

runCases("string", [
  // f3 a4: rep movsb
  {
    name: "rep movsb forward copies ECX bytes",
    code: [0xf3, 0xa4],
    regs: { esi: 0x3000, edi: 0x3100, ecx: 5 },
    mem: [[0x3000, [1, 2, 3, 4, 5, 6]]],
    out: { esi: 0x3005, edi: 0x3105, ecx: 0 },
    outMem: [[0x3100, [1, 2, 3, 4, 5, 0]]],
  },
  // f3 a5: rep movsd (DF = 1)
  {
    name: "rep movsd backward",
    code: [0xf3, 0xa5],
    flags: DF,
    regs: { esi: 0x3008, edi: 0x3108, ecx: 3 },
    mem: [[0x3000, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]]],
    out: { esi: 0x2ffc, edi: 0x30fc, ecx: 0 },
    outMem: [[0x3100, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]]],
  },
  // f3 a5: rep movsd overlapping forward (element by element, as the SDM's loop)
  {
    name: "rep movsb with overlap repeats the first byte",
    code: [0xf3, 0xa4],
    regs: { esi: 0x3000, edi: 0x3001, ecx: 4 },
    mem: [[0x3000, [9, 1, 2, 3, 4]]],
    out: { esi: 0x3004, edi: 0x3005, ecx: 0 },
    outMem: [[0x3000, [9, 9, 9, 9, 9]]],
  },
  // a5: movsd (no prefix: ECX untouched)
  {
    name: "movsd without rep leaves ECX",
    code: [0xa5],
    regs: { esi: 0x3000, edi: 0x3100, ecx: 0 },
    mem: [[0x3000, [1, 2, 3, 4]]],
    out: { esi: 0x3004, edi: 0x3104 },
    outMem: [[0x3100, [1, 2, 3, 4]]],
  },
  // f3 66 ab: rep stosw with ECX = 0
  {
    name: "rep stosw with ECX = 0 does nothing",
    code: [0xf3, 0x66, 0xab],
    regs: { edi: 0x3100, ecx: 0, eax: 0xffff },
    outMem: [[0x3100, [0, 0]]],
  },
  // f3 ab: rep stosd
  {
    name: "rep stosd fills dwords",
    code: [0xf3, 0xab],
    regs: { edi: 0x3100, ecx: 2, eax: 0x11223344 },
    out: { edi: 0x3108, ecx: 0 },
    outMem: [[0x3100, [0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11]]],
  },
  // f2 aa: repne stosb acts as rep
  {
    name: "repne stosb stores like rep",
    code: [0xf2, 0xaa],
    regs: { edi: 0x3100, ecx: 3, eax: 0x77 },
    out: { edi: 0x3103, ecx: 0 },
    outMem: [[0x3100, [0x77, 0x77, 0x77, 0]]],
  },
  // ac: lodsb
  {
    name: "lodsb loads AL only",
    code: [0xac],
    regs: { esi: 0x3000, eax: 0xffffffff },
    mem: [[0x3000, [0x12]]],
    out: { esi: 0x3001, eax: 0xffffff12 },
  },
  // f3 a6: repe cmpsb
  {
    name: "repe cmpsb stops after the first difference",
    code: [0xf3, 0xa6],
    regs: { esi: 0x3000, edi: 0x3100, ecx: 10 },
    mem: [[0x3000, bytes("abcX")], [0x3100, bytes("abcY")]],
    out: { esi: 0x3004, edi: 0x3104, ecx: 6 },
    outFlags: CF | SF | PF | (1 << 4),
  },
  {
    name: "repe cmpsb runs out of count with ZF set",
    code: [0xf3, 0xa6],
    regs: { esi: 0x3000, edi: 0x3100, ecx: 3 },
    mem: [[0x3000, bytes("abc")], [0x3100, bytes("abc")]],
    out: { esi: 0x3003, edi: 0x3103, ecx: 0 },
    outFlags: ZF | PF,
  },
  {
    name: "repe cmpsb with ECX = 0 keeps the flags",
    code: [0xf3, 0xa6],
    regs: { esi: 0x3000, edi: 0x3100, ecx: 0 },
    flags: CF | SF,
    outFlags: CF | SF,
  },
  // f2 ae: repne scasb
  {
    name: "repne scasb finds AL",
    code: [0xf2, 0xae],
    regs: { edi: 0x3000, ecx: 5, eax: 0x6c },
    mem: [[0x3000, bytes("hello")]],
    out: { edi: 0x3003, ecx: 2 },
    outFlags: ZF | PF,
  },
  // af: scasd
  {
    name: "scasd compares EAX with ES:[EDI]",
    code: [0xaf],
    regs: { edi: 0x3000, eax: 1 },
    mem: [[0x3000, [2, 0, 0, 0]]],
    out: { edi: 0x3004 },
    outFlags: CF | SF | PF | (1 << 4),
  },
  // 67 f3 a4: rep movsb with 16-bit addressing
  {
    name: "a16 rep movsb uses SI, DI, CX and keeps the upper halves",
    code: [0x67, 0xf3, 0xa4],
    regs: { esi: 0xabcd3000, edi: 0x12343100, ecx: 0x55550002 },
    mem: [[0x3000, [7, 8]]],
    out: { esi: 0xabcd3002, edi: 0x12343102, ecx: 0x55550000 },
    outMem: [[0x3100, [7, 8]]],
  },
  // 67 aa: stosb with 16-bit addressing wraps DI
  {
    name: "a16 stosb wraps DI from FFFF to 0",
    code: [0x67, 0xaa],
    regs: { edi: 0x7777ffff, eax: 0x5a },
    out: { edi: 0x77770000 },
    outMem: [[0xffff, [0x5a]]],
  },
]);

Deno.test("string: fs movsb reads through FS and writes through ES", () => {
  // 64 a4: fs movsb
  const { cpu, interp } = flatCpu([0x64, 0xa4]);
  cpu.setSegmentCache(FS, 0x10, 0x10000, 0xffffffff, cpu.segAttrs(ES));
  cpu.mem.write(0x13000, Uint8Array.of(0xab));
  cpu.setReg32(ESI, 0x3000);
  cpu.setReg32(EDI, 0x3100);
  step(interp);
  assert.equal(cpu.mmu.read8(0x3100), 0xab);
});

Deno.test("string: a long rep stosb yields every REP_CHUNK iterations with EIP on itself", () => {
  // f3 aa: rep stosb
  const { cpu, interp } = flatCpu([0xf3, 0xaa]);
  cpu.setReg32(EDI, 0x10000);
  cpu.setReg32(ECX, REP_CHUNK + 100);
  cpu.setReg32(0, 0xee);
  const first = interp.run(10);
  assert.equal(first.retired, 1);
  assert.equal(cpu.eip, CODE_ADDR);
  assert.equal(cpu.reg32(ECX), 100);
  assert.equal(cpu.reg32(EDI), 0x10000 + REP_CHUNK);
  interp.run(1);
  assert.equal(cpu.eip, CODE_ADDR + 2);
  assert.equal(cpu.reg32(ECX), 0);
  assert.equal(cpu.mmu.read8(0x10000 + REP_CHUNK + 99), 0xee);
  assert.equal(cpu.mmu.read8(0x10000 + REP_CHUNK + 100), 0);
});

Deno.test("string: a fault in the middle of rep movsb leaves the registers after the done part", () => {
  // f3 a4: rep movsb, ES limit 0x3102: the fourth store raises #GP(0)
  const { cpu } = flatCpu([0xf3, 0xa4]);
  cpu.setSegmentCache(ES, 0x10, 0, 0x3102, cpu.segAttrs(ES));
  cpu.mem.write(0x3000, Uint8Array.of(1, 2, 3, 4, 5));
  cpu.setReg32(ESI, 0x3000);
  cpu.setReg32(EDI, 0x3100);
  cpu.setReg32(ECX, 5);
  assert.equal(execOne(cpu), GP);
  assert.equal(cpu.eip, CODE_ADDR);
  assert.deepEqual([cpu.reg32(ESI), cpu.reg32(EDI), cpu.reg32(ECX)], [0x3003, 0x3103, 2]);
  assert.deepEqual([0, 1, 2, 3].map((n) => cpu.mmu.read8(0x3100 + n)), [1, 2, 3, 0]);
});
