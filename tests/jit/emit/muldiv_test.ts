import assert from "node:assert/strict";
import { agreeInline, FAULT_COUNT, fillRandom, hex, installSkippingIdt } from "../_agree.ts";

Deno.test("JIT inline mul, imul, div and idiv (32-bit) agree with the interpreter", async () => {
  await agreeInline({
    steps: 9000,
    chunk: 1001,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 13),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1e00], [0x7f00, 0x100]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("B9 78 00 00 00"), // mov ecx, 120
      ...hex("8B 06"), // L: mov eax, [esi]
      ...hex("8B 5E 04"), // mov ebx, [esi+4]
      ...hex("01 CB"), // add ebx, ecx
      ...hex("F7 E3"), // mul ebx
      ...hex("0F 90 07"), // seto [edi]
      ...hex("0F 92 47 01"), // setc [edi+1]
      ...hex("89 47 04"), // mov [edi+4], eax
      ...hex("89 57 08"), // mov [edi+8], edx
      ...hex("8B 46 08"), // mov eax, [esi+8]
      ...hex("F7 6E 0C"), // imul dword [esi+12]
      ...hex("9C"), // pushfd
      ...hex("8F 47 0C"), // pop dword [edi+12]
      ...hex("89 47 10"), // mov [edi+16], eax
      ...hex("89 57 14"), // mov [edi+20], edx
      ...hex("89 C8"), // mov eax, ecx
      ...hex("F7 E8"), // imul eax
      ...hex("70 01"), // jo O
      ...hex("45"), // inc ebp
      ...hex("8B 06"), // O: mov eax, [esi]
      ...hex("8B 56 04"), // mov edx, [esi+4]
      ...hex("8B 5E 08"), // mov ebx, [esi+8]
      ...hex("81 E2 FF FF 00 00"), // and edx, 0xffff
      ...hex("81 CB 00 00 01 00"), // or ebx, 0x10000
      ...hex("01 D8"), // add eax, ebx
      ...hex("F7 F3"), // div ebx
      ...hex("89 47 18"), // mov [edi+24], eax
      ...hex("89 57 1C"), // mov [edi+28], edx
      ...hex("9C"), // pushfd
      ...hex("8F 47 20"), // pop dword [edi+32]
      ...hex("8B 46 0C"), // mov eax, [esi+12]
      ...hex("99"), // cdq
      ...hex("8B 5E 10"), // mov ebx, [esi+16]
      ...hex("C1 FB 07"), // sar ebx, 7
      ...hex("83 CB 01"), // or ebx, 1
      ...hex("F7 FB"), // idiv ebx
      ...hex("89 47 24"), // mov [edi+36], eax
      ...hex("89 57 28"), // mov [edi+40], edx
      ...hex("8B 46 04"), // mov eax, [esi+4]
      ...hex("8B 56 08"), // mov edx, [esi+8]
      ...hex("81 E2 FF 07 00 00"), // and edx, 0x7ff
      ...hex("81 66 0C FF FF FF 7F"), // and dword [esi+12], 0x7fffffff
      ...hex("81 4E 0C 00 00 00 40"), // or dword [esi+12], 0x40000000
      ...hex("F7 7E 0C"), // idiv dword [esi+12]
      ...hex("89 47 2C"), // mov [edi+44], eax
      ...hex("89 57 30"), // mov [edi+48], edx
      ...hex("89 C8"), // mov eax, ecx
      ...hex("F7 D8"), // neg eax
      ...hex("99"), // cdq
      ...hex("BB FD FF FF FF"), // mov ebx, -3
      ...hex("F7 FB"), // idiv ebx
      ...hex("89 47 34"), // mov [edi+52], eax
      ...hex("89 57 38"), // mov [edi+56], edx
      ...hex("83 C6 14"), // add esi, 20
      ...hex("83 C7 40"), // add edi, 64
      ...hex("49"), // dec ecx
      ...hex("0F 85 5A FF FF FF"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["mul", "imul1", "div", "idiv"]);
});

Deno.test("JIT inline div and idiv raise #DE exactly where the interpreter does", async () => {
  const all = await agreeInline({
    steps: 4000,
    chunk: 97,
    setup: installSkippingIdt,
    ranges: [[FAULT_COUNT, 4], [0x7f00, 0x100]],
    code: [
      ...hex("B9 3C 00 00 00"), // mov ecx, 60
      ...hex("89 C8"), // L: mov eax, ecx
      ...hex("31 D2"), // xor edx, edx
      ...hex("89 CB"), // mov ebx, ecx
      ...hex("83 E3 03"), // and ebx, 3
      ...hex("01 C6"), // add esi, eax
      ...hex("F7 F3"), // div ebx
      ...hex("01 C7"), // add edi, eax
      ...hex("89 CA"), // mov edx, ecx
      ...hex("83 E2 07"), // and edx, 7
      ...hex("B8 FF FF FF FF"), // mov eax, -1
      ...hex("F7 F3"), // div ebx
      ...hex("01 D7"), // add edi, edx
      ...hex("B8 00 00 00 00"), // mov eax, 0
      ...hex("BA 00 00 00 80"), // mov edx, 0x80000000
      ...hex("89 CB"), // mov ebx, ecx
      ...hex("83 E3 01"), // and ebx, 1
      ...hex("F7 DB"), // neg ebx
      ...hex("39 FE"), // cmp esi, edi
      ...hex("F7 FB"), // idiv ebx
      ...hex("01 C5"), // add ebp, eax
      ...hex("89 C8"), // mov eax, ecx
      ...hex("C1 E0 1A"), // shl eax, 26
      ...hex("99"), // cdq
      ...hex("89 CB"), // mov ebx, ecx
      ...hex("83 E3 03"), // and ebx, 3
      ...hex("83 EB 02"), // sub ebx, 2
      ...hex("F7 FB"), // idiv ebx
      ...hex("01 D5"), // add ebp, edx
      ...hex("B8 00 00 00 80"), // mov eax, 0x80000000
      ...hex("99"), // cdq
      ...hex("BB FF FF FF FF"), // mov ebx, -1
      ...hex("F7 FB"), // idiv ebx
      ...hex("01 C5"), // add ebp, eax
      ...hex("49"), // dec ecx
      ...hex("75 A8"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["mul", "imul1"]);
  for (const stats of all) assert.ok((stats.callouts.div ?? 0) > 0, "the #DE path was taken");
});
