import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT inline bt/bts/btr/btc, bsf/bsr agree with the interpreter after every kind of flag record", async () => {
  await agreeInline({
    steps: 12000,
    chunk: 777,
    setup: (cpu) => fillRandom(cpu, 0x3000, 0x3000, 17),
    ranges: [[0x3000, 0x3000], [0x6000, 0x3000], [0x7f00, 0x100]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("B9 96 00 00 00"), // mov ecx, 150
      ...hex("8B 06"), // L: mov eax, [esi]
      ...hex("8B 5E 04"), // mov ebx, [esi+4]
      ...hex("8B 56 08"), // mov edx, [esi+8]
      ...hex("01 D8"), // add eax, ebx
      ...hex("0F A3 C8"), // bt eax, ecx
      ...hex("9C"), // pushfd
      ...hex("8F 07"), // pop dword [edi]
      ...hex("11 D0"), // adc eax, edx
      ...hex("0F BA EB 07"), // bts ebx, 7
      ...hex("9C"), // pushfd
      ...hex("8F 47 04"), // pop dword [edi+4]
      ...hex("29 C2"), // sub edx, eax
      ...hex("66 0F B3 CA"), // btr dx, cx
      ...hex("9C"), // pushfd
      ...hex("8F 47 08"), // pop dword [edi+8]
      ...hex("19 CA"), // sbb edx, ecx
      ...hex("0F BA 7E 0C 21"), // btc dword [esi+12], 33
      ...hex("9C"), // pushfd
      ...hex("8F 47 0C"), // pop dword [edi+12]
      ...hex("21 D0"), // and eax, edx
      ...hex("0F A3 4E 10"), // bt dword [esi+16], ecx
      ...hex("9C"), // pushfd
      ...hex("8F 47 10"), // pop dword [edi+16]
      ...hex("FE C3"), // inc bl
      ...hex("0F BE D2"), // movsx edx, dl
      ...hex("0F AB 56 20"), // bts dword [esi+32], edx
      ...hex("9C"), // pushfd
      ...hex("8F 47 14"), // pop dword [edi+20]
      ...hex("FE CF"), // dec bh
      ...hex("66 0F B3 46 18"), // btr word [esi+24], ax
      ...hex("9C"), // pushfd
      ...hex("8F 47 18"), // pop dword [edi+24]
      ...hex("D3 E0"), // shl eax, cl
      ...hex("0F BC E8"), // bsf ebp, eax
      ...hex("9C"), // pushfd
      ...hex("8F 47 1C"), // pop dword [edi+28]
      ...hex("C1 EA 03"), // shr edx, 3
      ...hex("0F BD EA"), // bsr ebp, edx
      ...hex("9C"), // pushfd
      ...hex("8F 47 20"), // pop dword [edi+32]
      ...hex("66 D3 FB"), // sar bx, cl
      ...hex("66 0F BC EB"), // bsf bp, bx
      ...hex("9C"), // pushfd
      ...hex("8F 47 24"), // pop dword [edi+36]
      ...hex("F7 D8"), // neg eax
      ...hex("0F BD 6E 14"), // bsr ebp, [esi+20]
      ...hex("9C"), // pushfd
      ...hex("8F 47 28"), // pop dword [edi+40]
      ...hex("0F AF C3"), // imul eax, ebx
      ...hex("0F BA E0 1F"), // bt eax, 31
      ...hex("9C"), // pushfd
      ...hex("8F 47 2C"), // pop dword [edi+44]
      ...hex("31 DB"), // xor ebx, ebx
      ...hex("0F BC C3"), // bsf eax, ebx
      ...hex("9C"), // pushfd
      ...hex("8F 47 30"), // pop dword [edi+48]
      ...hex("89 47 34"), // mov [edi+52], eax
      ...hex("89 5F 38"), // mov [edi+56], ebx
      ...hex("89 57 3C"), // mov [edi+60], edx
      ...hex("89 6F 40"), // mov [edi+64], ebp
      ...hex("D1 C0"), // rol eax, 1
      ...hex("0F BD C0"), // bsr eax, eax
      ...hex("0F 94 47 44"), // sete [edi+68]
      ...hex("4A"), // dec edx
      ...hex("0F BA FA 00"), // btc edx, 0
      ...hex("0F 92 47 45"), // setc [edi+69]
      ...hex("0F 90 47 46"), // seto [edi+70]
      ...hex("0F CA"), // bswap edx
      ...hex("89 57 48"), // mov [edi+72], edx
      ...hex("83 C6 0C"), // add esi, 12
      ...hex("83 C7 50"), // add edi, 80
      ...hex("49"), // dec ecx
      ...hex("0F 85 3F FF FF FF"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["bt", "bts", "btr", "btc", "bsf", "bsr", "bswap"]);
});
