/** decode.ts: lengths and fields for a table of encodings (SDM vol. 2 ch. 2), and its #UD/#GP. */

import assert from "node:assert/strict";
import { decode } from "../../../src/cpu/decode/decode.ts";
import { type Instr, REP_E, REP_NE } from "../../../src/cpu/decode/instr.ts";
import { CpuFault, GP, UD } from "../../../src/cpu/fault.ts";

/** Decodes `bytes` from offset 0. */
function dec(bytes: number[], code32 = true): Instr {
  return decode({ fetch8: (e) => bytes[e] ?? 0x90 }, 0, code32);
}

/** Expected fields: any subset of Instr's, plus the mnemonic. */
type Fields = Partial<Record<keyof Instr | "mnemonic", number | boolean | string>>;

const CASES: Array<[string, number[], Fields, boolean?]> = [
  // 89 d8: mov eax, ebx
  ["mov eax, ebx", [0x89, 0xd8], { length: 2, mod: 3, reg: 3, rm: 0, mnemonic: "mov" }],
  // 8b 44 24 08: mov eax, [esp+8]
  ["mov eax, [esp+8]", [0x8b, 0x44, 0x24, 0x08], {
    length: 4,
    base: 4,
    index: -1,
    disp: 8,
    seg: 2,
  }],
  // 8b 84 8b 78 56 34 12: mov eax, [ebx+ecx*4+0x12345678]
  ["SIB with disp32", [0x8b, 0x84, 0x8b, 0x78, 0x56, 0x34, 0x12], {
    length: 7,
    base: 3,
    index: 1,
    scale: 2,
    disp: 0x12345678,
    seg: 3,
  }],
  // 8b 05 00 10 00 00: mov eax, [0x1000]
  ["disp32 only", [0x8b, 0x05, 0x00, 0x10, 0x00, 0x00], {
    length: 6,
    base: -1,
    index: -1,
    disp: 0x1000,
  }],
  // 8b 04 25 00 10 00 00: mov eax, [0x1000] through a SIB without base or index
  ["SIB without base and index", [0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00], {
    length: 7,
    base: -1,
    index: -1,
    disp: 0x1000,
  }],
  // 8b 45 fc: mov eax, [ebp-4]
  ["disp8 sign-extended, EBP defaults to SS", [0x8b, 0x45, 0xfc], {
    length: 3,
    base: 5,
    disp: -4,
    seg: 2,
  }],
  // 8b 42 02: mov ax, [bp+si+2] (16-bit code)
  ["16-bit [bp+si+disp8]", [0x8b, 0x42, 0x02], {
    length: 3,
    base: 5,
    index: 6,
    disp: 2,
    seg: 2,
    o32: false,
    a32: false,
  }, false],
  // 8b 06 34 12: mov ax, [0x1234] (16-bit code)
  [
    "16-bit disp16",
    [0x8b, 0x06, 0x34, 0x12],
    { length: 4, base: -1, index: -1, disp: 0x1234 },
    false,
  ],
  // 8b 87 00 80: mov ax, [bx+0x8000] (16-bit code): disp16 sign-extended
  [
    "16-bit disp16 is signed",
    [0x8b, 0x87, 0x00, 0x80],
    { length: 4, base: 3, disp: -0x8000 },
    false,
  ],
  // 67 8b 00: mov eax, [bx+si]
  ["67 selects 16-bit addressing", [0x67, 0x8b, 0x00], {
    length: 3,
    a32: false,
    o32: true,
    base: 3,
    index: 6,
  }],
  // 66 b8 34 12: mov ax, 0x1234
  ["66 selects a 16-bit immediate", [0x66, 0xb8, 0x34, 0x12], {
    length: 4,
    o32: false,
    imm: 0x1234,
    size1: 2,
  }],
  // 26 8b 00: mov eax, es:[eax]
  ["segment override", [0x26, 0x8b, 0x00], { length: 3, seg: 0, segOverride: 0 }],
  // 3e 8b 45 00: mov eax, ds:[ebp]
  ["override beats the SS default", [0x3e, 0x8b, 0x45, 0x00], { length: 4, seg: 3 }],
  // a1 78 56 34 12: mov eax, [0x12345678]
  ["moffs32", [0xa1, 0x78, 0x56, 0x34, 0x12], { length: 5, disp: 0x12345678, mnemonic: "mov" }],
  // 67 a1 34 12: mov eax, [0x1234]
  ["moffs16 with 67", [0x67, 0xa1, 0x34, 0x12], { length: 4, disp: 0x1234 }],
  // f3 a5: rep movsd
  ["rep movsd", [0xf3, 0xa5], { length: 2, rep: REP_E, mnemonic: "movs", size1: 4 }],
  // f2 ae: repne scasb
  ["repne scasb", [0xf2, 0xae], { length: 2, rep: REP_NE, mnemonic: "scas", size1: 1 }],
  // 83 c0 ff: add eax, -1
  ["Ib sign-extended", [0x83, 0xc0, 0xff], { length: 3, imm: -1 }],
  // 69 c3 00 01 00 00: imul eax, ebx, 0x100
  ["imul3 Iz", [0x69, 0xc3, 0x00, 0x01, 0x00, 0x00], { length: 6, imm: 0x100, mnemonic: "imul3" }],
  // 6b c3 80: imul eax, ebx, -128
  ["imul3 Ib", [0x6b, 0xc3, 0x80], { length: 3, imm: -128 }],
  // c8 10 00 02: enter 16, 2
  ["enter Iw,Ib", [0xc8, 0x10, 0x00, 0x02], { length: 4, imm: 16, imm2: 2 }],
  // 0f ba e0 05: bt eax, 5
  ["group 0F BA", [0x0f, 0xba, 0xe0, 0x05], { length: 4, reg: 4, imm: 5, mnemonic: "bt" }],
  // c1 e0 04: shl eax, 4
  ["group 2 by Ib", [0xc1, 0xe0, 0x04], { length: 3, imm: 4, mnemonic: "shl" }],
  // 0f a4 d8 04: shld eax, ebx, 4
  ["shld Ev,Gv,Ib", [0x0f, 0xa4, 0xd8, 0x04], { length: 4, reg: 3, rm: 0, imm: 4 }],
  // f0 01 18: lock add [eax], ebx
  ["lock on a memory destination", [0xf0, 0x01, 0x18], { length: 3, lock: true }],
  // 0f c7 0e: cmpxchg8b [esi]
  ["cmpxchg8b Mq", [0x0f, 0xc7, 0x0e], { length: 3, mnemonic: "cmpxchg8b", size1: 8 }],
  // 14 x 66 then 90: fifteen bytes in all
  ["fifteen bytes is the limit", [...new Array(14).fill(0x66), 0x90], { length: 15 }],
];

