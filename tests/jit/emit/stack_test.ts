import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT inline enter (level 0) and leave agree with the interpreter, 32- and 16-bit operands", async () => {
  await agreeInline({
    steps: 6000,
    chunk: 777,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 23),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1800], [0x7000, 0x1000]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("B9 96 00 00 00"), // mov ecx, 150
      ...hex("BD 78 56 34 12"), // mov ebp, 0x12345678
      ...hex("C8 10 00 00"), // L: enter 0x10, 0
      ...hex("89 4D FC"), // mov [ebp-4], ecx
      ...hex("8B 06"), // mov eax, [esi]
      ...hex("89 45 F8"), // mov [ebp-8], eax
      ...hex("50"), // push eax
      ...hex("C8 00 00 00"), // enter 0, 0
      ...hex("03 45 04"), // add eax, [ebp+4]
      ...hex("C9"), // leave
      ...hex("89 27"), // mov [edi], esp
      ...hex("89 6F 04"), // mov [edi+4], ebp
      ...hex("58"), // pop eax
      ...hex("C9"), // leave
      ...hex("89 67 08"), // mov [edi+8], esp
      ...hex("89 6F 0C"), // mov [edi+12], ebp
      ...hex("BD 00 70 00 00"), // mov ebp, 0x7000
      ...hex("66 C8 08 00 00"), // o16 enter 8, 0
      ...hex("89 67 10"), // mov [edi+16], esp
      ...hex("89 6F 14"), // mov [edi+20], ebp
      ...hex("66 C9"), // o16 leave
      ...hex("89 67 18"), // mov [edi+24], esp
      ...hex("89 6F 1C"), // mov [edi+28], ebp
      ...hex("89 E5"), // mov ebp, esp
      ...hex("83 ED 0C"), // sub ebp, 12
      ...hex("C7 45 00 01 EF CD AB"), // mov dword [ebp], 0xabcdef01
      ...hex("C9"), // leave
      ...hex("89 6F 20"), // mov [edi+32], ebp
      ...hex("89 67 24"), // mov [edi+36], esp
      ...hex("BC 00 80 00 00"), // mov esp, 0x8000
      ...hex("83 C6 04"), // add esi, 4
      ...hex("83 C7 28"), // add edi, 40
      ...hex("49"), // dec ecx
      ...hex("75 A5"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["enter", "leave"]);
});
