import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT inline shifts and rotates agree with the interpreter for CL counts 0-71 and constant counts", async () => {
  await agreeInline({
    steps: 7000,
    chunk: 901,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x800, 5),
    ranges: [[0x4000, 0x800], [0x6000, 0x1800], [0x7f00, 0x100]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("31 C9"), // xor ecx, ecx
      ...hex("8B 06"), // L: mov eax, [esi]
      ...hex("8B 5E 04"), // mov ebx, [esi+4]
      ...hex("8B 56 08"), // mov edx, [esi+8]
      ...hex("01 DA"), // add edx, ebx
      ...hex("D3 E0"), // shl eax, cl
      ...hex("9C"), // pushfd
      ...hex("8F 07"), // pop dword [edi]
      ...hex("89 47 04"), // mov [edi+4], eax
      ...hex("29 D3"), // sub ebx, edx
      ...hex("D3 EB"), // shr ebx, cl
      ...hex("0F 92 47 08"), // setc [edi+8]
      ...hex("0F 90 47 09"), // seto [edi+9]
      ...hex("0F 94 47 0A"), // sete [edi+10]
      ...hex("89 5F 0C"), // mov [edi+12], ebx
      ...hex("D3 FA"), // sar edx, cl
      ...hex("11 D0"), // adc eax, edx
      ...hex("89 47 10"), // mov [edi+16], eax
      ...hex("89 57 14"), // mov [edi+20], edx
      ...hex("66 D3 66 0C"), // shl word [esi+12], cl
      ...hex("9C"), // pushfd
      ...hex("8F 47 18"), // pop dword [edi+24]
      ...hex("45"), // inc ebp
      ...hex("D2 6E 0E"), // shr byte [esi+14], cl
      ...hex("9C"), // pushfd
      ...hex("8F 47 1C"), // pop dword [edi+28]
      ...hex("D2 FB"), // sar bl, cl
      ...hex("D3 C0"), // rol eax, cl
      ...hex("9C"), // pushfd
      ...hex("8F 47 20"), // pop dword [edi+32]
      ...hex("66 D3 CA"), // ror dx, cl
      ...hex("0F 90 47 40"), // seto [edi+64]
      ...hex("0F 92 47 41"), // setc [edi+65]
      ...hex("19 C3"), // sbb ebx, eax
      ...hex("D2 C7"), // rol bh, cl
      ...hex("9C"), // pushfd
      ...hex("8F 47 24"), // pop dword [edi+36]
      ...hex("D1 C0"), // rol eax, 1
      ...hex("C1 CB 05"), // ror ebx, 5
      ...hex("0F 90 47 42"), // seto [edi+66]
      ...hex("0F 92 47 43"), // setc [edi+67]
      ...hex("C0 46 0F 03"), // rol byte [esi+15], 3
      ...hex("9C"), // pushfd
      ...hex("8F 47 28"), // pop dword [edi+40]
      ...hex("66 D3 4E 02"), // ror word [esi+2], cl
      ...hex("0F 90 47 48"), // seto [edi+72]
      ...hex("0F 92 47 49"), // setc [edi+73]
      ...hex("D3 46 04"), // rol dword [esi+4], cl
      ...hex("0F 92 47 2C"), // setc [edi+44]
      ...hex("0F 90 47 2D"), // seto [edi+45]
      ...hex("66 D3 F8"), // sar ax, cl
      ...hex("D2 E6"), // shl dh, cl
      ...hex("0F 92 47 2E"), // setc [edi+46]
      ...hex("C1 E3 00"), // shl ebx, 0
      ...hex("C0 EC 09"), // shr ah, 9
      ...hex("72 01"), // jc J
      ...hex("42"), // inc edx
      ...hex("48"), // J: dec eax
      ...hex("C1 4E 08 1F"), // ror dword [esi+8], 31
      ...hex("9C"), // pushfd
      ...hex("8F 47 44"), // pop dword [edi+68]
      ...hex("66 D1 7E 06"), // sar word [esi+6], 1
      ...hex("9C"), // pushfd
      ...hex("8F 47 30"), // pop dword [edi+48]
      ...hex("89 47 34"), // mov [edi+52], eax
      ...hex("89 5F 38"), // mov [edi+56], ebx
      ...hex("89 57 3C"), // mov [edi+60], edx
      ...hex("83 C6 10"), // add esi, 16
      ...hex("83 C7 50"), // add edi, 80
      ...hex("41"), // inc ecx
      ...hex("83 F9 48"), // cmp ecx, 72
      ...hex("0F 85 3E FF FF FF"), // jne L
      ...hex("F4"), // hlt
    ],
  }, ["shl", "shr", "sar", "rol", "ror"]);
});