for (const [name, bytes, fields, code32] of CASES) {
  Deno.test(`decode: ${name}`, () => {
    const i = dec(bytes, code32 ?? true);
    for (const [k, v] of Object.entries(fields)) {
      const got = k === "mnemonic" ? i.op.mnemonic : i[k as keyof Instr];
      assert.equal(got, v, k);
    }
  });
}

const FAULTS: Array<[string, number[], number]> = [
  // 15 x 66 then 90: sixteen bytes
  ["sixteen bytes raise #GP(0)", [...new Array(15).fill(0x66), 0x90], GP],
  // f0 01 d8: lock add eax, ebx
  ["lock on a register destination raises #UD", [0xf0, 0x01, 0xd8], UD],
  // f0 8b 00: lock mov eax, [eax]
  ["lock on mov raises #UD", [0xf0, 0x8b, 0x00], UD],
  // 0f 04: not in the table
  ["an unknown two-byte opcode raises #UD", [0x0f, 0x04], UD],
  // 0f ff
  ["0F FF raises #UD", [0x0f, 0xff], UD],
  // fe 10: group 4 /2 is empty
  ["an empty group row raises #UD", [0xfe, 0x10], UD],
  // 0f c7 c8: cmpxchg8b with a register operand
  ["cmpxchg8b with a register raises #UD", [0x0f, 0xc7, 0xc8], UD],
  // 8c f8: mov eax, segment register 7
  ["segment register 7 raises #UD", [0x8c, 0xf8], UD],
];

for (const [name, bytes, vector] of FAULTS) {
  Deno.test(`decode: ${name}`, () => {
    assert.throws(() => dec(bytes), (e) => e instanceof CpuFault && e.vector === vector);
  });
}
