import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT inline adc and sbb agree with the interpreter (CF in from every record, all sizes)", async () => {
  await agreeInline({
    steps: 9000,
    chunk: 1001,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 9),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1900], [0x7f00, 0x100]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("B9 C8 00 00 00"), // mov ecx, 200
      ...hex("8B 06"), // L: mov eax, [esi]
      ...hex("8B 5E 04"), // mov ebx, [esi+4]
      ...hex("8B 56 08"), // mov edx, [esi+8]
      ...hex("01 D8"), // add eax, ebx
      ...hex("13 56 0C"), // adc edx, [esi+12]
      ...hex("80 D3 7F"), // adc bl, 0x7f
      ...hex("9C"), // pushfd
      ...hex("8F 07"), // pop dword [edi]
      ...hex("29 D0"), // sub eax, edx
      ...hex("19 C3"), // sbb ebx, eax
      ...hex("0F 92 47 04"), // setc [edi+4]
      ...hex("0F 90 47 05"), // seto [edi+5]
      ...hex("0F 9C 47 06"), // setl [edi+6]
      ...hex("19 C0"), // sbb eax, eax
      ...hex("89 47 08"), // mov [edi+8], eax
      ...hex("66 83 F9 64"), // cmp cx, 100
      ...hex("66 81 5E 02 34 12"), // sbb word [esi+2], 0x1234
      ...hex("83 56 10 FF"), // adc dword [esi+16], -1
      ...hex("72 03"), // jc J
      ...hex("66 11 D0"), // adc ax, dx
      ...hex("42"), // J: inc edx
      ...hex("11 DA"), // adc edx, ebx
      ...hex("80 DD 00"), // sbb ch, 0
      ...hex("31 ED"), // xor ebp, ebp
      ...hex("11 ED"), // adc ebp, ebp
      ...hex("89 6F 0C"), // mov [edi+12], ebp
      ...hex("C1 E8 03"), // shr eax, 3
      ...hex("11 D8"), // adc eax, ebx
      ...hex("89 47 10"), // mov [edi+16], eax
      ...hex("89 5F 14"), // mov [edi+20], ebx
      ...hex("89 57 18"), // mov [edi+24], edx
      ...hex("9C"), // pushfd
      ...hex("8F 47 1C"), // pop dword [edi+28]
      ...hex("83 C6 14"), // add esi, 20
      ...hex("83 C7 20"), // add edi, 32
      ...hex("49"), // dec ecx
      ...hex("75 9D"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["adc", "sbb"]);
});
